"""Keras's cross-entropy ops on TensorFlow: the fused logits kernels, or clipped probabilities as in Keras."""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.backend.tensorflow.nn import softmax_cross_entropy

_EPSILON = 1e-7  # keras.backend.epsilon()


def _float(x: Any) -> tf.Tensor:
    x = convert_to_tensor(x)
    return x if x.dtype.is_floating else tf.cast(x, tf.float32)


def _clipped(p: tf.Tensor) -> tf.Tensor:
    return tf.clip_by_value(p, _EPSILON, 1.0 - _EPSILON)


def binary_crossentropy(target: ArrayLike, output: ArrayLike, from_logits: bool = False) -> tf.Tensor:
    output = _float(output)
    target = tf.cast(convert_to_tensor(target), output.dtype)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    p = _clipped(output)
    return -(target * tf.math.log(p) + (1 - target) * tf.math.log1p(-p))


def categorical_crossentropy(
    target: ArrayLike, output: ArrayLike, from_logits: bool = False, axis: int = -1
) -> tf.Tensor:
    output = _float(output)
    target = tf.cast(convert_to_tensor(target), output.dtype)
    if from_logits:
        return softmax_cross_entropy(output, target, axis)
    p = _clipped(output / tf.reduce_sum(output, axis, keepdims=True))
    return -tf.reduce_sum(target * tf.math.log(p), axis)


def sparse_categorical_crossentropy(
    target: ArrayLike, output: ArrayLike, from_logits: bool = False, axis: int = -1
) -> tf.Tensor:
    output = _float(output)
    target = tf.cast(convert_to_tensor(target), tf.int64)
    logits = output if from_logits else tf.math.log(_clipped(output))
    return softmax_cross_entropy(logits, target, axis)
