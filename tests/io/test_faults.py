"""Faults: bad files, full or read-only locations and crashing callbacks never corrupt a model or its checkpoints."""

from __future__ import annotations

import errno
import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.errors import StateDictError, WeightsFileError
from dualnet.io import WriteError, save_state
from dualnet.io.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from tests.helpers import HANG_LIMIT_S

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


# --- full, read-only and size-limited locations ------------------------------------------------------------------


def _checkpointed(tmp_path: Path) -> tuple[dn.nn.Module, dn.optim.Optimizer, Path, bytes]:
    model = _model()
    optimizer = dn.optim.Adam(model.parameters())
    path = save_checkpoint(tmp_path / "c.safetensors", model=model, optimizer=optimizer)
    return model, optimizer, path, path.read_bytes()


def _fail_with(code: int) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


# Where each condition surfaces: read-only at the temporary file's creation, disk full at the flush to disk.
LOCATIONS = {
    "read-only": ("dualnet.io.atomic._create_temporary", errno.EROFS, "read-only or not writable"),
    "no permission": ("dualnet.io.atomic._create_temporary", errno.EACCES, "read-only or not writable"),
    "disk full": ("os.fsync", errno.ENOSPC, "free disk space"),
    "quota": ("os.fsync", errno.EDQUOT, "free disk space"),
}


@pytest.mark.parametrize("location", list(LOCATIONS))
def test_save_into_a_bad_location_keeps_the_earlier_checkpoint(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, location: str
) -> None:
    target, code, fix = LOCATIONS[location]
    model, optimizer, path, before = _checkpointed(tmp_path)
    model.load_state_dict({k: v + 1 for k, v in model.state_dict().items()})
    monkeypatch.setattr(target, _fail_with(code))
    with pytest.raises(WriteError, match=f"cannot write {re.escape(repr(str(path)))}: .*{fix}") as caught:
        save_checkpoint(path, model=model, optimizer=optimizer)
    assert isinstance(caught.value, OSError) and caught.value.__cause__.errno == code  # type: ignore[union-attr]
    monkeypatch.undo()
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["c.safetensors"]
    fresh = _model()
    load_checkpoint(path, model=fresh, optimizer=dn.optim.Adam(fresh.parameters()))


_SIZE_LIMITED = """
import resource, signal, sys
import numpy as np
from dualnet.io import save_state, load_state, WriteError
path = sys.argv[1]
save_state({"w": np.zeros(16, "float32")}, path)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit then fail with EFBIG instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    save_state({"w": np.ones(100_000, "float32")}, path)
except WriteError as exc:
    print("WriteError", exc.__cause__.errno, exc)
print("loaded", load_state(path)["w"].sum())
"""


def test_a_real_file_size_limit_is_a_clear_error(tmp_path: Path) -> None:
    # A real kernel refusal (RLIMIT_FSIZE), in a child: the write path is the same on every backend.
    script = tmp_path / "limited.py"
    script.write_text(_SIZE_LIMITED)
    path = tmp_path / "data" / "w.safetensors"
    path.parent.mkdir()
    env = {**os.environ, "PYTHONPATH": str(Path(dn.__file__).parent.parent)}
    run = subprocess.run(
        [sys.executable, str(script), str(path)], capture_output=True, text=True, env=env, timeout=HANG_LIMIT_S
    )
    assert run.returncode == 0, run.stderr[-2000:]
    first, second = run.stdout.splitlines()
    assert first.startswith(f"WriteError {errno.EFBIG} cannot write {str(path)!r}") and "size limit" in first
    assert second == "loaded 0.0"  # the earlier file, intact
    assert [p.name for p in path.parent.iterdir()] == ["w.safetensors"]


# --- a crash in a callback ----------------------------------------------------------------------------------------

_rng = np.random.default_rng(5)
XT = _rng.standard_normal((48, 3)).astype("float32")
YT = (XT[:, 0] > XT[:, 1]).astype("int64")


def _trainer() -> dn.Trainer:
    dn.seed(0)
    model = dn.nn.Sequential(
        [dn.nn.Dense(8, activation="relu", in_features=3), dn.nn.Dropout(0.2), dn.nn.Dense(2, in_features=8)]
    )
    return dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy")


class _Crash(dn.callbacks.Callback):
    """Raises at ``(epoch, batch)``; batch None means at that epoch's end."""

    def __init__(self, epoch: int, batch: int | None, stop_instead: bool = False) -> None:
        super().__init__()
        self.at, self.stop_instead = (epoch, batch), stop_instead

    def on_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        if (self.trainer.epoch, batch) == self.at:
            if self.stop_instead:
                self.trainer.stop_training = True
                return
            raise RuntimeError("callback bug")

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        if (epoch, None) == self.at:
            raise RuntimeError("callback bug")


def _fit(trainer: dn.Trainer, epochs: int, callbacks: list[dn.callbacks.Callback], **kw: object) -> None:
    trainer.fit(XT, YT, epochs=epochs, batch_size=16, verbose=0, callbacks=callbacks, **kw)  # type: ignore[arg-type]


def test_a_crashing_callback_corrupts_neither_model_nor_checkpoints(backend: str, tmp_path: Path) -> None:
    full = _trainer()
    _fit(full, 3, [])
    path = tmp_path / "c.safetensors"
    # Crash mid-epoch: the model holds exactly the weights after that batch, as if training had stopped there.
    crashed = _trainer()
    with pytest.raises(RuntimeError, match="callback bug"):
        _fit(crashed, 3, [_Crash(1, 1), dn.callbacks.ModelCheckpoint(path, save_weights_only=False)])
    stopped = _trainer()
    _fit(stopped, 3, [_Crash(1, 1, stop_instead=True)])
    for name, value in stopped.model.state_dict().items():
        np.testing.assert_array_equal(crashed.model.state_dict()[name], value, err_msg=name)
    assert read_metadata(path)["epoch"] == 1
    # Crash at an epoch end, before the checkpoint callback: the file keeps the previous epoch.
    with pytest.raises(RuntimeError, match="callback bug"):
        _fit(_trainer(), 3, [_Crash(2, None), dn.callbacks.ModelCheckpoint(path, save_weights_only=False)])
    assert read_metadata(path)["epoch"] == 2 and [p.name for p in tmp_path.iterdir()] == ["c.safetensors"]
    resumed = _trainer()
    _fit(resumed, 3, [], resume_from=path)
    for name, value in full.model.state_dict().items():
        np.testing.assert_array_equal(resumed.model.state_dict()[name], value, err_msg=name)
