"""Streaming metrics: ``update(y_pred, y_true, sample_weight=None)`` per batch, ``result()``, ``reset()``.

Each metric keeps running totals in backend buffers (``torch.Tensor`` /
non-trainable ``tf.Variable``, created on the current device) and updates them
in place with ``B.assign``: ``update`` runs on the device, also inside a
compiled step (``torch.compile``, ``tf.function``, XLA), and only
:meth:`Metric.result` brings the totals to the host, as a Python float (host
floats could not be updated from a compiled step), or as an array for the few
metrics with one value per class or threshold (``F1Score()``,
``TruePositives(thresholds=[...])``), which a Trainer logs as ``name_0``,
``name_1``, .... Totals are float64 sums, so counts stay exact over long epochs
and add up over processes. ``sample_weight`` weights examples (shape (N,)) or
values (the metric's per-value shape); a weighted mean divides by the sum of
weights. Keras 3's metric classes have namesakes here that compute Keras's
values (Precision, Recall and AUC take dualnet's arguments and a part of
Keras's; ``Accuracy`` is compile's ``"accuracy"``), and :func:`get` takes
Keras's names (``"accuracy"``, ``"f1_score"``) meaning what Keras means.
"""

from __future__ import annotations

from typing import Any

from dualnet.errors import ArgumentError
from dualnet.metrics import names
from dualnet.metrics.base import Metric
from dualnet.metrics.confusion import AUC, F1, Precision, Recall
from dualnet.metrics.confusion_counts import FalseNegatives, FalsePositives, TrueNegatives, TruePositives
from dualnet.metrics.correlation import ConcordanceCorrelation, PearsonCorrelation
from dualnet.metrics.f_score import F1Score, FBetaScore
from dualnet.metrics.hinge import CategoricalHinge, Hinge, SquaredHinge
from dualnet.metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from dualnet.metrics.mean import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    Mean,
    MeanAbsoluteError,
    MeanOf,
    MeanSquaredError,
    SparseCategoricalAccuracy,
    Sum,
)
from dualnet.metrics.operating_points import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)
from dualnet.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from dualnet.metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)
from dualnet.metrics.top_k import SparseTopKCategoricalAccuracy, TopKAccuracy, TopKCategoricalAccuracy

__all__ = [
    "Metric",
    # means and sums of per-example values
    "Mean",
    "Sum",
    "MeanOf",
    # accuracies
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "TopKAccuracy",
    "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    # classification from confusion counts
    "Precision",
    "Recall",
    "F1",
    "F1Score",
    "FBetaScore",
    "AUC",
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
    "PrecisionAtRecall",
    "RecallAtPrecision",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
    # segmentation
    "IoU",
    "MeanIoU",
    "BinaryIoU",
    "OneHotIoU",
    "OneHotMeanIoU",
    # probabilistic
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    # hinge
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    # regression
    "MeanSquaredError",
    "MeanAbsoluteError",
    "RootMeanSquaredError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "LogCoshError",
    "CosineSimilarity",
    "R2Score",
    "PearsonCorrelation",
    "ConcordanceCorrelation",
    "get",
]


def get(identifier: Any, where: str = "metric") -> Metric:
    """A metric from a name (``"accuracy"``), a Metric class or instance, or a function.

    A name builds what the table in the guide "Losses and metrics by name"
    says, named by the string: Keras's identifiers mean exactly what Keras
    means, and ``"accuracy"`` / ``"acc"`` are Keras ``compile``'s accuracy,
    binary, sparse or categorical by the shapes (:class:`Accuracy`). A class
    gives a new metric with its defaults; an instance comes back as is; a
    callable ``fn(y_pred, y_true)`` becomes a :class:`MeanOf` averaging its
    values, named after the function.

    Raises:
        ArgumentError: ``identifier`` is not a known name (the message gives the close matches), a Metric class
            or instance, or a function; or it names a Keras metric dualnet does not have yet.
    """

    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if isinstance(identifier, str):
        return names.resolve(identifier, where)
    if callable(identifier) and not isinstance(identifier, type):
        return MeanOf(identifier)
    raise ArgumentError(
        f"{where}: expected a metric name (e.g. 'accuracy'), a Metric object or a function (y_pred, y_true) -> "
        f"values, got {type(identifier).__name__}"
    )
