"""Overlap losses for segmentation: Dice and Tversky, as Keras defines them.

``y_pred`` holds probabilities and ``y_true`` 0/1 masks of the same shape
(targets one axis short, of size 1, are matched as in the regression losses).
The sums run over ``axis``: by default every axis, so the whole batch gives one
value, as in Keras; ``axis=(1, 2, 3)`` gives one value per image, (N,).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_axis, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import EPSILON, Loss
from dualnet.losses.ranks import matched_shapes

__all__ = ["Dice", "Tversky"]


def _axes(name: str, axis: Any) -> tuple[int, ...] | None:
    if axis is None:
        return None
    items = axis if isinstance(axis, tuple | list) else (axis,)
    return tuple(check_axis(name, "axis", a, example="axis=(1, 2, 3)") for a in items)


class _Overlap(Loss):
    def __init__(self, axis: int | Sequence[int] | None, reduction: str) -> None:
        super().__init__(reduction)
        self.axis = _axes(type(self).__name__, axis)

    def __call__(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> Any:
        if sample_weight is not None and self.axis is None:
            raise ShapeError(
                f"{type(self).__name__}: with axis=None the whole batch gives one value, which sample_weight cannot "
                "weight per example; pass the axes to sum over, e.g. axis=(1, 2, 3) for (N, H, W, C) masks"
            )
        return self._reduce(self.per_example(y_pred, y_true), sample_weight)

    def _matched(self, y_pred: Any, y_true: Any) -> tuple[Any, Any]:
        """Both as tensors of one shape, ``axis`` checked against it."""
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        rank = len(B.shape(y_pred))
        for a in self.axis or ():
            if not -rank <= a < rank:
                raise ShapeError(
                    f"{type(self).__name__}: axis {a} is out of range for inputs of rank {rank}; "
                    f"use axes in [{-rank}, {rank})"
                )
        return y_pred, y_true


class Dice(_Overlap):
    """``1 - 2 sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + 1e-7)`` over ``axis`` (Keras's ``Dice``).

    Shapes: both ``(N, ...)``; unreduced values have the shape left after summing
    over ``axis`` (``()`` for ``axis=None``, the default: one value for the batch).

    Raises:
        ArgumentError: ``axis`` is not None, an int or a tuple of ints; an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, ``axis`` is out of range, or ``sample_weight`` is given
            with ``axis=None`` or does not fit.
    """

    def __init__(self, axis: int | Sequence[int] | None = None, reduction: str = "mean") -> None:
        super().__init__(axis, reduction)

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = self._matched(y_pred, y_true)
        overlap = B.sum(B.multiply(y_true, y_pred), self.axis)
        true_sum, pred_sum = B.sum(y_true, self.axis), B.sum(y_pred, self.axis)
        return B.subtract(1.0, B.divide(B.multiply(2.0, overlap), B.add(B.add(true_sum, pred_sum), EPSILON)))


class Tversky(_Overlap):
    """``1 - TP / (TP + alpha * sum((1 - y_pred) y_true) + beta * sum(y_pred (1 - y_true)) + 1e-7)`` (Keras's).

    ``TP = sum(y_true * y_pred)`` over ``axis``; ``alpha`` weighs the missed
    targets and ``beta`` the predictions outside them, the terms Keras's
    ``tversky`` weighs by them. ``alpha = beta = 0.5`` gives :class:`Dice`.
    Shapes as in :class:`Dice`.

    Raises:
        ArgumentError: ``alpha`` or ``beta`` not in [0, 1], a bad ``axis``, or an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, ``axis`` is out of range, or ``sample_weight`` is given
            with ``axis=None`` or does not fit.
    """

    def __init__(
        self, alpha: float = 0.5, beta: float = 0.5, axis: int | Sequence[int] | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__(axis, reduction)
        self.alpha = check_probability(type(self).__name__, "alpha", alpha, example="alpha=0.7")
        self.beta = check_probability(type(self).__name__, "beta", beta, example="beta=0.3")

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = self._matched(y_pred, y_true)
        overlap = B.sum(B.multiply(y_true, y_pred), self.axis)
        # Three sums, not sum(t) - TP and sum(p) - TP: Keras's arithmetic, so float32 values are Keras's.
        missed = B.sum(B.multiply(B.subtract(1.0, y_pred), y_true), self.axis)
        extra = B.sum(B.multiply(y_pred, B.subtract(1.0, y_true)), self.axis)
        denominator = B.add(
            B.add(B.add(overlap, B.multiply(self.alpha, missed)), B.multiply(self.beta, extra)), EPSILON
        )
        return B.subtract(1.0, B.divide(overlap, denominator))
