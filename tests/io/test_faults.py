"""Bad weights and checkpoint files: each defect is a dualnet error that names it, and nothing is loaded."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.errors import StateDictError, WeightsFileError
from dualnet.io import save_state
from dualnet.io.checkpoint import load_checkpoint, save_checkpoint

X = np.random.default_rng(0).standard_normal((2, 3)).astype("float32")


def _model() -> dn.nn.Module:
    model = dn.nn.Sequential([dn.nn.Dense(4, in_features=3), dn.nn.BatchNorm(), dn.nn.Dense(2, in_features=4)])
    model(X)  # BatchNorm learns its size here
    return model


def _unchanged(model: dn.nn.Module, before: dict[str, np.ndarray]) -> None:
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


def _header_size(data: bytes) -> int:
    return int(struct.unpack("<Q", data[:8])[0])


def _truncated(data: bytes) -> bytes:
    return data[:-7]


def _bad_json(data: bytes) -> bytes:
    size = _header_size(data)
    return data[:8] + b"{" + b"!" * (size - 1) + data[8 + size :]


def _huge_length(data: bytes) -> bytes:
    return struct.pack("<Q", 10**9) + data[8:]


def _empty(data: bytes) -> bytes:
    return data[:3]


CORRUPTIONS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "truncated body": (_truncated, "truncated body"),
    "bad JSON": (_bad_json, "not valid JSON"),
    "header length past the end": (_huge_length, "length field says 1000000000 bytes"),
    "shorter than the length field": (_empty, "fewer than the 8-byte header length"),
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupt_weights_file_names_the_defect(backend: str, tmp_path: Path, kind: str) -> None:
    corrupt, message = CORRUPTIONS[kind]
    model = _model()
    path = tmp_path / "w.safetensors"
    model.save_weights(path)
    path.write_bytes(corrupt(path.read_bytes()))
    other = _model()
    before = other.state_dict()
    with pytest.raises(WeightsFileError, match=message):
        other.load_weights(path)
    _unchanged(other, before)


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupt_checkpoint_names_the_defect(backend: str, tmp_path: Path, kind: str) -> None:
    corrupt, message = CORRUPTIONS[kind]
    model = _model()
    optimizer = dn.optim.Adam(model.parameters())
    path = save_checkpoint(tmp_path / "c.safetensors", model=model, optimizer=optimizer)
    path.write_bytes(corrupt(path.read_bytes()))
    dn.seed(1)
    other = _model()
    before = other.state_dict()
    with pytest.raises(WeightsFileError, match=message):
        load_checkpoint(path, model=other, optimizer=dn.optim.Adam(other.parameters()))
    _unchanged(other, before)


def _saved(tmp_path: Path, edit: Callable[[dict[str, np.ndarray]], None]) -> Path:
    state = _model().state_dict()
    edit(state)
    return save_state(state, tmp_path / "w.safetensors")


def test_missing_keys_are_named(backend: str, tmp_path: Path) -> None:
    path = _saved(tmp_path, lambda s: [s.pop("1.moving_mean"), s.pop("2.bias")])
    model = _model()
    before = model.state_dict()
    with pytest.raises(StateDictError, match=r"(?s)1\.moving_mean.*2\.bias|2\.bias.*1\.moving_mean"):
        model.load_weights(path)
    _unchanged(model, before)


def test_unexpected_keys_are_named(backend: str, tmp_path: Path) -> None:
    path = _saved(tmp_path, lambda s: s.update({"3.kernel": np.zeros((2, 2), "float32")}))
    model = _model()
    before = model.state_dict()
    with pytest.raises(StateDictError, match=r"3\.kernel"):
        model.load_weights(path)
    _unchanged(model, before)


def test_wrong_shapes_are_named(backend: str, tmp_path: Path) -> None:
    path = _saved(tmp_path, lambda s: s.update({"0.kernel": np.zeros((5, 4), "float32")}))
    model = _model()
    before = model.state_dict()
    with pytest.raises(StateDictError, match=r"0\.kernel.*\(5, 4\)|\(5, 4\).*0\.kernel"):
        model.load_weights(path)
    _unchanged(model, before)


def test_checkpoint_with_wrong_model_loads_nothing(backend: str, tmp_path: Path) -> None:
    model = _model()
    path = save_checkpoint(tmp_path / "c.safetensors", model=model, optimizer=dn.optim.SGD(model.parameters(), lr=0.1))
    other = dn.nn.Sequential([dn.nn.Dense(4, in_features=3), dn.nn.Dense(2, in_features=4)])
    optimizer = dn.optim.SGD(other.parameters(), lr=0.5)
    before, state = other.state_dict(), optimizer.state_dict()
    with pytest.raises(StateDictError, match=r"missing keys '1\.kernel'"):
        load_checkpoint(path, model=other, optimizer=optimizer)
    _unchanged(other, before)
    for name, value in optimizer.state_dict().items():
        np.testing.assert_array_equal(value, state[name], err_msg=name)
