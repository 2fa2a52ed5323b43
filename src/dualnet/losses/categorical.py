"""Losses of class scores against class ids or distributions: cross-entropy and negative log-likelihood.

The classes lie on ``axis`` of ``y_pred`` (the last by default, as dualnet's
layers produce them; PyTorch puts them on axis 1). ``y_true`` is either
integer class ids of ``y_pred``'s shape without ``axis`` (or with it as size
1), or probabilities / one-hot rows of ``y_pred``'s shape. ``weight`` (one per
class) and ``ignore_index`` have PyTorch's meaning: the mean of weighted values
divides by the sum of the target classes' weights, and ignored ids count for
nothing (the mean is 0 when every id is ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

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
    non_negative_floats,
)

__all__ = ["CrossEntropy", "NLL"]


class ClassTargets(Loss):
    """The target handling of :class:`CrossEntropy` and :class:`NLL`; subclasses give the values per case."""

    ids_only_ignore_index: ClassVar[bool] = True  # an ignore_index with probability targets is a mistake

    def __init__(self, weight: Any, ignore_index: int | None, axis: int, reduction: str) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.weight = non_negative_floats(name, "weight", weight, example="weight=[1.0, 2.0, 0.5], one per class")
        self.ignore_index = check_int(
            name,
            "ignore_index",
            ignore_index,
            or_none=True,
            example="ignore_index=-100, the class id that marks padding",
        )
        self.axis = check_axis(name, "axis", axis)

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        return self._values(y_pred, y_true)[0]

    def __call__(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> Any:
        values, counted = self._values(y_pred, y_true)
        return self._reduce(values, sample_weight, counted)

    def _values(self, y_pred: Any, y_true: Any) -> tuple[Any, Any]:
        """The unreduced values and what the mean counts (None: every value once)."""
        name = type(self).__name__
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        axis = class_axis(name, self.axis, len(pred_shape))
        classes = pred_shape[axis]
        weights = self._class_weights(classes, B.dtype(y_pred))
        reduced = pred_shape[:axis] + pred_shape[axis + 1 :]
        if compatible(true_shape, reduced):
            return self._ids(y_pred, y_true, axis, classes, weights)
        if classes != 1 and compatible(true_shape, (*pred_shape[:axis], 1, *pred_shape[axis + 1 :])):
            return self._ids(y_pred, B.squeeze(y_true, axis), axis, classes, weights)  # (N, 1) ids, Keras's habit
        if compatible(true_shape, pred_shape):
            if self.ignore_index is not None and self.ids_only_ignore_index:
                raise ArgumentError(
                    f"{name}: ignore_index applies to integer class ids, but y_true holds probabilities of "
                    "y_pred's shape; pass class ids, or zero the rows to ignore with sample_weight"
                )
            return self._distribution(y_pred, B.cast(y_true, B.dtype(y_pred)), axis, weights), None
        raise ShapeError(
            f"{name}: y_pred has shape {pred_shape} (classes on axis {axis}) but y_true has shape {true_shape}; "
            f"pass integer class ids of shape {reduced} or probabilities / one-hot rows of shape {pred_shape}"
        )

    def _class_weights(self, classes: int | None, dtype: str) -> Any:
        if self.weight is None:
            return None
        if classes is not None and len(self.weight) != classes:
            raise ShapeError(
                f"{type(self).__name__}: weight has {len(self.weight)} entries but y_pred has {classes} classes; "
                "pass one weight per class"
            )
        return B.convert_to_tensor(self.weight, dtype)

    def _ids(self, y_pred: Any, labels: Any, axis: int, classes: int | None, weights: Any) -> tuple[Any, Any]:
        name = type(self).__name__
        labels = integer_class_ids(name, labels)  # float or small-int ids, as Keras's sparse losses accept
        valid = None
        allowed = ""
        if self.ignore_index is not None:
            valid = B.not_equal(labels, self.ignore_index)
            labels = B.where(valid, labels, 0)
            allowed = f" (or equal ignore_index={self.ignore_index})"
        check_class_ids(name, labels, classes, allowed)
        values = self._picked(y_pred, labels, axis, weights)
        counted = valid
        if weights is not None:
            picked = B.take(weights, labels)
            counted = picked if valid is None else B.where(valid, picked, 0.0)
        if valid is not None:
            values = B.where(valid, values, 0.0)
        return values, counted

    def _picked(self, y_pred: Any, labels: Any, axis: int, weights: Any) -> Any:
        """The values for class ids ``labels`` (weighted by the target class's weight)."""
        raise NotImplementedError

    def _distribution(self, y_pred: Any, target: Any, axis: int, weights: Any) -> Any:
        """The values for probability targets of ``y_pred``'s shape."""
        raise NotImplementedError


class CrossEntropy(ClassTargets):
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
    (PyTorch semantics; the mean is 0 when every id is ignored). ``weight`` (C,)
    scales each class's terms, and with class ids the mean divides by the sum of
    the target classes' weights, as PyTorch does (with probabilities, by the count).

    Raises:
        ArgumentError: a bad ``label_smoothing``, ``weight``, ``ignore_index``, ``axis`` or ``reduction``; class ids
            outside ``[0, C)`` (checked in eager mode); ``ignore_index`` with probability targets.
        ShapeError: ``y_true`` is neither class ids nor of ``y_pred``'s shape, ``axis`` is out of range, ``weight``
            does not have C entries, or ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    def __init__(
        self,
        from_logits: bool = True,
        label_smoothing: float = 0.0,
        ignore_index: int | None = None,
        axis: int = -1,
        reduction: str = "mean",
        weight: Sequence[float] | None = None,
    ) -> None:
        super().__init__(weight, ignore_index, axis, reduction)
        name = type(self).__name__
        self.from_logits = check_bool(name, "from_logits", from_logits)
        self.label_smoothing = check_probability(
            name, "label_smoothing", label_smoothing, example="label_smoothing=0.1"
        )

    def _log_probs(self, y_pred: Any, axis: int) -> Any:
        if self.from_logits:
            return B.log_softmax(y_pred, axis)
        p = B.divide(y_pred, B.sum(y_pred, axis, keepdims=True))
        return B.log(B.clip(p, EPSILON, 1.0 - EPSILON))

    def _id_log_probs(self, y_pred: Any, axis: int) -> Any:
        if self.from_logits:
            return B.log_softmax(y_pred, axis)
        # Keras's sparse form: clip, then normalise in log space (its dense form normalises, then clips).
        return B.log_softmax(B.log(B.clip(y_pred, EPSILON, 1.0 - EPSILON)), axis)

    def _smoothed(self, nll: Any, log_probs: Any, axis: int, weights: Any) -> Any:
        # (1 - s) * nll(target) + s * nll(uniform): PyTorch's form, equal to smoothing the target itself.
        s = self.label_smoothing
        if weights is not None:
            log_probs = B.multiply(log_probs, _along(weights, axis, len(B.shape(log_probs))))
        return B.add(B.multiply(1.0 - s, nll), B.multiply(-s, B.mean(log_probs, axis)))

    def _picked(self, y_pred: Any, labels: Any, axis: int, weights: Any) -> Any:
        log_probs = None
        if self.from_logits:
            nll = B.softmax_cross_entropy(y_pred, labels, axis)
        else:
            log_probs = self._id_log_probs(y_pred, axis)
            nll = B.negative(B.squeeze(B.take_along_axis(log_probs, B.expand_dims(labels, axis), axis), axis))
        if weights is not None:
            nll = B.multiply(nll, B.take(weights, labels))
        if self.label_smoothing:
            log_probs = self._id_log_probs(y_pred, axis) if log_probs is None else log_probs
            nll = self._smoothed(nll, log_probs, axis, weights)
        return nll

    def _distribution(self, y_pred: Any, target: Any, axis: int, weights: Any) -> Any:
        weighted = target if weights is None else B.multiply(target, _along(weights, axis, len(B.shape(target))))
        log_probs = None
        if self.from_logits and weights is None:
            # Not with weights: TensorFlow's fused gradient assumes targets that sum to 1.
            nll = B.softmax_cross_entropy(y_pred, weighted, axis)
        else:
            log_probs = self._log_probs(y_pred, axis)
            nll = B.negative(B.sum(B.multiply(weighted, log_probs), axis))
        if self.label_smoothing:
            log_probs = self._log_probs(y_pred, axis) if log_probs is None else log_probs
            nll = self._smoothed(nll, log_probs, axis, weights)
        return nll


class NLL(ClassTargets):
    """Negative log-likelihood ``-y_pred[class]`` of log-probabilities; PyTorch's ``nll_loss``.

    ``y_pred`` (N, ..., C) holds log-probabilities (a ``log_softmax`` output) with
    the classes on ``axis``; ``y_true`` holds integer class ids (N, ...) (or with
    ``axis`` as size 1). Unreduced values have shape (N, ...). ``weight`` (C,)
    and ``ignore_index`` as in :class:`CrossEntropy`: the weighted mean divides by
    the sum of the target classes' weights. ``NLL()(log_softmax(x), y)`` equals
    ``CrossEntropy()(x, y)``.

    Raises:
        ArgumentError: a bad ``weight``, ``ignore_index``, ``axis`` or ``reduction``; class ids outside ``[0, C)``
            (checked in eager mode).
        ShapeError: ``y_true`` is not class ids of the shape above (probabilities are refused), ``axis`` is out of
            range, ``weight`` does not have C entries, or ``sample_weight`` does not fit.
    """

    def __init__(
        self,
        weight: Sequence[float] | None = None,
        ignore_index: int | None = None,
        axis: int = -1,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, ignore_index, axis, reduction)

    def _picked(self, y_pred: Any, labels: Any, axis: int, weights: Any) -> Any:
        nll = B.negative(B.squeeze(B.take_along_axis(y_pred, B.expand_dims(labels, axis), axis), axis))
        return nll if weights is None else B.multiply(nll, B.take(weights, labels))

    def _distribution(self, y_pred: Any, target: Any, axis: int, weights: Any) -> Any:
        shape = tuple(B.shape(y_pred))
        raise ShapeError(
            f"{type(self).__name__}: y_true has y_pred's shape {shape}, but the negative log-likelihood takes "
            f"integer class ids of shape {shape[:axis] + shape[axis + 1 :]}; pass the ids (e.g. y.argmax(-1)), "
            "or use CrossEntropy for probability targets"
        )


def _along(weights: Any, axis: int, rank: int) -> Any:
    """Class weights (C,) shaped to broadcast along ``axis`` of a rank-``rank`` tensor."""
    return B.reshape(weights, tuple(-1 if i == axis else 1 for i in range(rank)))
