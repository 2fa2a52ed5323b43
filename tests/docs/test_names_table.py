"""The guide's tables of loss, metric and optimizer names are the ones the registries give."""

from __future__ import annotations

import importlib.util
from types import ModuleType

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
