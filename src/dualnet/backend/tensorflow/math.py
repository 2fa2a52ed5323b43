"""Elementwise math on TensorFlow: arithmetic, transcendental functions, rounding, comparisons, logic.

TensorFlow never promotes by itself, so every binary op first brings both
operands to their common dtype with :func:`~dualnet.backend.tensorflow.core.promote`,
and float functions of integer inputs compute in float32, as on torch.
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor, promote
from dualnet.dtypes import result_type
from dualnet.errors import DTypeError, ShapeError

_SCALAR = (bool, int, float)
_ERRORS = (tf.errors.InvalidArgumentError, ValueError)  # eager / while tracing a tf.function

Binary = Callable[[ArrayLike, ArrayLike], tf.Tensor]
Unary = Callable[[ArrayLike], tf.Tensor]


def _pair(x1: Any, x2: Any) -> tuple[tf.Tensor, tf.Tensor]:
    if isinstance(x1, tf.Tensor) and isinstance(x2, tf.Tensor) and x1.dtype == x2.dtype:
        return x1, x2
    return promote(x1, x2)


def _check_broadcast(op: str, *operands: tf.Tensor) -> None:
    """Raise ShapeError if the static shapes do not broadcast (else the caller re-raises TF's error)."""
    if any(t.shape.rank is None for t in operands):
        return
    shapes = [tuple(t.shape.as_list()) for t in operands]
    if any(None in s for s in shapes):
        return
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(s) for s in shapes)
        raise ShapeError(
            f"{op}: cannot broadcast shapes {listed}; sizes must match or be 1 along each axis, counted from the "
            "last; reshape or expand_dims an operand"
        ) from None


def _binary(fn: Callable[[Any, Any], Any], op: str) -> Binary:
    def binary(x1: ArrayLike, x2: ArrayLike) -> tf.Tensor:
        t1, t2 = _pair(x1, x2)
        try:
            return fn(t1, t2)
        except _ERRORS:
            _check_broadcast(op, t1, t2)
            raise

    binary.__name__ = binary.__qualname__ = op
    return binary


def _is_float(t: tf.Tensor) -> bool:
    return bool(t.dtype.is_floating)


def _float(x: Any) -> tf.Tensor:
    """``x`` as a tensor, integers and bools cast to float32 (as torch's float functions do)."""
    t = convert_to_tensor(x)
    return tf.cast(t, tf.float32) if t.dtype.is_integer or t.dtype == tf.bool else t


def _unary(fn: Callable[[Any], Any], op: str) -> Unary:
    def unary(x: ArrayLike) -> tf.Tensor:
        return fn(_float(x))

    unary.__name__ = unary.__qualname__ = op
    return unary


