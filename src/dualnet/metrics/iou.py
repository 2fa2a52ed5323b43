"""Intersection over union from a streamed confusion matrix: Keras's IoU, MeanIoU, BinaryIoU, OneHotIoU
and OneHotMeanIoU (semantic segmentation's metrics).

Each keeps the weighted confusion matrix ``cm[true, predicted]`` of shape
``(num_classes, num_classes)`` over every value seen (inputs are flattened, so
``(N, H, W)`` masks count every pixel). A class's IoU is
``cm[c, c] / (row_c + column_c - cm[c, c])``; the metric is the mean over the
target classes whose union is not empty (Keras's formula, with its
``+ 1e-7`` in the denominators). Ids outside ``[0, num_classes)``, and ids
equal to ``ignore_class``, are left out, as in Keras (so a void label such as
255 needs no ``ignore_class``). Keras's default integer dtype truncates float
weights; dualnet keeps them, as Keras does with ``dtype="float32"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import argument_error, check_axis, check_bool, check_int, check_int_tuple
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import integer_class_ids, weights_for
from dualnet.metrics.base import Metric, check_threshold

__all__ = ["BinaryIoU", "IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU"]

_EPSILON = 1e-7


class IoU(Metric):
    """The mean intersection over union of ``target_class_ids``; Keras's ``IoU``.

    ``y_true`` holds class ids (any shape, e.g. ``(N, H, W)``), or one-hot rows
    (classes on ``axis``) when ``sparse_y_true=False``; ``y_pred`` likewise holds
    ids, or scores whose argmax along ``axis`` is the prediction when
    ``sparse_y_pred=False``. Both must hold as many ids; ``sample_weight`` weighs
    each (the ids' shape or a prefix of it).

    Raises:
        ArgumentError: ``num_classes`` is not an int >= 1, ``target_class_ids`` are not ids below it, a bad
            ``ignore_class`` / ``axis`` / flag; in :meth:`update`, fractional float ids (eager mode).
        ShapeError: ``y_true`` and ``y_pred`` hold different numbers of ids, or a ``sample_weight`` that does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "io_u"

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(name)
        where = type(self).__name__
        self.num_classes = check_int(where, "num_classes", num_classes, low=1, example="num_classes=3")
        ids = check_int_tuple(
            where, "target_class_ids", target_class_ids, None, low=0, example="target_class_ids=[0, 1]"
        )
        if max(ids) >= self.num_classes:
            raise argument_error(
                where,
                "target_class_ids",
                target_class_ids,
                f"class ids below num_classes={self.num_classes}",
                f"pass ids in [0, {self.num_classes})",
            )
        self.target_class_ids = list(ids)
        self.ignore_class = check_int(where, "ignore_class", ignore_class, or_none=True, example="ignore_class=255")
        self.sparse_y_true = check_bool(where, "sparse_y_true", sparse_y_true)
        self.sparse_y_pred = check_bool(where, "sparse_y_pred", sparse_y_pred)
        self.axis = check_axis(where, "axis", axis)
        self.add_state("confusion_matrix", (self.num_classes * self.num_classes,))

    def _predicted_ids(self, y_pred: Any) -> Any:
        if not self.sparse_y_pred:
            return B.argmax(y_pred, self.axis)
        return integer_class_ids(type(self).__name__, y_pred)

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch of predicted and true ids (or scores and one-hot rows, per the sparse flags)."""
        where = type(self).__name__
        y_pred, y_true = B.stop_gradient(B.convert_to_tensor(y_pred)), B.convert_to_tensor(y_true)
        true = B.argmax(y_true, self.axis) if not self.sparse_y_true else integer_class_ids(where, y_true)
        predicted = self._predicted_ids(y_pred)
        true_shape, pred_shape = tuple(B.shape(true)), tuple(B.shape(predicted))
        weights = B.ones_like(true, "float32")
        if sample_weight is not None:
            weights = B.multiply(weights, weights_for(where, sample_weight, weights))
        true, predicted = B.cast(B.ravel(true), "int64"), B.cast(B.ravel(predicted), "int64")
        weights = B.ravel(weights)
        if None not in true_shape + pred_shape and int(np.prod(true_shape)) != int(np.prod(pred_shape)):
            raise ShapeError(
                f"{where}: y_true holds ids of shape {true_shape} but y_pred's ids have shape {pred_shape}; they must "
                "hold as many ids (check the sparse_y_true / sparse_y_pred flags and the class axis)"
            )
        classes = self.num_classes
        kept = B.logical_and(_in_range(true, classes), _in_range(predicted, classes))
        if self.ignore_class is not None:
            kept = B.logical_and(kept, B.not_equal(true, self.ignore_class))
        cells = B.where(kept, B.add(B.multiply(true, classes), predicted), 0)
        weights = B.where(kept, weights, 0.0)
        self._accumulate("confusion_matrix", B.segment_sum(weights, cells, classes * classes))

    def confusion_matrix(self) -> np.ndarray:
        """The weighted counts so far, ``(num_classes, num_classes)``: rows true classes, columns predicted."""
        return self.totals()["confusion_matrix"].reshape(self.num_classes, self.num_classes)

    def result(self) -> float:
        cm = self.confusion_matrix()
        tp = np.diag(cm)
        union = (cm.sum(0) + cm.sum(1) - tp)[self.target_class_ids]
        tp = tp[self.target_class_ids]
        valid = union > 1e-9
        iou = np.where(valid, tp / (union + _EPSILON), 0.0)
        return float(iou.sum() / (valid.sum() + _EPSILON))


def _in_range(ids: Any, classes: int) -> Any:
    return B.logical_and(B.greater_equal(ids, 0), B.less(ids, classes))


class MeanIoU(IoU):
    """The mean intersection over union of every class; Keras's ``MeanIoU``.

    Inputs as for :class:`IoU`: ids of any shape (e.g. ``(N, H, W)``) by default; scores and one-hot rows
    ``(N, ..., C)`` with the sparse flags off.

    Raises:
        ArgumentError: ``num_classes`` is not an int >= 1, a bad ``ignore_class`` / ``axis`` / flag; in
            :meth:`update`, fractional float ids (eager mode).
        ShapeError: ``y_true`` and ``y_pred`` hold different numbers of ids, or a ``sample_weight`` that does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "mean_io_u"

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        classes = check_int(type(self).__name__, "num_classes", num_classes, low=1, example="num_classes=3")
        super().__init__(classes, range(classes), name, ignore_class, sparse_y_true, sparse_y_pred, axis)


class OneHotIoU(IoU):
    """:class:`IoU` of one-hot ``y_true`` and class scores ``y_pred`` (both ``(..., C)``); Keras's ``OneHotIoU``.

    Raises:
        ArgumentError: as :class:`IoU`.
        ShapeError: ``y_true`` and ``y_pred`` hold different numbers of rows, or a ``sample_weight`` that does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "one_hot_io_u"

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(num_classes, target_class_ids, name, ignore_class, False, sparse_y_pred, axis)


class OneHotMeanIoU(IoU):
    """:class:`MeanIoU` of one-hot ``y_true`` and class scores ``y_pred`` (both ``(..., C)``); Keras's metric.

    Raises:
        ArgumentError: as :class:`MeanIoU`.
        ShapeError: ``y_true`` and ``y_pred`` hold different numbers of rows, or a ``sample_weight`` that does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "one_hot_mean_io_u"

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        classes = check_int(type(self).__name__, "num_classes", num_classes, low=1, example="num_classes=3")
        super().__init__(classes, range(classes), name, ignore_class, False, sparse_y_pred, axis)


class BinaryIoU(IoU):
    """IoU of a binary task: ``y_pred >= threshold`` is class 1; Keras's ``BinaryIoU``.

    ``y_pred`` probabilities and 0/1 ``y_true`` of one shape (any), flattened.
    ``target_class_ids``: ``(0, 1)`` averages both classes' IoU; ``(1,)`` gives the
    positive class's alone.

    Raises:
        ArgumentError: ``target_class_ids`` holds ids other than 0 and 1, or ``threshold`` is not in [0, 1];
            fractional float targets (eager mode).
        ShapeError: ``y_true`` and ``y_pred`` hold different numbers of values, or a ``sample_weight`` that does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "binary_io_u"

    def __init__(
        self, target_class_ids: Sequence[int] = (0, 1), threshold: float = 0.5, name: str | None = None
    ) -> None:
        super().__init__(2, target_class_ids, name)
        self.threshold = check_threshold("BinaryIoU", threshold)

    def _predicted_ids(self, y_pred: Any) -> Any:
        return B.cast(B.greater_equal(B.cast(y_pred, "float32"), self.threshold), "int64")
