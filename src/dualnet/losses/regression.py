"""Regression losses: squared, absolute and Huber errors, cosine similarity. Shapes: both ``(N, ...)``.

Targets whose rank differs from the predictions' by one trailing axis of size 1
are matched as Keras does (its ``squeeze_or_expand_to_same_rank``):
``(N,)`` targets go with ``(N, 1)`` predictions, either way round.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_axis, check_float
from dualnet.backend.dispatch import B
from dualnet.losses.base import (
    EPSILON,
    Loss,
    class_axis,
    mean_over_features,
)
from dualnet.losses.ranks import matched_shapes

__all__ = ["CosineSimilarity", "Huber", "MeanAbsoluteError", "MeanSquaredError"]


class MeanSquaredError(Loss):
    """Mean of ``(y_pred - y_true) ** 2`` over features, per example. Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("MeanSquaredError", y_pred, y_true)
        diff = B.subtract(y_pred, y_true)
        # d * d rather than square(d): both frameworks then differentiate it with the same arithmetic.
        return mean_over_features(B.multiply(diff, diff))


class MeanAbsoluteError(Loss):
    """Mean of ``|y_pred - y_true|`` over features, per example. Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("MeanAbsoluteError", y_pred, y_true)
        return mean_over_features(B.abs(B.subtract(y_pred, y_true)))


class Huber(Loss):
    """``0.5 * d**2`` where ``|d| <= delta``, else ``delta * (|d| - 0.5 * delta)``; mean over features per example.

    ``d = y_pred - y_true``; shapes: both ``(N, ...)`` -> ``(N,)``. Keras's and PyTorch's definition.

    Raises:
        ArgumentError: ``delta`` is not a positive number, or an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def __init__(self, delta: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.delta = check_float("Huber", "delta", delta, low=0.0, low_open=True, example="delta=1.0")

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("Huber", y_pred, y_true)
        diff = B.subtract(y_pred, y_true)
        size = B.abs(diff)
        # A where of two finite branches, not minimum(): frameworks split a tie's gradient differently.
        quadratic = B.multiply(0.5, B.multiply(diff, diff))
        linear = B.subtract(B.multiply(self.delta, size), 0.5 * self.delta * self.delta)
        return mean_over_features(B.where(B.less_equal(size, self.delta), quadratic, linear))


class CosineSimilarity(Loss):
    """``-cos(y_pred, y_true)`` along ``axis`` (Keras's sign: minimising it aligns the vectors).

    Both have shape (N, ..., D); unreduced values drop ``axis``. Each vector is
    divided by ``max(norm, 1e-7)``, so a zero vector gives 0.

    Raises:
        ArgumentError: ``axis`` is not an int, or an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), ``axis`` is out
            of range for them, or ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    def __init__(self, axis: int = -1, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.axis = check_axis("CosineSimilarity", "axis", axis)

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("CosineSimilarity", y_pred, y_true)
        axis = class_axis("CosineSimilarity", self.axis, len(B.shape(y_pred)))

        def unit(x: Any) -> Any:
            squared_norm = B.sum(B.multiply(x, x), axis, keepdims=True)
            return B.divide(x, B.sqrt(B.maximum(squared_norm, EPSILON * EPSILON)))

        return B.negative(B.sum(B.multiply(unit(y_pred), unit(y_true)), axis))
