"""SIGKILL at exact points of a training run: the last checkpoint loads, and resuming gives the uninterrupted run.

The child kills itself (``os.kill(os.getpid(), SIGKILL)``) at a chosen batch, or
between writing a checkpoint's temporary file and renaming it, so the point of
death is exact rather than timed. The uninterrupted run and the resume happen
in this process; both kills run side by side, one framework import each.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.io.checkpoint import read_metadata
from tests.helpers import HANG_LIMIT_S

_rng = np.random.default_rng(11)
X = _rng.standard_normal((40, 5)).astype("float32")
Y = (X[:, 0] + X[:, 2] > 0).astype("int64")
EPOCHS, BATCH = 4, 8

_CHILD = """
import os, signal, sys
import numpy as np
import dualnet as dn
import dualnet.io.atomic as atomic

mode, ckpt = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(11)
x = rng.standard_normal((40, 5)).astype("float32")
y = (x[:, 0] + x[:, 2] > 0).astype("int64")
dn.seed(0)
model = dn.nn.Sequential([dn.nn.Dense(16, activation="relu", in_features=5), dn.nn.Dropout(0.25),
                          dn.nn.Dense(2, in_features=16)])
trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy")

class KillAtBatch(dn.callbacks.Callback):
    def on_batch_begin(self, batch, logs=None):
        if self.trainer.epoch == 2 and batch == 3:
            os.kill(os.getpid(), signal.SIGKILL)

renames = []
def replace_then_die(src, dst):
    renames.append(dst)
    if len(renames) == 3:  # the third epoch's checkpoint: its bytes are written and synced, not yet renamed
        os.kill(os.getpid(), signal.SIGKILL)
    os.rename(src, dst)

callbacks = [dn.callbacks.ModelCheckpoint(ckpt, save_weights_only=False)]
if mode == "batch":
    callbacks.insert(0, KillAtBatch())
else:
    atomic.os.replace = replace_then_die
trainer.fit(x, y, epochs=4, batch_size=8, verbose=0, callbacks=callbacks)
print("survived", flush=True)
"""


def _trainer() -> dn.Trainer:
    dn.seed(0)
    layers = [dn.nn.Dense(16, activation="relu", in_features=5), dn.nn.Dropout(0.25), dn.nn.Dense(2, in_features=16)]
    model = dn.nn.Sequential(layers)
    return dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy")


def _fit(trainer: dn.Trainer, **kwargs: object) -> None:
    trainer.fit(X, Y, epochs=EPOCHS, batch_size=BATCH, verbose=0, **kwargs)  # type: ignore[arg-type]


@pytest.mark.slow
def test_sigkill_mid_epoch_and_mid_save_then_resume(backend: str, tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    env = {**os.environ, "DUALNET_BACKEND": backend, "PYTHONPATH": str(Path(dn.__file__).parent.parent)}
    folders = {mode: tmp_path / mode for mode in ("batch", "save")}
    children = {}
    for mode, folder in folders.items():
        folder.mkdir()
        command = [sys.executable, str(script), mode, str(folder / "last.safetensors")]
        children[mode] = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    full = _trainer()
    _fit(full)
    expected = full.model.state_dict()
    for mode, child in children.items():
        out, err = child.communicate(timeout=HANG_LIMIT_S)
        assert child.returncode == -signal.SIGKILL, f"{mode}: {out}{err[-2000:]}"
        path = folders[mode] / "last.safetensors"
        assert read_metadata(path)["epoch"] == 2, mode  # the last checkpoint that was completed
        leftovers = sorted(p.name for p in folders[mode].iterdir() if p != path)
        # Killed before its rename, the third save leaves only an unused temporary file.
        assert len(leftovers) == (mode == "save") and all(n.startswith(".last.safetensors.") for n in leftovers)
        resumed = _trainer()
        _fit(resumed, resume_from=path)
        assert resumed.global_step == full.global_step == EPOCHS * len(X) // BATCH
        assert resumed.history is not None and full.history is not None
        assert resumed.history.history["loss"] == full.history.history["loss"], mode
        for name, value in expected.items():
            np.testing.assert_array_equal(resumed.model.state_dict()[name], value, err_msg=f"{mode}: {name}")
