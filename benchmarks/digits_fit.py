"""Digits CNN through ``Trainer.fit`` on each backend, each in its own process: test accuracy and wall time.

Run: ``python -m benchmarks.digits_fit`` (needs scikit-learn for ``load_digits``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np


def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images / 16.0).astype("float32")[..., None]
    labels = digits.target.astype("int64")
    order = np.random.default_rng(0).permutation(len(labels))
    images, labels = images[order], labels[order]
    return images[:1400], labels[:1400], images[1400:], labels[1400:]


def run(backend: str, epochs: int = 20) -> dict[str, float | str]:
    """Train Conv2D(16)-MaxPool-Conv2D(32)-GlobalAvgPool-Dense(10) with Adam; return accuracy and seconds."""
    import dualnet as dn
    from dualnet.demo import digits_cnn

    dn.set_backend(backend)
    dn.seed(0)
    x, y, x_test, y_test = _digits()
    start = time.perf_counter()
    model = digits_cnn()
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", metrics=["accuracy"])
    trainer.fit(x, y, epochs=epochs, batch_size=32, validation_split=0.1, verbose=0)
    accuracy = trainer.evaluate(x_test, y_test, batch_size=256)["accuracy"]
    return {"backend": backend, "accuracy": accuracy, "seconds": time.perf_counter() - start}


def main() -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    print("| backend | test accuracy | fit + evaluate (s) |")
    print("|---|---|---|")
    for backend in ("torch", "tensorflow"):
        code = f"import json; from benchmarks.digits_fit import run; print(json.dumps(run({backend!r})))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {backend} | {result['accuracy']:.4f} | {result['seconds']:.1f} |")


if __name__ == "__main__":
    main()
