"""Bitwise operations on integer and bool tensors: and, or, xor, not, shifts.

Operands broadcast and promote as :func:`dualnet.dtypes.result_type` says (a
Python int is weak). Bools use the logical operations; shifting a bool shifts
it as int8, as NumPy does. Right shifts of signed integers are arithmetic.
Shifting by a negative amount or by at least the bit width is undefined (the
backends differ), as it is in C.
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_invert",
    "bitwise_not",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "left_shift",
    "right_shift",
]

Tensor = Any


def bitwise_and(x: Any, y: Any) -> Tensor:
    """``x & y`` elementwise.

    Shape: the broadcast shape of ``x`` and ``y``.

    Raises:
        DTypeError: an operand is a float or complex tensor (cast it to an integer dtype).
        ShapeError: the shapes do not broadcast.
    """
    return B.bitwise_and(x, y)


def bitwise_or(x: Any, y: Any) -> Tensor:
    """``x | y`` elementwise.

    Shape: the broadcast shape of ``x`` and ``y``.

    Raises:
        DTypeError: an operand is a float or complex tensor.
        ShapeError: the shapes do not broadcast.
    """
    return B.bitwise_or(x, y)


def bitwise_xor(x: Any, y: Any) -> Tensor:
    """``x ^ y`` elementwise.

    Shape: the broadcast shape of ``x`` and ``y``.

    Raises:
        DTypeError: an operand is a float or complex tensor.
        ShapeError: the shapes do not broadcast.
    """
    return B.bitwise_xor(x, y)


def bitwise_invert(x: Any) -> Tensor:
    """``~x``: every bit flipped (``-x - 1`` for signed integers, ``not x`` for bools).

    Shape: ``x``'s shape and dtype.

    Raises:
        DTypeError: ``x`` is a float or complex tensor.
    """
    return B.bitwise_invert(x)


def bitwise_not(x: Any) -> Tensor:
    """``~x``, the same as :func:`bitwise_invert`.

    Shape: ``x``'s shape and dtype.

    Raises:
        DTypeError: ``x`` is a float or complex tensor.
    """
    return B.bitwise_not(x)


def bitwise_left_shift(x: Any, y: Any) -> Tensor:
    """``x << y`` elementwise.

    Shape: the broadcast shape of ``x`` and ``y``.

    Raises:
        DTypeError: an operand is a float or complex tensor.
        ShapeError: the shapes do not broadcast.
    """
    return B.bitwise_left_shift(x, y)


def bitwise_right_shift(x: Any, y: Any) -> Tensor:
    """``x >> y`` elementwise, arithmetic (sign-filling) for signed integers.

    Shape: the broadcast shape of ``x`` and ``y``.

    Raises:
        DTypeError: an operand is a float or complex tensor.
        ShapeError: the shapes do not broadcast.
    """
    return B.bitwise_right_shift(x, y)


def left_shift(x: Any, y: Any) -> Tensor:
    """``x << y``, the same as :func:`bitwise_left_shift`.

    Shape: the broadcast shape of ``x`` and ``y``.

    Raises:
        DTypeError: an operand is a float or complex tensor.
        ShapeError: the shapes do not broadcast.
    """
    return B.left_shift(x, y)


def right_shift(x: Any, y: Any) -> Tensor:
    """``x >> y``, the same as :func:`bitwise_right_shift`.

    Shape: the broadcast shape of ``x`` and ``y``.

    Raises:
        DTypeError: an operand is a float or complex tensor.
        ShapeError: the shapes do not broadcast.
    """
    return B.right_shift(x, y)
