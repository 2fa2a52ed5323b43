"""Searching ops on TensorFlow: tf.where, a sort-based unique (static with ``size``), tf.searchsorted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from dualnet.backend import common, unique_args
from dualnet.backend.api.types import ArrayLike, ShapeLike
from dualnet.backend.tensorflow.core import convert_to_tensor, promote
from dualnet.backend.tensorflow.indexing import _index
from dualnet.backend.tensorflow.math import where
from dualnet.errors import ArgumentError, ShapeError


def nonzero(x: ArrayLike) -> tuple[tf.Tensor, ...]:
    x = convert_to_tensor(x)
    if x.shape.rank == 0:
        x = tf.reshape(x, [1])
    found = tf.where(tf.cast(x, tf.bool) if x.dtype != tf.bool else x)
    return tuple(tf.unstack(found, num=x.shape.rank, axis=1))


def _sortable(column: tf.Tensor) -> tf.Tensor:
    return tf.cast(column, tf.int8) if column.dtype == tf.bool else column


def _lexsort_rows(rows: tf.Tensor) -> tf.Tensor:
    """The stable order that sorts the rows of ``rows`` (n, m) lexicographically: last column first."""
    order = tf.range(tf.shape(rows, out_type=tf.int64)[0], dtype=tf.int64)
    for c in reversed(range(rows.shape[1])):
        column = _sortable(tf.gather(rows[:, c], order))
        order = tf.gather(order, tf.argsort(column, stable=True))
    return order


def unique(
    x: ArrayLike,
    sorted: bool = True,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    size: int | None = None,
    fill_value: Any = None,
) -> Any:
    x = convert_to_tensor(x)
    size = unique_args.check_size(size)
    rank = x.shape.rank
    if axis is None:
        moved = tf.reshape(x, [-1])
    else:
        ax = common.canonical_axis(axis, rank, "unique")
        moved = tf.transpose(x, [ax, *(a for a in range(rank) if a != ax)])
    n = tf.shape(moved, out_type=tf.int64)[0]
    width = tf.reduce_prod(tf.shape(moved, out_type=tf.int64)[1:])
    rows = tf.reshape(moved, tf.stack([n, width]))
    order = _lexsort_rows(rows)
    ordered = tf.gather(rows, order)
    new = tf.concat([tf.ones([1], tf.bool)[: tf.minimum(n, 1)], tf.reduce_any(ordered[1:] != ordered[:-1], -1)], 0)
    group = tf.cumsum(tf.cast(new, tf.int64)) - 1
    # Without ``size`` the count stays a tensor: eager gives the exact shape, a trace an unknown one.
    count: Any = tf.reduce_sum(tf.cast(new, tf.int64)) if size is None else size
    # Groups past ``size`` go to one overflow slot, dropped at the end: the shapes stay static.
    slot = tf.where(group < count, group, count)
    fill = tf.cast(0 if fill_value is None else fill_value, x.dtype)
    values = tf.tensor_scatter_nd_update(tf.fill([count + 1, width], fill), slot[:, None], ordered)[:count]
    first = tf.math.unsorted_segment_min(order, slot, count + 1)[:count]
    first = tf.where(first < n, first, n)  # empty slots: unsorted_segment_min gives the dtype's max
    counts = tf.math.unsorted_segment_sum(tf.ones_like(slot), slot, count + 1)[:count]
    inverse = tf.scatter_nd(order[:, None], group, tf.reshape(n, [1]))
    if not sorted:  # order of first appearance; padding (first == n) stays last
        rank_of = tf.argsort(first, stable=True)
        values, first, counts = tf.gather(values, rank_of), tf.gather(first, rank_of), tf.gather(counts, rank_of)
        inverse = tf.gather(
            tf.cast(tf.argsort(rank_of), tf.int64), tf.clip_by_value(inverse, 0, tf.maximum(count - 1, 0))
        )
    first = tf.where(first < n, first, 0)
    values = tf.reshape(
        values, tf.concat([tf.reshape(tf.cast(count, tf.int64), [1]), tf.shape(moved, tf.int64)[1:]], 0)
    )
    if axis is not None:
        ax = common.canonical_axis(axis, rank, "unique")
        values = tf.transpose(values, [*range(1, ax + 1), 0, *range(ax + 1, rank)])
    else:
        inverse = tf.reshape(inverse, tf.shape(x))
    return unique_args.pack(values, first, inverse, counts, (return_index, return_inverse, return_counts))


def _sequence(sorted_sequence: ArrayLike, values: ArrayLike, op: str) -> tuple[tf.Tensor, tf.Tensor]:
    seq, vals = promote(sorted_sequence, values)
    if seq.shape.rank != 1:
        raise ShapeError(f"{op}: the sorted sequence must be 1-D, got shape {tuple(seq.shape)}; ravel it first")
    return seq, vals


def _search(seq: tf.Tensor, vals: tf.Tensor, side: str) -> tf.Tensor:
    # tf.searchsorted searches each row of a batch: one row holding every value.
    found = tf.searchsorted(seq[None, :], tf.reshape(vals, [1, -1]), side=side, out_type=tf.int64)
    return tf.reshape(found, tf.shape(vals))


def searchsorted(sorted_sequence: ArrayLike, values: ArrayLike, side: str = "left") -> tf.Tensor:
    if side not in ("left", "right"):
        raise ArgumentError(f"searchsorted: side={side!r} must be 'left' or 'right'")
    seq, vals = _sequence(sorted_sequence, values, "searchsorted")
    return _search(seq, vals, side)


def digitize(x: ArrayLike, bins: ArrayLike) -> tf.Tensor:
    edges, vals = _sequence(bins, x, "digitize")
    rising = _search(edges, vals, "right")
    if edges.shape[0] is not None and edges.shape[0] < 2:
        return rising
    falling = tf.shape(edges, out_type=tf.int64)[0] - _search(tf.reverse(edges, [0]), vals, "left")
    # Both directions computed, one kept: no host read, so it compiles.
    return tf.where(edges[0] > edges[-1], falling, rising)


def isin(x1: ArrayLike, x2: ArrayLike, assume_unique: bool = False, invert: bool = False) -> tf.Tensor:
    t1, t2 = promote(x1, x2)
    pool = tf.sort(tf.reshape(_sortable(t2), [-1]))
    probe = _sortable(t1)
    m = tf.shape(pool, out_type=tf.int64)[0]
    at = tf.minimum(_search(pool, probe, "left"), tf.maximum(m - 1, 0))
    found = tf.logical_and(m > 0, tf.gather(tf.concat([pool, tf.zeros([1], pool.dtype)], 0), at) == probe)
    return tf.logical_not(found) if invert else found


def argpartition(x: ArrayLike, kth: int, axis: int = -1) -> tf.Tensor:
    x = convert_to_tensor(x)
    if x.shape.rank == 0:
        raise ShapeError("argpartition: x must be at least 1-D, got a scalar")
    axis = common.canonical_axis(axis, x.shape.rank, "argpartition")
    n = x.shape[axis]
    if n is not None and not -n <= kth < n:
        raise ArgumentError(f"argpartition: kth={kth} is out of range for an axis of size {n}; use -{n} <= kth < {n}")
    # A stable full sort is one valid partition (NumPy leaves the order within each side unspecified).
    return tf.cast(tf.argsort(_sortable(x), axis=axis, stable=True), tf.int64)


def unravel_index(indices: ArrayLike, shape: ShapeLike) -> tuple[tf.Tensor, ...]:
    flat = tf.cast(_index(indices), tf.int64)
    coords = []
    for d in reversed(common.as_shape(shape)):
        coords.append(tf.math.floormod(flat, d))
        flat = tf.math.floordiv(flat, d)
    return tuple(reversed(coords))


def select(condlist: Sequence[ArrayLike], choicelist: Sequence[ArrayLike], default: ArrayLike = 0) -> tf.Tensor:
    if len(condlist) != len(choicelist) or not condlist:
        raise ArgumentError(
            f"select: condlist has {len(condlist)} entries and choicelist {len(choicelist)}; give one choice per "
            "condition (at least one)"
        )
    out = default
    for cond, choice in zip(reversed(condlist), reversed(choicelist)):
        out = where(cond, choice, out)
    return convert_to_tensor(out)
