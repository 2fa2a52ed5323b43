"""Building arrays on TensorFlow; the geometric ranges in float64 as NumPy computes them, then cast."""

from __future__ import annotations

import tensorflow as tf

from dualnet.backend import spacing
from dualnet.backend.api.types import ArrayLike, DTypeName, ShapeLike
from dualnet.backend.common import as_shape, canonical_axis
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype, placed


def array(x: ArrayLike, dtype: DTypeName | None = None) -> tf.Tensor:
    return tf.identity(convert_to_tensor(x, dtype))


def empty(shape: ShapeLike, dtype: DTypeName | None = None) -> tf.Tensor:
    with placed():
        return tf.zeros(as_shape(shape), native_dtype(dtype or "float32"))


def empty_like(x: ArrayLike, dtype: DTypeName | None = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    return tf.zeros_like(x, dtype=x.dtype if dtype is None else native_dtype(dtype))


def identity(n: int, dtype: DTypeName | None = None) -> tf.Tensor:
    n = spacing.check_count("identity", "n", n)
    with placed():
        return tf.eye(n, dtype=native_dtype(dtype or "float32"))


def tri(N: int, M: int | None = None, k: int = 0, dtype: DTypeName | None = None) -> tf.Tensor:
    N = spacing.check_count("tri", "N", N)
    M = N if M is None else spacing.check_count("tri", "M", M)
    with placed():
        return tf.cast(tf.range(N)[:, None] + k >= tf.range(M)[None, :], native_dtype(dtype or "float32"))


def diag(x: ArrayLike, k: int = 0) -> tf.Tensor:
    x = convert_to_tensor(x)
    spacing.check_vector("diag", x.shape.rank, (1, 2))
    if x.shape.rank == 1:
        return tf.linalg.diag(x, k=k)
    rows, cols = x.shape.as_list()
    if not -rows < k < cols:  # NumPy gives an empty diagonal; tf.linalg.diag_part refuses it
        return tf.zeros([0], x.dtype)
    return tf.linalg.diag_part(x, k=k)


def diagflat(x: ArrayLike, k: int = 0) -> tf.Tensor:
    return tf.linalg.diag(tf.reshape(convert_to_tensor(x), [-1]), k=k)


def _spaced(start: ArrayLike, stop: ArrayLike, num: int, endpoint: bool, axis: int) -> tf.Tensor:
    """NumPy's linspace of broadcast bounds in float64, the samples along ``axis``."""
    s, e = convert_to_tensor(start, "float64"), convert_to_tensor(stop, "float64")
    shape = tf.broadcast_dynamic_shape(tf.shape(s), tf.shape(e))
    s, e = tf.broadcast_to(s, shape), tf.broadcast_to(e, shape)
    div = num - 1 if endpoint else num
    t = tf.reshape(tf.range(num, dtype=tf.float64), [num, *(1,) * s.shape.rank])
    y = s + t * ((e - s) / div if div > 0 else e - s)
    if endpoint and num > 1:
        y = tf.concat([y[:-1], e[None]], 0)
    return tf.experimental.numpy.moveaxis(y, 0, canonical_axis(axis, y.shape.rank, "logspace"))


def logspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    base: float = 10,
    dtype: DTypeName | None = None,
    axis: int = 0,
) -> tf.Tensor:
    num = spacing.check_count("logspace", "num", num)
    y = tf.pow(tf.constant(base, tf.float64), _spaced(start, stop, num, endpoint, axis))
    return tf.cast(y, native_dtype(dtype or "float32"))


def geomspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    dtype: DTypeName | None = None,
    axis: int = 0,
) -> tf.Tensor:
    num = spacing.check_count("geomspace", "num", num)
    spacing.check_geomspace(start, stop)
    s, e = convert_to_tensor(start, "float64"), convert_to_tensor(stop, "float64")
    shape = tf.broadcast_dynamic_shape(tf.shape(s), tf.shape(e))
    s, e = tf.broadcast_to(s, shape), tf.broadcast_to(e, shape)
    log10 = tf.math.log(tf.constant(10.0, tf.float64))
    logs = _spaced(tf.math.log(tf.abs(s)) / log10, tf.math.log(tf.abs(e)) / log10, num, endpoint, 0)
    y = tf.pow(tf.constant(10.0, tf.float64), logs) * tf.sign(s)
    if num:  # NumPy makes the ends exact
        y = tf.concat([s[None], y[1:-1], e[None]], 0) if endpoint and num > 1 else tf.concat([s[None], y[1:]], 0)
    y = tf.experimental.numpy.moveaxis(y, 0, canonical_axis(axis, y.shape.rank, "geomspace"))
    return tf.cast(y, native_dtype(dtype or "float32"))


def vander(x: ArrayLike, N: int | None = None, increasing: bool = False) -> tf.Tensor:
    x = convert_to_tensor(x)
    spacing.check_vector("vander", x.shape.rank, (1,))
    N = x.shape[0] if N is None else spacing.check_count("vander", "N", N)
    # Running products, as NumPy's multiply.accumulate (not pow, which rounds differently).
    ones = tf.ones_like(x)[:, None]
    powers = tf.math.cumprod(tf.tile(x[:, None], [1, max(N - 1, 0)]), axis=1)
    out = tf.concat([ones, powers], 1)[:, :N]
    return out if increasing else tf.reverse(out, [1])
