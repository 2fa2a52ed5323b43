"""Weights files: safetensors round trips, cross-backend transfer, atomic writes and clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry
from dualnet.io import WeightsNotFoundError, WriteError, load_state, save_state

X = np.random.default_rng(0).standard_normal((3, 5)).astype("float32")


def _model() -> dn.nn.Module:
    return dn.nn.Sequential([dn.nn.Dense(4, activation="relu"), dn.nn.BatchNorm(), dn.nn.Dense(2)])


def test_round_trip_keeps_every_array(backend: str, tmp_path: Path) -> None:
    model = _model()
    model(X)
    path = tmp_path / "w.safetensors"
    model.save_weights(path)
    other = _model()
    other(X)
    other.load_weights(path)
    for (name, a), b in zip(model.state_dict().items(), other.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert sorted(load_state(path)) == sorted(model.state_dict())


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
def test_a_file_written_on_one_backend_loads_on_the_other(tmp_path: Path) -> None:
    path = tmp_path / "w.safetensors"
    outputs = {}
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        dn.seed(1 if name == "torch" else 2)  # different initial weights: the file must decide
        model = _model()
        model(X)
        model.eval()
        if name == "torch":
            model.save_weights(path)
        else:
            model.load_weights(path)
        outputs[name] = dn.ops.to_numpy(model(X))
    np.testing.assert_allclose(outputs["tensorflow"], outputs["torch"], rtol=1e-5, atol=1e-6)


def test_missing_file_and_corrupt_file(backend: str, tmp_path: Path) -> None:
    model = _model()
    model(X)
    with pytest.raises(WeightsNotFoundError, match="does not exist") as missing:
        model.load_weights(tmp_path / "nope.safetensors")
    assert isinstance(missing.value, FileNotFoundError)
    bad = tmp_path / "bad.safetensors"
    model.save_weights(bad)
    bad.write_bytes(bad.read_bytes()[:-7])
    with pytest.raises(dn.WeightsFileError, match="truncated or corrupt"):
        model.load_weights(bad)


def test_mismatched_file_names_the_keys_and_loads_nothing(backend: str, tmp_path: Path) -> None:
    model = _model()
    model(X)
    state = model.state_dict()
    state.pop("2.bias")
    save_state(state, tmp_path / "partial.safetensors")
    before = model.state_dict()
    with pytest.raises(dn.StateDictError, match=r"missing keys '2\.bias'"):
        model.load_weights(tmp_path / "partial.safetensors")
    for (name, a), b in zip(before.items(), model.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_failed_write_keeps_the_previous_file(backend: str, tmp_path: Path) -> None:
    model = _model()
    model(X)
    path = tmp_path / "w.safetensors"
    model.save_weights(path)
    before = path.read_bytes()
    with pytest.raises(WriteError, match="check that the folder exists"):
        model.save_weights(tmp_path / "missing-folder" / "w.safetensors")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]  # no temporary file left behind
