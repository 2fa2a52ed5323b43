"""random ops on tensorflow.

``seed=None`` uses TensorFlow's stateful random ops, driven by the global seed
(``dn.seed`` calls ``tf.random.set_seed``, which in eager mode also restarts
the sequence). An int seed uses the ``tf.random.stateless_*`` ops with seed
``[seed, 0]``, so the call is deterministic on its own, also in ``tf.function``.
"""

from __future__ import annotations

import numbers
from typing import Any

import tensorflow as tf

from dualnet.arguments import is_integer
from dualnet.backend.api.types import ArrayLike, DTypeName, Shape
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype, placed
from dualnet.errors import ShapeError


def _pair(seed: int) -> list[int]:
    return [seed, 0]


def _like(value: ArrayLike, dtype: tf.DType) -> Any:
    return value if isinstance(value, numbers.Real) else convert_to_tensor(value, dtype.name)


def random_normal(
    shape: Shape, mean: ArrayLike = 0.0, stddev: ArrayLike = 1.0, dtype: DTypeName = "float32", seed: int | None = None
) -> tf.Tensor:
    dtype = native_dtype(dtype)
    mean, stddev = _like(mean, dtype), _like(stddev, dtype)
    with placed():
        if seed is None:
            return tf.random.normal(shape, mean, stddev, dtype=dtype)
        return tf.random.stateless_normal(shape, _pair(seed), mean, stddev, dtype=dtype)


def random_uniform(
    shape: Shape,
    minval: ArrayLike = 0.0,
    maxval: ArrayLike = 1.0,
    dtype: DTypeName = "float32",
    seed: int | None = None,
) -> tf.Tensor:
    dtype = native_dtype(dtype)
    minval, maxval = _like(minval, dtype), _like(maxval, dtype)
    with placed():
        if seed is None:
            return tf.random.uniform(shape, minval, maxval, dtype=dtype)
        return tf.random.stateless_uniform(shape, _pair(seed), minval, maxval, dtype=dtype)


def random_randint(
    shape: Shape, minval: int, maxval: int, dtype: DTypeName = "int64", seed: int | None = None
) -> tf.Tensor:
    target = native_dtype(dtype)
    # The uniform kernels draw int32/int64 only; narrower ints are drawn as int64 and cast.
    work = target if target in (tf.int32, tf.int64) else tf.int64
    with placed():
        if seed is None:
            out = tf.random.uniform(shape, minval, maxval, dtype=work)
        else:
            out = tf.random.stateless_uniform(shape, _pair(seed), minval, maxval, dtype=work)
    return out if work == target else tf.cast(out, target)


def random_truncated_normal(
    shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeName = "float32", seed: int | None = None
) -> tf.Tensor:
    dtype = native_dtype(dtype)
    with placed():  # both ops truncate at 2 stddev
        if seed is None:
            return tf.random.truncated_normal(shape, mean, stddev, dtype=dtype)
        return tf.random.stateless_truncated_normal(shape, _pair(seed), mean, stddev, dtype=dtype)


def random_bernoulli(p: ArrayLike, shape: Shape | None = None, seed: int | None = None) -> tf.Tensor:
    if not isinstance(p, numbers.Real):
        p = convert_to_tensor(p)
    work = p.dtype if isinstance(p, tf.Tensor) and p.dtype.is_floating else tf.float32
    if shape is None and not isinstance(p, tf.Tensor):
        shape = ()
    elif shape is None:  # a static shape keeps the output's shape known while tracing
        shape = p.shape.as_list() if p.shape.is_fully_defined() else tf.shape(p)
    with placed():
        if seed is None:
            draw = tf.random.uniform(shape, dtype=work)
        else:
            draw = tf.random.stateless_uniform(shape, _pair(seed), dtype=work)
    return draw < (tf.cast(p, work) if isinstance(p, tf.Tensor) else p)


def _shuffled_range(n: Any, seed: int | None) -> tf.Tensor:
    with placed():
        order = tf.range(n, dtype=tf.int64)
        if seed is None:
            return tf.random.shuffle(order)
        return tf.random.experimental.stateless_shuffle(order, _pair(seed))


def random_permutation(x: int | ArrayLike, seed: int | None = None) -> tf.Tensor:
    if is_integer(x):
        x = int(x)
        return _shuffled_range(x, seed)
    x = convert_to_tensor(x)
    if x.shape.rank == 0:
        raise ShapeError("random.permutation: x must be an int or at least 1-D, got a 0-d tensor")
    # Gathering (not tf.random.shuffle) keeps the result differentiable with respect to x.
    return tf.gather(x, _shuffled_range(tf.shape(x, out_type=tf.int64)[0], seed))
