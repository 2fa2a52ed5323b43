"""Losses between probability distributions: binary and categorical cross-entropy, KL divergence."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_axis, check_bool, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.losses.base import (
    EPSILON,
    Loss,
    check_class_ids,
    class_axis,
    compatible,
    integer_class_ids,
    mean_over_features,
)
from dualnet.losses.ranks import matched_shapes

__all__ = ["BinaryCrossEntropy", "CrossEntropy", "KLDivergence"]


class BinaryCrossEntropy(Loss):
    """``-(y log p + (1 - y) log(1 - p))``, mean over features per example. Shapes: both ``(N, ...)`` -> ``(N,)``.

    ``y_pred`` holds probabilities ``p`` (clipped to ``[1e-7, 1 - 1e-7]`` as in
    Keras), or logits when ``from_logits`` (computed stably). Targets in
    ``[0, 1]``; ``label_smoothing`` moves them towards 0.5: ``y (1 - s) + s / 2``.

    Raises:
        ArgumentError: ``label_smoothing`` is not in [0, 1], or an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.from_logits = check_bool("BinaryCrossEntropy", "from_logits", from_logits)
        self.label_smoothing = check_probability(
            "BinaryCrossEntropy", "label_smoothing", label_smoothing, example="label_smoothing=0.1"
        )

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("BinaryCrossEntropy", y_pred, y_true)
        if self.label_smoothing:
            y_true = B.add(B.multiply(y_true, 1.0 - self.label_smoothing), 0.5 * self.label_smoothing)
        if self.from_logits:
            return mean_over_features(B.sigmoid_cross_entropy(y_pred, y_true))
        p = B.clip(y_pred, EPSILON, 1.0 - EPSILON)
        positive = B.multiply(y_true, B.log(p))
        # log(1 - p), not log1p(-p): Keras's arithmetic, so that confident predictions give Keras's float32 value.
        negative = B.multiply(B.subtract(1.0, y_true), B.log(B.subtract(1.0, p)))
        return mean_over_features(B.negative(B.add(positive, negative)))


