"""linalg ops on tensorflow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from dualnet import dtypes
from dualnet.arguments import is_integer
from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor, promote
from dualnet.errors import ArgumentError, ShapeError

_SHAPE_ERRORS = (ValueError, tf.errors.InvalidArgumentError)


def matmul(x1: ArrayLike, x2: ArrayLike) -> tf.Tensor:
    a, b = promote(x1, x2)
    ra, rb = a.shape.rank, b.shape.rank
    if ra == 0 or rb == 0:
        raise ShapeError(
            f"matmul: operands must have at least 1 dimension, got shapes {tuple(a.shape)} and {tuple(b.shape)}; "
            "use multiply for scalars"
        )
    # tf.matmul needs matrices: a 1-D operand becomes a row (left) or column (right), dropped afterwards.
    a2 = tf.expand_dims(a, 0) if ra == 1 else a
    b2 = tf.expand_dims(b, -1) if rb == 1 else b
    try:
        out = tf.matmul(a2, b2)
    except _SHAPE_ERRORS as exc:
        raise common.operand_shape_error("matmul", (a, b), exc) from exc
    if ra == 1:
        out = tf.squeeze(out, -2)
    if rb == 1:
        out = tf.squeeze(out, -1)
    return out


def dot(a: ArrayLike, b: ArrayLike) -> tf.Tensor:
    a, b = promote(a, b)
    if a.shape.rank == 0 or b.shape.rank == 0:
        return a * b
    if b.shape.rank <= 2:
        return matmul(a, b)
    try:  # NumPy: sum over the last axis of a and the second-to-last of b
        return tf.tensordot(a, b, [[a.shape.rank - 1], [b.shape.rank - 2]])
    except _SHAPE_ERRORS as exc:
        raise common.operand_shape_error("dot", (a, b), exc) from exc


def outer(a: ArrayLike, b: ArrayLike) -> tf.Tensor:
    a, b = promote(a, b)
    return tf.reshape(a, [-1, 1]) * tf.reshape(b, [1, -1])


def einsum(subscripts: str, *operands: ArrayLike) -> tf.Tensor:
    tensors = [convert_to_tensor(x) for x in operands]
    dtype = dtypes.result_type(*(t.dtype.name for t in tensors))
    tensors = [convert_to_tensor(t, dtype) for t in tensors]
    try:
        return tf.einsum(subscripts, *tensors)
    except _SHAPE_ERRORS as exc:
        raise common.operand_shape_error(f"einsum({subscripts!r})", tensors, exc) from exc


def tensordot(a: ArrayLike, b: ArrayLike, axes: int | Sequence[Any] = 2) -> tf.Tensor:
    a, b = promote(a, b)
    if is_integer(axes):
        axes = int(axes)
    else:
        axes_a, axes_b = ([int(ax)] if is_integer(ax) else [int(a) for a in ax] for ax in axes)
        axes = [[ax % max(a.shape.rank, 1) for ax in axes_a], [ax % max(b.shape.rank, 1) for ax in axes_b]]
    try:
        return tf.tensordot(a, b, axes)
    except _SHAPE_ERRORS as exc:
        raise common.operand_shape_error("tensordot", (a, b), exc) from exc


def _vector_norm(x: tf.Tensor, ord: float, axis: int | list[int] | None, keepdims: bool) -> tf.Tensor:
    if ord == 2:
        sq = tf.reduce_sum(tf.square(x), axis=axis, keepdims=keepdims)
        # sqrt'(0) is inf; masking gives a zero gradient at the origin, as torch's vector_norm.
        positive = sq > 0
        return tf.where(positive, tf.sqrt(tf.where(positive, sq, tf.ones_like(sq))), tf.zeros_like(sq))
    if ord == 0:
        return tf.reduce_sum(tf.cast(tf.not_equal(x, 0), x.dtype), axis=axis, keepdims=keepdims)
    magnitude = tf.abs(x)
    if ord == math.inf:
        return tf.reduce_max(magnitude, axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return tf.reduce_min(magnitude, axis=axis, keepdims=keepdims)
    if ord == 1:
        return tf.reduce_sum(magnitude, axis=axis, keepdims=keepdims)
    return tf.reduce_sum(magnitude**ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x: tf.Tensor, ord: float | str, axis: list[int], keepdims: bool) -> tf.Tensor:
    """NumPy's matrix norms over ``axis`` (rows, columns): 1/-1 by columns, inf/-inf by rows, 2/-2/nuc by SVD."""
    rows, cols = axis
    if ord in (2, -2, "nuc"):
        rest = [a for a in range(x.shape.rank) if a not in axis]
        s = tf.linalg.svd(tf.transpose(x, [*rest, rows, cols]), compute_uv=False)
        out = {2: tf.reduce_max, -2: tf.reduce_min, "nuc": tf.reduce_sum}[ord](s, axis=-1)
        if keepdims:
            for a in sorted(axis):
                out = tf.expand_dims(out, a)
        return out
    summed, kept = (rows, cols) if ord in (1, -1) else (cols, rows)
    sums = tf.reduce_sum(tf.abs(x), axis=summed, keepdims=True)
    extreme = tf.reduce_max if ord in (1, math.inf) else tf.reduce_min
    out = extreme(sums, axis=kept, keepdims=True)
    return out if keepdims else tf.squeeze(out, axis)


