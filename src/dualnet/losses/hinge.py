"""Margin losses on scores: Keras's hinges and PyTorch's margin and soft-margin losses.

Keras's hinges take labels in {-1, 1}; labels that are all 0 or 1 are mapped
to -1 and 1 first, as Keras does (one check over the whole batch). PyTorch's
``HingeEmbedding`` and ``SoftMargin`` take {-1, 1} as they are. Shapes: both
``(N, ...)``; the elementwise losses give one value per example, ``(N,)``; the
class losses (scores on the last axis) one per position, ``(N, ...)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import argument_error, check_float, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import (
    ElementwiseLoss,
    Loss,
    check_class_ids,
    compatible,
    integer_class_ids,
    non_negative_floats,
)
from dualnet.losses.ranks import matched_shapes

__all__ = [
    "CategoricalHinge",
    "Hinge",
    "HingeEmbedding",
    "MultiLabelSoftMargin",
    "MultiMargin",
    "SoftMargin",
    "SquaredHinge",
]


def signed_labels(y_true: Any) -> Any:
    """Keras's ``convert_binary_labels_to_hinge``: ``2 y - 1`` when every label is 0 or 1, else ``y`` unchanged."""
    binary = B.all(B.logical_or(B.equal(y_true, 0.0), B.equal(y_true, 1.0)))
    return B.where(binary, B.subtract(B.multiply(2.0, y_true), 1.0), y_true)


