"""One rank of the two-GPU data-parallel test: rank r trains on cuda:r (NCCL) and writes its weights.

    dualnet launch --nproc-per-node 2 tests/cuda/dp_worker.py OUT

Also imported by the test for the one-process reference on cuda:0 with the same global batches.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

import dualnet as dn

_rng = np.random.default_rng(5)
X = _rng.standard_normal((100, 6)).astype("float32")
Y = (X[:, 0] - X[:, 3] > 0).astype("int64")


def train(device: str, strategy: str | None) -> dict[str, np.ndarray]:
    """Fit a 6-16-2 MLP for 2 epochs of global batch 32 on ``device``; its final ``state_dict()``."""
    dn.seed(0)
    with dn.device(device):
        model = dn.nn.Sequential([dn.nn.Dense(16, activation="relu", in_features=6), dn.nn.Dense(2, in_features=16)])
        optimizer = dn.optim.Adam(model.parameters(), lr=1e-2)
        trainer = dn.Trainer(model, optimizer, "cross_entropy", device=device, strategy=strategy)
        trainer.fit(X, Y, epochs=2, batch_size=32, shuffle=False, verbose=0)
    return dict(model.state_dict())


if __name__ == "__main__":
    # dualnet launch does not pick a GPU per rank: each rank takes the one its LOCAL_RANK names.
    rank = os.environ["LOCAL_RANK"]
    np.savez(Path(sys.argv[1]) / f"rank{rank}.npz", **train(f"cuda:{rank}", "data_parallel"))
