"""Gathering, scattering, one-hot encoding and sorting.

NumPy names and semantics where NumPy has the op; ``one_hot``,
``segment_sum``, ``scatter_add`` and ``top_k`` follow TensorFlow's names.
Indices are integer tensors (int32 or int64); returned indices are int64.
Indices out of range are not checked on the device (that would need a host
round-trip): the frameworks raise on CPU, and may not on accelerators.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_bool, check_int
from dualnet.backend.dispatch import B
from dualnet.dtypes import standardize

__all__ = [
    "take",
    "take_along_axis",
    "one_hot",
    "segment_sum",
    "scatter_add",
    "top_k",
    "sort",
    "argsort",
]

Tensor = Any


def _count(value: Any, op: str, name: str) -> int:
    return check_int(op, name, value, low=0, example=f"{name}=10")


def take(x: Any, indices: Any, axis: int | None = None) -> Tensor:
    """Elements of ``x`` at ``indices`` along ``axis`` (None: of the flattened ``x``).

    Output shape: ``x.shape[:axis] + indices.shape + x.shape[axis+1:]``.
    Negative indices count from the end.

    Raises:
        ArgumentError: ``indices`` are not integers, are out of bounds, or ``axis`` is out of range.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.take(x, indices, axis)


def take_along_axis(x: Any, indices: Any, axis: int | None = None) -> Tensor:
    """``x`` gathered element-wise along ``axis`` at ``indices``, which has ``x``'s rank.

    ``axis=None`` gathers from the flattened ``x`` with 1-D ``indices`` (NumPy's
    and Keras's default). Other axes broadcast between ``x`` and ``indices``; the output has the
    broadcast shape with ``indices``'s size along ``axis``. Pairs with
    ``argsort`` / ``top_k`` indices.

    Raises:
        ShapeError: ``indices`` does not have ``x``'s rank.
        ArgumentError: ``indices`` are not integers, or ``axis`` is out of range.
    """
    return B.take_along_axis(x, indices, axis)


def one_hot(indices: Any, num_classes: int, dtype: Any = "float32") -> Tensor:
    """Integer ``indices`` of shape ``s`` as one-hot vectors: shape ``(*s, num_classes)``.

    Indices outside ``[0, num_classes)`` (negative ones included) give an all-zero row.

    Raises:
        ArgumentError: ``indices`` are not integers, or ``num_classes`` is not a non-negative int.
    """
    return B.one_hot(indices, _count(num_classes, "one_hot", "num_classes"), standardize(dtype))


def segment_sum(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Tensor:
    """Rows of ``data`` summed by segment: ``out[i] = sum(data[j] for j with segment_ids[j] == i)``.

    ``data`` (n, ...) and ``segment_ids`` (n,) with ids in ``[0, num_segments)``
    give shape ``(num_segments, ...)`` in ``data``'s dtype; empty segments are 0.
    ``num_segments=None`` uses ``max(segment_ids) + 1``, read from the device
    (so not in compiled code); ``sorted`` is Keras's hint and changes nothing.

    Raises:
        ShapeError: ``segment_ids`` is not 1-D with one id per row of ``data``.
        ArgumentError: ``segment_ids`` are not integers, or ``num_segments`` is not a non-negative int.
    """
    count = None if num_segments is None else _count(num_segments, "segment_sum", "num_segments")
    return B.segment_sum(data, segment_ids, count, check_bool("segment_sum", "sorted", sorted))


def scatter_add(x: Any, indices: Any, updates: Any) -> Tensor:
    """A copy of ``x`` with ``updates`` added at index tuples ``indices``.

    ``indices`` (k, m) addresses the leading ``m`` axes of ``x``; ``updates``
    has shape ``(k, *x.shape[m:])`` and is cast to ``x``'s dtype. Repeated
    indices accumulate: the result equals NumPy's ``np.add.at(out, tuple(indices.T), updates)``.

    Raises:
        ShapeError: ``updates`` does not fit ``x`` indexed by ``indices``.
        ArgumentError: ``indices`` are not integers.
    """
    return B.scatter_add(x, indices, updates)


def top_k(x: Any, k: int, sorted: bool = True) -> tuple[Tensor, Tensor]:
    """The ``k`` largest entries along the last axis: ``(values, indices)``, each ``(..., k)``.

    ``indices`` are int64. With ``sorted=True`` values are in descending
    order; otherwise the order is unspecified. Which index of tied values
    is returned may differ between backends.

    Raises:
        ArgumentError: ``k`` is outside ``[0, n]`` for a last axis of size ``n``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    values, indices = B.top_k(x, _count(k, "top_k", "k"), sorted)
    return values, indices


def sort(x: Any, axis: int | None = -1) -> Tensor:
    """``x`` sorted ascending along ``axis`` (None: the flattened ``x``); same shape otherwise.

    Raises:
        ArgumentError: an axis is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.sort(x, axis)


def argsort(x: Any, axis: int | None = -1) -> Tensor:
    """Indices (int64) that sort ``x`` ascending along ``axis`` (None: flattened); stable: ties keep their order.

    Same shape as ``x`` (1-D for ``axis=None``).

    Raises:
        ArgumentError: an axis is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.argsort(x, axis)
