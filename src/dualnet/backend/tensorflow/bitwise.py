"""Bitwise operations on TensorFlow: and, or, xor, not and shifts of integer and bool tensors.

``tf.bitwise`` has no bool kernels, so bools use the logical ops (and shift as int8, as in NumPy).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.backend.tensorflow.special import _binary
from dualnet.errors import DTypeError


def _check(op: str, t: tf.Tensor, shift: bool) -> tf.Tensor:
    if t.dtype.is_floating or t.dtype.is_complex:
        kinds = "integer" if shift else "integer or bool"
        raise DTypeError(f"{op}: takes {kinds} tensors, got {t.dtype.name}; cast first, e.g. dn.ops.cast(x, 'int32')")
    if shift and t.dtype == tf.bool:
        return tf.cast(t, tf.int8)
    return t


def _pair(op: str, fn: Callable[[tf.Tensor, tf.Tensor], tf.Tensor], logical: Callable[..., Any] | None = None) -> Any:
    def pair(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
        a, b = _check(op, a, logical is None), _check(op, b, logical is None)
        return logical(a, b) if logical is not None and a.dtype == tf.bool else fn(a, b)

    checked = _binary(pair, op)

    def binary(x: ArrayLike, y: ArrayLike) -> tf.Tensor:  # keras.ops names the operands x and y
        return checked(x, y)

    binary.__name__ = binary.__qualname__ = op
    return binary


def _invert(op: str) -> Callable[[ArrayLike], tf.Tensor]:
    def invert(x: ArrayLike) -> tf.Tensor:
        t = _check(op, convert_to_tensor(x), False)
        return tf.logical_not(t) if t.dtype == tf.bool else tf.bitwise.invert(t)

    invert.__name__ = invert.__qualname__ = op
    return invert


bitwise_and = _pair("bitwise_and", tf.bitwise.bitwise_and, tf.logical_and)
bitwise_or = _pair("bitwise_or", tf.bitwise.bitwise_or, tf.logical_or)
bitwise_xor = _pair("bitwise_xor", tf.bitwise.bitwise_xor, tf.math.logical_xor)
bitwise_invert = _invert("bitwise_invert")
bitwise_not = _invert("bitwise_not")
bitwise_left_shift = _pair("bitwise_left_shift", tf.bitwise.left_shift)
bitwise_right_shift = _pair("bitwise_right_shift", tf.bitwise.right_shift)
left_shift = _pair("left_shift", tf.bitwise.left_shift)
right_shift = _pair("right_shift", tf.bitwise.right_shift)
