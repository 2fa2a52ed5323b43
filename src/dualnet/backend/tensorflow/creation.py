"""Tensor creation on TensorFlow: constant fills, ranges, identity and triangular masks.

New tensors are made inside :func:`~dualnet.backend.tensorflow.core.placed`,
on the current dualnet device; ``*_like`` results follow TensorFlow's placement.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike, DTypeName, ShapeLike
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype, placed
from dualnet.dtypes import is_float, is_int, result_type
from dualnet.errors import ShapeError

_SCALAR = (bool, int, float)
_ERRORS = (tf.errors.InvalidArgumentError, ValueError)  # eager / while tracing a tf.function


def zeros(shape: ShapeLike, dtype: DTypeName = "float32") -> tf.Tensor:
    with placed():
        return tf.zeros(shape, native_dtype(dtype))


def ones(shape: ShapeLike, dtype: DTypeName = "float32") -> tf.Tensor:
    with placed():
        return tf.ones(shape, native_dtype(dtype))


def _filled(fill: tf.Tensor, shape: Any, op: str) -> tf.Tensor:
    try:
        return tf.broadcast_to(fill, shape)
    except _ERRORS:
        raise ShapeError(
            f"{op}: fill_value of shape {tuple(fill.shape)} does not broadcast to shape {tuple(shape)}; "
            "pass a scalar or a value whose trailing sizes match (or are 1)"
        ) from None


def full(shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeName | None = None) -> tf.Tensor:
    with placed():
        if isinstance(fill_value, _SCALAR):
            # convert_to_tensor casts like NumPy: 2.7 as int32 is 2, 2.0 as bool is True.
            return tf.fill(shape, convert_to_tensor(fill_value, dtype or result_type(fill_value)))
        return _filled(convert_to_tensor(fill_value, dtype), shape, "full")


def zeros_like(x: ArrayLike, dtype: DTypeName | None = None) -> tf.Tensor:
    return tf.zeros_like(convert_to_tensor(x), None if dtype is None else native_dtype(dtype))


def ones_like(x: ArrayLike, dtype: DTypeName | None = None) -> tf.Tensor:
    return tf.ones_like(convert_to_tensor(x), None if dtype is None else native_dtype(dtype))


def full_like(x: ArrayLike, fill_value: ArrayLike, dtype: DTypeName | None = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    name = x.dtype.name if dtype is None else dtype
    shape = tf.shape(x)  # dynamic, so this also works while tracing with unknown sizes
    if isinstance(fill_value, _SCALAR):
        return tf.fill(shape, convert_to_tensor(fill_value, name))
    return _filled(convert_to_tensor(fill_value, name), shape, "full_like")


def arange(start: float, stop: float | None = None, step: float = 1, dtype: DTypeName | None = None) -> tf.Tensor:
    start, stop, step, dtype = common.arange_args(start, stop, step, dtype)
    dt = native_dtype(dtype)
    n = common.arange_length(start, stop, step)
    with placed():
        if n <= 0:
            return tf.zeros([0], dt)  # tf.range refuses a stop on the wrong side of start
        if is_float(dtype) or any(isinstance(v, float) for v in (start, stop, step)):
            # tf.range sizes and fills float ranges in the output dtype, which can miss NumPy's length by one;
            # start + i * step in float64 is NumPy's value, the same on every backend. Integer dtypes truncate.
            return tf.cast(tf.range(n, dtype=tf.float64) * step + start, dt)
        return tf.range(start, stop, step, dtype=dt)


def linspace(
    start: float, stop: float, num: int = 50, endpoint: bool = True, dtype: DTypeName = "float32"
) -> tf.Tensor:
    # NumPy's formula, in float64 (tf.linspace computes in the output dtype and differs in the last bits).
    start, stop = float(start), float(stop)
    div = num - 1 if endpoint else num
    delta = stop - start
    with placed():
        y = tf.range(num, dtype=tf.float64)
        if div > 0:
            step = delta / div
            y = y * step + start if step != 0 else y / div * delta + start
        else:
            y = y * delta + start
        if endpoint and num > 1:
            y = tf.concat([y[:-1], tf.constant([stop], tf.float64)], 0)
        if is_int(dtype):
            y = tf.floor(y)  # NumPy rounds toward -inf for integer dtypes
        return tf.cast(y, native_dtype(dtype))


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeName = "float32") -> tf.Tensor:
    M = N if M is None else M
    dt = native_dtype(dtype)
    with placed():
        if k == 0 and dtype != "bool":
            return tf.eye(N, M, dtype=dt)
        return tf.cast(tf.equal(tf.range(N)[:, None] + k, tf.range(M)[None, :]), dt)


def _matrix(x: Any, op: str) -> tf.Tensor:
    x = convert_to_tensor(x)
    if x.shape.rank is not None and x.shape.rank < 2:
        raise ShapeError(
            f"{op}: expects a matrix or a batch of matrices (rank >= 2), got shape {tuple(x.shape)}; "
            "reshape the input to (..., rows, cols)"
        )
    return x


def _band(x: tf.Tensor, k: int, lower: bool) -> tf.Tensor:
    """Keep the entries with ``col - row <= k`` (lower) or ``>= k`` (upper); zero the others."""
    if lower and k >= 0:
        return tf.linalg.band_part(x, -1, k)
    if not lower and k <= 0:
        return tf.linalg.band_part(x, -k, -1)
    # band_part cannot drop the main diagonal: build the mask (shapes read at run time, for tf.function).
    shape = tf.shape(x)
    offset = tf.range(shape[-1])[None, :] - tf.range(shape[-2])[:, None]
    keep = offset <= k if lower else offset >= k
    return tf.where(keep, x, tf.zeros_like(x))


def tril(x: ArrayLike, k: int = 0) -> tf.Tensor:
    return _band(_matrix(x, "tril"), k, True)


def triu(x: ArrayLike, k: int = 0) -> tf.Tensor:
    return _band(_matrix(x, "triu"), k, False)
