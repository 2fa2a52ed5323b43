"""Metric names: Keras's identifiers build exactly what Keras builds, and the metric is named by the string.

Keras's names are those ``keras.metrics.get`` accepts (class names and their
snake_case forms, the aliases ``mse``, ``MSE``, ``bce``, ...; case matters, as
in Keras), with ``"accuracy"`` / ``"acc"`` (any case) meaning what
``Model.compile`` makes of them: binary, sparse or categorical accuracy,
chosen from the shapes (:class:`~dualnet.metrics.Accuracy`). As in Keras, the
metric's name (its key in the logs) is the string given: ``"acc"`` logs as
``acc``. A Keras name for a metric dualnet does not have yet raises an
ArgumentError listing the names that work; a Keras name of a metric with required
arguments (``"mean_io_u"`` needs ``num_classes``), which Keras cannot build from
the string either, raises one that shows the construction to write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dualnet.errors import ArgumentError
from dualnet.metrics.base import Metric
from dualnet.metrics.confusion import AUC, F1, Precision, Recall
from dualnet.metrics.confusion_counts import FalseNegatives, FalsePositives, TrueNegatives, TruePositives
from dualnet.metrics.correlation import ConcordanceCorrelation, PearsonCorrelation
from dualnet.metrics.f_score import F1Score, FBetaScore
from dualnet.metrics.hinge import CategoricalHinge, Hinge, SquaredHinge
from dualnet.metrics.iou import BinaryIoU
from dualnet.metrics.mean import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    Mean,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalAccuracy,
    Sum,
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
from dualnet.naming import did_you_mean

__all__: list[str] = []  # internal: used by dualnet itself, not re-exported


@dataclass(frozen=True)
class Named:
    """What a name builds, ``cls(**kwargs, name=<the string>)``, and the definition it follows."""

    cls: type[Metric]
    follows: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def build(self, name: str) -> Metric:
        """A new metric called ``name``."""
        return self.cls(**self.kwargs, name=name)

    def describe(self) -> str:
        """The constructor call, ``TopKAccuracy(k=5)``."""
        return f"{self.cls.__name__}({', '.join(f'{k}={v!r}' for k, v in self.kwargs.items())})"


def _all(named: Named, *names: str) -> dict[str, Named]:
    return dict.fromkeys(names, named)


def _keras(cls: type[Metric], *names: str, **kwargs: Any) -> dict[str, Named]:
    """``names`` for Keras's class of ``cls``'s name, built with Keras's defaults ``kwargs``."""
    return _all(Named(cls, f"keras.metrics.{cls.__name__}", kwargs), *names)


NAMES: dict[str, Named] = {
    **_all(
        Named(Accuracy, "Keras compile: binary, sparse or categorical accuracy, from the shapes"), "accuracy", "acc"
    ),
    **_keras(BinaryAccuracy, "binary_accuracy", "BinaryAccuracy", threshold=0.5),
    **_keras(CategoricalAccuracy, "categorical_accuracy", "CategoricalAccuracy"),
    **_keras(SparseCategoricalAccuracy, "sparse_categorical_accuracy", "SparseCategoricalAccuracy"),
    **_keras(TopKCategoricalAccuracy, "top_k_categorical_accuracy", "TopKCategoricalAccuracy", k=5),
    **_keras(SparseTopKCategoricalAccuracy, "sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy", k=5),
    **_keras(Precision, "precision", "Precision", threshold=0.5),
    **_keras(Recall, "recall", "Recall", threshold=0.5),
    **_keras(F1Score, "f1_score", "F1Score", average=None),
    **_keras(FBetaScore, "f_beta_score", "FBetaScore", average=None, beta=1.0),
    **_keras(AUC, "auc", "AUC", num_thresholds=200, curve="ROC"),
    **_keras(TruePositives, "true_positives", "TruePositives", thresholds=0.5),
    **_keras(FalsePositives, "false_positives", "FalsePositives", thresholds=0.5),
    **_keras(TrueNegatives, "true_negatives", "TrueNegatives", thresholds=0.5),
    **_keras(FalseNegatives, "false_negatives", "FalseNegatives", thresholds=0.5),
    **_keras(BinaryIoU, "binary_io_u", "BinaryIoU", target_class_ids=(0, 1), threshold=0.5),
    **_keras(MeanSquaredError, "mean_squared_error", "MeanSquaredError", "mse", "MSE"),
    **_keras(MeanAbsoluteError, "mean_absolute_error", "MeanAbsoluteError", "mae", "MAE"),
    **_keras(
        MeanAbsolutePercentageError, "mean_absolute_percentage_error", "MeanAbsolutePercentageError", "mape", "MAPE"
    ),
    **_keras(
        MeanSquaredLogarithmicError, "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", "msle", "MSLE"
    ),
    **_keras(RootMeanSquaredError, "root_mean_squared_error", "RootMeanSquaredError"),
    **_keras(LogCoshError, "log_cosh_error", "LogCoshError"),
    **_keras(CosineSimilarity, "cosine_similarity", "CosineSimilarity", axis=-1),
    **_keras(R2Score, "r2_score", "R2Score", class_aggregation="uniform_average", num_regressors=0),
    **_keras(PearsonCorrelation, "pearson_correlation", "PearsonCorrelation", axis=-1),
    **_keras(ConcordanceCorrelation, "concordance_correlation", "ConcordanceCorrelation", axis=-1),
    **_keras(Mean, "mean", "Mean"),
    **_keras(Sum, "sum", "Sum"),
    **_keras(BinaryCrossentropy, "binary_crossentropy", "BinaryCrossentropy", "bce", "BCE", from_logits=False),
    **_keras(CategoricalCrossentropy, "categorical_crossentropy", "CategoricalCrossentropy", from_logits=False),
    **_keras(
        SparseCategoricalCrossentropy,
        "sparse_categorical_crossentropy",
        "SparseCategoricalCrossentropy",
        from_logits=False,
    ),
    **_keras(KLDivergence, "kl_divergence", "KLDivergence"),
    **_keras(Poisson, "poisson", "Poisson"),
    **_keras(Hinge, "hinge", "Hinge"),
    **_keras(SquaredHinge, "squared_hinge", "SquaredHinge"),
    **_keras(CategoricalHinge, "categorical_hinge", "CategoricalHinge"),
    # dualnet's own names (Keras has no metric of these meanings).
    "top_k_accuracy": Named(TopKAccuracy, "dualnet: top-5 accuracy of ids or one-hot rows", {"k": 5}),
    "f1": Named(
        F1, "dualnet: binary F1 at threshold 0.5 (Keras's per-class F1Score is 'f1_score')", {"threshold": 0.5}
    ),
}
"""Every accepted metric name and what it builds."""

