"""What the checkpoint metadata check lets through: every value a real run writes, up to the stated bounds.

The refusals are in tests/errors/test_checkpoint_metadata.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

import dualnet as dn
from dualnet.io.checkpoint import read_metadata
from dualnet.io.checkpoint_metadata import MAX_EPOCH, MAX_SEED, MAX_STEP
from tests.reliability.files import X, crafted, model


def test_the_bounds_themselves_are_accepted(backend: str, tmp_path: Path) -> None:
    changes = {"epoch": MAX_EPOCH, "global_step": MAX_STEP, "seed": MAX_SEED, "trainer": {}}
    meta = read_metadata(crafted(tmp_path, changes))
    assert (meta["epoch"], meta["global_step"], meta["seed"]) == (MAX_EPOCH, MAX_STEP, MAX_SEED)


def test_a_diverged_run_with_nan_and_infinite_logs_resumes(backend: str, tmp_path: Path) -> None:
    net = model()
    trainer = dn.Trainer(net, dn.optim.SGD(net.parameters(), lr=0.1), "mse")
    history = trainer.fit(X, X[:, :2], epochs=2, batch_size=4, verbose=0)
    history.history["loss"] = [math.nan, math.inf]  # what History records when the loss blows up
    path = tmp_path / "diverged.safetensors"
    dn.save_checkpoint(path, trainer=trainer)
    fresh = model()
    resumed = dn.Trainer(fresh, dn.optim.SGD(fresh.parameters(), lr=0.1), "mse")
    after = resumed.fit(X, X[:, :2], epochs=3, batch_size=4, verbose=0, resume_from=path)
    assert after.epoch == [0, 1, 2]
    assert np.isnan(after.history["loss"][0]) and after.history["loss"][1] == math.inf
    assert math.isfinite(after.history["loss"][2])  # the resumed epoch trained