class CrossEntropy(Loss):
    """Categorical cross-entropy ``-sum(target * log_softmax(y_pred), axis)``; PyTorch's ``CrossEntropyLoss``.

    ``y_pred`` (N, ..., C) holds logits (``from_logits=True``) or probabilities
    with the classes on ``axis``, taken as Keras does: for probability targets
    normalised along ``axis``, then clipped to ``[1e-7, 1 - 1e-7]``; for class
    ids clipped, then normalised (``log_softmax(log(clip(p)))``). ``y_true`` is either integer class ids of
    ``y_pred``'s shape without ``axis`` (N, ...) (or with it as size 1), or
    probabilities / one-hot rows of ``y_pred``'s shape. Unreduced values have
    shape (N, ...). ``label_smoothing`` ``s`` mixes the target with the uniform
    distribution: ``target (1 - s) + s / C``. With integer targets,
    ``ignore_index`` marks ids that contribute 0 and are left out of the mean
    (PyTorch semantics; the mean is 0 when every id is ignored).

    Raises:
        ArgumentError: a bad ``label_smoothing``, ``ignore_index``, ``axis`` or ``reduction``; class ids outside
            ``[0, C)`` (checked in eager mode); ``ignore_index`` with probability targets.
        ShapeError: ``y_true`` is neither class ids nor of ``y_pred``'s shape, ``axis`` is out of range, or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    def __init__(
        self,
        from_logits: bool = True,
        label_smoothing: float = 0.0,
        ignore_index: int | None = None,
        axis: int = -1,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        self.from_logits = check_bool("CrossEntropy", "from_logits", from_logits)
        self.label_smoothing = check_probability(
            "CrossEntropy", "label_smoothing", label_smoothing, example="label_smoothing=0.1"
        )
        self.ignore_index = check_int(
            "CrossEntropy",
            "ignore_index",
            ignore_index,
            or_none=True,
            example="ignore_index=-100, the class id that marks padding",
        )
        self.axis = check_axis("CrossEntropy", "axis", axis)

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        return self._values(y_pred, y_true)[0]

    def __call__(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> Any:
        values, valid = self._values(y_pred, y_true)
        return self._reduce(values, sample_weight, valid)

    def _values(self, y_pred: Any, y_true: Any) -> tuple[Any, Any]:
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        axis = class_axis("CrossEntropy", self.axis, len(pred_shape))
        classes = pred_shape[axis]
        reduced = pred_shape[:axis] + pred_shape[axis + 1 :]
        if compatible(true_shape, reduced):
            return self._sparse(y_pred, y_true, axis, classes)
        if classes != 1 and compatible(true_shape, (*pred_shape[:axis], 1, *pred_shape[axis + 1 :])):
            return self._sparse(y_pred, B.squeeze(y_true, axis), axis, classes)  # (N, 1) ids, Keras's habit
        if compatible(true_shape, pred_shape):
            return self._dense(y_pred, y_true, axis), None
        raise ShapeError(
            f"CrossEntropy: y_pred has shape {pred_shape} (classes on axis {axis}) but y_true has shape {true_shape}; "
            f"pass integer class ids of shape {reduced} or probabilities / one-hot rows of shape {pred_shape}"
        )

    def _log_probs(self, y_pred: Any, axis: int) -> Any:
        if self.from_logits:
            return B.log_softmax(y_pred, axis)
        p = B.divide(y_pred, B.sum(y_pred, axis, keepdims=True))
        return B.log(B.clip(p, EPSILON, 1.0 - EPSILON))

    def _sparse_log_probs(self, y_pred: Any, axis: int) -> Any:
        if self.from_logits:
            return B.log_softmax(y_pred, axis)
        # Keras's sparse form: clip, then normalise in log space (its dense form normalises, then clips).
        return B.log_softmax(B.log(B.clip(y_pred, EPSILON, 1.0 - EPSILON)), axis)

    def _smoothed(self, nll: Any, log_probs: Any, axis: int) -> Any:
        # (1 - s) * nll(target) + s * nll(uniform): PyTorch's form, equal to smoothing the target itself.
        s = self.label_smoothing
        return B.add(B.multiply(1.0 - s, nll), B.multiply(-s, B.mean(log_probs, axis)))

    def _sparse(self, y_pred: Any, labels: Any, axis: int, classes: int | None) -> tuple[Any, Any]:
        labels = integer_class_ids("CrossEntropy", labels)  # float or small-int ids, as Keras's sparse losses accept
        valid = None
        allowed = ""
        if self.ignore_index is not None:
            valid = B.not_equal(labels, self.ignore_index)
            labels = B.where(valid, labels, 0)
            allowed = f" (or equal ignore_index={self.ignore_index})"
        check_class_ids("CrossEntropy", labels, classes, allowed)
        log_probs = None
        if self.from_logits:
            nll = B.softmax_cross_entropy(y_pred, labels, axis)
        else:
            log_probs = self._sparse_log_probs(y_pred, axis)
            picked = B.take_along_axis(log_probs, B.expand_dims(labels, axis), axis)
            nll = B.negative(B.squeeze(picked, axis))
        if self.label_smoothing:
            log_probs = self._sparse_log_probs(y_pred, axis) if log_probs is None else log_probs
            nll = self._smoothed(nll, log_probs, axis)
        if valid is not None:
            nll = B.where(valid, nll, 0.0)
        return nll, valid

    def _dense(self, y_pred: Any, y_true: Any, axis: int) -> Any:
        if self.ignore_index is not None:
            raise ArgumentError(
                "CrossEntropy: ignore_index applies to integer class ids, but y_true holds probabilities of "
                "y_pred's shape; pass class ids, or zero the rows to ignore with sample_weight"
            )
        target = B.cast(y_true, B.dtype(y_pred))
        log_probs = None
        if self.from_logits:
            nll = B.softmax_cross_entropy(y_pred, target, axis)
        else:
            log_probs = self._log_probs(y_pred, axis)
            nll = B.negative(B.sum(B.multiply(target, log_probs), axis))
        if self.label_smoothing:
            log_probs = self._log_probs(y_pred, axis) if log_probs is None else log_probs
            nll = self._smoothed(nll, log_probs, axis)
        return nll


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