CASE_FREE = frozenset({"accuracy", "acc"})
"""Names matched in any case, as ``Model.compile`` lower-cases these (``"Accuracy"``, ``"ACC"``)."""

NEEDS_ARGUMENTS: dict[str, str] = {
    **dict.fromkeys(("IoU", "io_u"), "IoU(num_classes=3, target_class_ids=[0, 1])"),
    **dict.fromkeys(("MeanIoU", "mean_io_u"), "MeanIoU(num_classes=3)"),
    **dict.fromkeys(("OneHotIoU", "one_hot_io_u"), "OneHotIoU(num_classes=3, target_class_ids=[0, 1])"),
    **dict.fromkeys(("OneHotMeanIoU", "one_hot_mean_io_u"), "OneHotMeanIoU(num_classes=3)"),
    **dict.fromkeys(("PrecisionAtRecall", "precision_at_recall"), "PrecisionAtRecall(recall=0.8)"),
    **dict.fromkeys(("RecallAtPrecision", "recall_at_precision"), "RecallAtPrecision(precision=0.8)"),
    **dict.fromkeys(
        ("SensitivityAtSpecificity", "sensitivity_at_specificity"), "SensitivityAtSpecificity(specificity=0.9)"
    ),
    **dict.fromkeys(
        ("SpecificityAtSensitivity", "specificity_at_sensitivity"), "SpecificityAtSensitivity(sensitivity=0.9)"
    ),
}
"""Keras's identifiers of metrics with required arguments (Keras cannot build them from the string either), with
the construction to write instead."""

KERAS_NOT_YET: frozenset[str] = frozenset()
"""Keras 3's metric identifiers that dualnet does not implement yet (none: every one is in NAMES or NEEDS_ARGUMENTS)."""


def _listing() -> str:
    lower = sorted({name for name in NAMES if name == name.lower()})
    return f"{', '.join(lower)} (and Keras's class names, e.g. 'BinaryAccuracy')"


def lookup(name: str) -> Named | None:
    """The entry for ``name`` (``CASE_FREE`` names in any case), or None."""
    return NAMES.get(name.lower() if name.lower() in CASE_FREE else name)


def check(name: str, where: str = "metric") -> Named:
    """The entry for metric name ``name``.

    Raises:
        ArgumentError: ``name`` is unknown (with the close matches), a Keras metric that needs arguments (with
            the construction to write), or a Keras metric dualnet lacks.
    """
    named = lookup(name)
    if named is not None:
        return named
    if name in NEEDS_ARGUMENTS:
        raise ArgumentError(
            f"{where}: Keras's metric {name!r} needs arguments, so no string can build it (Keras cannot either); "
            f"pass the metric object, e.g. dn.metrics.{NEEDS_ARGUMENTS[name]}"
        )
    if name in KERAS_NOT_YET:
        raise ArgumentError(
            f"{where}: Keras's metric {name!r} is not available in dualnet yet; the metric names available are "
            f"{_listing()}, or pass a Metric object or a function (y_pred, y_true) -> values"
        )
    close = did_you_mean(name, [*NAMES, *NEEDS_ARGUMENTS])
    raise ArgumentError(
        f"{where}: unknown metric {name!r}; {close}use one of {_listing()}, a Metric object or a function "
        "(y_pred, y_true) -> values"
    )


def resolve(name: str, where: str = "metric") -> Metric:
    """A new metric for ``name``, as :func:`check` finds it, named ``name``."""
    return check(name, where).build(name)
