"""A training script for the multi-process tests, also imported by them for the one-process reference runs.

    python tests/distributed/worker.py train OUT SINGLE_CHECKPOINT   # under dualnet launch
    python tests/distributed/worker.py jit OUT                       # jit=True (torch.compile / XLA); compile counts
    python tests/distributed/worker.py mismatch OUT                  # ranks seeded differently
    python tests/distributed/worker.py die OUT                       # rank 1 exits after the first epoch

The digits CNN (conv-pool-conv-global pool-dense, no dropout or BatchNorm) on
235 training and 100 validation images, global batch 32 (the last batch, 11
images, is split 5/6 over two ranks), Adam (lr 1e-2).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.datasets import load_digits

import dualnet as dn
from dualnet.demo import digits_cnn

EPOCHS, BATCH = 2, 32


def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(x, y, x_val, y_val)``: images ``(N, 8, 8, 1)`` in [0, 1], int labels."""
    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    y = digits.target.astype("int64")
    return x[:235], y[:235], x[235:335], y[235:335]


def make_model(seed: int = 0) -> dn.nn.Module:
    """The CNN with its initial weights from ``dn.seed(seed)``: ``(N, 8, 8, 1)`` -> logits ``(N, 10)``."""
    dn.seed(seed)
    model = digits_cnn()
    return model


def train(
    seed: int = 0, callbacks: Any = (), resume_from: Any = None, strategy: str | None = None, jit: bool = False
) -> tuple[dn.nn.Module, dn.callbacks.History]:
    """Build the CNN from ``dn.seed(seed)`` and fit it for EPOCHS epochs; ``(model, history)``."""
    x, y, x_val, y_val = data()
    model = make_model(seed)
    optimizer = dn.optim.Adam(model.parameters(), lr=1e-2)
    trainer = dn.Trainer(model, optimizer, "cross_entropy", metrics=["accuracy"], strategy=strategy, jit=jit)
    history = trainer.fit(
        x,
        y,
        epochs=EPOCHS,
        batch_size=BATCH,
        validation_data=(x_val, y_val),
        callbacks=list(callbacks),
        verbose=0,
        resume_from=resume_from,
    )
    return model, history


def compile_counts() -> dict[str, int]:
    """What torch.compile did in this process: graphs compiled, graph breaks, frames recompiled ({} off torch)."""
    if dn.backend() != "torch":
        return {}
    from torch._dynamo.utils import counters

    return {
        "unique_graphs": int(counters["stats"]["unique_graphs"]),
        "graph_breaks": int(sum(counters["graph_break"].values())),
    }


class ExitAfterFirstEpoch(dn.callbacks.Callback):
    """Rank 1 leaves the run abruptly at the end of the first epoch, as a crash would."""

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        if dn.distributed.rank() == 1:
            os._exit(3)


def main(mode: str, out: Path, *rest: str) -> None:
    rank = dn.distributed.rank()
    if mode == "train":
        written = [
            dn.callbacks.CSVLogger(out / f"log-rank{rank}.csv"),
            dn.callbacks.ModelCheckpoint(out / f"ckpt-rank{rank}-e{{epoch}}.safetensors", save_weights_only=False),
        ]
        model, history = train(callbacks=written, strategy="data_parallel")
        np.savez(out / f"weights-rank{rank}.npz", **model.state_dict())
        (out / f"history-rank{rank}.json").write_text(json.dumps(history.history))
        resumed, _ = train(resume_from=rest[0], strategy="data_parallel")
        np.savez(out / f"resumed-rank{rank}.npz", **resumed.state_dict())
        summed = dn.distributed.all_reduce(float(rank + 1), op="sum")
        reduced = {"sum": summed, "world": dn.distributed.world_size()}
        (out / f"all-reduce-rank{rank}.json").write_text(json.dumps(reduced))
    elif mode == "jit":
        model, _ = train(strategy="data_parallel", jit=True)
        np.savez(out / f"weights-rank{rank}.npz", **model.state_dict())
        (out / f"compiles-rank{rank}.json").write_text(json.dumps(compile_counts()))
    elif mode == "mismatch":
        train(seed=rank, strategy="data_parallel")
    elif mode == "die":
        train(callbacks=[ExitAfterFirstEpoch()], strategy="data_parallel")
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), *sys.argv[3:])
