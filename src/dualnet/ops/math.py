"""Elementwise math: arithmetic, powers and logarithms, trigonometry, rounding, comparisons, logic.

NumPy names and semantics. Binary ops broadcast ``x1`` and ``x2`` (shapes
are matched from the last axis; sizes must be equal or 1) and return the
broadcast shape; a mismatch raises ShapeError. Operands are promoted as
:func:`dualnet.dtypes.result_type` says, on every backend: NumPy's rule
between two ints or two floats, an int meeting a float becomes that float,
and Python scalars are weak (``x_f32 * 2.0`` stays float32).

Deviations from NumPy: float results of integer inputs are float32, not
float64 (``divide``, ``sqrt``, ``exp`` ...); ``reciprocal`` of integers is
float32 (NumPy's integer reciprocal truncates to 0); integer division or
remainder by zero raises a backend error where NumPy returns 0 with a warning.
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
    "add",
    "subtract",
    "multiply",
    "divide",
    "floor_divide",
    "mod",
    "power",
    "negative",
    "abs",
    "sign",
    "square",
    "sqrt",
    "exp",
    "expm1",
    "log",
    "log1p",
    "log2",
    "log10",
    "sin",
    "cos",
    "tan",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "erf",
    "reciprocal",
    "clip",
    "where",
    "maximum",
    "minimum",
    "floor",
    "ceil",
    "round",
    "trunc",
    "isnan",
    "isinf",
    "isfinite",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_not",
    "logical_xor",
]

Tensor = Any

# Arithmetic. Shapes: x1 and x2 broadcast; the result has the broadcast shape.


def add(x1: Any, x2: Any) -> Tensor:
    """``x1 + x2`` elementwise (logical or for two bool operands)."""
    return B.add(x1, x2)


def subtract(x1: Any, x2: Any) -> Tensor:
    """``x1 - x2`` elementwise. Two bool operands raise DTypeError, as in NumPy."""
    return B.subtract(x1, x2)


def multiply(x1: Any, x2: Any) -> Tensor:
    """``x1 * x2`` elementwise (logical and for two bool operands)."""
    return B.multiply(x1, x2)


def divide(x1: Any, x2: Any) -> Tensor:
    """True division ``x1 / x2`` elementwise; integer operands give float32."""
    return B.divide(x1, x2)


def floor_divide(x1: Any, x2: Any) -> Tensor:
    """``floor(x1 / x2)`` elementwise, computed as NumPy does (``1.0 // 0.1`` is 9); dtype of the promoted operands."""
    return B.floor_divide(x1, x2)


def mod(x1: Any, x2: Any) -> Tensor:
    """Remainder of ``floor_divide``: ``x1 - floor(x1 / x2) * x2``, with the sign of the divisor ``x2``."""
    return B.mod(x1, x2)


def power(x1: Any, x2: Any) -> Tensor:
    """``x1 ** x2`` elementwise. Integers to negative integer powers raise, as in NumPy."""
    return B.power(x1, x2)


def maximum(x1: Any, x2: Any) -> Tensor:
    """The larger of ``x1`` and ``x2`` elementwise; nan if either is nan."""
    return B.maximum(x1, x2)


def minimum(x1: Any, x2: Any) -> Tensor:
    """The smaller of ``x1`` and ``x2`` elementwise; nan if either is nan."""
    return B.minimum(x1, x2)


def clip(x: Any, x_min: Any = None, x_max: Any = None) -> Tensor:
    """``minimum(maximum(x, x_min), x_max)``: ``x`` limited to ``[x_min, x_max]``; either bound may be None.

    Bounds may be scalars or arrays broadcasting with ``x``; the result has the
    broadcast shape and the promoted dtype of all three (where ``x_min > x_max``
    the result is ``x_max``, as in NumPy).
    """
    return B.clip(x, x_min, x_max)


def where(condition: Any, x1: Any, x2: Any) -> Tensor:
    """``x1`` where ``condition`` is true (nonzero), else ``x2``; all three broadcast together.

    Only the three-argument form: NumPy's ``where(condition)`` (indices of the
    nonzero entries) has a data-dependent shape and is not provided.
    """
    return B.where(condition, x1, x2)


# Unary. Shapes: same as x. Float functions of integer or bool inputs give float32.


def negative(x: Any) -> Tensor:
    """``-x``; same dtype. A bool tensor raises DTypeError (use ``logical_not``)."""
    return B.negative(x)


def abs(x: Any) -> Tensor:
    """``|x|``; same dtype."""
    return B.abs(x)


def sign(x: Any) -> Tensor:
    """-1, 0 or 1 by the sign of ``x`` (nan stays nan); same dtype."""
    return B.sign(x)


def square(x: Any) -> Tensor:
    """``x * x``; same dtype."""
    return B.square(x)


def sqrt(x: Any) -> Tensor:
    """Square root (nan for negative inputs)."""
    return B.sqrt(x)


def exp(x: Any) -> Tensor:
    """``e ** x``."""
    return B.exp(x)


def expm1(x: Any) -> Tensor:
    """``exp(x) - 1``, accurate for small ``x``."""
    return B.expm1(x)


def log(x: Any) -> Tensor:
    """Natural logarithm (-inf at 0, nan below)."""
    return B.log(x)


def log1p(x: Any) -> Tensor:
    """``log(1 + x)``, accurate for small ``x``."""
    return B.log1p(x)


def log2(x: Any) -> Tensor:
    """Base-2 logarithm."""
    return B.log2(x)


def log10(x: Any) -> Tensor:
    """Base-10 logarithm."""
    return B.log10(x)


def sin(x: Any) -> Tensor:
    """Sine of ``x`` in radians."""
    return B.sin(x)


def cos(x: Any) -> Tensor:
    """Cosine of ``x`` in radians."""
    return B.cos(x)


def tan(x: Any) -> Tensor:
    """Tangent of ``x`` in radians."""
    return B.tan(x)


def arctan(x: Any) -> Tensor:
    """Inverse tangent, in radians within ``(-pi/2, pi/2)``."""
    return B.arctan(x)


def sinh(x: Any) -> Tensor:
    """Hyperbolic sine."""
    return B.sinh(x)


def cosh(x: Any) -> Tensor:
    """Hyperbolic cosine."""
    return B.cosh(x)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent."""
    return B.tanh(x)


def erf(x: Any) -> Tensor:
    """The Gauss error function (``scipy.special.erf``; NumPy has none)."""
    return B.erf(x)


def reciprocal(x: Any) -> Tensor:
    """``1 / x``; integers give float32 (NumPy's integer reciprocal truncates, which is rarely wanted)."""
    return B.reciprocal(x)


# Rounding. Shapes and dtypes: same as x; integer inputs come back unchanged (as NumPy >= 2.1 does).


def floor(x: Any) -> Tensor:
    """The largest whole number <= ``x``."""
    return B.floor(x)


def ceil(x: Any) -> Tensor:
    """The smallest whole number >= ``x``."""
    return B.ceil(x)


def trunc(x: Any) -> Tensor:
    """``x`` rounded toward zero."""
    return B.trunc(x)


def round(x: Any, decimals: int = 0) -> Tensor:
    """``x`` rounded to ``decimals`` decimal places, halves to even (``round(2.5)`` is 2), as NumPy does.

    Negative ``decimals`` round to tens, hundreds, ... (integers too).
    """
    return B.round(x, decimals)


# Tests and comparisons. Shapes: x, or the broadcast shape of x1 and x2; dtype bool.


def isnan(x: Any) -> Tensor:
    """True where ``x`` is nan (never for integers)."""
    return B.isnan(x)


def isinf(x: Any) -> Tensor:
    """True where ``x`` is +inf or -inf."""
    return B.isinf(x)


def isfinite(x: Any) -> Tensor:
    """True where ``x`` is neither nan nor infinite."""
    return B.isfinite(x)


def equal(x1: Any, x2: Any) -> Tensor:
    """``x1 == x2`` elementwise, compared in the promoted dtype."""
    return B.equal(x1, x2)


def not_equal(x1: Any, x2: Any) -> Tensor:
    """``x1 != x2`` elementwise."""
    return B.not_equal(x1, x2)


def less(x1: Any, x2: Any) -> Tensor:
    """``x1 < x2`` elementwise."""
    return B.less(x1, x2)


def less_equal(x1: Any, x2: Any) -> Tensor:
    """``x1 <= x2`` elementwise."""
    return B.less_equal(x1, x2)


def greater(x1: Any, x2: Any) -> Tensor:
    """``x1 > x2`` elementwise."""
    return B.greater(x1, x2)


def greater_equal(x1: Any, x2: Any) -> Tensor:
    """``x1 >= x2`` elementwise."""
    return B.greater_equal(x1, x2)


def logical_and(x1: Any, x2: Any) -> Tensor:
    """Truth of ``x1 and x2`` elementwise; any dtype, nonzero (and nan) counts as true."""
    return B.logical_and(x1, x2)


def logical_or(x1: Any, x2: Any) -> Tensor:
    """Truth of ``x1 or x2`` elementwise."""
    return B.logical_or(x1, x2)


def logical_xor(x1: Any, x2: Any) -> Tensor:
    """True where exactly one of ``x1``, ``x2`` is true."""
    return B.logical_xor(x1, x2)


def logical_not(x: Any) -> Tensor:
    """True where ``x`` is false (zero)."""
    return B.logical_not(x)
