"""Elementwise tests, comparisons and logic with NumPy names; every result is bool.

Binary ones broadcast ``x1`` and ``x2`` as the arithmetic ops do (a mismatch
raises ShapeError) and compare after the promotion of
:func:`dualnet.dtypes.result_type`.
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
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
    "logical_xor",
    "logical_not",
]

Tensor = Any

# Tests and comparisons. Shapes: x, or the broadcast shape of x1 and x2; dtype bool.


def isnan(x: Any) -> Tensor:
    """True where ``x`` is nan (never for integers); same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.isnan(x)


def isinf(x: Any) -> Tensor:
    """True where ``x`` is +inf or -inf; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.isinf(x)


def isfinite(x: Any) -> Tensor:
    """True where ``x`` is neither nan nor infinite; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.isfinite(x)


def equal(x1: Any, x2: Any) -> Tensor:
    """``x1 == x2`` elementwise, compared in the promoted dtype; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.equal(x1, x2)


def not_equal(x1: Any, x2: Any) -> Tensor:
    """``x1 != x2`` elementwise; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.not_equal(x1, x2)


def less(x1: Any, x2: Any) -> Tensor:
    """``x1 < x2`` elementwise; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.less(x1, x2)


def less_equal(x1: Any, x2: Any) -> Tensor:
    """``x1 <= x2`` elementwise; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.less_equal(x1, x2)


def greater(x1: Any, x2: Any) -> Tensor:
    """``x1 > x2`` elementwise; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.greater(x1, x2)


def greater_equal(x1: Any, x2: Any) -> Tensor:
    """``x1 >= x2`` elementwise; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.greater_equal(x1, x2)


def logical_and(x1: Any, x2: Any) -> Tensor:
    """Truth of ``x1 and x2`` elementwise; any dtype, nonzero (and nan) counts as true.

    Shape: the broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.logical_and(x1, x2)


def logical_or(x1: Any, x2: Any) -> Tensor:
    """Truth of ``x1 or x2`` elementwise; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.logical_or(x1, x2)


def logical_xor(x1: Any, x2: Any) -> Tensor:
    """True where exactly one of ``x1``, ``x2`` is true; broadcast shape of ``x1`` and ``x2``.

    Raises:
        ShapeError: ``x1`` and ``x2`` do not broadcast together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.logical_xor(x1, x2)


def logical_not(x: Any) -> Tensor:
    """True where ``x`` is false (zero); same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.logical_not(x)
