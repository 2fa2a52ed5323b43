"""Statistics: order statistics (median, quantiles), histograms, averages, correlation, integration, distances.

Axis rules as in :mod:`dualnet.backend.api.reductions`. Integer and bool
inputs of float results compute in float32.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Axes, Tensor


class StatisticsAPI(Protocol):
    """NumPy's statistics functions as keras.ops names them."""

    def amax(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Largest value over ``axis`` (NumPy's other name for ``max``), ``x``'s shape less the reduced axes."""

    def amin(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Smallest value over ``axis`` (NumPy's other name for ``min``), ``x``'s shape less the reduced axes."""

    def ptp(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """``max - min`` over ``axis``, ``x``'s shape less the reduced axes."""

    def count_nonzero(self, x: ArrayLike, axis: Axes = None) -> Tensor:
        """int64 count of nonzero values over ``axis``, ``x``'s shape less the reduced axes."""

    def average(self, x: ArrayLike, axis: Axes = None, weights: ArrayLike | None = None) -> Tensor:
        """Weighted mean over ``axis``; ``weights`` shaped like ``x`` or 1-D along an int ``axis``."""

    def quantile(
        self, x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
    ) -> Tensor:
        """``q``-th quantiles (``q`` in [0, 1]) over ``axis``: shape ``q.shape + `` the reduced shape."""

    def percentile(
        self, x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
    ) -> Tensor:
        """``q``-th percentiles (``q`` in [0, 100]) over ``axis``: shape ``q.shape + `` the reduced shape."""

    def median(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Median over ``axis``, ``x``'s shape less the reduced axes."""

    def bincount(
        self, x: ArrayLike, weights: ArrayLike | None = None, minlength: int = 0, sparse: bool = False
    ) -> Tensor:
        """Counts (int64) or summed ``weights`` of each value of the non-negative 1-D int ``x``: 1-D."""

    def histogram(
        self, x: ArrayLike, bins: int = 10, range: tuple[float, float] | None = None
    ) -> tuple[Tensor, Tensor]:
        """int64 counts ``(bins,)`` of the flattened ``x`` in equal bins, and the edges ``(bins + 1,)``."""

    def corrcoef(self, x: ArrayLike) -> Tensor:
        """Pearson correlation of the rows of a 2-D ``x`` (variables, observations): ``(n, n)``."""

    def correlate(self, x1: ArrayLike, x2: ArrayLike, mode: str = "valid") -> Tensor:
        """Cross-correlation of 1-D ``x1`` (m,) and ``x2`` (n,): ``full`` m+n-1, ``same`` max, ``valid`` |m-n|+1."""

    def trapezoid(self, y: ArrayLike, x: ArrayLike | None = None, dx: float = 1.0, axis: int = -1) -> Tensor:
        """Trapezoidal integral of ``y`` along ``axis`` (samples at ``x`` or spaced ``dx``), ``y``'s shape less it."""

    def cdist(self, x: ArrayLike, y: ArrayLike) -> Tensor:
        """Euclidean distances between rows: ``x`` (..., m, d), ``y`` (..., n, d) -> (..., m, n)."""
