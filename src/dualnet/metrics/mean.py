"""Metrics that add up values: Mean and Sum, the accuracies, mean squared and absolute errors, MeanOf."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet import losses
from dualnet.arguments import check_callable
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import compatible, integer_class_ids, weights_for
from dualnet.metrics.base import Metric, check_threshold, matched, ratio

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "Mean",
    "MeanAbsoluteError",
    "MeanOf",
    "MeanSquaredError",
    "SparseCategoricalAccuracy",
    "Sum",
]


def _floats(values: Any) -> Any:
    """``values`` as a float tensor (integers and bools as float32), so weights and means are not truncated."""
    x = B.convert_to_tensor(values)
    return x if B.dtype(x) in ("float16", "bfloat16", "float32", "float64") else B.cast(x, "float32")


class Mean(Metric):
    """The (weighted) mean of every value passed to :meth:`update`.

    ``y_pred`` holds the values, of any shape; ``sample_weight`` has their shape or a prefix of it.

    Raises:
        ShapeError: ``sample_weight`` fits neither the values' shape nor a prefix.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "mean"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self.add_state("total")
        self.add_state("count")

    def values(self, y_pred: Any, y_true: Any) -> Any:
        """The values averaged for one batch; subclasses score predictions here."""
        return _floats(y_pred)

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch. For :class:`Mean` itself ``y_pred`` holds the values and ``y_true`` is ignored."""
        self.add_values(self.values(B.stop_gradient(B.convert_to_tensor(y_pred)), y_true), sample_weight)

    def add_values(self, values: Any, sample_weight: Any = None, mask: Any = None) -> None:
        """Add ``values`` weighted by ``sample_weight`` (their shape or a prefix) and a 0/1 ``mask`` of their shape."""
        if sample_weight is None and mask is None:
            self._accumulate("total", B.sum(values))
            self._accumulate("count", B.sum(B.ones_like(values, None)))
            return
        weights = B.ones_like(values, None)
        if sample_weight is not None:
            weights = B.multiply(weights, weights_for(type(self).__name__, sample_weight, values))
        if mask is not None:
            weights = B.multiply(weights, B.cast(mask, B.dtype(values)))
        self._accumulate("total", B.sum(B.multiply(values, weights)))
        self._accumulate("count", B.sum(weights))

    def result(self) -> float:
        totals = self.totals()
        return float(ratio(totals["total"], totals["count"]))


class Sum(Metric):
    """The (weighted) sum of every value passed to :meth:`update`; Keras's ``Sum``.

    ``y_pred`` holds the values, of any shape; ``sample_weight`` has their shape or a prefix of it.

    Raises:
        ShapeError: ``sample_weight`` fits neither the values' shape nor a prefix.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "sum"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self.add_state("total")

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch: ``y_pred`` holds the values and ``y_true`` is ignored."""
        values = _floats(B.stop_gradient(B.convert_to_tensor(y_pred)))
        if sample_weight is not None:
            values = B.multiply(values, weights_for("Sum", sample_weight, values))
        self._accumulate("total", B.sum(values))

    def result(self) -> float:
        return float(self.totals()["total"])


class Accuracy(Mean):
    """Keras's ``"accuracy"``: binary, sparse or categorical accuracy, chosen from the shapes as ``compile`` does.

    Keras's rule (``get_metric`` in ``keras/src/trainers/compile_utils.py``), per batch:
    ``y_pred`` with a last axis of size 1 is scored as :class:`BinaryAccuracy` (threshold 0.5);
    otherwise ``y_true`` of lower rank than ``y_pred``, or ending in an axis of size 1, holds class
    ids (:class:`SparseCategoricalAccuracy`); otherwise ``y_true`` holds one-hot rows
    (:class:`CategoricalAccuracy`). Shapes: ``y_pred`` (N, ..., C); ``y_true`` (N, ...), (N, ..., 1)
    or (N, ..., C).

    Raises:
        ArgumentError: a float class id with a fractional part (checked in eager mode).
        ShapeError: ``y_true`` fits none of the three cases, or ``sample_weight`` does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "accuracy"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        if pred_shape[-1:] == (1,):
            return binary_matches("Accuracy", y_pred, y_true, 0.5)
        if len(true_shape) < len(pred_shape) or true_shape[-1:] == (1,):
            return sparse_matches("Accuracy", y_pred, y_true, _EITHER)
        return categorical_matches("Accuracy", y_pred, y_true, _EITHER)


class CategoricalAccuracy(Mean):
    """Fraction of examples where the argmax of ``y_pred`` equals the argmax of one-hot ``y_true``; both (N, ..., C).

    Keras's ``CategoricalAccuracy``; ties go to the first maximum.

    Raises:
        ShapeError: ``y_true`` is not of ``y_pred``'s shape (class ids need :class:`SparseCategoricalAccuracy`), or
            ``sample_weight`` does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "categorical_accuracy"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        wanted = "one-hot rows of shape {rows} (class ids of shape {ids} need 'sparse_categorical_accuracy')"
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        return categorical_matches("CategoricalAccuracy", y_pred, y_true, wanted)


class SparseCategoricalAccuracy(Mean):
    """Fraction of examples where the argmax of ``y_pred`` (N, ..., C) equals the class id ``y_true`` (N, ...).

    Keras's ``SparseCategoricalAccuracy``: ids may also come as (N, ..., 1), and
    as whole floats (2.0 is class 2); a fractional id raises ArgumentError (in eager mode).

    Raises:
        ArgumentError: a float class id with a fractional part (checked in eager mode).
        ShapeError: ``y_true`` is not ids for ``y_pred`` (one-hot rows need :class:`CategoricalAccuracy`), or
            ``sample_weight`` does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "sparse_categorical_accuracy"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        wanted = "class ids of shape {ids} (one-hot rows of shape {rows} need 'categorical_accuracy')"
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        return sparse_matches("SparseCategoricalAccuracy", y_pred, y_true, wanted)


