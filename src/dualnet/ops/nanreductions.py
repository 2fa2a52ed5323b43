"""Reductions that skip nan: NumPy's ``nansum`` ... ``nanquantile``, with Keras's arguments.

``axis`` follows :mod:`dualnet.ops.reductions`. Integer and bool inputs hold no
nan and give what the plain reduction gives. A slice of only nan gives nan
(``nansum``: 0, ``nanprod``: 1, the arg-reductions: -1 as in Keras, where
NumPy raises). Means, variances and quantiles of integers compute in float32.
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
    "nansum",
    "nanprod",
    "nanmean",
    "nanvar",
    "nanstd",
    "nanmax",
    "nanmin",
    "nanargmax",
    "nanargmin",
    "nancumsum",
    "nancumprod",
    "nanquantile",
    "nanpercentile",
    "nanmedian",
]

Tensor = Any
Axis = Any


def nansum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` counting nan as 0; dtypes as :func:`dualnet.ops.sum`.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
    """
    return B.nansum(x, axis, keepdims)


def nanprod(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Product over ``axis`` counting nan as 1; dtypes as :func:`dualnet.ops.prod`.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
    """
    return B.nanprod(x, axis, keepdims)


def nanmean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Mean of the non-nan values over ``axis``; nan where none is left.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
    """
    return B.nanmean(x, axis, keepdims)


def nanvar(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Variance (``ddof=0``) of the non-nan values over ``axis``; nan where none is left.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
    """
    return B.nanvar(x, axis, keepdims)


def nanstd(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Standard deviation ``sqrt(nanvar(x))`` of the non-nan values over ``axis``.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
    """
    return B.nanstd(x, axis, keepdims)


def nanmax(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Largest non-nan value over ``axis``; nan where the slice is all nan.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is out of range, or the reduced axis has size 0.
    """
    return B.nanmax(x, axis, keepdims)


def nanmin(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Smallest non-nan value over ``axis``; nan where the slice is all nan.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is out of range, or the reduced axis has size 0.
    """
    return B.nanmin(x, axis, keepdims)


def nanargmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """int64 index of the first largest non-nan value along ``axis`` (flattened for None); -1 for all nan.

    Shape: ``x``'s shape without ``axis`` (size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int within ``[-ndim, ndim)``, or the axis has size 0.
    """
    return B.nanargmax(x, axis, keepdims)


def nanargmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """int64 index of the first smallest non-nan value along ``axis`` (flattened for None); -1 for all nan.

    Shape: ``x``'s shape without ``axis`` (size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int within ``[-ndim, ndim)``, or the axis has size 0.
    """
    return B.nanargmin(x, axis, keepdims)


def nancumsum(x: Any, axis: int | None = None, dtype: str | None = None) -> Tensor:
    """Running sum along ``axis`` counting nan as 0, in ``dtype`` if given (integers otherwise give int64).

    Shape: ``x``'s shape, or 1-D over the flattened ``x`` when ``axis`` is None.

    Raises:
        ArgumentError: ``axis`` is not an int within ``[-ndim, ndim)``.
        DTypeError: ``dtype`` is not a dtype name.
    """
    return B.nancumsum(x, axis, dtype)


def nancumprod(x: Any, axis: int | None = None, dtype: str | None = None) -> Tensor:
    """Running product along ``axis`` counting nan as 1; shapes and dtypes as :func:`nancumsum`.

    Raises:
        ArgumentError: ``axis`` is not an int within ``[-ndim, ndim)``.
        DTypeError: ``dtype`` is not a dtype name.
    """
    return B.nancumprod(x, axis, dtype)


def nanquantile(x: Any, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """:func:`dualnet.ops.quantile` of the non-nan values; nan where a slice is all nan.

    Shape: ``q``'s shape followed by ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``q`` is outside [0, 1], ``method`` is unknown or ``axis`` is out of range.
    """
    return B.nanquantile(x, q, axis, method, keepdims)


def nanpercentile(x: Any, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """:func:`dualnet.ops.percentile` of the non-nan values (``q`` in [0, 100]).

    Shape: ``q``'s shape followed by ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``q`` is outside [0, 100], ``method`` is unknown or ``axis`` is out of range.
    """
    return B.nanpercentile(x, q, axis, method, keepdims)


def nanmedian(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Median of the non-nan values over ``axis``; nan where a slice is all nan.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is out of range, or the reduced axes are empty.
    """
    return B.nanmedian(x, axis, keepdims)
