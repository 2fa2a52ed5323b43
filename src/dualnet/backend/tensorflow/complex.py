"""Complex numbers on TensorFlow: parts, conjugate, angle, polar form, views as real pairs, saturating casts."""

from __future__ import annotations

import tensorflow as tf

from dualnet import dtypes
from dualnet.backend import saturation
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype, promote
from dualnet.errors import DTypeError, ShapeError


def real(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    return tf.math.real(t) if t.dtype.is_complex else t


def imag(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    return tf.math.imag(t) if t.dtype.is_complex else tf.zeros_like(t)


def conj(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    return tf.math.conj(t) if t.dtype.is_complex else t


def conjugate(x: ArrayLike) -> tf.Tensor:
    return conj(x)


def angle(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    if t.dtype.is_complex:
        return tf.math.angle(t)
    t = t if t.dtype.is_floating else tf.cast(t, tf.float32)
    return tf.math.atan2(tf.zeros_like(t), t)  # pi for negatives (and -0.0), as NumPy's angle


def _real_float(op: str, t: tf.Tensor) -> tf.Tensor:
    if t.dtype.is_complex:
        raise DTypeError(f"{op}: takes real tensors, got {t.dtype.name}; take dn.ops.real or dn.ops.abs first")
    if t.dtype in (tf.float32, tf.float64):
        return t
    return tf.cast(t, tf.float32)  # as on torch, whose complex has no narrower parts


def polar(abs_: ArrayLike, angle: ArrayLike) -> tf.Tensor:
    r, theta = (_real_float("polar", t) for t in promote(abs_, angle))
    shape = tf.broadcast_dynamic_shape(tf.shape(r), tf.shape(theta))
    r, theta = tf.broadcast_to(r, shape), tf.broadcast_to(theta, shape)
    return tf.complex(r * tf.cos(theta), r * tf.sin(theta))


def view_as_complex(x: ArrayLike) -> tf.Tensor:
    t = _real_float("view_as_complex", convert_to_tensor(x))
    if t.shape.rank == 0 or (t.shape.rank is not None and t.shape[-1] not in (2, None)):
        raise ShapeError(
            f"view_as_complex: expects a last axis of size 2 (real, imag), got shape {tuple(t.shape.as_list())}; "
            "stack the parts with dn.ops.stack([re, im], axis=-1)"
        )
    return tf.complex(t[..., 0], t[..., 1])


def view_as_real(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    if not t.dtype.is_complex:
        raise DTypeError(
            f"view_as_real: takes a complex tensor, got {t.dtype.name}; build one with dn.ops.polar or view_as_complex"
        )
    return tf.stack([tf.math.real(t), tf.math.imag(t)], axis=-1)


def saturate_cast(x: ArrayLike, dtype: str) -> tf.Tensor:
    t = convert_to_tensor(x)
    out = dtypes.standardize(dtype)
    if t.dtype.is_complex and not dtypes.is_complex(out):
        t = tf.math.real(t)
    low, high = saturation.limits(t.dtype.name, out)
    if low is not None:
        t = tf.clip_by_value(t, tf.constant(low, t.dtype), tf.constant(high, t.dtype))
    return tf.cast(t, native_dtype(out))