_EITHER = "class ids of shape {ids} or one-hot rows of shape {rows}"  # what Accuracy takes


def _targets_error(where: str, pred_shape: tuple[Any, ...], true_shape: tuple[Any, ...], wanted: str) -> ShapeError:
    return ShapeError(
        f"{where}: y_pred has shape {pred_shape} (classes last) but y_true has shape {true_shape}; pass "
        + wanted.format(ids=pred_shape[:-1], rows=pred_shape)
    )


def binary_matches(where: str, y_pred: Any, y_true: Any, threshold: float) -> Any:
    """1.0 where ``y_pred > threshold`` equals ``y_true`` (compared as numbers, as Keras does), else 0.0."""
    y_pred, y_true = matched(where, y_pred, y_true)
    predicted = B.cast(B.greater(y_pred, threshold), "float32")
    return B.cast(B.equal(predicted, B.cast(y_true, "float32")), "float32")


def categorical_matches(where: str, y_pred: Any, y_true: Any, wanted: str) -> Any:
    """1.0 where the argmaxes of ``y_pred`` and one-hot ``y_true`` (same shape) agree, else 0.0.

    ``wanted`` is the ShapeError's advice, with ``{ids}`` and ``{rows}`` standing for the shapes of ids and rows.
    """
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if not compatible(true_shape, pred_shape):
        raise _targets_error(where, pred_shape, true_shape, wanted)
    return B.cast(B.equal(B.argmax(y_pred, -1), B.argmax(y_true, -1)), "float32")


def sparse_matches(where: str, y_pred: Any, y_true: Any, wanted: str) -> Any:
    """1.0 where the argmax of ``y_pred`` (N, ..., C) equals the id in ``y_true`` (N, ...) or (N, ..., 1), else 0.0.

    ``wanted`` is the ShapeError's advice, as for :func:`categorical_matches`.
    """
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if len(true_shape) == len(pred_shape) and true_shape[-1:] == (1,):
        y_true = B.squeeze(y_true, -1)
    if not compatible(tuple(B.shape(y_true)), pred_shape[:-1]):
        raise _targets_error(where, pred_shape, true_shape, wanted)
    # A float id 2.0 is class 2, as in Keras; where Keras lets 2.5 match nothing, a fractional id is refused
    # (eagerly), since it is a mistake in the labels rather than a class.
    ids = integer_class_ids(where, y_true)
    return B.cast(B.equal(B.argmax(y_pred, -1), ids), "float32")


class BinaryAccuracy(Mean):
    """Fraction of values where ``y_pred > threshold`` equals the 0/1 target. Shapes: both (N, ...).

    Raises:
        ArgumentError: ``threshold`` is not a number in [0, 1].
        ShapeError: ``y_true`` and ``y_pred`` shapes differ, or a ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "binary_accuracy"

    def __init__(self, threshold: float = 0.5, name: str | None = None) -> None:
        super().__init__(name)
        self.threshold = check_threshold("BinaryAccuracy", threshold)

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return binary_matches("BinaryAccuracy", y_pred, y_true, self.threshold)


class MeanSquaredError(Mean):
    """Running mean of :class:`dualnet.losses.MeanSquaredError`'s per-example values. Shapes: both ``(N, ...)``.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, or ``sample_weight`` is not of shape ``(N,)``.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "mse"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return losses.MeanSquaredError().per_example(y_pred, y_true)


class MeanAbsoluteError(Mean):
    """Running mean of :class:`dualnet.losses.MeanAbsoluteError`'s per-example values. Shapes: both ``(N, ...)``.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, or ``sample_weight`` is not of shape ``(N,)``.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "mae"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return losses.MeanAbsoluteError().per_example(y_pred, y_true)


class MeanOf(Mean):
    """Running mean of a user function's values ``fn(y_pred, y_true)``.

    Raises:
        ArgumentError: ``fn`` is not callable.
        ShapeError: ``sample_weight`` fits neither the values' shape nor a prefix.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    def __init__(self, fn: Callable[[Any, Any], Any], name: str | None = None) -> None:
        check_callable(
            "MeanOf",
            "fn",
            fn,
            what="a function (y_pred, y_true) -> values",
            example="MeanOf(lambda y_pred, y_true: dn.ops.abs(y_pred - y_true))",
        )
        super().__init__(name or getattr(fn, "__name__", type(fn).__name__))
        self.fn = fn

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return B.convert_to_tensor(self.fn(y_pred, y_true))
