"""indexing ops on tensorflow."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from dualnet.arguments import is_integer
from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike, DTypeName
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype
from dualnet.errors import ArgumentError, ShapeError


def _index(indices: ArrayLike) -> tf.Tensor:
    indices = convert_to_tensor(indices)
    if not indices.dtype.is_integer:
        raise ArgumentError(f"indices must be integers, got dtype {indices.dtype.name}")
    return indices


def _wrap(indices: tf.Tensor, size: Any) -> tf.Tensor:
    """Negative indices counted from the end, as NumPy (tf.gather rejects them)."""
    return tf.where(indices < 0, indices + tf.cast(size, indices.dtype), indices)


def take(x: ArrayLike, indices: ArrayLike, axis: int | None = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    axis = common.canonical_axis(axis, x.shape.rank, "take")
    size = x.shape[axis]
    if is_integer(indices):
        indices = int(indices)
    if isinstance(indices, int) and size is not None:
        if not -size <= indices < size:
            raise ArgumentError(f"take: index {indices} is out of bounds for axis {axis} with size {size}")
        indices %= size
    else:
        indices = _wrap(_index(indices), tf.shape(x)[axis])
    try:
        return tf.gather(x, indices, axis=axis)
    except tf.errors.InvalidArgumentError as exc:
        raise ArgumentError(
            f"take: an index is out of bounds for axis {axis} with size {size}; indices must lie in [-n, n) "
            "for an axis of size n"
        ) from exc


def _broadcast_except(t: tf.Tensor, other_shape: tf.Tensor, axis: int) -> tf.Tensor:
    """``t`` broadcast against ``other_shape`` on every axis but ``axis``."""
    own = tf.shape(t)
    target = tf.broadcast_dynamic_shape(
        tf.tensor_scatter_nd_update(own, [[axis]], [1]),
        tf.tensor_scatter_nd_update(other_shape, [[axis]], [1]),
    )
    return tf.broadcast_to(t, tf.tensor_scatter_nd_update(target, [[axis]], own[axis : axis + 1]))


def take_along_axis(x: ArrayLike, indices: ArrayLike, axis: int | None = None) -> tf.Tensor:
    x, indices = convert_to_tensor(x), _index(indices)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    rank = x.shape.rank
    axis = common.canonical_axis(axis, rank, "take_along_axis")
    if indices.shape.rank != rank:
        raise ShapeError(
            f"take_along_axis: indices has rank {indices.shape.rank} but x has rank {rank}; "
            "indices needs one axis per axis of x (use expand_dims)"
        )
    xs, js = x.shape.as_list(), indices.shape.as_list()
    if any(a is None or b is None or a != b for i, (a, b) in enumerate(zip(xs, js)) if i != axis):
        x, indices = _broadcast_except(x, tf.shape(indices), axis), _broadcast_except(indices, tf.shape(x), axis)
    indices = _wrap(indices, tf.shape(x)[axis])
    # tf.gather's batch_dims must lead, so the gathered axis goes last (no transpose when it already is).
    perm = [a for a in range(rank) if a != axis] + [axis]
    if axis != rank - 1:
        x, indices = tf.transpose(x, perm), tf.transpose(indices, perm)
    out = tf.gather(x, indices, axis=rank - 1, batch_dims=rank - 1)
    if axis != rank - 1:
        out = tf.transpose(out, [perm.index(a) for a in range(rank)])
    return out


def one_hot(indices: ArrayLike, num_classes: int, dtype: DTypeName = "float32") -> tf.Tensor:
    indices = _index(indices)
    if indices.dtype not in (tf.uint8, tf.int8, tf.int32, tf.int64):
        indices = tf.cast(indices, tf.int64)
    if dtype == "bool":  # tf.one_hot has no bool on/off defaults
        return tf.one_hot(indices, num_classes, on_value=True, off_value=False, dtype=tf.bool)
    return tf.one_hot(indices, num_classes, dtype=native_dtype(dtype))  # out-of-range ids give zero rows


def segment_sum(
    data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
) -> tf.Tensor:
    data, segment_ids = convert_to_tensor(data), _index(segment_ids)
    if (
        segment_ids.shape.rank != 1
        or data.shape.rank == 0
        or not segment_ids.shape[:1].is_compatible_with(data.shape[:1])
    ):
        raise ShapeError(
            f"segment_sum: segment_ids of shape {tuple(segment_ids.shape)} must be 1-D with one id per row of "
            f"data, whose shape is {tuple(data.shape)}"
        )
    if num_segments is None:  # a tensor, so it also traces (the output's first size is then unknown)
        ids = tf.concat([segment_ids, tf.constant([-1], segment_ids.dtype)], 0)
        return tf.math.unsorted_segment_sum(data, segment_ids, tf.reduce_max(ids) + 1)
    return tf.math.unsorted_segment_sum(data, segment_ids, num_segments)


def scatter_add(x: ArrayLike, indices: ArrayLike, updates: ArrayLike) -> tf.Tensor:
    x, indices = convert_to_tensor(x), _index(indices)
    updates = convert_to_tensor(updates, x.dtype.name)
    m = indices.shape[-1] if indices.shape.rank else None
    if m is None or m > x.shape.rank:
        raise ShapeError(
            f"scatter_add: indices of shape {tuple(indices.shape)} must be (k, m) with m <= rank of x ({x.shape.rank})"
        )
    try:
        return tf.tensor_scatter_nd_add(x, _wrap(indices, tf.shape(x, out_type=indices.dtype)[:m]), updates)
    except (tf.errors.InvalidArgumentError, ValueError) as exc:
        raise common.scatter_shape_error(x.shape, indices.shape, updates.shape) from exc


def top_k(x: ArrayLike, k: int, sorted: bool = True) -> tuple[tf.Tensor, tf.Tensor]:
    x = convert_to_tensor(x)
    n = x.shape[-1] if x.shape.rank else 0
    if n is not None and not 0 <= k <= n:
        raise ArgumentError(f"top_k: k={k} must be in [0, {n}], the size of the last axis")
    values, indices = tf.math.top_k(x, k=k, sorted=sorted)
    return values, tf.cast(indices, tf.int64)


def _sortable(x: ArrayLike, axis: int | None) -> tuple[tf.Tensor, int]:
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return x, common.canonical_axis(axis, max(x.shape.rank, 1), "sort")


def sort(x: ArrayLike, axis: int | None = -1) -> tf.Tensor:
    x, axis = _sortable(x, axis)
    if x.dtype == tf.bool:  # tf.sort has no bool kernel
        return tf.cast(tf.sort(tf.cast(x, tf.int8), axis=axis), tf.bool)
    return tf.sort(x, axis=axis)


def argsort(x: ArrayLike, axis: int | None = -1) -> tf.Tensor:
    x, axis = _sortable(x, axis)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.int8)
    return tf.cast(tf.argsort(x, axis=axis, stable=True), tf.int64)
