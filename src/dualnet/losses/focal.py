"""Cross-entropies reweighted towards hard or noisy examples: focal losses and the generalized cross-entropy.

Keras's definitions (``keras.losses.BinaryFocalCrossentropy``,
``CategoricalFocalCrossentropy``, ``CategoricalGeneralizedCrossEntropy``): the
focal factor ``(1 - p_t) ** gamma`` multiplies the cross-entropy, so that
confident right answers count little (Lin et al., 2017).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_axis, check_bool, check_float, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import (
    EPSILON,
    ElementwiseLoss,
    Loss,
    check_class_ids,
    class_axis,
    compatible,
    integer_class_ids,
    non_negative_floats,
)
from dualnet.losses.ranks import matched_shapes

__all__ = ["BinaryFocalCrossEntropy", "CategoricalFocalCrossEntropy", "CategoricalGeneralizedCrossEntropy"]


class BinaryFocalCrossEntropy(ElementwiseLoss):
    """``(1 - p_t) ** gamma * bce``, mean over features per example; Keras's ``BinaryFocalCrossentropy``.

    ``p_t = y p + (1 - y)(1 - p)`` with ``p`` the probability (``sigmoid(y_pred)``
    when ``from_logits``, else ``y_pred``); ``bce`` the binary cross-entropy, from
    the logits when ``from_logits`` (as Keras computes it), else of ``p`` clipped to
    ``[1e-7, 1 - 1e-7]``. With ``apply_class_balancing``, positives are weighted
    ``alpha`` and negatives ``1 - alpha``. ``gamma=0`` gives the binary
    cross-entropy. Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: ``alpha`` or ``label_smoothing`` not in [0, 1], a negative ``gamma``, a non-bool flag, or an
            unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.apply_class_balancing = check_bool(name, "apply_class_balancing", apply_class_balancing)
        self.alpha = check_probability(name, "alpha", alpha, example="alpha=0.25")
        self.gamma = check_float(name, "gamma", gamma, low=0.0, example="gamma=2.0")
        self.from_logits = check_bool(name, "from_logits", from_logits)
        self.label_smoothing = check_probability(
            name, "label_smoothing", label_smoothing, example="label_smoothing=0.1"
        )

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        if self.label_smoothing:
            y_true = B.add(B.multiply(y_true, 1.0 - self.label_smoothing), 0.5 * self.label_smoothing)
        if self.from_logits:
            p = B.sigmoid(y_pred)
            # Keras finds the logits behind its own sigmoid and takes the stable cross-entropy of them.
            bce = B.sigmoid_cross_entropy(y_pred, y_true)
        else:
            p = y_pred
            clipped = B.clip(p, EPSILON, 1.0 - EPSILON)
            positive = B.multiply(y_true, B.log(clipped))
            bce = B.negative(B.add(positive, B.multiply(B.subtract(1.0, y_true), B.log(B.subtract(1.0, clipped)))))
        p_t = B.add(B.multiply(y_true, p), B.multiply(B.subtract(1.0, y_true), B.subtract(1.0, p)))
        focal = B.multiply(B.power(B.subtract(1.0, p_t), self.gamma), bce)
        if self.apply_class_balancing:
            balance = B.add(B.multiply(y_true, self.alpha), B.multiply(B.subtract(1.0, y_true), 1.0 - self.alpha))
            focal = B.multiply(balance, focal)
        return focal


def class_rows(name: str, y_pred: Any, y_true: Any, axis: int) -> tuple[Any, Any, int]:
    """``y_pred`` and ``y_true`` as rows of ``y_pred``'s shape (class ids become one-hot), and the class axis."""
    y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    axis = class_axis(name, axis, len(pred_shape))
    classes = pred_shape[axis]
    reduced = pred_shape[:axis] + pred_shape[axis + 1 :]
    ids = compatible(true_shape, reduced) or compatible(true_shape, (*pred_shape[:axis], 1, *pred_shape[axis + 1 :]))
    if ids and classes is not None and classes > 1:
        labels = integer_class_ids(name, B.squeeze(y_true, axis) if len(true_shape) > len(reduced) else y_true)
        check_class_ids(name, labels, classes)
        return y_pred, B.moveaxis(B.one_hot(labels, classes, B.dtype(y_pred)), -1, axis), axis
    if not compatible(true_shape, pred_shape):
        raise ShapeError(
            f"{name}: y_pred has shape {pred_shape} (classes on axis {axis}) but y_true has shape {true_shape}; "
            f"pass integer class ids of shape {reduced} or one-hot rows of shape {pred_shape}"
        )
    return y_pred, B.cast(y_true, B.dtype(y_pred)), axis