def norm(
    x: ArrayLike, ord: float | str | None = None, axis: int | Sequence[int] | None = None, keepdims: bool = False
) -> tf.Tensor:
    x = convert_to_tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        x = tf.cast(x, tf.float32)  # norms of ints are float32 (NumPy gives float64)
    if axis is None and ord is not None:
        if x.shape.rank == 2:
            axis = (0, 1)
        elif x.shape.rank != 1:
            raise ShapeError(
                f"norm: ord={ord!r} with axis=None needs a 1-D or 2-D input, got shape {tuple(x.shape)}; "
                "pass axis= to choose the axes"
            )
    if isinstance(axis, tuple | list) and len(axis) == 2:
        if ord not in (None, "fro"):
            return _matrix_norm(x, ord, [int(a) % x.shape.rank for a in axis], keepdims)
        ord = 2  # Frobenius = 2-norm of the entries
    elif isinstance(ord, str):
        raise ArgumentError(f"norm: ord={ord!r} is a matrix norm, but the input is a vector; use a numeric ord")
    axes = None if axis is None else int(axis) if is_integer(axis) else [int(a) for a in axis]
    return _vector_norm(x, 2 if ord is None else ord, axes, keepdims)


def trace(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> tf.Tensor:
    d = diagonal(x, offset, axis1, axis2)
    if d.dtype.is_integer or d.dtype == tf.bool:
        d = tf.cast(d, tf.int64)  # NumPy sums ints and bools as int64
    return tf.reduce_sum(d, axis=-1)


def diagonal(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> tf.Tensor:
    x = convert_to_tensor(x)
    rank = x.shape.rank
    if rank < 2:
        raise ShapeError(f"diagonal: needs at least 2 dimensions, got shape {tuple(x.shape)}")
    axis1, axis2 = axis1 % rank, axis2 % rank
    if axis1 == axis2:
        raise ArgumentError(f"diagonal: axis1 and axis2 must differ, got {axis1} and {axis2}")
    perm = [a for a in range(rank) if a not in (axis1, axis2)] + [axis1, axis2]
    if perm != list(range(rank)):
        x = tf.transpose(x, perm)
    rows, cols = x.shape[-2], x.shape[-1]
    if rows is not None and cols is not None and not -rows < offset < cols:
        # Past the corner NumPy returns an empty diagonal; tf.linalg.diag_part would raise.
        return tf.zeros(tf.concat([tf.shape(x)[:-2], [0]], 0), x.dtype)
    return tf.linalg.diag_part(x, k=offset)
