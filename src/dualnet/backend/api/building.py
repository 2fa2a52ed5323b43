"""Building arrays: from data, uninitialised, identities, diagonals, triangles, geometric ranges, Vandermonde."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, DTypeName, ShapeLike, Tensor


class BuildingAPI(Protocol):
    """NumPy's array-building functions beyond ``creation``; float32 is the default float."""

    def array(self, x: ArrayLike, dtype: DTypeName | None = None) -> Tensor:
        """``x`` as a tensor (a copy), in ``dtype`` when given."""

    def empty(self, shape: ShapeLike, dtype: DTypeName | None = None) -> Tensor:
        """A tensor of shape ``shape`` (filled with zeros: no backend exposes unset memory portably)."""

    def empty_like(self, x: ArrayLike, dtype: DTypeName | None = None) -> Tensor:
        """A tensor of ``x``'s shape and dtype (unless ``dtype``), filled with zeros."""

    def identity(self, n: int, dtype: DTypeName | None = None) -> Tensor:
        """The ``(n, n)`` identity matrix."""

    def tri(self, N: int, M: int | None = None, k: int = 0, dtype: DTypeName | None = None) -> Tensor:
        """``(N, M)`` with ones at and below diagonal ``k``, zeros above."""

    def diag(self, x: ArrayLike, k: int = 0) -> Tensor:
        """A 1-D ``x`` as the diagonal ``k`` of a square matrix, or diagonal ``k`` of a 2-D ``x`` as 1-D."""

    def diagflat(self, x: ArrayLike, k: int = 0) -> Tensor:
        """The flattened ``x`` as diagonal ``k`` of a square matrix of side ``size + abs(k)``."""

    def geomspace(
        self,
        start: ArrayLike,
        stop: ArrayLike,
        num: int = 50,
        endpoint: bool = True,
        dtype: DTypeName | None = None,
        axis: int = 0,
    ) -> Tensor:
        """``num`` values from ``start`` to ``stop`` evenly spaced on a log scale, along new axis ``axis``."""

    def logspace(
        self,
        start: ArrayLike,
        stop: ArrayLike,
        num: int = 50,
        endpoint: bool = True,
        base: float = 10,
        dtype: DTypeName | None = None,
        axis: int = 0,
    ) -> Tensor:
        """``base ** linspace(start, stop, num)`` along new axis ``axis``."""

    def vander(self, x: ArrayLike, N: int | None = None, increasing: bool = False) -> Tensor:
        """``(len(x), N)``: the powers of the 1-D ``x``, decreasing from ``N - 1`` unless ``increasing``."""
