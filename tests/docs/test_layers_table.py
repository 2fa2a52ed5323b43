"""The Keras layers table is the one ``docs/scripts/layers_table.py`` writes; every gap in it is a listed decision."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from tests.docs.pages import ROOT

pytest.importorskip("keras")  # the page enumerates Keras's layers; keras is installed with TensorFlow


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layers_table", ROOT / "docs" / "scripts" / "layers_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_is_current(script: ModuleType) -> None:
    text = (ROOT / "docs" / "reference" / "layers-table.md").read_text(encoding="utf-8")
    assert text == script.page(), (
        "docs/reference/layers-table.md is out of date; run docs/scripts/layers_table.py --write"
    )


def test_every_missing_layer_is_listed_with_what_it_needs(script: ModuleType) -> None:
    missing = {name for name, _, state, _ in script.rows() if state == "missing"}
    unlisted = missing - set(script.MISSING)
    assert not unlisted, f"Keras layers missing from dn.nn and not in MISSING: {sorted(unlisted)}; add or list them"
    stale = set(script.MISSING) - missing
    assert not stale, f"MISSING lists {sorted(stale)}, which are no longer missing; remove them"
    assert all(len(need.split()) >= 4 for need in script.MISSING.values())


def test_omissions_are_few_and_give_reasons(script: ModuleType) -> None:
    names = set(script.keras_layers())
    assert len(script.OMITTED) <= 5
    for name, reason in script.OMITTED.items():
        assert name in names, f"OMITTED names {name!r}, which keras.layers does not have"
        assert len(reason.split()) >= 5, f"{name}: say why it is left out"
    assert not set(script.PENDING) - names, "PENDING names a class keras.layers does not have"


def test_the_selection_and_the_mappings(script: ModuleType) -> None:
    import dualnet as dn

    names = script.keras_layers()
    assert "Dense" in names and "EinsumDense" in names
    assert "Rescaling" not in names and "CenterCrop" not in names  # preprocessing, by Keras's module path
    assert set(script.TORCH) == set(names), "TORCH must map exactly the Keras layers the table lists"
    assert script.status("Conv2D") == ("present", "dn.nn.Conv2D")
    assert script.status("Layer") == ("present", "dn.nn.Module")
    for name, _, state, detail in script.rows():
        if state == "present":
            assert callable(getattr(dn.nn, detail.split(".")[-1])), name