class Hinge(ElementwiseLoss):
    """``max(1 - y * y_pred, 0)``, mean over features per example (Keras's hinge).

    Shapes: both ``(N, ...)`` -> ``(N,)``. ``y_true`` holds -1 or 1 (or 0 and 1
    only, mapped to -1 and 1). A tie at the hinge gets gradient 0 on both backends.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        return B.relu(B.subtract(1.0, B.multiply(signed_labels(y_true), y_pred)))


class SquaredHinge(ElementwiseLoss):
    """``max(1 - y * y_pred, 0) ** 2``, mean over features per example (Keras's). Shapes: both ``(N, ...)`` -> ``(N,)``.

    ``y_true`` holds -1 or 1 (or 0 and 1 only, mapped to -1 and 1).

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        margin = B.relu(B.subtract(1.0, B.multiply(signed_labels(y_true), y_pred)))
        return B.multiply(margin, margin)


def _one_hot_or_rows(name: str, y_pred: Any, y_true: Any) -> tuple[Any, Any]:
    """``y_pred`` (N, ..., C) and ``y_true`` as rows of its shape: class ids (N, ...) become one-hot rows."""
    y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    classes = pred_shape[-1] if pred_shape else None
    if compatible(true_shape, pred_shape[:-1]) and classes is not None:
        labels = integer_class_ids(name, y_true)
        check_class_ids(name, labels, classes)
        return y_pred, B.one_hot(labels, classes, B.dtype(y_pred))
    if not compatible(true_shape, pred_shape):
        raise ShapeError(
            f"{name}: y_pred has shape {pred_shape} (classes last) but y_true has shape {true_shape}; pass class ids "
            f"of shape {pred_shape[:-1]} or one-hot rows of shape {pred_shape}"
        )
    return y_pred, B.cast(y_true, B.dtype(y_pred))


class CategoricalHinge(Loss):
    """``max(max((1 - y) * y_pred) - sum(y * y_pred) + 1, 0)`` over the last axis (Keras's categorical hinge).

    ``y_pred`` (N, ..., C) holds scores; ``y_true`` one-hot rows of its shape, or
    class ids (N, ...) (taken as one-hot rows; Keras takes rows only). Unreduced
    values have shape (N, ...).

    Raises:
        ArgumentError: an unknown ``reduction``; class ids outside ``[0, C)`` (eager mode).
        ShapeError: ``y_true`` is neither class ids nor of ``y_pred``'s shape, or ``sample_weight`` does not fit.
    """

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = _one_hot_or_rows(type(self).__name__, y_pred, y_true)
        positive = B.sum(B.multiply(y_true, y_pred), -1)
        negative = B.max(B.multiply(B.subtract(1.0, y_true), y_pred), -1)
        return B.relu(B.add(B.subtract(negative, positive), 1.0))


class MultiMargin(Loss):
    """PyTorch's ``multi_margin_loss``: ``sum_{j != y} max(0, margin - x[y] + x[j]) ** p / C`` per position.

    ``y_pred`` (N, ..., C) holds scores, classes last (PyTorch puts them on axis
    1); ``y_true`` class ids (N, ...). ``weight`` (C,) scales each position's
    terms by its target class's weight. Unreduced values have shape (N, ...).

    Raises:
        ArgumentError: ``p`` is not 1 or 2, a negative ``margin``, a bad ``weight`` or ``reduction``; class ids
            outside ``[0, C)`` (eager mode).
        ShapeError: ``y_true`` is not class ids of shape (N, ...), ``weight`` does not have C entries, or
            ``sample_weight`` does not fit.
    """

    def __init__(
        self, p: int = 1, margin: float = 1.0, weight: Sequence[float] | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        if not (is_integer(p) and p in (1, 2)):
            raise argument_error(name, "p", p, "1 or 2", "pass p=1 (the hinge) or p=2 (its square)")
        self.p = int(p)
        self.margin = check_float(name, "margin", margin, low=0.0, example="margin=1.0")
        self.weight = non_negative_floats(name, "weight", weight, example="weight=[1.0, 2.0, 0.5], one per class")

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        name = type(self).__name__
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        if not pred_shape or not compatible(true_shape, pred_shape[:-1]):
            raise ShapeError(
                f"{name}: y_pred has shape {pred_shape} (classes last) but y_true has shape {true_shape}; pass "
                f"integer class ids of shape {pred_shape[:-1]}"
            )
        classes = pred_shape[-1]
        labels = integer_class_ids(name, y_true)
        check_class_ids(name, labels, classes)
        target = B.take_along_axis(y_pred, B.expand_dims(labels, -1), -1)
        terms = B.relu(B.add(B.subtract(self.margin, target), y_pred))
        if self.p == 2:
            terms = B.multiply(terms, terms)
        terms = B.where(B.cast(B.one_hot(labels, classes), "bool"), 0.0, terms)  # j = y is left out
        values = B.divide(B.sum(terms, -1), float(classes))
        if self.weight is not None:
            if len(self.weight) != classes:
                raise ShapeError(
                    f"{name}: weight has {len(self.weight)} entries for {classes} classes; pass one per class"
                )
            values = B.multiply(values, B.take(B.convert_to_tensor(self.weight, B.dtype(values)), labels))
        return values


class SoftMargin(ElementwiseLoss):
    """``log(1 + exp(-y * y_pred))``, mean over features per example; PyTorch's ``soft_margin_loss``, stable.

    ``y_true`` holds -1 or 1. Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        return B.softplus(B.negative(B.multiply(y_true, y_pred)))


class HingeEmbedding(ElementwiseLoss):
    """PyTorch's ``hinge_embedding_loss``: ``y_pred`` where ``y == 1``, ``max(0, margin - y_pred)`` where ``y == -1``.

    ``y_pred`` usually holds distances; ``y_true`` -1 or 1. Mean over features
    per example. Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: a bad ``margin`` or ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = check_float(type(self).__name__, "margin", margin, low=0.0, example="margin=1.0")

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        # PyTorch's two terms, each where its label is not the other one.
        below = B.where(B.not_equal(y_true, 1.0), B.relu(B.subtract(self.margin, y_pred)), 0.0)
        return B.add(below, B.where(B.not_equal(y_true, -1.0), y_pred, 0.0))


class MultiLabelSoftMargin(Loss):
    """PyTorch's ``multilabel_soft_margin_loss``: the mean binary cross-entropy of logits over the last axis.

    ``y_pred`` (N, ..., C) holds logits, ``y_true`` 0/1 targets of its shape;
    ``weight`` (C,) scales each class's term. Unreduced values have shape (N, ...).
    The same as Keras's ``BinaryCrossentropy(from_logits=True)`` without weights.

    Raises:
        ArgumentError: a bad ``weight`` or ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, ``weight`` does not have C entries, or ``sample_weight``
            does not fit.
    """

    def __init__(self, weight: Sequence[float] | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.weight = non_negative_floats(name, "weight", weight, example="weight=[1.0, 2.0, 0.5], one per class")

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        name = type(self).__name__
        y_pred, y_true = matched_shapes(name, y_pred, y_true)
        values = B.sigmoid_cross_entropy(y_pred, y_true)
        if self.weight is not None:
            classes = tuple(B.shape(values))[-1]
            if len(self.weight) != classes:
                raise ShapeError(
                    f"{name}: weight has {len(self.weight)} entries for {classes} classes; pass one per class"
                )
            values = B.multiply(values, B.convert_to_tensor(self.weight, B.dtype(values)))
        return B.mean(values, -1)
