"""Elementwise math: arithmetic, powers and logarithms, trigonometry (rounding and comparisons are next door).

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
]

Tensor = Any

# Arithmetic. Shapes: x1 and x2 broadcast; the result has the broadcast shape.


def add(x1: Any, x2: Any) -> Tensor:
    """``x1 + x2`` elementwise (logical or for two bool operands); broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.add(x1, x2)


def subtract(x1: Any, x2: Any) -> Tensor:
    """``x1 - x2`` elementwise. Two bool operands raise DTypeError, as in NumPy; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean, or both are bool.
    """
    return B.subtract(x1, x2)


def multiply(x1: Any, x2: Any) -> Tensor:
    """``x1 * x2`` elementwise (logical and for two bool operands); broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.multiply(x1, x2)


def divide(x1: Any, x2: Any) -> Tensor:
    """True division ``x1 / x2`` elementwise; integer operands give float32; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.divide(x1, x2)


def floor_divide(x1: Any, x2: Any) -> Tensor:
    """``floor(x1 / x2)`` elementwise, computed as NumPy does (``1.0 // 0.1`` is 9); dtype of the promoted operands.

    Shape: the broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.floor_divide(x1, x2)


def mod(x1: Any, x2: Any) -> Tensor:
    """Remainder of ``floor_divide``: ``x1 - floor(x1 / x2) * x2``, with the sign of the divisor ``x2``.

    Shape: the broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.mod(x1, x2)


def power(x1: Any, x2: Any) -> Tensor:
    """``x1 ** x2`` elementwise. Integers to negative integer powers raise, as in NumPy.

    Shape: the broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.power(x1, x2)


def maximum(x1: Any, x2: Any) -> Tensor:
    """The larger of ``x1`` and ``x2`` elementwise; nan if either is nan; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.maximum(x1, x2)


def minimum(x1: Any, x2: Any) -> Tensor:
    """The smaller of ``x1`` and ``x2`` elementwise; nan if either is nan; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.minimum(x1, x2)


def clip(x: Any, x_min: Any = None, x_max: Any = None) -> Tensor:
    """``minimum(maximum(x, x_min), x_max)``: ``x`` limited to ``[x_min, x_max]``; either bound may be None.

    Bounds may be scalars or arrays broadcasting with ``x``; the result has the
    broadcast shape and the promoted dtype of all three (where ``x_min > x_max``
    the result is ``x_max``, as in NumPy).

    Raises:
        ShapeError: ``x``, ``x_min`` and ``x_max`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.clip(x, x_min, x_max)


def where(condition: Any, x1: Any, x2: Any) -> Tensor:
    """``x1`` where ``condition`` is true (nonzero), else ``x2``; all three broadcast together.

    Only the three-argument form: NumPy's ``where(condition)`` (indices of the
    nonzero entries) has a data-dependent shape and is not provided.

    Raises:
        ShapeError: ``condition``, ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.where(condition, x1, x2)


# Unary. Shapes: same as x. Float functions of integer or bool inputs give float32.


def negative(x: Any) -> Tensor:
    """``-x``; same dtype. A bool tensor raises DTypeError (use ``logical_not``); same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean, or is bool.
    """
    return B.negative(x)


def abs(x: Any) -> Tensor:
    """``|x|``; same dtype; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.abs(x)


def sign(x: Any) -> Tensor:
    """-1, 0 or 1 by the sign of ``x`` (nan stays nan); same dtype; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.sign(x)


def square(x: Any) -> Tensor:
    """``x * x``; same dtype; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.square(x)


def sqrt(x: Any) -> Tensor:
    """Square root (nan for negative inputs); same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.sqrt(x)


def exp(x: Any) -> Tensor:
    """``e ** x``; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.exp(x)


def expm1(x: Any) -> Tensor:
    """``exp(x) - 1``, accurate for small ``x``; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.expm1(x)


def log(x: Any) -> Tensor:
    """Natural logarithm (-inf at 0, nan below); same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.log(x)


def log1p(x: Any) -> Tensor:
    """``log(1 + x)``, accurate for small ``x``; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.log1p(x)


def log2(x: Any) -> Tensor:
    """Base-2 logarithm; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.log2(x)


def log10(x: Any) -> Tensor:
    """Base-10 logarithm; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.log10(x)


def sin(x: Any) -> Tensor:
    """Sine of ``x`` in radians; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.sin(x)


def cos(x: Any) -> Tensor:
    """Cosine of ``x`` in radians; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.cos(x)


def tan(x: Any) -> Tensor:
    """Tangent of ``x`` in radians; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.tan(x)


def arctan(x: Any) -> Tensor:
    """Inverse tangent, in radians within ``(-pi/2, pi/2)``; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.arctan(x)


def sinh(x: Any) -> Tensor:
    """Hyperbolic sine; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.sinh(x)


def cosh(x: Any) -> Tensor:
    """Hyperbolic cosine; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.cosh(x)


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.tanh(x)


def erf(x: Any) -> Tensor:
    """The Gauss error function (``scipy.special.erf``; NumPy has none); same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.erf(x)


def reciprocal(x: Any) -> Tensor:
    """``1 / x``; integers give float32 (NumPy's integer reciprocal truncates, which is rarely wanted).

    Same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.reciprocal(x)
