"""Regression metrics of Keras 3: RootMeanSquaredError, the percentage, logarithmic and log-cosh errors,
CosineSimilarity and R2Score.

The per-value formulas are Keras's (``keras/src/losses/losses.py``), with its
``epsilon = 1e-7``; predictions and targets whose ranks differ by one trailing
axis of size 1 are matched as Keras's ``squeeze_or_expand_to_same_rank`` does.
Every metric here but R2Score is a :class:`~dualnet.metrics.Mean` of values
per example: ``sample_weight`` has shape ``(N,)`` (or a prefix of the values' shape).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from dualnet import losses
from dualnet.arguments import argument_error, check_axis, check_int, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import EPSILON, weights_for
from dualnet.losses.ranks import matched_shapes
from dualnet.metrics.base import Metric, last_axis_mean
from dualnet.metrics.mean import Mean

__all__ = [
    "CosineSimilarity",
    "LogCoshError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "R2Score",
    "RootMeanSquaredError",
]


class RootMeanSquaredError(Mean):
    """``sqrt`` of the (weighted) mean of ``(y_pred - y_true) ** 2`` over every batch. Shapes: both ``(N, ...)``.

    Keras's ``RootMeanSquaredError``: the root of the streamed mean, not a mean of per-batch roots.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "root_mean_squared_error"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("RootMeanSquaredError", y_pred, y_true)
        diff = B.subtract(y_pred, y_true)
        return B.multiply(diff, diff)

    def result(self) -> float:
        return math.sqrt(super().result())


class MeanAbsolutePercentageError(Mean):
    """``100 * mean(|y_true - y_pred| / max(|y_true|, 1e-7))`` over the last axis. Shapes: both ``(N, ...)``.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "mean_absolute_percentage_error"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("MeanAbsolutePercentageError", y_pred, y_true)
        scale = B.maximum(B.abs(y_true), EPSILON)
        return B.multiply(100.0, last_axis_mean(B.abs(B.divide(B.subtract(y_true, y_pred), scale))))


class MeanSquaredLogarithmicError(Mean):
    """``mean((log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)) ** 2)`` over the last axis.

    Shapes: both ``(N, ...)``.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "mean_squared_logarithmic_error"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("MeanSquaredLogarithmicError", y_pred, y_true)
        diff = B.subtract(B.log(B.add(B.maximum(y_pred, EPSILON), 1.0)), B.log(B.add(B.maximum(y_true, EPSILON), 1.0)))
        return last_axis_mean(B.multiply(diff, diff))


class LogCoshError(Mean):
    """``mean(log(cosh(y_pred - y_true)))`` over the last axis, as ``x + softplus(-2x) - log 2`` (no overflow).

    Shapes: both ``(N, ...)``. Keras's default name is ``"logcosh"``.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "logcosh"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("LogCoshError", y_pred, y_true)
        x = B.subtract(y_pred, y_true)
        return last_axis_mean(B.subtract(B.add(x, B.softplus(B.multiply(x, -2.0))), math.log(2.0)))


class CosineSimilarity(Mean):
    """Mean cosine of the angle between ``y_pred`` and ``y_true`` along ``axis`` (+1: same direction).

    Both have shape (N, ..., D); each vector is divided by ``max(norm, 1e-7)``, so a
    zero vector gives 0. The metric is the loss :class:`dualnet.losses.CosineSimilarity`
    with the sign turned back, as Keras's metric is.

    Raises:
        ArgumentError: ``axis`` is not an int.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), ``axis`` is out
            of range for them, or a ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "cosine_similarity"

    def __init__(self, axis: int = -1, name: str | None = None) -> None:
        super().__init__(name)
        self.axis = check_axis("CosineSimilarity", "axis", axis)
        self._loss = losses.CosineSimilarity(axis=self.axis, reduction="none")

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return B.negative(self._loss.per_example(y_pred, y_true))


