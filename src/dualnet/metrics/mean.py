"""Metrics that average a score per value: Mean, accuracies, mean squared and absolute errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet import losses
from dualnet.arguments import check_callable, check_int
from dualnet.backend.dispatch import B
from dualnet.losses.base import check_class_ids, weights_for
from dualnet.metrics.base import Metric, check_threshold, class_ids, matched, ratio


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
        x = B.convert_to_tensor(y_pred)
        return x if B.dtype(x) in ("float16", "bfloat16", "float32", "float64") else B.cast(x, "float32")

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch. For :class:`Mean` itself ``y_pred`` holds the values and ``y_true`` is ignored."""
        values = self.values(B.stop_gradient(B.convert_to_tensor(y_pred)), y_true)
        if sample_weight is None:
            weights = B.ones_like(values, None)
        else:
            weights = B.multiply(B.ones_like(values, None), weights_for(type(self).__name__, sample_weight, values))
            values = B.multiply(values, weights)
        self._accumulate("total", B.sum(values))
        self._accumulate("count", B.sum(weights))

    def result(self) -> float:
        totals = self.totals()
        return float(ratio(totals["total"], totals["count"]))


class Accuracy(Mean):
    """Fraction of examples whose argmax over the last axis of ``y_pred`` is the target class.

    ``y_pred`` (N, ..., C) scores; ``y_true`` integer ids (N, ...) or one-hot
    (N, ..., C). A single output column (C = 1) is a probability thresholded at
    0.5 against 0/1 targets, as Keras's ``"accuracy"`` does.

    Raises:
        ShapeError: ``y_true`` is neither class ids nor one-hot rows for ``y_pred``, or ``sample_weight`` does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "accuracy"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        if tuple(B.shape(y_pred))[-1:] == (1,):
            y_pred, y_true = matched("Accuracy", y_pred, y_true)
            return B.cast(B.equal(B.greater(y_pred, 0.5), B.greater(B.cast(y_true, "float32"), 0.5)), "float32")
        ids = class_ids("Accuracy", y_pred, B.convert_to_tensor(y_true))
        return B.cast(B.equal(B.argmax(y_pred, -1), B.cast(ids, "int64")), "float32")


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
        y_pred, y_true = matched("BinaryAccuracy", y_pred, y_true)
        predicted = B.cast(B.greater(y_pred, self.threshold), "float32")
        return B.cast(B.equal(predicted, B.cast(y_true, "float32")), "float32")


class TopKAccuracy(Mean):
    """Fraction of examples whose target class is among the ``k`` highest scores of ``y_pred`` (N, C).

    Ties at the k-th score count as in the top k (``tf.math.in_top_k``'s rule).
    ``y_true``: integer ids (N,) or one-hot (N, C).

    Raises:
        ArgumentError: ``k`` is not a positive int; in :meth:`update`, class ids outside [0, C) (eager mode).
        ShapeError: ``y_true`` is neither class ids nor one-hot rows for ``y_pred``, or ``sample_weight`` does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "top_k_accuracy"

    def __init__(self, k: int = 5, name: str | None = None) -> None:
        super().__init__(name)
        self.k = check_int("TopKAccuracy", "k", k, low=1, example="k=5")

    def values(self, y_pred: Any, y_true: Any) -> Any:
        ids = class_ids("TopKAccuracy", y_pred, B.convert_to_tensor(y_true))
        check_class_ids("TopKAccuracy", ids, tuple(B.shape(y_pred))[-1])
        target_score = B.take_along_axis(y_pred, B.expand_dims(ids, -1), -1)
        higher = B.sum(B.cast(B.greater(y_pred, target_score), "int64"), -1)
        return B.cast(B.less(higher, self.k), "float32")


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
