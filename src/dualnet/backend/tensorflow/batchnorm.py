"""Batch normalisation on TensorFlow's ``FusedBatchNormV3`` (NHWC), channels-last inputs.

The fused kernel takes float32 and 16-bit inputs; float64 ones, and epsilons below
cuDNN's floor (1.001e-5, which ``tf.compat.v1.nn.fused_batch_norm`` enforces),
take the composite ``tf.nn.moments`` / ``tf.nn.batch_normalization`` path.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.errors import ShapeError

_HALF = (tf.float16, tf.bfloat16)
_MIN_EPSILON = 1.001e-5  # cuDNN's CUDNN_BN_MIN_EPSILON, with TensorFlow's margin


def _input(op: str, x: Any) -> tuple[tf.Tensor, tf.DType]:
    """``x`` in its compute dtype (float32 for integers and 16-bit floats) and the dtype to return."""
    x = convert_to_tensor(x)
    dtype = x.dtype
    if not dtype.is_floating or dtype in _HALF:
        x = tf.cast(x, tf.float32)
    if x.shape.rank is None or x.shape.rank < 2:
        shape = "unknown rank" if x.shape.rank is None else tuple(x.shape.as_list())
        raise ShapeError(f"{op}: expects x of shape (N, ..., C) (rank >= 2), got {shape}; add a batch axis first")
    return x, dtype


def _nhwc(x: tf.Tensor) -> tf.Tensor:
    """``x`` (N, ..., C) as (N, 1, M, C): a free reshape to the kernel's 4-D layout."""
    if x.shape.rank == 4:
        return x
    shape = tf.shape(x)
    return tf.reshape(x, tf.stack([shape[0], 1, tf.reduce_prod(shape[1:-1]), shape[-1]]))


def _params(x: tf.Tensor, scale: Any, offset: Any) -> tuple[tf.Tensor, tf.Tensor]:
    """``scale`` and ``offset`` as float32 (C,) tensors: the kernel needs both (ones and zeros when absent)."""
    channels = tf.shape(x)[-1:]
    s = tf.ones(channels, tf.float32) if scale is None else tf.cast(convert_to_tensor(scale), tf.float32)
    o = tf.zeros(channels, tf.float32) if offset is None else tf.cast(convert_to_tensor(offset), tf.float32)
    return s, o


def _fused(x: tf.Tensor, epsilon: float) -> bool:
    return x.dtype == tf.float32 and epsilon >= _MIN_EPSILON


def _out(y: tf.Tensor, dtype: tf.DType) -> tf.Tensor:
    return tf.cast(y, dtype) if dtype in _HALF else y


def batch_norm_train(
    x: ArrayLike,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-3,
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    x, dtype = _input("batch_norm_train", x)
    if not _fused(x, epsilon):
        mean, variance = tf.nn.moments(x, list(range(x.shape.rank - 1)))
        s, o = (None if p is None else tf.cast(convert_to_tensor(p), x.dtype) for p in (scale, offset))
        y = tf.nn.batch_normalization(x, mean, variance, o, s, epsilon)
        return _out(y, dtype), tf.stop_gradient(mean), tf.stop_gradient(variance)
    s, o = _params(x, scale, offset)
    empty = tf.zeros([0], tf.float32)
    y, mean, unbiased, _, _, _ = tf.raw_ops.FusedBatchNormV3(
        x=_nhwc(x), scale=s, offset=o, mean=empty, variance=empty, epsilon=epsilon, is_training=True
    )
    # The kernel's batch variance is Bessel-corrected (except for a single value): back to the biased one.
    count = tf.cast(tf.size(x, tf.int64) // tf.cast(tf.shape(x, tf.int64)[-1], tf.int64), tf.float32)
    variance = unbiased * tf.where(count > 1, (count - 1) / tf.maximum(count, 1), 1.0)
    return _out(tf.reshape(y, tf.shape(x)), dtype), tf.stop_gradient(mean), tf.stop_gradient(variance)


def batch_norm_infer(
    x: ArrayLike,
    mean: ArrayLike,
    variance: ArrayLike,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-3,
) -> tf.Tensor:
    x, dtype = _input("batch_norm_infer", x)
    mean, variance = (tf.cast(convert_to_tensor(v), x.dtype) for v in (mean, variance))
    if not _fused(x, epsilon):
        s, o = (None if p is None else tf.cast(convert_to_tensor(p), x.dtype) for p in (scale, offset))
        return _out(tf.nn.batch_normalization(x, mean, variance, o, s, epsilon), dtype)
    s, o = _params(x, scale, offset)
    y, _, _, _, _, _ = tf.raw_ops.FusedBatchNormV3(
        x=_nhwc(x), scale=s, offset=o, mean=mean, variance=variance, epsilon=epsilon, is_training=False
    )
    return _out(tf.reshape(y, tf.shape(x)), dtype)
