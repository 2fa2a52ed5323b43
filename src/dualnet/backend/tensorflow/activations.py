"""The activations of ``api/activations.py`` on TensorFlow.

Branches are written so that the branch ``tf.where`` drops has a finite
gradient (an infinite one times the zero mask would give NaN), and so that the
one-sided choice at each kink is torch's.
"""

from __future__ import annotations

import tensorflow as tf

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.nn import _float
from dualnet.errors import ShapeError


def _axis(x: tf.Tensor, axis: int, op: str) -> int:
    return common.canonical_axes(axis, x.shape.rank, op, ShapeError)[0]


def celu(x: ArrayLike, alpha: float = 1.0) -> tf.Tensor:
    x = _float(x)
    negative = alpha * tf.math.expm1(tf.minimum(x, 0) / alpha)
    return tf.where(x > 0, x, negative)


def glu(x: ArrayLike, axis: int = -1) -> tf.Tensor:
    x = _float(x)
    dim = _axis(x, axis, "glu")
    size = x.shape[dim]
    if size is not None and size % 2:
        raise ShapeError(
            f"glu: axis {axis} of x (shape {tuple(x.shape.as_list())}) "
            "must have an even size to split into value and gate; pass an axis of even size"
        )
    value, gate = tf.split(x, 2, axis=dim)
    return value * tf.sigmoid(gate)


def hard_silu(x: ArrayLike) -> tf.Tensor:
    x = _float(x)
    return x * (tf.nn.relu6(x + 3) / 6)


def hard_swish(x: ArrayLike) -> tf.Tensor:
    return hard_silu(x)


def hard_tanh(x: ArrayLike) -> tf.Tensor:
    x = _float(x)
    # torch's hardtanh passes no gradient at -1 and 1; clip_by_value would pass it.
    return tf.where((x > -1) & (x < 1), x, tf.sign(x))


def hard_shrink(x: ArrayLike, threshold: float = 0.5) -> tf.Tensor:
    x = _float(x)
    return tf.where(tf.abs(x) > threshold, x, tf.zeros_like(x))


def soft_shrink(x: ArrayLike, threshold: float = 0.5) -> tf.Tensor:
    x = _float(x)
    zero = tf.zeros_like(x)
    return tf.where(x > threshold, x - threshold, tf.where(x < -threshold, x + threshold, zero))


def tanh_shrink(x: ArrayLike) -> tf.Tensor:
    x = _float(x)
    return x - tf.tanh(x)


def sparse_plus(x: ArrayLike) -> tf.Tensor:
    x = _float(x)
    middle = tf.square(tf.clip_by_value(x, -1.0, 1.0) + 1) / 4
    return tf.where(x >= 1, x, middle)


def sparse_sigmoid(x: ArrayLike) -> tf.Tensor:
    return tf.clip_by_value((_float(x) + 1) / 2, 0.0, 1.0)


def sparsemax(x: ArrayLike, axis: int = -1) -> tf.Tensor:
    x = _float(x)
    dim = _axis(x, axis, "sparsemax")
    ordered = tf.sort(x, axis=dim, direction="DESCENDING")
    total = tf.cumsum(ordered, axis=dim)
    shape = [1] * x.shape.rank
    shape[dim] = -1
    rank = tf.cast(tf.reshape(tf.range(1, tf.shape(x)[dim] + 1), shape), x.dtype)
    support = ordered * rank > total - 1
    k = tf.reduce_sum(tf.cast(support, x.dtype), axis=dim, keepdims=True)
    kept = tf.reduce_sum(tf.where(support, ordered, tf.zeros_like(ordered)), axis=dim, keepdims=True)
    tau = (kept - 1) / k
    return tf.maximum(x - tau, 0)


def squareplus(x: ArrayLike, b: float = 4.0) -> tf.Tensor:
    x = _float(x)
    root = tf.sqrt(tf.square(x) + b)
    # (x + root) / 2 cancels for large negative x; b / (2 (root - x)) is the same number without cancellation.
    return tf.where(x >= 0, (x + root) / 2, b / (2 * (root - x)))


def threshold(x: ArrayLike, threshold: float, default_value: float) -> tf.Tensor:
    x = _float(x)
    return tf.where(x > threshold, x, tf.cast(default_value, x.dtype))


def swish(x: ArrayLike) -> tf.Tensor:
    return tf.nn.silu(_float(x))


def mish(x: ArrayLike) -> tf.Tensor:
    x = _float(x)
    return x * tf.tanh(tf.math.softplus(x))
