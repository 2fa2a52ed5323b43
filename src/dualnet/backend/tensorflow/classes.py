"""in_top_k and multi_hot on TensorFlow."""

from __future__ import annotations

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike, DTypeName
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype


def in_top_k(targets: ArrayLike, predictions: ArrayLike, k: int) -> tf.Tensor:
    predictions = convert_to_tensor(predictions)
    targets = tf.cast(convert_to_tensor(targets), tf.int64)
    if predictions.dtype == tf.float32:
        # The native kernel (float32 only): ties at the k-th value are all in the top k, non-finite rows never.
        return tf.math.in_top_k(targets, predictions, k)
    classes = tf.shape(predictions, out_type=tf.int64)[-1]
    valid = (targets >= 0) & (targets < classes)
    picked = tf.gather(predictions, tf.where(valid, targets, 0), axis=1, batch_dims=1)
    above = tf.reduce_sum(tf.cast(predictions > picked[:, None], tf.int32), 1)
    finite = tf.reduce_all(tf.math.is_finite(predictions), 1) if predictions.dtype.is_floating else True
    return (above < k) & valid & finite


def multi_hot(
    inputs: ArrayLike,
    num_classes: int | None = None,
    axis: int = -1,
    dtype: DTypeName | None = None,
    sparse: bool = False,
) -> tf.Tensor:
    ids = convert_to_tensor(inputs)
    hits = tf.reduce_any(
        tf.one_hot(ids, int(num_classes or 0), True, False, dtype=tf.bool), 1 if ids.shape.rank > 1 else 0
    )
    rank = hits.shape.rank
    if axis % rank != rank - 1:
        hits = tf.experimental.numpy.moveaxis(hits, -1, axis)
    return tf.cast(hits, native_dtype(dtype or "float32"))
