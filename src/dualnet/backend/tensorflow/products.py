"""Products and differences on TensorFlow, on broadcasting: gradients and dtypes follow the elementwise ops."""

from __future__ import annotations

import tensorflow as tf

from dualnet.backend import spacing
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.common import canonical_axis
from dualnet.backend.tensorflow.core import convert_to_tensor, promote
from dualnet.errors import ArgumentError, ShapeError


def kron(x1: ArrayLike, x2: ArrayLike) -> tf.Tensor:
    a, b = promote(x1, x2)
    rank = max(a.shape.rank, b.shape.rank)
    sa = (1,) * (rank - a.shape.rank) + tuple(a.shape.as_list())
    sb = (1,) * (rank - b.shape.rank) + tuple(b.shape.as_list())
    # Interleave the axes, (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...), then merge each pair.
    ia = [d for n in sa for d in (n, 1)]
    ib = [d for n in sb for d in (1, n)]
    return tf.reshape(tf.reshape(a, ia) * tf.reshape(b, ib), [m * n for m, n in zip(sa, sb)])


def inner(x1: ArrayLike, x2: ArrayLike) -> tf.Tensor:
    a, b = promote(x1, x2)
    if a.shape.rank == 0 or b.shape.rank == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"inner: last axes differ, shapes {tuple(a.shape)} and {tuple(b.shape)}; they must match")
    return tf.tensordot(a, b, axes=[[a.shape.rank - 1], [b.shape.rank - 1]])


def vdot(x1: ArrayLike, x2: ArrayLike) -> tf.Tensor:
    a, b = promote(x1, x2)
    if a.shape.num_elements() != b.shape.num_elements():
        raise ShapeError(
            f"vdot: sizes differ ({a.shape.num_elements()} and {b.shape.num_elements()}); the inputs need as many "
            "elements"
        )
    a = tf.math.conj(a) if a.dtype.is_complex else a
    return tf.reduce_sum(tf.reshape(a, [-1]) * tf.reshape(b, [-1]))


def _move_last(x: tf.Tensor, axis: int) -> tf.Tensor:
    rank = x.shape.rank
    axis = canonical_axis(axis, rank, "cross")
    return tf.transpose(x, [*(i for i in range(rank) if i != axis), axis])


def cross(
    x1: ArrayLike, x2: ArrayLike, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None
) -> tf.Tensor:
    a, b = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _move_last(a, axisa), _move_last(b, axisb)
    spacing.cross_dims(a.shape[-1], b.shape[-1])
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a0 * b1 - a1 * b0
    a2 = a[..., 2] if a.shape[-1] == 3 else tf.zeros_like(a0)
    b2 = b[..., 2] if b.shape[-1] == 3 else tf.zeros_like(b0)
    parts = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]
    shape = tf.broadcast_dynamic_shape(tf.shape(parts[0]), tf.shape(parts[2]))
    out = tf.stack([tf.broadcast_to(p, shape) for p in parts], -1)
    rank = out.shape.rank
    c = canonical_axis(axisc, rank, "cross")
    return tf.transpose(out, [*range(c), rank - 1, *range(c, rank - 1)])


def diff(a: ArrayLike, n: int = 1, axis: int = -1) -> tf.Tensor:
    x = convert_to_tensor(a)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ArgumentError(f"diff: n={n!r} must be a non-negative int (the order of the difference)")
    if x.shape.rank == 0:
        raise ShapeError("diff: needs at least a 1-D input, got a scalar")
    axis = canonical_axis(axis, x.shape.rank, "diff")
    before = (slice(None),) * axis
    for _ in range(min(n, x.shape[axis])):
        head, tail = x[(*before, slice(1, None))], x[(*before, slice(None, -1))]
        x = tf.not_equal(head, tail) if x.dtype == tf.bool else head - tail  # NumPy: bools differ by not_equal
    return x
