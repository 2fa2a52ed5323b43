"""Top-k accuracies: dualnet's TopKAccuracy (ids or one-hot) and Keras's two, one for each kind of target.

A target counts as found when fewer than ``k`` classes score strictly higher
than it, so ties at the k-th score count as in the top k (``tf.math.in_top_k``'s
rule, which Keras uses). Scores ``y_pred`` have shape (N, ..., C).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import check_class_ids, compatible, integer_class_ids
from dualnet.metrics.base import class_ids
from dualnet.metrics.mean import Mean

__all__ = ["SparseTopKCategoricalAccuracy", "TopKAccuracy", "TopKCategoricalAccuracy"]


def _in_top_k(where: str, y_pred: Any, ids: Any, k: int) -> Any:
    """1.0 where class ``ids`` (N, ...) is among the ``k`` highest scores of ``y_pred`` (N, ..., C), else 0.0."""
    check_class_ids(where, ids, tuple(B.shape(y_pred))[-1])
    target_score = B.take_along_axis(y_pred, B.expand_dims(ids, -1), -1)
    higher = B.sum(B.cast(B.greater(y_pred, target_score), "int64"), -1)
    return B.cast(B.less(higher, k), "float32")


def _sparse_ids(where: str, y_pred: Any, y_true: Any) -> Any:
    """Class ids (N, ...) from ``y_true`` of shape (N, ...) or (N, ..., 1), or a ShapeError naming one-hot's metric."""
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if len(true_shape) == len(pred_shape) and true_shape[-1:] == (1,):
        y_true = B.squeeze(y_true, -1)
    if not compatible(tuple(B.shape(y_true)), pred_shape[:-1]):
        raise ShapeError(
            f"{where}: y_pred has shape {pred_shape} (classes last) but y_true has shape {true_shape}; pass class "
            f"ids of shape {pred_shape[:-1]} (one-hot rows need TopKCategoricalAccuracy)"
        )
    return integer_class_ids(where, y_true)


class TopKAccuracy(Mean):
    """Fraction of examples whose target class is among the ``k`` highest scores of ``y_pred`` (N, ..., C).

    ``y_true``: integer ids (N, ...), (N, ..., 1), or one-hot rows of ``y_pred``'s shape.

    Raises:
        ArgumentError: ``k`` is not a positive int; in :meth:`update`, class ids outside [0, C) (eager mode).
        ShapeError: ``y_true`` is neither class ids nor one-hot rows for ``y_pred``, or ``sample_weight`` does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "top_k_accuracy"

    def __init__(self, k: int = 5, name: str | None = None) -> None:
        super().__init__(name)
        self.k = check_int(type(self).__name__, "k", k, low=1, example="k=5")

    def values(self, y_pred: Any, y_true: Any) -> Any:
        ids = class_ids("TopKAccuracy", y_pred, B.convert_to_tensor(y_true))
        return _in_top_k("TopKAccuracy", y_pred, ids, self.k)


class TopKCategoricalAccuracy(TopKAccuracy):
    """Keras's ``TopKCategoricalAccuracy``: top-``k`` accuracy of one-hot targets of ``y_pred``'s shape (N, ..., C).

    The target class is the argmax of each row of ``y_true``.

    Raises:
        ArgumentError: ``k`` is not a positive int.
        ShapeError: ``y_true`` is not of ``y_pred``'s shape (class ids need :class:`SparseTopKCategoricalAccuracy`),
            or ``sample_weight`` does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "top_k_categorical_accuracy"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_true = B.convert_to_tensor(y_true)
        pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        if not compatible(true_shape, pred_shape):
            raise ShapeError(
                f"TopKCategoricalAccuracy: y_pred has shape {pred_shape} (classes last) but y_true has shape "
                f"{true_shape}; pass one-hot rows of shape {pred_shape} (class ids need "
                "SparseTopKCategoricalAccuracy)"
            )
        return _in_top_k("TopKCategoricalAccuracy", y_pred, B.argmax(y_true, -1), self.k)


class SparseTopKCategoricalAccuracy(TopKAccuracy):
    """Keras's ``SparseTopKCategoricalAccuracy``: top-``k`` accuracy of class ids ``y_true`` (N, ...) or (N, ..., 1).

    With ``from_sorted_ids=True``, ``y_pred`` (N, ..., M) already holds class ids
    sorted by decreasing score (e.g. ``dn.ops.top_k``'s indices), and a target
    counts when it is among the first ``k`` of them.

    Raises:
        ArgumentError: ``k`` is not a positive int or ``from_sorted_ids`` not a bool; in :meth:`update`, class
            ids outside [0, C) or fractional (eager mode).
        ShapeError: ``y_true`` is not class ids for ``y_pred`` (one-hot rows need :class:`TopKCategoricalAccuracy`),
            or ``sample_weight`` does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "sparse_top_k_categorical_accuracy"

    def __init__(self, k: int = 5, from_sorted_ids: bool = False, name: str | None = None) -> None:
        super().__init__(k, name)
        self.from_sorted_ids = check_bool("SparseTopKCategoricalAccuracy", "from_sorted_ids", from_sorted_ids)

    def values(self, y_pred: Any, y_true: Any) -> Any:
        where = "SparseTopKCategoricalAccuracy"
        ids = _sparse_ids(where, y_pred, B.convert_to_tensor(y_true))
        if not self.from_sorted_ids:
            return _in_top_k(where, y_pred, ids, self.k)
        columns = tuple(B.shape(y_pred))[-1]
        first = np.arange(self.k if columns is None else min(self.k, columns))
        leading = B.cast(B.take(y_pred, first, -1), "int64")
        return B.cast(B.any(B.equal(leading, B.expand_dims(ids, -1)), -1), "float32")
