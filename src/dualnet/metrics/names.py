"""Metric names: Keras's identifiers build exactly what Keras builds, and the metric is named by the string.

Keras's names are those ``keras.metrics.get`` accepts (class names and their
snake_case forms, the aliases ``mse``, ``MSE``, ``bce``, ...; case matters, as
in Keras), with ``"accuracy"`` / ``"acc"`` (any case) meaning what
``Model.compile`` makes of them: binary, sparse or categorical accuracy,
chosen from the shapes (:class:`~dualnet.metrics.Accuracy`). As in Keras, the
metric's name (its key in the logs) is the string given: ``"acc"`` logs as
``acc``. A Keras name for a metric dualnet does not have yet raises an
ArgumentError listing the names that work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dualnet.errors import ArgumentError
from dualnet.losses import names as loss_names
from dualnet.metrics.base import Metric
from dualnet.metrics.confusion import AUC, F1Score, Precision, Recall
from dualnet.metrics.mean import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    Mean,
    MeanAbsoluteError,
    MeanOf,
    MeanSquaredError,
    SparseCategoricalAccuracy,
    TopKAccuracy,
)
from dualnet.naming import did_you_mean

__all__: list[str] = []  # internal: used by dualnet itself, not re-exported


@dataclass(frozen=True)
class Named:
    """What a name builds, ``cls(**kwargs, name=<the string>)``, and the definition it follows."""

    cls: type[Metric]
    follows: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    shown: str | None = None  # describe()'s text where the arguments' reprs would not read well

    def build(self, name: str) -> Metric:
        """A new metric called ``name``."""
        return self.cls(**self.kwargs, name=name)

    def describe(self) -> str:
        """The constructor call, ``TopKAccuracy(k=5)``."""
        if self.shown is not None:
            return self.shown
        return f"{self.cls.__name__}({', '.join(f'{k}={v!r}' for k, v in self.kwargs.items())})"


def _all(named: Named, *names: str) -> dict[str, Named]:
    return dict.fromkeys(names, named)


def _mean_of(loss_name: str, follows: str) -> Named:
    """The mean of the per-example values of the loss that Keras's ``loss_name`` means (MeanMetricWrapper's way)."""
    loss = loss_names.NAMES[loss_name]
    arguments = {**loss.kwargs, "reduction": "none"}
    shown = f"{loss.cls.__name__}({', '.join(f'{k}={v!r}' for k, v in arguments.items())})"
    return Named(MeanOf, follows, {"fn": loss.cls(**arguments)}, shown=f"MeanOf({shown})")


NAMES: dict[str, Named] = {
    **_all(
        Named(Accuracy, "Keras compile: binary, sparse or categorical accuracy, from the shapes"), "accuracy", "acc"
    ),
    **_all(
        Named(BinaryAccuracy, "keras.metrics.BinaryAccuracy", {"threshold": 0.5}), "binary_accuracy", "BinaryAccuracy"
    ),
    **_all(
        Named(CategoricalAccuracy, "keras.metrics.CategoricalAccuracy"), "categorical_accuracy", "CategoricalAccuracy"
    ),
    **_all(
        Named(SparseCategoricalAccuracy, "keras.metrics.SparseCategoricalAccuracy"),
        "sparse_categorical_accuracy",
        "SparseCategoricalAccuracy",
    ),
    **_all(
        Named(TopKAccuracy, "keras.metrics.TopKCategoricalAccuracy", {"k": 5}),
        "top_k_categorical_accuracy",
        "TopKCategoricalAccuracy",
    ),
    **_all(
        Named(TopKAccuracy, "keras.metrics.SparseTopKCategoricalAccuracy", {"k": 5}),
        "sparse_top_k_categorical_accuracy",
        "SparseTopKCategoricalAccuracy",
    ),
    **_all(Named(Precision, "keras.metrics.Precision", {"threshold": 0.5}), "precision", "Precision"),
    **_all(Named(Recall, "keras.metrics.Recall", {"threshold": 0.5}), "recall", "Recall"),
    **_all(Named(AUC, "keras.metrics.AUC", {"num_thresholds": 200, "curve": "ROC"}), "auc", "AUC"),
    **_all(
        Named(MeanSquaredError, "keras.metrics.MeanSquaredError"),
        "mean_squared_error",
        "MeanSquaredError",
        "mse",
        "MSE",
    ),
    **_all(
        Named(MeanAbsoluteError, "keras.metrics.MeanAbsoluteError"),
        "mean_absolute_error",
        "MeanAbsoluteError",
        "mae",
        "MAE",
    ),
    **_all(Named(Mean, "keras.metrics.Mean"), "mean", "Mean"),
    **_all(
        _mean_of("binary_crossentropy", "keras.metrics.BinaryCrossentropy"),
        "binary_crossentropy",
        "BinaryCrossentropy",
        "bce",
        "BCE",
    ),
    **_all(
        _mean_of("categorical_crossentropy", "keras.metrics.CategoricalCrossentropy"),
        "categorical_crossentropy",
        "CategoricalCrossentropy",
    ),
    **_all(
        _mean_of("sparse_categorical_crossentropy", "keras.metrics.SparseCategoricalCrossentropy"),
        "sparse_categorical_crossentropy",
        "SparseCategoricalCrossentropy",
    ),
    **_all(_mean_of("kl_divergence", "keras.metrics.KLDivergence"), "kl_divergence", "KLDivergence"),
    # dualnet's own names (Keras has no metric of these meanings).
    "top_k_accuracy": Named(TopKAccuracy, "dualnet: top-5 accuracy of ids or one-hot rows", {"k": 5}),
    "f1": Named(F1Score, "dualnet: binary F1 at threshold 0.5", {"threshold": 0.5}),
}
"""Every accepted metric name and what it builds."""

CASE_FREE = frozenset({"accuracy", "acc"})
"""Names matched in any case, as ``Model.compile`` lower-cases these (``"Accuracy"``, ``"ACC"``)."""

KERAS_NOT_YET = frozenset(
    {
        *("BinaryIoU", "binary_io_u", "IoU", "io_u", "MeanIoU", "mean_io_u", "OneHotIoU", "one_hot_io_u"),
        *("OneHotMeanIoU", "one_hot_mean_io_u"),
        *("CategoricalHinge", "categorical_hinge", "Hinge", "hinge", "SquaredHinge", "squared_hinge"),
        *("ConcordanceCorrelation", "concordance_correlation", "PearsonCorrelation", "pearson_correlation"),
        *("CosineSimilarity", "cosine_similarity", "LogCoshError", "log_cosh_error", "Poisson", "poisson"),
        # Keras's F1Score / FBetaScore default to one score per class (average=None); dualnet's F1Score is binary.
        *("F1Score", "f1_score", "FBetaScore", "f_beta_score"),
        *("FalseNegatives", "false_negatives", "FalsePositives", "false_positives"),
        *("TrueNegatives", "true_negatives", "TruePositives", "true_positives"),
        *("MeanAbsolutePercentageError", "mean_absolute_percentage_error", "mape", "MAPE"),
        *("MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", "msle", "MSLE"),
        *("RootMeanSquaredError", "root_mean_squared_error", "R2Score", "r2_score", "Sum", "sum"),
        *("PrecisionAtRecall", "precision_at_recall", "RecallAtPrecision", "recall_at_precision"),
        *("SensitivityAtSpecificity", "sensitivity_at_specificity"),
        *("SpecificityAtSensitivity", "specificity_at_sensitivity"),
    }
)
"""Keras 3's metric identifiers that dualnet does not implement yet."""


