"""``dualnet demo``: the same short training run on every installed backend, side by side.

Each backend runs in its own process (``python -m dualnet.demo --backend NAME``),
which prints one JSON line; the parent prints a table and exits non-zero when
the backends disagree beyond tolerance.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np

import dualnet as dn

TOLERANCE = 1e-4  # relative, on every per-epoch loss


def _data(n: int = 512, features: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, features)).astype("float32")
    w = rng.standard_normal((features, 1)).astype("float32")
    y = (np.sin(x @ w / np.sqrt(features)) + 0.1 * rng.standard_normal((n, 1))).astype("float32")
    return x, y


def checksum(state: dict[str, np.ndarray]) -> str:
    """A short digest of a state dict's names and bytes, equal across backends when weights are."""
    digest = hashlib.sha256()
    for name, value in state.items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest()[:12]


class Regressor(dn.nn.Module):
    """8 -> 32 -> 32 -> 1 with ReLU: input ``(N, 8)``, output ``(N, 1)``."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden1 = dn.nn.Dense(32, activation="relu")
        self.hidden2 = dn.nn.Dense(32, activation="relu")
        self.out = dn.nn.Dense(1)

    def forward(self, x: Any) -> Any:
        return self.out(self.hidden2(self.hidden1(x)))


def run(backend: str, epochs: int = 5, batch_size: int = 32) -> dict[str, Any]:
    """Train :class:`Regressor` with SGD momentum on generated data; report what to compare."""
    dn.set_backend(backend)
    dn.seed(0)
    x, y = _data()
    model = Regressor()
    model(x[:1])
    initial = checksum(model.state_dict())
    opt = dn.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = dn.losses.MeanSquaredError()
    step = dn.value_and_grad(lambda m, xb, yb: loss_fn(m(xb), yb))
    losses, steps, start = [], 0, time.perf_counter()
    for _ in range(epochs):
        total = 0.0
        for i in range(0, len(x), batch_size):
            loss, grads = step(model, x[i : i + batch_size], y[i : i + batch_size])
            opt.step(grads)
            total += float(dn.ops.to_numpy(loss))
            steps += 1
        losses.append(total / -(-len(x) // batch_size))
    elapsed = time.perf_counter() - start
    return {"backend": backend, "init": initial, "losses": losses, "ms_per_step": 1000 * elapsed / steps}


def compare(results: list[dict[str, Any]]) -> tuple[bool, float]:
    """Whether every backend matches the first one: same initial checksum, losses within TOLERANCE."""
    if len(results) < 2:
        return True, 0.0
    ref = np.asarray(results[0]["losses"])
    worst = 0.0
    same_init = True
    for other in results[1:]:
        worst = max(worst, float(np.max(np.abs(np.asarray(other["losses"]) - ref) / np.abs(ref))))
        same_init &= other["init"] == results[0]["init"]
    return same_init and worst <= TOLERANCE, worst


def main(backends: list[str] | None = None) -> int:
    """Run the demo on ``backends`` (default: every installed one) and print the table."""
    from dualnet.backend import registry

    names = backends or registry.installed()
    results = []
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    for name in names:
        proc = subprocess.run(
            [sys.executable, "-m", "dualnet.demo", "--backend", name], capture_output=True, text=True, env=env
        )
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr}", file=sys.stderr)
            return 1
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    epochs = len(results[0]["losses"])
    header = f"{'':<22}" + "".join(f"{r['backend']:>14}" for r in results)
    print("dualnet demo: 8-32-32-1 MLP, SGD(momentum=0.9), 512 generated samples, batch 32")
    print(header)
    print(f"{'initial weights sha256':<22}" + "".join(f"{r['init']:>14}" for r in results))
    for epoch in range(epochs):
        print(f"{f'loss, epoch {epoch + 1}':<22}" + "".join(f"{r['losses'][epoch]:>14.6f}" for r in results))
    print(f"{'ms per step':<22}" + "".join(f"{r['ms_per_step']:>14.2f}" for r in results))
    agree, worst = compare(results)
    verdict = "agree" if agree else "DISAGREE"
    print(f"backends {verdict}: max relative loss difference {worst:.2e} (tolerance {TOLERANCE:.0e})")
    return 0 if agree else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", required=True)
    print(json.dumps(run(parser.parse_args().backend)))
