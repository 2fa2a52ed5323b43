"""Slicing and scattering by index on TensorFlow: tf.slice, masks built by tf.pad, tensor_scatter_nd_*."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet.backend import index_args
from dualnet.backend.api.types import ArrayLike, ShapeLike
from dualnet.backend.common import as_shape
from dualnet.backend.tensorflow.core import convert_to_tensor, placed
from dualnet.backend.tensorflow.indexing import _index, _wrap
from dualnet.errors import ArgumentError, ShapeError

_ERRORS = (tf.errors.InvalidArgumentError, ValueError)


def _starts(start_indices: Sequence[Any]) -> list[Any]:
    if isinstance(start_indices, tf.Tensor):
        return tf.unstack(tf.cast(start_indices, tf.int64)) if start_indices.shape.rank else [start_indices]
    return [int(s) if isinstance(s, int | np.integer) else tf.cast(s, tf.int64) for s in start_indices]


def _static(starts: list[Any]) -> list[Any]:
    return [s if isinstance(s, int) else None for s in starts]


def slice(inputs: ArrayLike, start_indices: Sequence[Any], shape: ShapeLike) -> tf.Tensor:
    x = convert_to_tensor(inputs)
    starts = _starts(start_indices)
    static = index_args.slice_sizes(x.shape.as_list(), _static(starts), as_shape(shape))
    index_args.block("slice", x.shape.as_list(), starts, [k if k != -1 else None for k in static])
    begin = tf.stack([tf.cast(s, tf.int64) for s in starts]) if starts else tf.zeros([0], tf.int64)
    try:
        return tf.slice(x, begin, tf.constant(as_shape(shape), tf.int64))
    except _ERRORS as exc:  # tensor starts are only checked when the slice runs
        raise ShapeError(
            f"slice: a block of shape {as_shape(shape)} at the given starts does not fit inputs of shape "
            f"{tuple(x.shape)}; use 0 <= start and start + size <= the axis size"
        ) from exc


def slice_update(inputs: ArrayLike, start_indices: Sequence[Any], updates: ArrayLike) -> tf.Tensor:
    x = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, x.dtype.name)
    starts = _starts(start_indices)
    if updates.shape.rank != x.shape.rank:
        raise ShapeError(
            f"slice_update: updates has rank {updates.shape.rank} but inputs has rank {x.shape.rank}; match ranks"
        )
    index_args.block("slice_update", x.shape.as_list(), starts, updates.shape.as_list())
    begin = tf.stack([tf.cast(s, tf.int64) for s in starts])
    end = tf.shape(x, out_type=tf.int64) - begin - tf.shape(updates, out_type=tf.int64)
    paddings = tf.stack([begin, end], axis=1)
    # A mask and the updates padded to x's shape: differentiable in both inputs, dynamic starts welcome.
    mask = tf.pad(tf.ones_like(updates, tf.bool), paddings)
    return tf.where(mask, tf.pad(updates, paddings), x)


def _scatter(op: str, x: tf.Tensor, indices: ArrayLike, updates: ArrayLike, reduction: str | None) -> tf.Tensor:
    idx = _index(indices)
    if idx.shape.rank == 0:
        raise ShapeError(f"{op}: indices must be (k, m) index rows, got a scalar; wrap it as [[i]]")
    upd = convert_to_tensor(updates, x.dtype.name)
    m = index_args.index_depth(op, idx.shape.as_list(), x.shape.rank)
    expected = idx.shape[:-1].concatenate(x.shape[m:])
    if not upd.shape.is_compatible_with(expected):
        raise index_args.scatter_error(op, x.shape.as_list(), idx.shape.as_list(), upd.shape.as_list())
    idx = _wrap(idx, tf.shape(x, out_type=idx.dtype)[:m])
    try:
        if reduction is None:
            return tf.tensor_scatter_nd_update(x, idx, upd)
        if reduction == "add":
            return tf.tensor_scatter_nd_add(x, idx, upd)
        if reduction == "max":
            return tf.tensor_scatter_nd_max(x, idx, upd)
        if reduction == "min":
            return tf.tensor_scatter_nd_min(x, idx, upd)
        # No scatter-multiply kernel: multiply by each cell's product of updates (1 where none land).
        lead = tf.shape(x, out_type=idx.dtype)[:m]
        flat = tf.reshape(idx, [-1, m])
        strides = tf.math.cumprod(lead, exclusive=True, reverse=True)
        cells = tf.reduce_sum(flat * strides, axis=-1)
        rest = tf.shape(x)[m:]
        prods = tf.math.unsorted_segment_prod(tf.reshape(upd, tf.concat([[-1], rest], 0)), cells, tf.reduce_prod(lead))
        return x * tf.reshape(prods, tf.shape(x))
    except _ERRORS as exc:
        raise index_args.scatter_error(op, x.shape.as_list(), idx.shape.as_list(), upd.shape.as_list()) from exc


def scatter(indices: ArrayLike, values: ArrayLike, shape: ShapeLike) -> tf.Tensor:
    values = convert_to_tensor(values)
    with placed():
        zeros = tf.zeros(as_shape(shape), values.dtype)
    return _scatter("scatter", zeros, indices, values, "add")


def scatter_update(
    inputs: ArrayLike, indices: ArrayLike, updates: ArrayLike, reduction: str | None = None
) -> tf.Tensor:
    index_args.check_reduction(reduction)
    return _scatter("scatter_update", convert_to_tensor(inputs), indices, updates, reduction)


_SEGMENT = {
    "segment_max": tf.math.unsorted_segment_max,
    "segment_min": tf.math.unsorted_segment_min,
    "segment_prod": tf.math.unsorted_segment_prod,
}


def _segments(op: str, data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None) -> tf.Tensor:
    data, ids = convert_to_tensor(data), _index(segment_ids)
    if ids.shape.rank != 1 or data.shape.rank == 0 or not ids.shape[:1].is_compatible_with(data.shape[:1]):
        raise ShapeError(
            f"{op}: segment_ids of shape {tuple(ids.shape)} must be 1-D with one id per row of data, whose shape "
            f"is {tuple(data.shape)}"
        )
    if data.dtype == tf.bool:
        raise ArgumentError(f"{op}: data must be numeric, got bool; cast it first")
    if num_segments is None:  # a tensor, so it also traces (the output's first size is then unknown)
        return _SEGMENT[op](data, ids, tf.reduce_max(tf.concat([ids, tf.constant([-1], ids.dtype)], 0)) + 1)
    return _SEGMENT[op](data, ids, num_segments)


def segment_max(
    data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
) -> tf.Tensor:
    return _segments("segment_max", data, segment_ids, num_segments)


def segment_min(
    data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
) -> tf.Tensor:
    return _segments("segment_min", data, segment_ids, num_segments)


def segment_prod(
    data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
) -> tf.Tensor:
    return _segments("segment_prod", data, segment_ids, num_segments)


def get_item(x: ArrayLike, key: Any) -> tf.Tensor:
    x = convert_to_tensor(x)
    entries, at = index_args.advanced_key(key, x.shape.rank)
    if at is None:
        try:
            return x[tuple(entries)]
        except _ERRORS as exc:
            raise ArgumentError(f"get_item: {exc}; indices must lie in [-n, n) for an axis of size n") from exc
    entry = entries[at]
    entry = entry if isinstance(entry, tf.Tensor) else convert_to_tensor(np.asarray(entry))
    if entry.dtype.is_floating:
        raise ArgumentError("get_item: an array index must hold integers or bools, got floats")
    reads = entry.shape.rank if entry.dtype == tf.bool else 1
    # The array's axes land where it stands, after the axes the entries before it keep (NumPy's rule for one array).
    position = sum(1 for e in entries[:at] if e is None or isinstance(e, builtins.slice))
    entries[at : at + 1] = [builtins.slice(None)] * reads
    base = x[tuple(entries)]
    if entry.dtype == tf.bool:
        return tf.boolean_mask(base, entry, axis=position)
    try:
        return tf.gather(base, _wrap(entry, tf.shape(base, out_type=entry.dtype)[position]), axis=position)
    except _ERRORS as exc:
        raise ArgumentError("get_item: an index is out of range; indices must lie in [-n, n)") from exc
