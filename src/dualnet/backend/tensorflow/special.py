"""Elementwise special functions on TensorFlow: inverse trigonometry, stable log-sums, float tests, remainders.

Where TensorFlow has no kernel (``gcd``, ``heaviside``, ``signbit`` ...) the
function is composed from ones it has, with NumPy's results.
"""

from __future__ import annotations

import math as pymath
from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.backend.tensorflow.math import _binary as _math_binary, _float, _unary as _math_unary
from dualnet.errors import DTypeError


def _unary(fn: Callable[[Any], Any], op: str) -> Callable[[ArrayLike], tf.Tensor]:
    made = _math_unary(fn, op)
    made.__module__ = __name__  # the function belongs to this concern's file, not to math.py
    return made


def _binary(fn: Callable[[Any, Any], Any], op: str) -> Callable[[ArrayLike, ArrayLike], tf.Tensor]:
    made = _math_binary(fn, op)
    made.__module__ = __name__
    return made


def _floating(t: tf.Tensor) -> tf.Tensor:
    return t if t.dtype.is_floating or t.dtype.is_complex else tf.cast(t, tf.float32)


def _float_binary(fn: Callable[[tf.Tensor, tf.Tensor], tf.Tensor], op: str) -> Any:
    """A float function of two operands: promoted together, integers and bools computed in float32."""
    return _binary(lambda a, b: fn(_floating(a), _floating(b)), op)


def _integers(op: str, fn: Callable[[tf.Tensor, tf.Tensor], tf.Tensor]) -> Any:
    def pair(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
        if not a.dtype.is_integer:
            raise DTypeError(f"{op}: takes integer tensors, got {a.dtype.name}; cast first")
        return fn(a, b)

    return _binary(pair, op)


def _raw(fn: Callable[[tf.Tensor], tf.Tensor], op: str) -> Callable[[ArrayLike], tf.Tensor]:
    """A unary function that sees ``x`` in its own dtype (``_unary`` casts integers to float32 first)."""

    def unary(x: ArrayLike) -> tf.Tensor:
        return fn(convert_to_tensor(x))

    unary.__name__ = unary.__qualname__ = op
    return unary


def _absolute(x: tf.Tensor) -> tf.Tensor:
    return x if x.dtype.is_unsigned or x.dtype == tf.bool else tf.abs(x)


def _cbrt(x: tf.Tensor) -> tf.Tensor:
    return tf.sign(x) * tf.pow(tf.abs(x), tf.constant(1.0 / 3.0, x.dtype))


def _is_inf(sign: float) -> Callable[[tf.Tensor], tf.Tensor]:
    def test(x: tf.Tensor) -> tf.Tensor:
        if not x.dtype.is_floating:
            return tf.zeros(tf.shape(x), tf.bool)
        return tf.equal(x, tf.constant(sign * pymath.inf, x.dtype))

    return test


def _isreal(x: tf.Tensor) -> tf.Tensor:
    return tf.equal(tf.math.imag(x), 0) if x.dtype.is_complex else tf.ones(tf.shape(x), tf.bool)


def _signbit(x: tf.Tensor) -> tf.Tensor:
    if x.dtype == tf.bool or x.dtype.is_unsigned:
        return tf.zeros(tf.shape(x), tf.bool)
    if x.dtype.is_integer:
        return x < 0
    # The sign bit is the top bit of the integer of the same width (-0.0 and -nan included).
    width = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32, tf.float64: tf.int64}[x.dtype]
    return tf.bitcast(x, width) < 0


def _sinc(x: tf.Tensor) -> tf.Tensor:
    zero = tf.equal(x, 0)
    scaled = pymath.pi * tf.where(zero, tf.ones_like(x), x)
    return tf.where(zero, tf.ones_like(x), tf.sin(scaled) / scaled)


