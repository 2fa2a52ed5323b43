"""Elementwise rounding with NumPy names: ``floor``, ``ceil``, ``trunc``, ``round``."""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
    "floor",
    "ceil",
    "trunc",
    "round",
]

Tensor = Any

# Rounding. Shapes and dtypes: same as x; integer inputs come back unchanged (as NumPy >= 2.1 does).


def floor(x: Any) -> Tensor:
    """The largest whole number <= ``x``; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.floor(x)


def ceil(x: Any) -> Tensor:
    """The smallest whole number >= ``x``; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.ceil(x)


def trunc(x: Any) -> Tensor:
    """``x`` rounded toward zero; same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.trunc(x)


def round(x: Any, decimals: int = 0) -> Tensor:
    """``x`` rounded to ``decimals`` decimal places, halves to even (``round(2.5)`` is 2), as NumPy does.

    Negative ``decimals`` round to tens, hundreds, ... (integers too).

    Same shape as ``x``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.round(x, decimals)
