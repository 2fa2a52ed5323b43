"""Losses between probability distributions: binary cross-entropy, KL divergence, compile's "crossentropy".

The categorical cross-entropy is in :mod:`dualnet.losses.categorical`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import EPSILON, ElementwiseLoss, Loss, non_negative_floats
from dualnet.losses.categorical import CrossEntropy
from dualnet.losses.ranks import matched_shapes

__all__ = ["BinaryCrossEntropy", "KLDivergence"]


class BinaryCrossEntropy(ElementwiseLoss):
    """``-(y log p + (1 - y) log(1 - p))``, mean over features per example. Shapes: both ``(N, ...)`` -> ``(N,)``.

    ``y_pred`` holds probabilities ``p`` (clipped to ``[1e-7, 1 - 1e-7]`` as in
    Keras), or logits when ``from_logits`` (computed stably). Targets in
    ``[0, 1]``; ``label_smoothing`` moves them towards 0.5: ``y (1 - s) + s / 2``.
    ``pos_weight`` (a number, or one per feature of the last axis) multiplies the
    positive term, ``-(w y log p + (1 - y) log(1 - p))``: PyTorch's
    ``BCEWithLogitsLoss(pos_weight=...)``, ``w > 1`` raising recall.

    Raises:
        ArgumentError: ``label_smoothing`` is not in [0, 1], ``pos_weight`` is not a number >= 0 (or a sequence of
            them), or an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), ``pos_weight`` does
            not broadcast against the last axis, or ``sample_weight`` fits neither their shape nor a prefix.
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        reduction: str = "mean",
        pos_weight: float | Sequence[float] | None = None,
    ) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.from_logits = check_bool(name, "from_logits", from_logits)
        self.label_smoothing = check_probability(
            name, "label_smoothing", label_smoothing, example="label_smoothing=0.1"
        )
        self.pos_weight = non_negative_floats(name, "pos_weight", pos_weight, example="pos_weight=3.0", scalar=True)

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        if self.label_smoothing:
            y_true = B.add(B.multiply(y_true, 1.0 - self.label_smoothing), 0.5 * self.label_smoothing)
        if self.pos_weight is not None:
            return self._weighted(y_pred, y_true, self._positive_weight(y_pred))
        if self.from_logits:
            return B.sigmoid_cross_entropy(y_pred, y_true)
        p = B.clip(y_pred, EPSILON, 1.0 - EPSILON)
        positive = B.multiply(y_true, B.log(p))
        # log(1 - p), not log1p(-p): Keras's arithmetic, so that confident predictions give Keras's float32 value.
        negative = B.multiply(B.subtract(1.0, y_true), B.log(B.subtract(1.0, p)))
        return B.negative(B.add(positive, negative))

    def _positive_weight(self, y_pred: Any) -> Any:
        weight = B.convert_to_tensor(self.pos_weight, B.dtype(y_pred))
        features = tuple(B.shape(y_pred))[-1:]
        if isinstance(self.pos_weight, tuple) and len(self.pos_weight) not in (1, *features):
            raise ShapeError(
                f"{type(self).__name__}: pos_weight has {len(self.pos_weight)} entries but y_pred's last axis has "
                f"size {features[0] if features else None}; pass one weight per feature of the last axis, or one number"
            )
        return weight

    def _weighted(self, y_pred: Any, y_true: Any, weight: Any) -> Any:
        if self.from_logits:
            # PyTorch's stable form: (1 - y) x + (1 + (w - 1) y) softplus(-x).
            scale = B.add(1.0, B.multiply(B.subtract(weight, 1.0), y_true))
            return B.add(B.multiply(B.subtract(1.0, y_true), y_pred), B.multiply(scale, B.softplus(B.negative(y_pred))))
        p = B.clip(y_pred, EPSILON, 1.0 - EPSILON)
        positive = B.multiply(weight, B.multiply(y_true, B.log(p)))
        negative = B.multiply(B.subtract(1.0, y_true), B.log(B.subtract(1.0, p)))
        return B.negative(B.add(positive, negative))


class KLDivergence(Loss):
    """``sum(y_true * log(y_true / y_pred), -1)`` with both clipped to ``[1e-7, 1]`` (Keras's convention).

    Both are probabilities of shape (N, ..., C); unreduced values have shape (N, ...).

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("KLDivergence", y_pred, y_true)
        y_pred, y_true = B.clip(y_pred, EPSILON, 1.0), B.clip(y_true, EPSILON, 1.0)
        return B.sum(B.multiply(y_true, B.log(B.divide(y_true, y_pred))), -1)


class AutoCrossEntropy(Loss):
    """Keras's compile-time ``"crossentropy"``: the cross-entropy of probabilities that the shapes call for.

    Keras's rule (``is_binary_or_sparse_categorical`` in ``keras/src/trainers/compile_utils.py``):
    ``y_pred`` with a last axis of size 1 gets :class:`BinaryCrossEntropy`, anything else
    ``CrossEntropy(from_logits=False)``, which takes class ids (the sparse case) or one-hot rows.

    Raises:
        ArgumentError: an unknown ``reduction``, or class ids outside ``[0, C)``.
        ShapeError: targets that fit neither loss, or a ``sample_weight`` that does not fit.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self._binary = BinaryCrossEntropy(reduction=reduction)
        self._categorical = CrossEntropy(from_logits=False, reduction=reduction)

    def chosen(self, y_pred: Any) -> Loss:
        """The loss used for predictions of ``y_pred``'s shape."""
        return self._binary if tuple(B.shape(y_pred))[-1:] == (1,) else self._categorical

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred = B.convert_to_tensor(y_pred)
        return self.chosen(y_pred).per_example(y_pred, y_true)

    def __call__(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> Any:
        y_pred = B.convert_to_tensor(y_pred)
        return self.chosen(y_pred)(y_pred, y_true, sample_weight)

    def __repr__(self) -> str:
        return f"AutoCrossEntropy(reduction={self.reduction!r})"