absolute = _raw(_absolute, "absolute")
fabs = _unary(tf.abs, "fabs")
arccos = _unary(tf.math.acos, "arccos")
arccosh = _unary(tf.math.acosh, "arccosh")
arcsin = _unary(tf.math.asin, "arcsin")
arcsinh = _unary(tf.math.asinh, "arcsinh")
arctanh = _unary(tf.math.atanh, "arctanh")
cbrt = _unary(_cbrt, "cbrt")
deg2rad = _unary(lambda x: x * tf.constant(pymath.pi / 180.0, x.dtype), "deg2rad")
rad2deg = _unary(lambda x: x * tf.constant(180.0 / pymath.pi, x.dtype), "rad2deg")
erfc = _unary(tf.math.erfc, "erfc")
erfinv = _unary(tf.math.erfinv, "erfinv")
exp2 = _unary(lambda x: tf.pow(tf.constant(2.0, x.dtype), x), "exp2")
i0 = _unary(tf.math.bessel_i0, "i0")
isneginf = _raw(_is_inf(-1.0), "isneginf")
isposinf = _raw(_is_inf(1.0), "isposinf")
isreal = _raw(_isreal, "isreal")
signbit = _raw(_signbit, "signbit")
rsqrt = _unary(tf.math.rsqrt, "rsqrt")
sinc = _unary(_sinc, "sinc")
copy = _raw(tf.identity, "copy")


