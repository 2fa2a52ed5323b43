"""The guide's tables of loss, metric, optimizer and schedule names are the ones the code and the frameworks give."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType
from typing import Any

import pytest

from tests.docs.pages import DOCS, ROOT


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("names_table", ROOT / "docs" / "scripts" / "names_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_holds_the_generated_tables() -> None:
    script = _script()
    page = DOCS / "guides" / "losses-and-metrics.md"
    text = page.read_text(encoding="utf-8")
    assert script.page_with_tables(text) == text, (
        "docs/guides/losses-and-metrics.md is out of date; run python docs/scripts/names_table.py --write"
    )


def test_every_name_is_in_the_tables() -> None:
    from dualnet.losses import names as loss_names
    from dualnet.metrics import names as metric_names

    tables = _script().tables()
    for name in [*loss_names.NAMES, *loss_names.KERAS_NOT_YET, *metric_names.NAMES, *metric_names.KERAS_NOT_YET]:
        assert f'`"{name}"`' in tables, name


def _resolves(roots: list[Any], dotted: str) -> bool:
    for root in roots:
        obj = root
        for part in dotted.split("."):
            obj = getattr(obj, part, None)
        if obj is not None:
            return True
    return False


def test_the_side_by_side_names_exist_in_keras_and_torch() -> None:
    """Every Keras and PyTorch name in the side-by-side tables is a class or function of that framework."""
    keras = pytest.importorskip("keras")
    torch = pytest.importorskip("torch")
    roots = {  # family -> (where its Keras names live, where its PyTorch names live)
        "dn.losses": ([keras], [torch.nn, torch.nn.functional]),
        "dn.optim.schedules": ([keras.optimizers.schedules], [torch.optim.lr_scheduler]),
        "dn.optim": ([keras], [torch]),
    }
    seen = 0
    for line in _script().side_by_side():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`dn."):
            continue
        family = next(f for f in roots if cells[0].startswith(f"`{f}."))
        for column, cell in enumerate(cells[1:]):
            for name in re.findall(r"`([^`]+)`", cell):
                dotted = name.removeprefix("keras.").removeprefix("torch.")
                assert _resolves(roots[family][column], dotted), f"{cells[0]}: {name} is not in that framework"
                seen += 1
    assert seen > 60
