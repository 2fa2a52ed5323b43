"""Slicing and scattering by index: ``slice``, ``slice_update``, ``scatter``, ``scatter_update``, segment reductions.

Keras's names and arguments (``keras.ops.scatter`` is TensorFlow's
``scatter_nd``). Shapes are static, so each of these compiles (``dn.function``,
``jit=True``); only ``num_segments=None`` reads the ids back to the host.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_int
from dualnet.backend.dispatch import B

__all__ = [
    "slice",
    "slice_update",
    "scatter",
    "scatter_update",
    "segment_max",
    "segment_min",
    "segment_prod",
    "get_item",
]

Tensor = Any


def slice(inputs: Any, start_indices: Sequence[Any], shape: int | Sequence[int]) -> Tensor:
    """The block of ``inputs`` of shape ``shape`` whose first element is at ``start_indices``.

    ``start_indices`` has one entry per axis (ints, or scalar tensors on
    tensorflow); a size of -1 takes the rest of its axis. Output shape: ``shape``.

    Raises:
        ShapeError: the block does not fit inside ``inputs``, or the ranks differ.
    """
    return B.slice(inputs, start_indices, shape)


def slice_update(inputs: Any, start_indices: Sequence[Any], updates: Any) -> Tensor:
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``.

    ``updates`` has ``inputs``'s rank and is cast to its dtype; the result has
    ``inputs``'s shape. Gradients reach both ``inputs`` (outside the block) and ``updates``.

    Raises:
        ShapeError: the block does not fit inside ``inputs``, or the ranks differ.
    """
    return B.slice_update(inputs, start_indices, updates)


def scatter(indices: Any, values: Any, shape: int | Sequence[int]) -> Tensor:
    """Zeros of shape ``shape`` (in ``values``'s dtype) with ``values`` added at index rows ``indices``.

    ``indices`` (k, m) address the leading ``m`` axes; ``values`` has shape
    ``(k, *shape[m:])``. Repeated rows accumulate, as ``tf.scatter_nd``;
    negative indices count from the end.

    Raises:
        ShapeError: ``values`` does not fit ``shape`` indexed by ``indices``, or ``m`` exceeds the rank.
        ArgumentError: ``indices`` are not integers.
    """
    return B.scatter(indices, values, shape)


def scatter_update(inputs: Any, indices: Any, updates: Any, reduction: str | None = None) -> Tensor:
    """A copy of ``inputs`` with ``updates`` (k, *inputs.shape[m:]) written at index rows ``indices`` (k, m).

    ``reduction`` combines an update with the value in place: None replaces it
    (which of several updates to one cell wins is unspecified), ``"add"``,
    ``"max"``, ``"min"`` or ``"mul"`` reduce every update landing on a cell with it.

    Raises:
        ArgumentError: ``reduction`` is unknown, or ``indices`` are not integers.
        ShapeError: ``updates`` does not fit ``inputs`` indexed by ``indices``.
    """
    return B.scatter_update(inputs, indices, updates, reduction)


def _segment_args(op: str, num_segments: int | None, sorted: bool) -> tuple[int | None, bool]:
    count = check_int(op, "num_segments", num_segments, low=0, or_none=True, example="num_segments=10")
    return count, check_bool(op, "sorted", sorted)


def segment_max(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Tensor:
    """Rows of ``data`` (n, ...) reduced by max per segment id (n,): shape ``(num_segments, ...)``.

    ``num_segments=None`` uses ``max(segment_ids) + 1`` (read from the device,
    so not inside compiled code). Empty segments hold the dtype's lowest finite
    value (TensorFlow's ``unsorted_segment_max``). ``sorted`` is a hint only.

    Raises:
        ShapeError: ``segment_ids`` is not 1-D with one id per row of ``data``.
        ArgumentError: ids are not integers, ``data`` is bool, or ``num_segments`` is negative.
    """
    count, hint = _segment_args("segment_max", num_segments, sorted)
    return B.segment_max(data, segment_ids, count, hint)


def segment_min(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Tensor:
    """Rows of ``data`` (n, ...) reduced by min per segment id (n,): shape ``(num_segments, ...)``.

    Empty segments hold the dtype's highest finite value; otherwise as :func:`segment_max`.

    Raises:
        ShapeError: ``segment_ids`` is not 1-D with one id per row of ``data``.
        ArgumentError: ids are not integers, ``data`` is bool, or ``num_segments`` is negative.
    """
    count, hint = _segment_args("segment_min", num_segments, sorted)
    return B.segment_min(data, segment_ids, count, hint)


def segment_prod(data: Any, segment_ids: Any, num_segments: int | None = None, sorted: bool = False) -> Tensor:
    """Rows of ``data`` (n, ...) multiplied per segment id (n,): shape ``(num_segments, ...)``; empty ones are 1.

    Raises:
        ShapeError: ``segment_ids`` is not 1-D with one id per row of ``data``.
        ArgumentError: ids are not integers, ``data`` is bool, or ``num_segments`` is negative.
    """
    count, hint = _segment_args("segment_prod", num_segments, sorted)
    return B.segment_prod(data, segment_ids, count, hint)


def get_item(x: Any, key: Any) -> Tensor:
    """``x[key]``: NumPy's basic indexing (ints, slices, None, one Ellipsis) plus at most one array entry.

    The array entry, an integer array (negative counts from the end) or a bool
    mask, puts its axes where it stands, as NumPy does for a single array; the
    output shape is NumPy's for the same key.

    Raises:
        ArgumentError: the key has several arrays, an unknown entry, float indices, or indexes too many axes.
    """
    return B.get_item(x, key)
