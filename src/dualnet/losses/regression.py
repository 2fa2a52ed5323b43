"""Regression losses: squared, absolute, Huber, smooth-L1, percentage, log errors; cosine similarity.

Shapes: both ``(N, ...)``; ``reduction="none"`` gives one value per example, ``(N,)``.

Targets whose rank differs from the predictions' by one trailing axis of size 1
are matched as Keras does (its ``squeeze_or_expand_to_same_rank``):
``(N,)`` targets go with ``(N, 1)`` predictions, either way round.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_axis, check_float
from dualnet.backend.dispatch import B
from dualnet.losses.base import EPSILON, ElementwiseLoss, Loss, class_axis
from dualnet.losses.ranks import matched_shapes

__all__ = [
    "CosineSimilarity",
    "Huber",
    "LogCosh",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "SmoothL1",
]


class MeanSquaredError(ElementwiseLoss):
    """Mean of ``(y_pred - y_true) ** 2`` over features, per example. Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        diff = B.subtract(y_pred, y_true)
        # d * d rather than square(d): both frameworks then differentiate it with the same arithmetic.
        return B.multiply(diff, diff)


class MeanAbsoluteError(ElementwiseLoss):
    """Mean of ``|y_pred - y_true|`` over features, per example. Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        return B.abs(B.subtract(y_pred, y_true))


class Huber(ElementwiseLoss):
    """``0.5 * d**2`` where ``|d| <= delta``, else ``delta * (|d| - 0.5 * delta)``; mean over features per example.

    ``d = y_pred - y_true``; shapes: both ``(N, ...)`` -> ``(N,)``. Keras's and PyTorch's definition.

    Raises:
        ArgumentError: ``delta`` is not a positive number, or an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def __init__(self, delta: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.delta = check_float(type(self).__name__, "delta", delta, low=0.0, low_open=True, example="delta=1.0")

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        return _huber(B.subtract(y_pred, y_true), self.delta)


def _huber(diff: Any, delta: float) -> Any:
    size = B.abs(diff)
    # A where of two finite branches, not minimum(): frameworks split a tie's gradient differently.
    quadratic = B.multiply(0.5, B.multiply(diff, diff))
    linear = B.subtract(B.multiply(delta, size), 0.5 * delta * delta)
    return B.where(B.less_equal(size, delta), quadratic, linear)


class SmoothL1(ElementwiseLoss):
    """``0.5 * d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 * beta``; PyTorch's ``smooth_l1_loss``.

    ``d = y_pred - y_true``; shapes: both ``(N, ...)`` -> ``(N,)``. It is
    ``Huber(delta=beta)`` divided by ``beta``: the linear part has slope 1
    whatever ``beta`` (Huber's has slope ``delta``). ``beta=0`` is the absolute error.

    Raises:
        ArgumentError: ``beta`` is not a number >= 0, or an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def __init__(self, beta: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.beta = check_float(type(self).__name__, "beta", beta, low=0.0, example="beta=1.0")

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        diff = B.subtract(y_pred, y_true)
        if self.beta == 0.0:
            return B.abs(diff)
        size = B.abs(diff)
        quadratic = B.divide(B.multiply(0.5, B.multiply(diff, diff)), self.beta)
        return B.where(B.less(size, self.beta), quadratic, B.subtract(size, 0.5 * self.beta))


class MeanAbsolutePercentageError(ElementwiseLoss):
    """``100 * |y_true - y_pred| / max(|y_true|, 1e-7)``, mean over features per example (Keras's definition).

    Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        ratio = B.abs(B.divide(B.subtract(y_true, y_pred), B.maximum(B.abs(y_true), EPSILON)))
        return B.multiply(100.0, ratio)


class MeanSquaredLogarithmicError(ElementwiseLoss):
    """``(log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)) ** 2``, mean over features (Keras's definition).

    Shapes: both ``(N, ...)`` -> ``(N,)``. Values below ``1e-7`` count as ``1e-7``.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        # log(x + 1), not log1p: Keras's arithmetic, so float32 values are Keras's.
        diff = B.subtract(B.log(B.add(B.maximum(y_pred, EPSILON), 1.0)), B.log(B.add(B.maximum(y_true, EPSILON), 1.0)))
        return B.multiply(diff, diff)


class LogCosh(ElementwiseLoss):
    """``log(cosh(y_pred - y_true))``, mean over features per example (Keras's definition, computed without overflow).

    Shapes: both ``(N, ...)`` -> ``(N,)``. Close to ``d**2 / 2`` for small errors and to ``|d| - log 2`` for large ones.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        diff = B.subtract(y_pred, y_true)
        # Keras's form, x + softplus(-2x) - log 2: cosh(x) overflows float32 beyond |x| = 89.
        return B.subtract(B.add(diff, B.softplus(B.multiply(-2.0, diff))), _LOG_2)


_LOG_2 = 0.6931471805599453


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
