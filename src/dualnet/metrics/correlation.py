"""Keras 3's correlation metrics: PearsonCorrelation and ConcordanceCorrelation.

Like Keras's, each is a :class:`~dualnet.metrics.Mean` of a correlation computed
within each batch along ``axis`` (by default the features of each example),
not one correlation over the whole stream: for ``(N, D)`` inputs it is the mean
over examples of the correlation of their ``D`` values; for ``(N,)`` inputs the
batch's correlation, and the metric is the mean over batches.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_axis
from dualnet.backend.dispatch import B
from dualnet.losses.base import EPSILON, class_axis
from dualnet.losses.ranks import matched_shapes
from dualnet.metrics.mean import Mean

__all__ = ["ConcordanceCorrelation", "PearsonCorrelation"]


class PearsonCorrelation(Mean):
    """Pearson's correlation of ``y_pred`` and ``y_true`` along ``axis``, averaged; Keras's ``PearsonCorrelation``.

    ``mean(z(y_true) * z(y_pred), axis)`` where ``z`` centres and divides by the
    (population) standard deviation; shapes: both ``(N, ...)``. A constant slice
    has no correlation and gives NaN, as in Keras.

    Raises:
        ArgumentError: ``axis`` is not an int.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), ``axis`` is out
            of range, or a ``sample_weight`` that does not fit the per-slice values.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "pearson_correlation"

    def __init__(self, axis: int = -1, name: str | None = None) -> None:
        super().__init__(name)
        self.axis = check_axis(type(self).__name__, "axis", axis)

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        axis = class_axis(type(self).__name__, self.axis, len(B.shape(y_pred)))

        def standardised(x: Any) -> Any:
            centred = B.subtract(x, B.mean(x, axis, keepdims=True))
            return B.divide(centred, B.std(centred, axis, keepdims=True))

        return B.mean(B.multiply(standardised(y_true), standardised(y_pred)), axis)


class ConcordanceCorrelation(PearsonCorrelation):
    """Lin's concordance correlation along ``axis``, averaged; Keras's ``ConcordanceCorrelation``.

    ``mean(2 (y_true - m_p) (y_pred - m_p) / (v_t + v_p + (m_t - m_p)**2 + 1e-7), axis)``
    with means ``m`` and population variances ``v`` along ``axis``. That is Keras's
    arithmetic: centring ``y_true`` on ``m_p`` rather than ``m_t`` changes nothing
    exactly (the centred ``y_pred`` sums to zero), so it is kept for the same rounding.
    Shapes: both ``(N, ...)``.

    Raises:
        ArgumentError: ``axis`` is not an int.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), ``axis`` is out
            of range, or a ``sample_weight`` that does not fit the per-slice values.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "concordance_correlation"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        axis = class_axis(type(self).__name__, self.axis, len(B.shape(y_pred)))
        true_mean, pred_mean = B.mean(y_true, axis, keepdims=True), B.mean(y_pred, axis, keepdims=True)
        true_var = B.var(B.subtract(y_true, true_mean), axis, keepdims=True)
        pred_var = B.var(B.subtract(y_pred, pred_mean), axis, keepdims=True)
        covariance = B.multiply(B.subtract(y_true, pred_mean), B.subtract(y_pred, pred_mean))
        gap = B.subtract(true_mean, pred_mean)
        norm = B.add(B.add(true_var, pred_var), B.multiply(gap, gap))
        return B.mean(B.divide(B.multiply(2.0, covariance), B.add(norm, EPSILON)), axis)
