"""normalize, rms_normalization and psnr on TensorFlow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.errors import ShapeError

_EPSILON = 1e-7  # keras.backend.epsilon()
_HALF = (tf.float16, tf.bfloat16)


def _compute(x: Any) -> tuple[tf.Tensor, tf.DType]:
    """``x`` in its compute dtype (float32 for integers and 16-bit floats) and the dtype to return."""
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        return tf.cast(x, tf.float32), tf.float32
    return (tf.cast(x, tf.float32), x.dtype) if x.dtype in _HALF else (x, x.dtype)


def _axes(op: str, axis: Any, x: tf.Tensor) -> list[int]:
    return sorted(common.canonical_axes(axis, x.shape.rank, op, ShapeError))


def normalize(x: ArrayLike, axis: int | Sequence[int] = -1, order: int = 2, epsilon: float | None = None) -> tf.Tensor:
    x, dtype = _compute(x)
    x = tf.reshape(x, [1]) if x.shape.rank == 0 else x
    eps = _EPSILON if epsilon is None else epsilon
    axes = _axes("normalize", axis, x)
    if order == 2:
        square_sum = tf.reduce_sum(tf.square(x), axes, keepdims=True)
        # rsqrt(0) is inf, and its gradient through the minimum nan: a zero slice takes the constant branch, whose
        # gradient is F.normalize's I / eps (both where branches must be finite for the gradient to be).
        nonzero = square_sum > 0
        root = tf.math.rsqrt(tf.where(nonzero, square_sum, tf.ones_like(square_sum)))
        inv = tf.where(nonzero, tf.minimum(root, 1.0 / eps), tf.fill(tf.shape(square_sum), tf.cast(1.0 / eps, x.dtype)))
        return tf.cast(x * inv, dtype)
    power_sum = tf.reduce_sum(tf.abs(x) ** order, axes, keepdims=True)
    nonzero = power_sum > 0  # s ** (1 / order) has an infinite slope at 0: the same finite-branch guard
    norm = tf.where(nonzero, tf.where(nonzero, power_sum, tf.ones_like(power_sum)) ** (1.0 / order), 0.0)
    return tf.cast(x / tf.maximum(norm, eps), dtype)


def rms_normalization(
    x: ArrayLike, scale: ArrayLike | None = None, axis: int | Sequence[int] = -1, epsilon: float | None = None
) -> tf.Tensor:
    x, dtype = _compute(x)
    x = tf.reshape(x, [1]) if x.shape.rank == 0 else x
    eps = _EPSILON if epsilon is None else epsilon
    axes = _axes("rms_normalization", axis, x)
    y = x * tf.math.rsqrt(tf.reduce_mean(tf.square(x), axes, keepdims=True) + eps)
    if scale is not None:
        y = y * tf.cast(convert_to_tensor(scale), x.dtype)
    return tf.cast(y, dtype)


def psnr(x1: ArrayLike, x2: ArrayLike, max_val: float) -> tf.Tensor:
    x1, dtype = _compute(x1)
    x2 = tf.cast(convert_to_tensor(x2), x1.dtype)
    mse = tf.reduce_mean(tf.square(x1 - x2))
    return tf.cast(20.0 * math.log10(max_val) - (10.0 / math.log(10.0)) * tf.math.log(mse), dtype)
