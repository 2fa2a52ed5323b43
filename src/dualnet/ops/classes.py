"""Ops on integer class ids: ``in_top_k`` and ``multi_hot`` (Keras's names, arguments and defaults)."""

from __future__ import annotations

from typing import Any

from dualnet import dtypes
from dualnet.arguments import check_axis, check_bool, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, DTypeError, ShapeError

__all__ = ["in_top_k", "multi_hot"]

Tensor = Any


def _integers(op: str, name: str, x: Tensor) -> None:
    if B.dtype(x).startswith(("float", "bfloat", "complex", "bool")):
        raise DTypeError(f"{op}: {name} must hold integer class ids, got {B.dtype(x)}; cast them to 'int64'")


def in_top_k(targets: Any, predictions: Any, k: int) -> Tensor:
    """Bool (N,): whether class ``targets[i]`` is among the ``k`` highest ``predictions[i]`` (N, C).

    TensorFlow's rule (``tf.math.in_top_k``): classes tied with the k-th value
    are all in the top k; a row holding a non-finite value, or a target
    outside ``[0, C)``, gives False.

    Raises:
        ArgumentError: ``k`` is not a positive int.
        ShapeError: ``predictions`` is not (N, C) or ``targets`` not (N,).
        DTypeError: ``targets`` are not integers.
    """
    k = check_int("in_top_k", "k", k, low=1, example="k=5")
    targets, predictions = B.convert_to_tensor(targets), B.convert_to_tensor(predictions)
    _integers("in_top_k", "targets", targets)
    shape, ids = tuple(B.shape(predictions)), tuple(B.shape(targets))
    if len(shape) != 2 or len(ids) != 1 or (None not in (shape[0], ids[0]) and shape[0] != ids[0]):
        raise ShapeError(
            f"in_top_k: expects predictions (N, C) and targets (N,), got {shape} and {ids}; "
            "pass one target class per row of predictions"
        )
    return B.in_top_k(targets, predictions, k)


def multi_hot(
    inputs: Any, num_classes: int | None = None, axis: int = -1, dtype: str | None = None, sparse: bool = False
) -> Tensor:
    """Class ids (N, L) as (N, num_classes) rows with 1 at every id the row holds ((L,) gives (num_classes,)).

    A rank-3 (N, L, M) input reduces L, as Keras does. Ids outside
    ``[0, num_classes)`` are ignored. ``axis`` places the class axis (-1: last,
    Keras's result; for other axes Keras 3.15 reduces over the batch instead of
    each row's ids, while dualnet moves the class axis of the same per-row
    result); ``dtype`` defaults to float32.

    Raises:
        ArgumentError: ``num_classes`` is not a positive int, ``sparse`` is True (dualnet has no sparse
            tensors) or ``dtype`` is unknown.
        ShapeError: ``inputs`` is a scalar, or ``axis`` is out of range.
        DTypeError: ``inputs`` are not integers.
    """
    num_classes = check_int("multi_hot", "num_classes", num_classes, low=1, example="num_classes=10")
    axis = check_axis("multi_hot", "axis", axis)
    if check_bool("multi_hot", "sparse", sparse):
        raise ArgumentError("multi_hot(sparse=True): dualnet has no sparse tensors; pass sparse=False")
    if dtype is not None:
        dtype = dtypes.standardize(dtype)
    inputs = B.convert_to_tensor(inputs)
    _integers("multi_hot", "inputs", inputs)
    rank = len(B.shape(inputs)) - (1 if len(B.shape(inputs)) > 1 else 0)
    if not B.shape(inputs) or not -rank <= axis < rank:
        raise ShapeError(
            f"multi_hot: inputs of shape {tuple(B.shape(inputs))} give a result of rank {rank}, which has no axis "
            f"{axis}; pass ids of shape (N, L) or (L,) and an axis in [-{rank}, {rank})"
        )
    return B.multi_hot(inputs, num_classes, axis, dtype, sparse)