class CategoricalFocalCrossEntropy(Loss):
    """``sum(alpha * (1 - p) ** gamma * -y log p, axis)``; Keras's ``CategoricalFocalCrossentropy``.

    ``y_pred`` (N, ..., C) holds probabilities (softmax of it when
    ``from_logits``), normalised along ``axis`` and clipped to ``[1e-7, 1 - 1e-7]``
    as Keras does; ``y_true`` one-hot rows of its shape, or class ids (N, ...)
    (Keras has no sparse focal loss: ids are taken as one-hot rows).
    ``alpha`` is one number or one per class; ``label_smoothing`` ``s`` gives
    ``y (1 - s) + s / C``. Unreduced values have shape (N, ...).

    Raises:
        ArgumentError: a bad ``alpha``, ``gamma``, ``label_smoothing``, ``axis`` or ``reduction``; class ids outside
            ``[0, C)`` (eager mode).
        ShapeError: ``y_true`` is neither class ids nor of ``y_pred``'s shape, ``alpha`` has not C entries, ``axis``
            is out of range, or ``sample_weight`` does not fit.
    """

    def __init__(
        self,
        alpha: float | Sequence[float] = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.alpha = non_negative_floats(name, "alpha", alpha, example="alpha=0.25", scalar=True)
        self.gamma = check_float(name, "gamma", gamma, low=0.0, example="gamma=2.0")
        self.from_logits = check_bool(name, "from_logits", from_logits)
        self.label_smoothing = check_probability(
            name, "label_smoothing", label_smoothing, example="label_smoothing=0.1"
        )
        self.axis = check_axis(name, "axis", axis)

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        name = type(self).__name__
        y_pred, y_true, axis = class_rows(name, y_pred, y_true, self.axis)
        classes = tuple(B.shape(y_pred))[axis]
        if self.label_smoothing:
            y_true = B.add(B.multiply(y_true, 1.0 - self.label_smoothing), self.label_smoothing / float(classes))
        p = B.softmax(y_pred, axis) if self.from_logits else y_pred
        p = B.clip(B.divide(p, B.sum(p, axis, keepdims=True)), EPSILON, 1.0 - EPSILON)
        cross_entropy = B.negative(B.multiply(y_true, B.log(p)))
        factor = B.multiply(B.power(B.subtract(1.0, p), self.gamma), self._alpha(classes, axis, len(B.shape(p))))
        return B.sum(B.multiply(factor, cross_entropy), axis)

    def _alpha(self, classes: int, axis: int, rank: int) -> Any:
        if not isinstance(self.alpha, tuple):
            return self.alpha
        if len(self.alpha) != classes:
            raise ShapeError(
                f"{type(self).__name__}: alpha has {len(self.alpha)} entries but y_pred has {classes} classes; "
                "pass one number or one per class"
            )
        return B.reshape(B.convert_to_tensor(self.alpha), tuple(-1 if i == axis else 1 for i in range(rank)))


class CategoricalGeneralizedCrossEntropy(Loss):
    """``(1 - p_y ** q) / q`` of the target class's probability ``p_y``; Keras's generalized cross-entropy.

    Robust to noisy labels (Zhang and Sabuncu, 2018): it tends to the
    cross-entropy as ``q`` goes to 0 and to the mean absolute error at 1.
    ``y_pred`` (N, ..., C) holds probabilities (not clipped, as in Keras), classes
    last; ``y_true`` class ids (N, ...) or one-hot rows. Unreduced values have shape (N, ...).

    Raises:
        ArgumentError: ``q`` not in (0, 1), or an unknown ``reduction``; class ids outside ``[0, C)`` (eager mode).
        ShapeError: ``y_true`` is neither class ids nor of ``y_pred``'s shape, or ``sample_weight`` does not fit.
    """

    def __init__(self, q: float = 0.5, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.q = check_float(
            type(self).__name__, "q", q, low=0.0, high=1.0, low_open=True, high_open=True, example="q=0.5"
        )

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, rows, _ = class_rows(type(self).__name__, y_pred, y_true, -1)
        p = B.sum(B.multiply(y_pred, rows), -1)
        return B.divide(B.subtract(1.0, B.power(p, self.q)), self.q)