_AGGREGATIONS = ("uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination ``1 - SS_res / SS_tot`` per output, streamed; Keras's ``R2Score``.

    ``y_pred`` and ``y_true`` have shape ``(N, D)`` (``(N,)`` is one output); the
    number of outputs ``D`` is read from the first batch. ``class_aggregation``
    combines the outputs' scores: ``"uniform_average"`` (their mean),
    ``"variance_weighted_average"`` (weighted by each output's total sum of squares)
    or None (one score per output, an array of shape ``(D,)``). With
    ``num_regressors`` ``p > 0`` the score is adjusted: ``1 - (1 - R2) (n - 1) / (n - p - 1)``,
    where ``n`` counts values (Keras's count, ``N * D``); when ``p >= n - 1`` it falls
    back to the plain score with a warning, as Keras does. An output whose targets
    do not vary scores 0 (Keras's choice for ``-inf``). ``sample_weight``: ``(N,)`` or ``(N, D)``.
    The sums are formed in float64.

    Raises:
        ArgumentError: ``class_aggregation`` is none of the three, or ``num_regressors`` is not an int >= 0.
        ShapeError: inputs that are not ``(N, D)`` of one shape, a ``D`` other than the first batch's, or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`; a first update inside a compiled
            function.
    """

    default_name = "r2_score"

    def __init__(
        self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0, name: str | None = None
    ) -> None:
        super().__init__(name)
        if class_aggregation is not None and class_aggregation not in _AGGREGATIONS:
            raise argument_error(
                "R2Score",
                "class_aggregation",
                class_aggregation,
                "'uniform_average', 'variance_weighted_average' or None (one score per output)",
                "pass e.g. class_aggregation='uniform_average'",
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = check_int("R2Score", "num_regressors", num_regressors, low=0, example="num_regressors=3")
        self._built = False

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch: predictions and targets ``(N, D)``, weights ``(N,)`` or ``(N, D)``."""
        y_pred, y_true = matched_shapes("R2Score", B.stop_gradient(B.convert_to_tensor(y_pred)), y_true)
        y_pred, y_true = B.cast(y_pred, "float64"), B.cast(y_true, "float64")
        if len(B.shape(y_pred)) == 1:
            y_pred, y_true = B.expand_dims(y_pred, -1), B.expand_dims(y_true, -1)
        shape = tuple(B.shape(y_pred))
        if len(shape) != 2 or not is_integer(shape[1]):
            raise ShapeError(
                f"R2Score: y_pred and y_true must have shape (N, outputs) with a known number of outputs, got "
                f"{shape}; flatten extra axes into the outputs (e.g. y.reshape(len(y), -1))"
            )
        outputs = int(shape[1])
        if not self._built:
            for state in ("sum", "squared_sum", "residual", "count"):
                self.add_state(state, (outputs,))
            self.add_state("num_samples")
            self._built = True
        elif self._shapes["sum"] != (outputs,):
            raise ShapeError(
                f"R2Score: the first batch had {self._shapes['sum'][0]} outputs but this one has {outputs} "
                f"(shape {shape}); use one R2Score per number of outputs, or reset() it after a change"
            )
        weights = B.ones_like(y_true, None)
        if sample_weight is not None:
            weights = B.multiply(weights, weights_for("R2Score", sample_weight, y_true))
        weighted = B.multiply(y_true, weights)
        error = B.subtract(y_true, y_pred)
        self._accumulate("sum", B.sum(weighted, 0))
        self._accumulate("squared_sum", B.sum(B.multiply(y_true, weighted), 0))
        self._accumulate("residual", B.sum(B.multiply(B.multiply(error, error), weights), 0))
        self._accumulate("count", B.sum(weights, 0))
        self._accumulate("num_samples", B.reshape(B.sum(B.ones_like(y_true, None)), (1,)))

    def result(self) -> float | np.ndarray:
        """The score (an array of one per output with ``class_aggregation=None``); 0 before any update."""
        if not self._built:
            return np.zeros(0) if self.class_aggregation is None else 0.0
        t = self.totals()
        with np.errstate(divide="ignore", invalid="ignore"):
            total = t["squared_sum"] - t["sum"] * (t["sum"] / t["count"])
            raw = 1.0 - t["residual"] / total
        raw = np.where(np.isinf(raw), 0.0, raw)
        if self.class_aggregation is None:
            score: float | np.ndarray = raw
        elif self.class_aggregation == "uniform_average":
            score = float(np.mean(raw))
        else:
            score = float(np.sum(total * raw) / np.sum(total))
        n, p = float(t["num_samples"]), self.num_regressors
        if p == 0:
            return score
        if p >= n - 1:
            warnings.warn(
                f"R2Score(num_regressors={p}): {n:g} values leave no degrees of freedom for the adjusted score; "
                "giving the plain R2 score",
                stacklevel=2,
            )
            return score
        return 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
