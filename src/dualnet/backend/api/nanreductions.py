"""Reductions that skip nan, NumPy's ``nan*`` functions.

Axis rules as in :mod:`dualnet.backend.api.reductions`. Integer and bool
inputs hold no nan and give what the plain reduction gives.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Axes, DTypeName, Tensor


class NanReductionsAPI(Protocol):
    """Sums, products, means, variances, extrema, arg-extrema, quantiles and running sums that ignore nan."""

    def nansum(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` with nan counted as 0, ``x``'s shape less the reduced axes."""

    def nanprod(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Product over ``axis`` with nan counted as 1, ``x``'s shape less the reduced axes."""

    def nanmean(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Mean of the non-nan values over ``axis`` (nan if none), ``x``'s shape less the reduced axes."""

    def nanvar(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Variance of the non-nan values over ``axis`` (nan if none), ``x``'s shape less the reduced axes."""

    def nanstd(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Standard deviation of the non-nan values over ``axis``, ``x``'s shape less the reduced axes."""

    def nanmax(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Largest non-nan value over ``axis`` (nan if none), ``x``'s shape less the reduced axes."""

    def nanmin(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Smallest non-nan value over ``axis`` (nan if none), ``x``'s shape less the reduced axes."""

    def nanargmax(self, x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """int64 index of the first largest non-nan value along ``axis`` (-1 if none), ``x``'s shape less it."""

    def nanargmin(self, x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """int64 index of the first smallest non-nan value along ``axis`` (-1 if none), ``x``'s shape less it."""

    def nancumsum(self, x: ArrayLike, axis: int | None = None, dtype: DTypeName | None = None) -> Tensor:
        """Running sum along ``axis`` with nan as 0: ``x``'s shape, or 1-D over the flattened ``x`` for None."""

    def nancumprod(self, x: ArrayLike, axis: int | None = None, dtype: DTypeName | None = None) -> Tensor:
        """Running product along ``axis`` with nan as 1: ``x``'s shape, or 1-D for None."""

    def nanquantile(
        self, x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
    ) -> Tensor:
        """``quantile`` of the non-nan values: shape ``q.shape + `` the reduced shape."""

    def nanpercentile(
        self, x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
    ) -> Tensor:
        """``percentile`` of the non-nan values: shape ``q.shape + `` the reduced shape."""

    def nanmedian(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Median of the non-nan values over ``axis`` (nan if none), ``x``'s shape less the reduced axes."""
