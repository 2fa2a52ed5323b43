"""``dualnet demo [EXAMPLE]``: the same short training run on every installed backend, side by side.

Each backend runs in its own process (``python -m dualnet.demo --backend NAME
[--example EXAMPLE]``), which prints one JSON line: the initial-weights
checksum, the loss per epoch, the final test accuracy and the milliseconds per
step. The parent prints a table, writes a PNG with every backend's loss curve
(``--plot``) and exits 1 when the backends disagree beyond tolerance.

Examples: ``digits`` (default; a small CNN on scikit-learn's 8x8 digits, the
``examples/digits_cnn.py`` model) and ``regression`` (an 8-32-32-1 MLP on
generated data, trained with ``value_and_grad``).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import dualnet as dn
from dualnet.backend import registry

__all__: list[str] = []

TOLERANCE = 1e-4  # relative, on every per-epoch loss (the default; see TOLERANCES)
# Convolutions sum in a different order on each framework (float32 ulps), and Adam at lr 1e-2 amplifies
# those differences over hundreds of steps: the digits run agrees to ~1e-3, the MLP to ~1e-6.
TOLERANCES = {"digits": 1e-2, "regression": 1e-4}
ACCURACY_TOLERANCE = 0.02  # absolute, on the final test accuracy
DEFAULT_PLOT = "dualnet-demo.png"


def digits_cnn() -> dn.nn.Module:
    """The digits CNN of the demo and ``examples/digits_cnn.py``, built: ``(N, 8, 8, 1)`` -> logits ``(N, 10)``.

    Conv(16, 3x3, same, relu) - max pool 2 - Conv(32, 3x3, same, relu) - global average pool - Dense(10); its
    initial weights come from the current ``dn.seed``. Raises BackendError when no backend can be activated.
    """
    model = dn.nn.Sequential(
        [
            dn.nn.Conv2D(16, 3, padding="same", activation="relu"),
            dn.nn.MaxPool2D(2),
            dn.nn.Conv2D(32, 3, padding="same", activation="relu"),
            dn.nn.GlobalAvgPool2D(),
            dn.nn.Dense(10),
        ]
    )
    model(np.zeros((1, 8, 8, 1), np.float32))  # build: optimizers need the parameters
    return model


def checksum(state: dict[str, np.ndarray]) -> str:
    """A short digest of a state dict's names and bytes, equal across backends when weights are."""
    digest = hashlib.sha256()
    for name, value in state.items():
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest()[:12]


# --- the workloads: each returns the dict one child process prints -------------------------------------------


