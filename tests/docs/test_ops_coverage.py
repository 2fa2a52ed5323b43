"""The Keras ops coverage page is the one ``docs/scripts/ops_coverage.py`` writes, and its omissions give reasons."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from tests.docs.pages import ROOT

pytest.importorskip("keras")  # the page enumerates Keras's ops; keras is installed with TensorFlow


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ops_coverage", ROOT / "docs" / "scripts" / "ops_coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _script()


def test_the_page_is_current(script: ModuleType) -> None:
    text = (ROOT / "docs" / "reference" / "ops-coverage.md").read_text(encoding="utf-8")
    assert text == script.page(), (
        "docs/reference/ops-coverage.md is out of date; run python docs/scripts/ops_coverage.py --write"
    )


def test_every_omission_has_a_reason_and_names_a_keras_function(script: ModuleType) -> None:
    listed = {name for entries in script.rows().values() for name, _, _ in entries}
    for name, reason in script.OMITTED.items():
        assert len(reason.split()) >= 5, f"{name}: say why it is left out"
        assert name in listed, f"OMITTED names {name!r}, which no Keras namespace has; remove it"
    assert len(script.OMITTED) <= 10  # the bound on deliberate omissions


def test_present_names_resolve_and_renames_point_at_callables(script: ModuleType) -> None:
    import dualnet as dn

    for entries in script.rows().values():
        for name, state, detail in entries:
            if state == "present":
                found: object = dn
                for part in detail.split(".")[1:]:
                    found = getattr(found, part)
                assert callable(found), f"{name} -> {detail}"
    assert script.status("keras.ops", "arctan2") == ("present", "dn.ops.arctan2")
    assert script.status("keras.ops", "swish") == ("present", "dn.ops.silu")
    assert script.counts()["present"] >= 150
