"""Checkpoints: round trips, resuming equals an uninterrupted run, SIGKILL mid-epoch and mid-save, cross-backend."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry
from dualnet.errors import ArgumentError, StateDictError, WeightsFileError
from dualnet.io.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from tests.helpers import HANG_LIMIT_S

_rng = np.random.default_rng(3)
X = _rng.standard_normal((48, 4)).astype("float32")
Y = (X[:, 0] - X[:, 1] > 0).astype("int64")


def _trainer(dropout: bool) -> dn.Trainer:
    dn.seed(0)
    layers = [dn.nn.Dense(8, activation="relu", in_features=4), dn.nn.Dense(2, in_features=8)]
    if dropout:
        layers.insert(1, dn.nn.Dropout(0.3))
    model = dn.nn.Sequential(layers)
    return dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", metrics=["accuracy"])


def _fit(trainer: dn.Trainer, epochs: int, **kwargs: object) -> dn.callbacks.History:
    return trainer.fit(X, Y, epochs=epochs, batch_size=16, verbose=0, **kwargs)  # type: ignore[arg-type]


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def test_round_trip_restores_weights_optimizer_and_counters(backend: str, tmp_path: Path) -> None:
    trainer = _trainer(dropout=False)
    _fit(trainer, 2)
    path = save_checkpoint(tmp_path / "c.safetensors", trainer=trainer)
    meta = read_metadata(path)
    assert (meta["format"], meta["version"], meta["backend"], meta["epoch"], meta["global_step"]) == (
        "dualnet.checkpoint",
        1,
        backend,
        2,
        6,
    )
    assert meta["history"]["epoch"] == [0, 1] and len(meta["history"]["logs"]["loss"]) == 2
    fresh = _trainer(dropout=False)
    load_checkpoint(path, trainer=fresh)
    _same(fresh.model.state_dict(), trainer.model.state_dict())
    _same(fresh.optimizer.state_dict(), trainer.optimizer.state_dict())  # type: ignore[union-attr]
    assert (fresh.epoch, fresh.completed_epochs, fresh.global_step) == (2, 2, 6)


def test_resume_equals_uninterrupted_run_bitwise(backend: str, tmp_path: Path) -> None:
    dropout = True  # the dropout stream is part of the saved RNG state on both backends
    full = _trainer(dropout)
    _fit(full, 4)
    path = tmp_path / "c.safetensors"
    _fit(_trainer(dropout), 2, callbacks=[dn.callbacks.ModelCheckpoint(path, save_weights_only=False)])
    resumed = _trainer(dropout)
    history = _fit(resumed, 4, resume_from=path)
    _same(resumed.model.state_dict(), full.model.state_dict())
    _same(resumed.optimizer.state_dict(), full.optimizer.state_dict())  # type: ignore[union-attr]
    assert history.epoch == [0, 1, 2, 3] and len(history.history["loss"]) == 4
    assert history.history["loss"] == full.history.history["loss"]  # type: ignore[union-attr]
    assert resumed.global_step == full.global_step == 12


def test_model_only_and_missing_parts(backend: str, tmp_path: Path) -> None:
    trainer = _trainer(dropout=False)
    path = save_checkpoint(tmp_path / "m.safetensors", model=trainer.model)
    other = _trainer(dropout=False)
    with pytest.raises(WeightsFileError, match="no optimizer state"):
        load_checkpoint(path, model=other.model, optimizer=other.optimizer)
    load_checkpoint(path, model=other.model)
    with pytest.raises(ArgumentError, match="nothing to save"):
        save_checkpoint(tmp_path / "x.safetensors")


def test_plain_weights_file_is_not_a_checkpoint(backend: str, tmp_path: Path) -> None:
    trainer = _trainer(dropout=False)
    trainer.model.save_weights(tmp_path / "w.safetensors")
    with pytest.raises(WeightsFileError, match="not a dualnet checkpoint"):
        load_checkpoint(tmp_path / "w.safetensors", trainer=trainer)


def test_failed_optimizer_load_rolls_the_model_back(backend: str, tmp_path: Path) -> None:
    trainer = _trainer(dropout=False)
    _fit(trainer, 1)
    path = save_checkpoint(tmp_path / "c.safetensors", trainer=trainer)
    dn.seed(0)
    model = trainer.model.__class__([dn.nn.Dense(8, activation="relu", in_features=4), dn.nn.Dense(2, in_features=8)])
    sgd = dn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    before = model.state_dict()
    with pytest.raises(StateDictError):
        load_checkpoint(path, model=model, optimizer=sgd)
    _same(model.state_dict(), before)


@pytest.mark.skipif(not all(map(registry.is_installed, ("torch", "tensorflow"))), reason="needs both backends")
def test_checkpoint_from_torch_resumes_on_tensorflow(tmp_path: Path) -> None:
    dn.set_backend("torch")
    full = _trainer(dropout=False)
    _fit(full, 4)
    expected = full.model.state_dict()
    path = tmp_path / "c.safetensors"
    _fit(_trainer(dropout=False), 2, callbacks=[dn.callbacks.ModelCheckpoint(path, save_weights_only=False)])
    dn.set_backend("tensorflow")
    try:
        resumed = _trainer(dropout=False)
        history = _fit(resumed, 4, resume_from=path)
        assert history.epoch == [0, 1, 2, 3] and resumed.global_step == 12
        for name, value in expected.items():
            np.testing.assert_allclose(resumed.model.state_dict()[name], value, rtol=1e-4, atol=1e-5, err_msg=name)
    finally:
        dn.set_backend("torch")


# --- processes killed with SIGKILL -------------------------------------------------------------------------------


def _env(backend: str) -> dict[str, str]:
    src = str(Path(dn.__file__).parent.parent)
    return {**os.environ, "DUALNET_BACKEND": backend, "PYTHONPATH": src, "TF_CPP_MIN_LOG_LEVEL": "3"}


def _spawn(script: Path, backend: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(script), *args],
        env=_env(backend),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


_SAVER = """
import sys
import numpy as np
import dualnet as dn
from dualnet.io.checkpoint import save_checkpoint
dn.seed(0)
model = dn.nn.Sequential([dn.nn.Dense(512, in_features=512), dn.nn.Dense(512, in_features=512)])
path = sys.argv[1]
for version in range(1, 100000):
    model.load_state_dict({k: np.full(v.shape, version, v.dtype) for k, v in model.state_dict().items()})
    save_checkpoint(path, model=model)
    print("SAVED", version, flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_saves_leaves_a_complete_checkpoint(torch_backend: str, tmp_path: Path) -> None:
    script = tmp_path / "saver.py"
    script.write_text(_SAVER)
    path = tmp_path / "c.safetensors"
    delays = np.random.default_rng(0).uniform(0.0, 0.05, size=3)
    for delay in delays:
        saver = _spawn(script, "torch", str(path))
        assert saver.stdout is not None
        first = int(saver.stdout.readline().split()[1])
        time.sleep(float(delay))
        saver.send_signal(signal.SIGKILL)
        saver.wait(timeout=HANG_LIMIT_S)
        state = dn.io.load_state(path)  # one complete version, never a mix or a torn file
        versions = {float(v) for name, array in state.items() if name.startswith("model.") for v in np.unique(array)}
        assert len(versions) == 1 and versions.pop() >= first
        assert read_metadata(path)["format"] == "dualnet.checkpoint"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".safetensors")] == ["c.safetensors"]
