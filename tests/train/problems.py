"""Small data sets and models shared by the Trainer tests (tiny shapes: the suite runs on 2 CPU cores)."""

from __future__ import annotations

from typing import Any

import numpy as np

import dualnet as dn
from dualnet.train import Trainer

_rng = np.random.default_rng(7)
X = _rng.standard_normal((96, 6)).astype("float32")
Y = np.tanh(X @ _rng.standard_normal((6, 1)).astype("float32")).astype("float32")
LABELS = (X[:, 0] + 0.5 * X[:, 1] > 0).astype("int64") + (X[:, 2] > 0.8).astype("int64")  # 3 classes


def mlp(outputs: int = 1, hidden: int = 16, inputs: int = 6) -> dn.nn.Module:
    """``inputs -> hidden (relu) -> outputs``, built (sizes given) so an optimizer can take its parameters."""
    return dn.nn.Sequential(
        [dn.nn.Dense(hidden, activation="relu", in_features=inputs), dn.nn.Dense(outputs, in_features=hidden)]
    )


def regression_trainer(lr: float = 1e-2, **kwargs: Any) -> Trainer:
    """A Trainer fitting :data:`Y` from :data:`X` with MSE and Adam."""
    model = mlp()
    return Trainer(model, dn.optim.Adam(model.parameters(), lr=lr), "mse", **kwargs)


def classifier_trainer(lr: float = 1e-2, **kwargs: Any) -> Trainer:
    """A Trainer classifying :data:`LABELS` (3 classes, logits) with accuracy."""
    model = mlp(outputs=3)
    return Trainer(model, dn.optim.Adam(model.parameters(), lr=lr), "cross_entropy", metrics=["accuracy"], **kwargs)


def rel_diff(a: Any, b: Any) -> float:
    """The largest relative difference between two arrays."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12)))
