"""Creating tensors: constant fills, ranges, identity matrices, triangular parts.

NumPy names and arguments, with one deviation: the default float dtype is
float32, not float64 (``full(s, 2.0)``, float ``arange`` and ``linspace`` give
float32; Python ints give int64, Python bools bool). New tensors are placed on
the current device (see ``dn.device``); ``*_like`` results on ``x``'s device.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import is_bool, is_integer, is_number
from dualnet.backend.dispatch import B
from dualnet.dtypes import standardize
from dualnet.errors import ArgumentError

__all__ = [
    "zeros",
    "ones",
    "full",
    "zeros_like",
    "ones_like",
    "full_like",
    "arange",
    "linspace",
    "eye",
    "tril",
    "triu",
]

Tensor = Any
Shape = int | Sequence[int]


def _size(value: Any, what: str, op: str) -> int:
    try:
        if is_bool(value):
            raise TypeError  # bools are not sizes
        size = operator.index(value)
    except TypeError:
        raise ArgumentError(f"{op}: {what} must be an int, got {value!r}; pass Python ints") from None
    if size < 0:
        raise ArgumentError(f"{op}: {what} must not be negative, got {size}")
    return size


def _shape(shape: Shape, op: str) -> tuple[int, ...]:
    dims: Any = (shape,) if isinstance(shape, numbers.Integral) else shape
    try:
        return tuple(_size(d, "every size in shape", op) for d in dims)
    except TypeError:
        raise ArgumentError(f"{op}: shape must be an int or a sequence of ints, got {shape!r}") from None


def _dtype(dtype: Any) -> str | None:
    return None if dtype is None else standardize(dtype)


def _number(value: Any, what: str, op: str) -> int | float:
    if is_integer(value):
        return int(value)
    if is_number(value):
        return float(value)
    raise ArgumentError(f"{op}: {what} must be a Python int or float, got {value!r}")


def zeros(shape: Shape, dtype: Any = "float32") -> Tensor:
    """A tensor of the given ``shape`` (an int or a tuple) filled with 0.

    Raises:
        ArgumentError: ``shape`` is not an int or a sequence of non-negative ints.
        DTypeError: ``dtype`` is not a dtype name dualnet knows.
    """
    return B.zeros(_shape(shape, "zeros"), standardize(dtype))


def ones(shape: Shape, dtype: Any = "float32") -> Tensor:
    """A tensor of the given ``shape`` filled with 1.

    Raises:
        ArgumentError: ``shape`` is not an int or a sequence of non-negative ints.
        DTypeError: ``dtype`` is not a dtype name dualnet knows.
    """
    return B.ones(_shape(shape, "ones"), standardize(dtype))


def full(shape: Shape, fill_value: Any, dtype: Any = None) -> Tensor:
    """A tensor of the given ``shape`` filled with ``fill_value`` (a scalar, or an array broadcast to ``shape``).

    Without ``dtype``: bool for a Python bool, int64 for an int, float32 for a
    float, else the dtype of ``fill_value``; a float cast to an int dtype truncates.

    Raises:
        ArgumentError: ``shape`` is not an int or a sequence of non-negative ints.
        ShapeError: ``fill_value`` does not broadcast to ``shape``.
        DTypeError: ``dtype`` is not a dtype name dualnet knows.
    """
    return B.full(_shape(shape, "full"), fill_value, _dtype(dtype))


def zeros_like(x: Any, dtype: Any = None) -> Tensor:
    """Zeros with the shape of ``x`` and its dtype (or ``dtype``).

    Raises:
        DTypeError: ``x`` is not numeric or boolean, or ``dtype`` is not a known dtype name.
    """
    return B.zeros_like(x, _dtype(dtype))


def ones_like(x: Any, dtype: Any = None) -> Tensor:
    """Ones with the shape of ``x`` and its dtype (or ``dtype``).

    Raises:
        DTypeError: ``x`` is not numeric or boolean, or ``dtype`` is not a known dtype name.
    """
    return B.ones_like(x, _dtype(dtype))


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    """``fill_value`` (cast to ``x``'s dtype unless ``dtype`` is given) broadcast to the shape of ``x``.

    Raises:
        ShapeError: ``fill_value`` does not broadcast to the shape of ``x``.
        DTypeError: ``x`` is not numeric or boolean, or ``dtype`` is not a known dtype name.
    """
    return B.full_like(x, fill_value, _dtype(dtype))


def arange(start: float, stop: float | None = None, step: float = 1, dtype: Any = None) -> Tensor:
    """The 1-D tensor ``start, start + step, ...`` up to but excluding ``stop``; ``arange(n)`` is ``0 .. n-1``.

    Length ``ceil((stop - start) / step)`` (empty when that is <= 0). Without
    ``dtype``: int64 when every argument is an int, else float32. With an
    integer ``dtype`` and float arguments the float values are truncated
    (NumPy instead steps by the truncated step).

    Shape ``(length,)``.

    Raises:
        ArgumentError: ``step`` is zero, or an argument is not a Python int or float.
        DTypeError: ``dtype`` is not a dtype name dualnet knows.
    """
    if stop is None:
        start, stop = 0, start
    start = _number(start, "start", "arange")
    stop = _number(stop, "stop", "arange")
    step = _number(step, "step", "arange")
    if step == 0:
        raise ArgumentError(
            "arange: step must not be zero; pass a positive step to count up, a negative one to count down"
        )
    if dtype is None:
        dtype = "int64" if all(isinstance(v, int) for v in (start, stop, step)) else "float32"
    return B.arange(start, stop, step, standardize(dtype))


def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True, dtype: Any = "float32") -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` (included unless ``endpoint=False``); shape ``(num,)``.

    Computed as NumPy does (in float64, then cast; integer dtypes round toward -inf).

    Raises:
        ArgumentError: ``num`` is negative or not an int.
        DTypeError: ``dtype`` is not a dtype name dualnet knows.
    """
    start = _number(start, "start", "linspace")
    stop = _number(stop, "stop", "linspace")
    return B.linspace(start, stop, _size(num, "num", "linspace"), bool(endpoint), standardize(dtype))


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = "float32") -> Tensor:
    """An ``(N, M)`` matrix (``M`` defaults to ``N``): ones on diagonal ``k`` (> 0: above the main), zeros elsewhere.

    Raises:
        ArgumentError: ``N`` or ``M`` is negative or not an int.
        DTypeError: ``dtype`` is not a dtype name dualnet knows.
    """
    rows = _size(N, "N", "eye")
    cols = rows if M is None else _size(M, "M", "eye")
    return B.eye(rows, cols, operator.index(k), standardize(dtype))


def tril(x: Any, k: int = 0) -> Tensor:
    """``x`` (shape ``(..., rows, cols)``) with the entries above diagonal ``k`` set to zero; same shape and dtype.

    Raises:
        ShapeError: ``x`` has fewer than 2 dimensions.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.tril(x, operator.index(k))


def triu(x: Any, k: int = 0) -> Tensor:
    """``x`` (shape ``(..., rows, cols)``) with the entries below diagonal ``k`` set to zero; same shape and dtype.

    Raises:
        ShapeError: ``x`` has fewer than 2 dimensions.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.triu(x, operator.index(k))