def _digits(epochs: int = 4, batch_size: int = 32) -> dict[str, Any]:
    """Conv(16)-pool-Conv(32)-global pool-Dense(10) on the 8x8 digits, Adam 1e-2, 1437 train / 360 test images."""
    try:  # imported by name: scikit-learn is optional and ships no type information
        datasets = importlib.import_module("sklearn.datasets")
    except ImportError as exc:
        raise SystemExit(
            "dualnet demo digits needs scikit-learn (for its bundled 8x8 digits): pip install scikit-learn, "
            "or run 'dualnet demo regression'"
        ) from exc
    digits = datasets.load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]  # (1797, 8, 8, 1), channels-last
    y = digits.target.astype("int64")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    x_train, y_train, x_test, y_test = x[:1437], y[:1437], x[1437:], y[1437:]
    dn.seed(0)
    model = digits_cnn()
    initial = checksum(model.state_dict())
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", metrics=["accuracy"])
    start = time.perf_counter()
    history = trainer.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, shuffle=False, verbose=0)
    elapsed = time.perf_counter() - start
    steps = epochs * -(-len(x_train) // batch_size)
    accuracy = trainer.evaluate(x_test, y_test, batch_size=128)["accuracy"]
    return {
        "init": initial,
        "losses": history.history["loss"],
        "accuracy": float(accuracy),
        "ms_per_step": 1000 * elapsed / steps,
    }


class Regressor(dn.nn.Module):
    """8 -> 32 -> 32 -> 1 with ReLU: input ``(N, 8)``, output ``(N, 1)``."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden1 = dn.nn.Dense(32, activation="relu")
        self.hidden2 = dn.nn.Dense(32, activation="relu")
        self.out = dn.nn.Dense(1)

    def forward(self, x: Any) -> Any:
        return self.out(self.hidden2(self.hidden1(x)))


def _regression(epochs: int = 5, batch_size: int = 32) -> dict[str, Any]:
    """:class:`Regressor` with SGD momentum on 512 generated samples; "accuracy" is R^2 on 128 held-out ones."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((640, 8)).astype("float32")
    w = rng.standard_normal((8, 1)).astype("float32")
    y = (np.sin(x @ w / np.sqrt(8)) + 0.1 * rng.standard_normal((640, 1))).astype("float32")
    x_train, y_train, x_test, y_test = x[:512], y[:512], x[512:], y[512:]
    dn.seed(0)
    model = Regressor()
    model(x_train[:1])
    initial = checksum(model.state_dict())
    opt = dn.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = dn.losses.MeanSquaredError()
    step = dn.value_and_grad(lambda m, xb, yb: loss_fn(m(xb), yb))
    losses: list[float] = []
    steps, start = 0, time.perf_counter()
    for _ in range(epochs):
        total = 0.0
        for i in range(0, len(x_train), batch_size):
            loss, grads = step(model, x_train[i : i + batch_size], y_train[i : i + batch_size])
            opt.step(grads)
            total += float(dn.ops.to_numpy(loss))
            steps += 1
        losses.append(total / -(-len(x_train) // batch_size))
    elapsed = time.perf_counter() - start
    pred = np.asarray(dn.ops.to_numpy(model(x_test)))
    r2 = 1.0 - float(np.sum((pred - y_test) ** 2) / np.sum((y_test - y_test.mean()) ** 2))
    return {"init": initial, "losses": losses, "accuracy": r2, "ms_per_step": 1000 * elapsed / steps}


WORKLOADS: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "digits": ("CNN on the 8x8 digits (1437 train / 360 test), Adam(1e-2), batch 32, via Trainer", _digits),
    "regression": ("8-32-32-1 MLP, SGD(momentum=0.9), 512 generated samples, batch 32, value_and_grad", _regression),
}


def run(backend: str, example: str = "digits") -> dict[str, Any]:
    """Train ``example`` on ``backend`` in this process; returns what the table compares."""
    dn.set_backend(backend)
    return {"backend": backend, "example": example, **WORKLOADS[example][1]()}


def compare(results: list[dict[str, Any]], tolerance: float = TOLERANCE) -> tuple[bool, float]:
    """Whether every backend matches the first: same initial checksum, losses within ``tolerance`` (relative),
    final accuracy (when reported) within ACCURACY_TOLERANCE. Returns ``(agree, worst relative loss gap)``."""
    if len(results) < 2:
        return True, 0.0
    ref = np.asarray(results[0]["losses"])
    worst, agree = 0.0, True
    for other in results[1:]:
        losses = np.asarray(other["losses"])
        if losses.shape != ref.shape:
            return False, float("inf")
        worst = max(worst, float(np.max(np.abs(losses - ref) / np.maximum(np.abs(ref), 1e-12))))
        agree &= other["init"] == results[0]["init"]
        if "accuracy" in other and "accuracy" in results[0]:
            agree &= abs(other["accuracy"] - results[0]["accuracy"]) <= ACCURACY_TOLERANCE
    return agree and worst <= tolerance, worst


def plot(results: list[dict[str, Any]], path: str) -> str | None:
    """Write every backend's loss per epoch to the PNG ``path``; returns the path, or None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    styles = ["-o", "--x", ":s", "-.^"]
    for i, result in enumerate(results):
        epochs = range(1, len(result["losses"]) + 1)
        ax.plot(epochs, result["losses"], styles[i % len(styles)], label=result["backend"])
    ax.set_xticks(list(range(1, len(results[0]["losses"]) + 1)))
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    ax.set_title(f"dualnet demo: {results[0]['example']}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def table(results: list[dict[str, Any]]) -> list[str]:
    """The side-by-side rows: checksum, loss per epoch, final accuracy, ms per step (one column per backend)."""
    col = 14
    accuracy_label = "final R^2" if results[0]["example"] == "regression" else "test accuracy"
    rows = [f"{'':<22}" + "".join(f"{r['backend']:>{col}}" for r in results)]
    rows.append(f"{'initial weights sha256':<22}" + "".join(f"{r['init']:>{col}}" for r in results))
    for epoch in range(len(results[0]["losses"])):
        rows.append(f"{f'loss, epoch {epoch + 1}':<22}" + "".join(f"{r['losses'][epoch]:>{col}.6f}" for r in results))
    rows.append(f"{accuracy_label:<22}" + "".join(f"{r['accuracy']:>{col}.4f}" for r in results))
    rows.append(f"{'ms per step':<22}" + "".join(f"{r['ms_per_step']:>{col}.2f}" for r in results))
    return rows


def main(backends: list[str] | None = None, example: str = "digits", plot_path: str | None = DEFAULT_PLOT) -> int:
    """Run ``example`` on ``backends`` (default: every installed one), print the table, write the plot.

    Returns 0 when the backends agree, 1 when they disagree or one fails, 2 for an unknown example.
    """
    if example not in WORKLOADS:
        print(f"dualnet demo: unknown example {example!r}; choose one of {', '.join(WORKLOADS)}", file=sys.stderr)
        return 2
    names = backends or registry.installed()
    results = []
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    for name in names:
        proc = subprocess.run(
            [sys.executable, "-m", "dualnet.demo", "--backend", name, "--example", example],
            capture_output=True,
            text=True,
            env=env,
        )
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr}", file=sys.stderr)
            return 1
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"dualnet demo ({example}): {WORKLOADS[example][0]}")
    print("\n".join(table(results)))
    tolerance = TOLERANCES[example]
    agree, worst = compare(results, tolerance)
    verdict = "agree" if agree else "DISAGREE"
    print(f"backends {verdict}: max relative loss difference {worst:.2e} (tolerance {tolerance:.0e})")
    if plot_path:
        written = plot(results, plot_path)
        print(f"loss curves: {written}" if written else "loss curves: not drawn (pip install matplotlib)")
    return 0 if agree else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", required=True)
    parser.add_argument("--example", default="digits", choices=sorted(WORKLOADS))
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.backend, arguments.example)))
