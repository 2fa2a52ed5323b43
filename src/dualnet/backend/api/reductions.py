"""Reductions over axes, NumPy's semantics.

``axis`` is None (every axis), an int or a sequence of ints, ``()`` reducing
nothing; reduced axes leave the shape, or stay with size 1 when ``keepdims``.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Axes, Tensor


class ReductionsAPI(Protocol):
    """Sums, means, extrema, variance, arg-extrema, logsumexp, any/all, cumulative sums and products."""

    def sum(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (integers and bools give int64), ``x``'s shape less the reduced axes."""

    def mean(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (integers give float32), ``x``'s shape less the reduced axes."""

    def max(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Largest value over ``axis``, ``x``'s shape less the reduced axes; ArgumentError for a zero-size axis."""

    def min(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Smallest value over ``axis``, ``x``'s shape less the reduced axes; ArgumentError for a zero-size axis."""

    def prod(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """Product over ``axis`` (integers and bools give int64), ``x``'s shape less the reduced axes."""

    def std(self, x: ArrayLike, axis: Axes = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """Standard deviation over ``axis`` with ``ddof`` degrees removed, ``x``'s shape less the reduced axes."""

    def var(self, x: ArrayLike, axis: Axes = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """Variance over ``axis`` with ``ddof`` degrees removed, ``x``'s shape less the reduced axes."""

    def argmax(self, x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """int64 index of the first largest value along ``axis`` (None: flattened), ``x``'s shape less ``axis``."""

    def argmin(self, x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """int64 index of the first smallest value along ``axis`` (None: flattened), ``x``'s shape less ``axis``."""

    def logsumexp(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """``log(sum(exp(x)))`` over ``axis`` without overflow, ``x``'s shape less the reduced axes."""

    def any(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """bool: some value over ``axis`` is true, ``x``'s shape less the reduced axes."""

    def all(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> Tensor:
        """bool: every value over ``axis`` is true, ``x``'s shape less the reduced axes."""

    def cumsum(self, x: ArrayLike, axis: int | None = None) -> Tensor:
        """Running sum along ``axis``: ``x``'s shape, or 1-D over the flattened ``x`` for None."""

    def cumprod(self, x: ArrayLike, axis: int | None = None) -> Tensor:
        """Running product along ``axis``: ``x``'s shape, or 1-D over the flattened ``x`` for None."""