def _divide_no_nan(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    return tf.math.divide_no_nan(a, b)


def _fmax(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    if not a.dtype.is_floating:
        return tf.logical_or(a, b) if a.dtype == tf.bool else tf.maximum(a, b)
    return tf.where(tf.math.is_nan(a), b, tf.where(tf.math.is_nan(b), a, tf.maximum(a, b)))


def _fmin(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    if not a.dtype.is_floating:
        return tf.logical_and(a, b) if a.dtype == tf.bool else tf.minimum(a, b)
    return tf.where(tf.math.is_nan(a), b, tf.where(tf.math.is_nan(b), a, tf.minimum(a, b)))


def _gcd(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    a, b = tf.broadcast_to(tf.abs(a), tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))), tf.abs(b)
    b = tf.broadcast_to(b, tf.shape(a))

    def step(u: tf.Tensor, v: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        nonzero = tf.not_equal(v, 0)
        safe = tf.where(nonzero, v, tf.ones_like(v))
        return tf.where(nonzero, v, u), tf.where(nonzero, tf.math.floormod(u, safe), v)

    # Euclid's algorithm, every element at once until all remainders are 0.
    u, _ = tf.while_loop(lambda u, v: tf.reduce_any(tf.not_equal(v, 0)), step, (a, b))
    return u


def _lcm(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    divisor = _gcd(a, b)
    safe = tf.where(tf.equal(divisor, 0), tf.ones_like(divisor), divisor)
    return tf.abs(a // safe * b)


def _heaviside(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    shape = tf.broadcast_dynamic_shape(tf.shape(a), tf.shape(b))
    a, b = tf.broadcast_to(a, shape), tf.broadcast_to(b, shape)
    return tf.where(a < 0, tf.zeros_like(a), tf.where(a > 0, tf.ones_like(a), b))


def _hypot(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    # Scaled by the larger magnitude so that squares do not overflow.
    big, small = tf.maximum(tf.abs(a), tf.abs(b)), tf.minimum(tf.abs(a), tf.abs(b))
    safe = tf.where(tf.equal(big, 0), tf.ones_like(big), big)
    ratio = small / safe
    scaled = tf.where(tf.equal(big, 0), big, big * tf.sqrt(1 + ratio * ratio))
    return tf.where(tf.math.is_inf(big), big, scaled)  # inf / inf would give nan


def _logaddexp(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    big = tf.maximum(a, b)
    # Where both are the same infinity the difference is nan; the sum is that infinity.
    gap = tf.where(tf.equal(a, b), tf.zeros_like(a), -tf.abs(a - b))
    return big + tf.math.log1p(tf.exp(gap))


def _logaddexp2(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    big = tf.maximum(a, b)
    gap = tf.where(tf.equal(a, b), tf.zeros_like(a), -tf.abs(a - b))
    return big + tf.math.log1p(tf.pow(tf.constant(2.0, a.dtype), gap)) / tf.constant(pymath.log(2.0), a.dtype)


def _nextafter(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    if a.dtype in (tf.float32, tf.float64):
        return tf.math.nextafter(a, b)
    # float16 and bfloat16 have no kernel: step in float32 would skip their spacing, so step on the bits.
    raise DTypeError(f"nextafter: supports float32 and float64 on tensorflow, got {a.dtype.name}; cast first")


def _fmod(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    if not a.dtype.is_floating:
        return tf.truncatemod(a, b)
    # TruncateMod has no gradient: its exact value, plus the gradient of a - trunc(a / b) * b.
    sa, sb = tf.stop_gradient(a), tf.stop_gradient(b)
    quotient = tf.sign(sa / sb) * tf.floor(tf.abs(sa / sb))
    return tf.truncatemod(sa, sb) + (a - sa) - quotient * (b - sb)


def _true_divide(a: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    return tf.math.truediv(a, b)


def _ldexp(x1: Any, x2: Any) -> tf.Tensor:
    t1, t2 = _float(x1), convert_to_tensor(x2)
    if not t2.dtype.is_integer:
        raise DTypeError("ldexp: the exponent x2 must be an integer tensor; cast it with dn.ops.cast(x2, 'int32')")
    return t1 * tf.pow(tf.constant(2.0, t1.dtype), tf.cast(t2, t1.dtype))


arctan2 = _float_binary(tf.math.atan2, "arctan2")
divide_no_nan = _float_binary(_divide_no_nan, "divide_no_nan")
fmax = _binary(_fmax, "fmax")
fmin = _binary(_fmin, "fmin")
fmod = _binary(_fmod, "fmod")
gcd = _integers("gcd", _gcd)
lcm = _integers("lcm", _lcm)
heaviside = _float_binary(_heaviside, "heaviside")
hypot = _float_binary(_hypot, "hypot")
logaddexp = _float_binary(_logaddexp, "logaddexp")
logaddexp2 = _float_binary(_logaddexp2, "logaddexp2")
nextafter = _float_binary(_nextafter, "nextafter")
true_divide = _float_binary(_true_divide, "true_divide")


def ldexp(x1: ArrayLike, x2: ArrayLike) -> tf.Tensor:
    return _ldexp(x1, x2)


def _close(a: tf.Tensor, b: tf.Tensor, rtol: float, atol: float, equal_nan: bool) -> tf.Tensor:
    if not (a.dtype.is_floating or a.dtype.is_complex):
        a, b = tf.cast(a, tf.float64), tf.cast(b, tf.float64)
    magnitude = tf.abs(b)
    near = tf.abs(a - b) <= tf.cast(atol, magnitude.dtype) + tf.cast(rtol, magnitude.dtype) * magnitude
    finite = tf.logical_and(tf.math.is_finite(tf.abs(a)), tf.math.is_finite(magnitude))
    close = tf.logical_or(tf.logical_and(finite, near), tf.equal(a, b))  # equal infinities are close
    if equal_nan:
        close = tf.logical_or(close, tf.logical_and(tf.math.is_nan(tf.abs(a)), tf.math.is_nan(magnitude)))
    return close


def isclose(
    x1: ArrayLike, x2: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> tf.Tensor:
    return _binary(lambda a, b: _close(a, b, rtol, atol, equal_nan), "isclose")(x1, x2)


def allclose(
    x1: ArrayLike, x2: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> tf.Tensor:
    return tf.reduce_all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def nan_to_num(x: ArrayLike, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> tf.Tensor:
    t = convert_to_tensor(x)
    if not t.dtype.is_floating:
        return t
    info = np.finfo(t.dtype.as_numpy_dtype)
    high = tf.constant(info.max if posinf is None else posinf, t.dtype)
    low = tf.constant(info.min if neginf is None else neginf, t.dtype)
    t = tf.where(tf.math.is_nan(t), tf.constant(nan, t.dtype), t)
    return tf.where(tf.equal(t, pymath.inf), high, tf.where(tf.equal(t, -pymath.inf), low, t))
