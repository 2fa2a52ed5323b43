"""Keras 3's hinge metrics: Hinge, SquaredHinge and CategoricalHinge, means of per-example margins.

``y_pred`` holds scores (not probabilities). For Hinge and SquaredHinge the
targets are -1/1, or 0/1, which are turned into -1/1 when every target in the
batch is 0 or 1 (Keras's rule, decided per batch on the device).
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B
from dualnet.losses.ranks import matched_shapes
from dualnet.metrics.base import last_axis_mean
from dualnet.metrics.mean import Mean

__all__ = ["CategoricalHinge", "Hinge", "SquaredHinge"]


def _margins(where: str, y_pred: Any, y_true: Any) -> Any:
    """``max(1 - y_true * y_pred, 0)`` per value, with 0/1 targets as -1/1 (Keras's hinge labels)."""
    y_pred, y_true = matched_shapes(where, y_pred, y_true)
    binary = B.all(B.logical_or(B.equal(y_true, 0.0), B.equal(y_true, 1.0)))
    signs = B.where(binary, B.subtract(B.multiply(y_true, 2.0), 1.0), y_true)
    return B.maximum(B.subtract(1.0, B.multiply(signs, y_pred)), 0.0)


class Hinge(Mean):
    """Mean of ``max(1 - y_true * y_pred, 0)`` over the last axis; Keras's ``Hinge``. Shapes: both ``(N, ...)``.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "hinge"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return last_axis_mean(_margins("Hinge", y_pred, y_true))


class SquaredHinge(Mean):
    """Mean of ``max(1 - y_true * y_pred, 0) ** 2`` over the last axis; Keras's ``SquaredHinge``.

    Shapes: both ``(N, ...)``.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "squared_hinge"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        margins = _margins("SquaredHinge", y_pred, y_true)
        return last_axis_mean(B.multiply(margins, margins))


class CategoricalHinge(Mean):
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` per example; Keras's ``CategoricalHinge``.

    ``y_pred`` scores and one-hot ``y_true``, both (N, ..., C); values (N, ...).

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, or a ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "categorical_hinge"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("CategoricalHinge", y_pred, y_true)
        positive = B.sum(B.multiply(y_true, y_pred), -1)
        negative = B.max(B.multiply(B.subtract(1.0, y_true), y_pred), -1)
        return B.maximum(B.add(B.subtract(negative, positive), 1.0), 0.0)