def _listing() -> str:
    lower = sorted({name for name in NAMES if name == name.lower()})
    return f"{', '.join(lower)} (and Keras's class names, e.g. 'BinaryAccuracy')"


def lookup(name: str) -> Named | None:
    """The entry for ``name`` (``CASE_FREE`` names in any case), or None."""
    return NAMES.get(name.lower() if name.lower() in CASE_FREE else name)


def check(name: str, where: str = "metric") -> Named:
    """The entry for metric name ``name``.

    Raises:
        ArgumentError: ``name`` is unknown (with the close matches) or a Keras metric dualnet lacks.
    """
    named = lookup(name)
    if named is not None:
        return named
    if name in KERAS_NOT_YET:
        raise ArgumentError(
            f"{where}: Keras's metric {name!r} is not available in dualnet yet; the metric names available are "
            f"{_listing()}, or pass a Metric object or a function (y_pred, y_true) -> values"
        )
    raise ArgumentError(
        f"{where}: unknown metric {name!r}; {did_you_mean(name, NAMES)}use one of {_listing()}, a Metric object "
        "or a function (y_pred, y_true) -> values"
    )


def resolve(name: str, where: str = "metric") -> Metric:
    """A new metric for ``name``, as :func:`check` finds it, named ``name``."""
    return check(name, where).build(name)
