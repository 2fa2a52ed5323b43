"""Elementwise special functions: inverse trigonometry and hyperbolics, stable log-sums, remainders, float tests.

NumPy names and semantics (keras.ops's names, arguments and defaults). Binary
ops broadcast ``x1`` and ``x2`` and promote as :func:`dualnet.dtypes.result_type`
says; float functions of integers give float32, on both backends. Shapes
that do not broadcast raise ShapeError.
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
    "absolute",
    "fabs",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctanh",
    "cbrt",
    "deg2rad",
    "rad2deg",
    "erfc",
    "erfinv",
    "exp2",
    "i0",
    "isneginf",
    "isposinf",
    "isreal",
    "signbit",
    "rsqrt",
    "sinc",
    "copy",
    "arctan2",
    "divide_no_nan",
    "fmax",
    "fmin",
    "fmod",
    "gcd",
    "lcm",
    "heaviside",
    "hypot",
    "ldexp",
    "logaddexp",
    "logaddexp2",
    "nextafter",
    "true_divide",
    "isclose",
    "allclose",
    "nan_to_num",
]

Tensor = Any


def absolute(x: Any) -> Tensor:
    """``|x|`` (NumPy's other name for ``abs``), same shape and dtype.

    Raises:
        DTypeError: ``x`` is not numeric.
    """
    return B.absolute(x)


def fabs(x: Any) -> Tensor:
    """``|x|`` as a float (float32 for integers), same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.fabs(x)


def arccos(x: Any) -> Tensor:
    """Inverse cosine, same shape; nan outside [-1, 1].

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.arccos(x)


def arccosh(x: Any) -> Tensor:
    """Inverse hyperbolic cosine, same shape; nan below 1.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.arccosh(x)


def arcsin(x: Any) -> Tensor:
    """Inverse sine, same shape; nan outside [-1, 1].

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.arcsin(x)


def arcsinh(x: Any) -> Tensor:
    """Inverse hyperbolic sine, same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.arcsinh(x)


def arctanh(x: Any) -> Tensor:
    """Inverse hyperbolic tangent, same shape; nan outside [-1, 1].

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.arctanh(x)


def cbrt(x: Any) -> Tensor:
    """Real cube root (negative for negative ``x``), same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.cbrt(x)


def deg2rad(x: Any) -> Tensor:
    """Degrees to radians, same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.deg2rad(x)


def rad2deg(x: Any) -> Tensor:
    """Radians to degrees, same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.rad2deg(x)


def erfc(x: Any) -> Tensor:
    """Complementary error function ``1 - erf(x)``, same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.erfc(x)


def erfinv(x: Any) -> Tensor:
    """Inverse error function on (-1, 1), same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.erfinv(x)


def exp2(x: Any) -> Tensor:
    """``2 ** x``, same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.exp2(x)


def i0(x: Any) -> Tensor:
    """Modified Bessel function of the first kind, order 0, same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.i0(x)


def isneginf(x: Any) -> Tensor:
    """True where ``x`` is -inf, same shape, bool.

    Not differentiable.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.isneginf(x)


def isposinf(x: Any) -> Tensor:
    """True where ``x`` is +inf, same shape, bool.

    Not differentiable.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.isposinf(x)


def isreal(x: Any) -> Tensor:
    """True where the imaginary part is 0 (everywhere for real dtypes), same shape, bool.

    Not differentiable.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.isreal(x)


def signbit(x: Any) -> Tensor:
    """True where the sign bit is set (``-0.0`` included), same shape, bool.

    Not differentiable.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.signbit(x)


def rsqrt(x: Any) -> Tensor:
    """``1 / sqrt(x)``, same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.rsqrt(x)


def sinc(x: Any) -> Tensor:
    """Normalised sinc ``sin(pi x) / (pi x)`` (1 at 0), same shape.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.sinc(x)


def copy(x: Any) -> Tensor:
    """A new tensor with ``x``'s values, same shape and dtype.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.copy(x)


def arctan2(x1: Any, x2: Any) -> Tensor:
    """Angle of the point ``(x2, x1)`` in radians, broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.arctan2(x1, x2)


def divide_no_nan(x1: Any, x2: Any) -> Tensor:
    """``x1 / x2``, 0 where ``x2`` is 0, broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.divide_no_nan(x1, x2)


def fmax(x1: Any, x2: Any) -> Tensor:
    """Elementwise maximum ignoring nan (nan only where both are), broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.fmax(x1, x2)


def fmin(x1: Any, x2: Any) -> Tensor:
    """Elementwise minimum ignoring nan (nan only where both are), broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.fmin(x1, x2)


def fmod(x1: Any, x2: Any) -> Tensor:
    """C's remainder, signed like ``x1`` (``mod`` is signed like ``x2``), broadcast shape.

    Integer division by zero raises a backend error (NumPy returns 0 with a warning).

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.fmod(x1, x2)


def gcd(x1: Any, x2: Any) -> Tensor:
    """Greatest common divisor of integers (non-negative), broadcast shape.

    Not differentiable (integers only).

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is a float or bool tensor.
    """
    return B.gcd(x1, x2)


def lcm(x1: Any, x2: Any) -> Tensor:
    """Least common multiple of integers (non-negative), broadcast shape.

    Not differentiable (integers only).

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is a float or bool tensor.
    """
    return B.lcm(x1, x2)


def heaviside(x1: Any, x2: Any) -> Tensor:
    """Step function: 0 below 0, ``x2`` at 0, 1 above, broadcast shape.

    The gradient is 0 almost everywhere (a step).

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.heaviside(x1, x2)


def hypot(x1: Any, x2: Any) -> Tensor:
    """``sqrt(x1**2 + x2**2)`` without overflow, broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.hypot(x1, x2)


def ldexp(x1: Any, x2: Any) -> Tensor:
    """``x1 * 2 ** x2`` with integer ``x2``, broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: ``x2`` is not an integer tensor.
    """
    return B.ldexp(x1, x2)


def logaddexp(x1: Any, x2: Any) -> Tensor:
    """``log(exp(x1) + exp(x2))`` computed stably, broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.logaddexp(x1, x2)


def logaddexp2(x1: Any, x2: Any) -> Tensor:
    """``log2(2**x1 + 2**x2)`` computed stably, broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.logaddexp2(x1, x2)


def nextafter(x1: Any, x2: Any) -> Tensor:
    """The next float after ``x1`` towards ``x2``, broadcast shape.

    Not differentiable. On tensorflow only float32 and float64 (TensorFlow's kernels).

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.nextafter(x1, x2)


def true_divide(x1: Any, x2: Any) -> Tensor:
    """True division ``x1 / x2`` (NumPy's other name for ``divide``), broadcast shape.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.true_divide(x1, x2)


def isclose(x1: Any, x2: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """``|x1 - x2| <= atol + rtol * |x2|`` (infinities equal when equal), broadcast shape, bool.

    NumPy's rule, asymmetric in ``x1`` and ``x2`` (``torch.isclose`` is the same). Integers are
    compared in float64. Not differentiable.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.isclose(x1, x2, rtol, atol, equal_nan)


def allclose(x1: Any, x2: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """True when ``isclose`` holds everywhere: broadcastable shapes in, a 0-d bool tensor out.

    Not differentiable.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.allclose(x1, x2, rtol, atol, equal_nan)


def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """nan, +inf and -inf replaced (infinities by the dtype's largest and smallest), same shape and dtype.

    Integer and bool tensors are returned unchanged.

    Raises:
        DTypeError: ``x`` is not a numeric or bool tensor.
    """
    return B.nan_to_num(x, nan, posinf, neginf)
