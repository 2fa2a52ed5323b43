"""Misuse catalogue: the issue's crafted model files (absurd sizes) are refused by dn.load, naming the layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks.load_bombs import CASES
from safetensors.numpy import save as save_tensors

import dualnet as dn
from tests.errors.catalogue import Case, check


@pytest.mark.parametrize("name", list(CASES))
def test_crafted_model_files_are_refused(backend: str, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.safetensors"
    path.write_bytes(save_tensors({}, metadata={"dualnet.config": json.dumps(CASES[name][1])}))
    layer = CASES[name][1]["class"]
    says = ("saved model", "the file is damaged") + ((layer,) if layer != "Sequential" else ("input signature",))
    check(Case(name, lambda: dn.load(path), dn.ArgumentError, says))
