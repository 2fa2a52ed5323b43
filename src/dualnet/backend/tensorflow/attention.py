"""dot_product_attention on TensorFlow: two einsums around a float32 softmax, which XLA fuses.

Keras's definition: logits ``q k^T * scale + bias`` in at least float32,
masked cells set to ``-0.7`` times the dtype's max (a fully masked row then
attends uniformly rather than giving NaN), softmax over the keys. Grouped
key/value heads are repeated to the query heads.
"""

from __future__ import annotations

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor


def dot_product_attention(
    query: ArrayLike,
    key: ArrayLike,
    value: ArrayLike,
    bias: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    scale: float | None = None,
    is_causal: bool = False,
) -> tf.Tensor:
    q, k, v = (convert_to_tensor(t) for t in (query, key, value))
    dtype = tf.experimental.numpy.result_type(q.dtype, k.dtype, v.dtype)
    dtype = tf.as_dtype(dtype) if tf.as_dtype(dtype).is_floating else tf.float32
    q, k, v = (tf.cast(t, dtype) for t in (q, k, v))
    heads, kv_heads = q.shape[2], k.shape[2]
    if heads != kv_heads:
        k, v = tf.repeat(k, heads // kv_heads, axis=2), tf.repeat(v, heads // kv_heads, axis=2)
    logits_dtype = tf.float32 if dtype in (tf.float16, tf.bfloat16) else dtype
    logits = tf.cast(tf.einsum("btnh,bsnh->bnts", q, k), logits_dtype)
    if scale is None:
        depth = q.shape[-1] if q.shape[-1] is not None else tf.shape(q)[-1]
        logits = logits * tf.math.rsqrt(tf.cast(depth, logits_dtype))
    else:
        logits = logits * scale
    if bias is not None:
        logits = logits + tf.cast(convert_to_tensor(bias), logits_dtype)
    keep = None if mask is None else tf.cast(convert_to_tensor(mask), tf.bool)
    if is_causal:
        shape = tf.shape(logits)
        causal = tf.linalg.band_part(tf.ones((shape[2], shape[3]), tf.bool), -1, 0)
        keep = causal if keep is None else keep & causal
    if keep is not None:
        logits = tf.where(keep, logits, tf.constant(-0.7 * logits_dtype.max, logits_dtype))
    probs = tf.cast(tf.nn.softmax(logits, -1), dtype)
    return tf.einsum("bnts,bsnh->btnh", probs, v)
