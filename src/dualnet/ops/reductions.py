"""Reductions: sum, mean, extrema, product, variance, arg-extrema, logsumexp, any/all, cumulative sums.

``axis`` is None (every axis), an int or a tuple of ints, negative counting
from the end, ``()`` reducing nothing, as in NumPy. The reduced axes are
removed from the shape, or kept with size 1 when ``keepdims=True``. An axis
out of range, or named twice, raises ArgumentError.

Dtypes follow NumPy on Linux, except: integer and bool ``sum``, ``prod``,
``cumsum`` and ``cumprod`` give int64 even for unsigned inputs (NumPy: uint64);
``mean``, ``std``, ``var`` and ``logsumexp`` of integers give float32 (NumPy: float64).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
    "sum",
    "mean",
    "max",
    "min",
    "prod",
    "std",
    "var",
    "argmax",
    "argmin",
    "logsumexp",
    "any",
    "all",
    "cumsum",
    "cumprod",
]

Tensor = Any
Axis = int | Sequence[int] | None


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis``; floats keep their dtype, integers and bools give int64.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.sum(x, axis, keepdims)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis``; integers and bools give float32.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.mean(x, axis, keepdims)


def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Largest value over ``axis`` (nan if the slice holds one); same dtype.

    A zero-size reduced axis raises ArgumentError. Gradients: the backends may
    share the gradient between tied maxima differently.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or ints) within ``[-ndim, ndim)``, or the reduced axis has size 0.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.max(x, axis, keepdims)


def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Smallest value over ``axis`` (nan if the slice holds one); same dtype. See :func:`max`.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or ints) within ``[-ndim, ndim)``, or the reduced axis has size 0.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.min(x, axis, keepdims)


def prod(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Product over ``axis``; floats keep their dtype, integers and bools give int64.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.prod(x, axis, keepdims)


def var(x: Any, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Variance ``sum((x - mean)**2) / (n - ddof)`` over ``axis``, ``n`` the number of values reduced.

    ``ddof=1`` gives the unbiased estimate; nan when ``n - ddof <= 0``. Integers give float32.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.var(x, axis, ddof, keepdims)


def std(x: Any, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Standard deviation: ``sqrt(var(x, axis, ddof))``. Integers give float32.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.std(x, axis, ddof, keepdims)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """int64 index of the largest value along ``axis`` (an int), or into the flattened ``x`` when None.

    Ties give the first index; a nan counts as the largest, as in NumPy. A
    zero-size axis raises ArgumentError.

    Shape: ``x``'s shape without ``axis`` (size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int within ``[-ndim, ndim)``, or the reduced axis has size 0.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.argmax(x, axis, keepdims)


def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """int64 index of the smallest value along ``axis`` (or of the flattened ``x``); first on ties, nan wins.

    Shape: ``x``'s shape without ``axis`` (size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int within ``[-ndim, ndim)``, or the reduced axis has size 0.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.argmin(x, axis, keepdims)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis`` without overflow (the max is taken out first), as ``scipy.special``'s.

    Integers give float32; a slice of only -inf gives -inf.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.logsumexp(x, axis, keepdims)


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """bool: whether some value over ``axis`` is true (nonzero, nan included).

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.any(x, axis, keepdims)


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """bool: whether every value over ``axis`` is true (nonzero); true for an empty slice.

    Shape: ``x``'s shape without the reduced axes (kept as size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.all(x, axis, keepdims)


def cumsum(x: Any, axis: int | None = None) -> Tensor:
    """Running sum along ``axis`` (an int); same shape as ``x``, or 1-D over the flattened ``x`` when None.

    Integers and bools give int64.

    Raises:
        ArgumentError: ``axis`` is not an int within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.cumsum(x, axis)


def cumprod(x: Any, axis: int | None = None) -> Tensor:
    """Running product along ``axis``; shapes and dtypes as :func:`cumsum`.

    Raises:
        ArgumentError: ``axis`` is not an int within ``[-ndim, ndim)``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.cumprod(x, axis)