def _add(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
    return tf.logical_or(t1, t2) if t1.dtype == tf.bool else tf.add(t1, t2)


def _subtract(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
    if t1.dtype == tf.bool:
        raise DTypeError("subtract: bool operands cannot be subtracted; use dn.ops.logical_xor, or cast to int first")
    return tf.subtract(t1, t2)


def _multiply(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
    return tf.logical_and(t1, t2) if t1.dtype == tf.bool else tf.multiply(t1, t2)


def _divide(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
    if not _is_float(t1):
        # tf.math.truediv would give float64 for integers; dualnet's float is float32.
        t1, t2 = tf.cast(t1, tf.float32), tf.cast(t2, tf.float32)
    return tf.math.truediv(t1, t2)


def _floor_divide(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
    if not _is_float(t1):
        return tf.math.floordiv(t1, t2)
    # TF's float FloorDiv is floor(x1 / x2), one too big when the quotient rounds up to a whole number
    # (1 // 0.1 gives 10; NumPy and torch give 9). NumPy's way: the exact multiple x1 - mod, divided.
    whole = tf.round((t1 - tf.math.floormod(t1, t2)) / t2)
    return tf.where(tf.equal(t2, 0), t1 / t2, whole)


def _maximum(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
    return tf.logical_or(t1, t2) if t1.dtype == tf.bool else tf.maximum(t1, t2)


def _minimum(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
    return tf.logical_and(t1, t2) if t1.dtype == tf.bool else tf.minimum(t1, t2)


def _ordering(fn: Callable[[Any, Any], Any]) -> Callable[[tf.Tensor, tf.Tensor], tf.Tensor]:
    def compare(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
        if t1.dtype == tf.bool:  # TF orders only numbers; False < True as in NumPy
            t1, t2 = tf.cast(t1, tf.uint8), tf.cast(t2, tf.uint8)
        return fn(t1, t2)

    return compare


def _power(t1: tf.Tensor, t2: tf.Tensor) -> tf.Tensor:
    if t1.dtype.is_unsigned:  # tf.pow has no unsigned kernels; int64 wraps to the same low bits
        return tf.cast(tf.pow(tf.cast(t1, tf.int64), tf.cast(t2, tf.int64)), t1.dtype)
    return tf.pow(t1, t2)


add = _binary(_add, "add")
subtract = _binary(_subtract, "subtract")
multiply = _binary(_multiply, "multiply")
divide = _binary(_divide, "divide")
floor_divide = _binary(_floor_divide, "floor_divide")
mod = _binary(tf.math.floormod, "mod")  # remainder signed like the divisor, as NumPy's
power = _binary(_power, "power")
maximum = _binary(_maximum, "maximum")
minimum = _binary(_minimum, "minimum")
equal = _binary(tf.equal, "equal")
not_equal = _binary(tf.not_equal, "not_equal")
less = _binary(_ordering(tf.less), "less")
less_equal = _binary(_ordering(tf.less_equal), "less_equal")
greater = _binary(_ordering(tf.greater), "greater")
greater_equal = _binary(_ordering(tf.greater_equal), "greater_equal")


def _as_bool(x: Any) -> tf.Tensor:
    if isinstance(x, _SCALAR):
        return convert_to_tensor(bool(x))
    t = convert_to_tensor(x)
    return t if t.dtype == tf.bool else tf.cast(t, tf.bool)  # nonzero (and nan) is True


def _logical(fn: Callable[[Any, Any], Any], op: str) -> Binary:
    # Each operand is truth-tested on its own: no promotion, which could wrap a Python int around.
    def logical(x1: ArrayLike, x2: ArrayLike) -> tf.Tensor:
        t1, t2 = _as_bool(x1), _as_bool(x2)
        try:
            return fn(t1, t2)
        except _ERRORS:
            _check_broadcast(op, t1, t2)
            raise

    logical.__name__ = logical.__qualname__ = op
    return logical


logical_and = _logical(tf.logical_and, "logical_and")
logical_or = _logical(tf.logical_or, "logical_or")
logical_xor = _logical(tf.math.logical_xor, "logical_xor")


def logical_not(x: ArrayLike) -> tf.Tensor:
    return tf.logical_not(_as_bool(x))


def negative(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    if t.dtype == tf.bool:
        raise DTypeError("negative: a bool tensor cannot be negated; use dn.ops.logical_not, or cast to int first")
    return tf.negative(t)


def abs(x: ArrayLike) -> tf.Tensor:
    x = convert_to_tensor(x)
    return x if x.dtype.is_unsigned else tf.abs(x)  # tf.abs has no unsigned kernels


def sign(x: ArrayLike) -> tf.Tensor:
    x = convert_to_tensor(x)
    if x.dtype.is_unsigned:  # tf.sign has no unsigned kernels
        return tf.cast(x > 0, x.dtype)
    return tf.sign(x)


def square(x: ArrayLike) -> tf.Tensor:
    return tf.square(convert_to_tensor(x))


sqrt = _unary(tf.sqrt, "sqrt")
exp = _unary(tf.exp, "exp")
expm1 = _unary(tf.math.expm1, "expm1")
log = _unary(tf.math.log, "log")
log1p = _unary(tf.math.log1p, "log1p")
log2 = _unary(lambda t: tf.math.log(t) / pymath.log(2.0), "log2")
log10 = _unary(lambda t: tf.math.log(t) / pymath.log(10.0), "log10")
sin = _unary(tf.sin, "sin")
cos = _unary(tf.cos, "cos")
tan = _unary(tf.math.tan, "tan")
arctan = _unary(tf.math.atan, "arctan")
sinh = _unary(tf.math.sinh, "sinh")
cosh = _unary(tf.math.cosh, "cosh")
tanh = _unary(tf.tanh, "tanh")
erf = _unary(tf.math.erf, "erf")
reciprocal = _unary(tf.math.reciprocal, "reciprocal")


def isnan(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    return tf.math.is_nan(t) if _is_float(t) else tf.zeros_like(t, dtype=tf.bool)


def isinf(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    return tf.math.is_inf(t) if _is_float(t) else tf.zeros_like(t, dtype=tf.bool)


def isfinite(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    return tf.math.is_finite(t) if _is_float(t) else tf.ones_like(t, dtype=tf.bool)


def floor(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    # Integers are already whole: NumPy (>= 2.1) returns them unchanged, in their dtype.
    return tf.floor(t) if _is_float(t) else t


def ceil(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    return tf.math.ceil(t) if _is_float(t) else t


def trunc(x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    return tf.where(t < 0, tf.math.ceil(t), tf.floor(t)) if _is_float(t) else t


def round(x: ArrayLike, decimals: int = 0) -> tf.Tensor:
    t = convert_to_tensor(x)
    if not _is_float(t):
        if decimals >= 0:
            return t
        scale = 10.0**-decimals  # float64 is exact for the integers it can round here
        return tf.cast(tf.round(tf.cast(t, tf.float64) / scale) * scale, t.dtype)
    # tf.round rounds half to even, like NumPy; decimals scale the same way NumPy does.
    if decimals == 0:
        return tf.round(t)
    if decimals > 0:
        return tf.round(t * 10.0**decimals) / 10.0**decimals
    return tf.round(t / 10.0**-decimals) * 10.0**-decimals


def clip(x: ArrayLike, x_min: ArrayLike | None = None, x_max: ArrayLike | None = None) -> tf.Tensor:
    t = convert_to_tensor(x)
    if x_min is None and x_max is None:
        return t
    bounds = [b if b is None or isinstance(b, _SCALAR) else convert_to_tensor(b) for b in (x_min, x_max)]
    names = [b if isinstance(b, _SCALAR) else b.dtype.name for b in bounds if b is not None]
    common = result_type(t.dtype.name, *names)
    t = convert_to_tensor(t, common)
    lo, hi = (None if b is None else convert_to_tensor(b, common) for b in bounds)
    try:
        if lo is not None:
            t = tf.maximum(t, lo)
        return t if hi is None else tf.minimum(t, hi)
    except _ERRORS:
        _check_broadcast("clip", t, *(b for b in (lo, hi) if b is not None))
        raise


def where(condition: ArrayLike, x1: ArrayLike, x2: ArrayLike) -> tf.Tensor:
    condition = _as_bool(condition)
    t1, t2 = _pair(x1, x2)
    try:
        return tf.where(condition, t1, t2)
    except _ERRORS:
        _check_broadcast("where", condition, t1, t2)
        raise
