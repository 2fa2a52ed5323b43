"""Streaming metrics: ``update(y_pred, y_true, sample_weight=None)`` per batch, ``result()``, ``reset()``.

Each metric keeps running totals in backend buffers (``torch.Tensor`` /
non-trainable ``tf.Variable``, created on the current device when the metric
is constructed) and updates them in place with ``B.assign``: ``update`` runs
on the device, also inside a compiled TensorFlow step (``tf.function``), and
only :meth:`Metric.result` brings the totals to the host, as a Python float
(host floats could not be updated from a compiled step). Totals are float64 so counts stay exact
over long epochs. ``sample_weight`` weights examples (shape (N,)) or values
(the metric's per-value shape); a weighted mean divides by the sum of weights.
Metrics are also available by name through :func:`get` (``"accuracy"``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet.errors import ArgumentError
from dualnet.metrics.base import Metric
from dualnet.metrics.confusion import AUC, F1Score, Precision, Recall
from dualnet.metrics.mean import (
    Accuracy,
    BinaryAccuracy,
    Mean,
    MeanAbsoluteError,
    MeanOf,
    MeanSquaredError,
    TopKAccuracy,
)

__all__ = [
    "Metric",
    "Mean",
    "Accuracy",
    "BinaryAccuracy",
    "TopKAccuracy",
    "Precision",
    "Recall",
    "F1Score",
    "AUC",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanOf",
    "get",
]

_NAMED: dict[str, Callable[[], Metric]] = {
    "accuracy": Accuracy,
    "acc": Accuracy,
    "binary_accuracy": BinaryAccuracy,
    "top_k_accuracy": TopKAccuracy,
    "precision": Precision,
    "recall": Recall,
    "f1": F1Score,
    "f1_score": F1Score,
    "auc": AUC,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "mean": Mean,
}


def get(identifier: Any) -> Metric:
    """A metric from a name (``"accuracy"``), a Metric class or instance, or a function.

    A name or class gives a new metric with its defaults; an instance comes
    back as is; a callable ``fn(y_pred, y_true)`` becomes a :class:`MeanOf`
    averaging its values, named after the function.

    Raises:
        ArgumentError: ``identifier`` is not a known name (any case), a Metric class or instance, or a function.
    """

    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str) and identifier.lower() in _NAMED:
        return _NAMED[identifier.lower()]()
    if callable(identifier) and not isinstance(identifier, type):
        return MeanOf(identifier)
    raise ArgumentError(
        f"metric: unknown metric {identifier!r}; use one of {', '.join(sorted(_NAMED))}, a Metric object or a function"
    )
