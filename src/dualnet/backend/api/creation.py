"""Tensor creation: constant fills, ranges, identity matrices, triangular parts.

New tensors go on the current device; ``*_like`` results on the device of the tensor they copy.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, DTypeName, ShapeLike, Tensor


class CreationAPI(Protocol):
    """NumPy's creation functions, with float32 as the default float."""

    def zeros(self, shape: ShapeLike, dtype: DTypeName = "float32") -> Tensor:
        """Zeros of shape ``shape``."""

    def ones(self, shape: ShapeLike, dtype: DTypeName = "float32") -> Tensor:
        """Ones of shape ``shape``."""

    def full(self, shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeName | None = None) -> Tensor:
        """``fill_value`` broadcast to shape ``shape`` (dtype from the value when None)."""

    def zeros_like(self, x: ArrayLike, dtype: DTypeName | None = None) -> Tensor:
        """Zeros of ``x``'s shape, in its dtype unless ``dtype``."""

    def ones_like(self, x: ArrayLike, dtype: DTypeName | None = None) -> Tensor:
        """Ones of ``x``'s shape, in its dtype unless ``dtype``."""

    def full_like(self, x: ArrayLike, fill_value: ArrayLike, dtype: DTypeName | None = None) -> Tensor:
        """``fill_value`` broadcast to ``x``'s shape, in ``x``'s dtype unless ``dtype``."""

    def arange(
        self, start: float, stop: float | None = None, step: float = 1, dtype: DTypeName | None = None
    ) -> Tensor:
        """``start, start + step, ...`` below ``stop``: shape ``(n,)``; ``arange(n)`` counts from 0."""

    def linspace(
        self, start: float, stop: float, num: int = 50, endpoint: bool = True, dtype: DTypeName = "float32"
    ) -> Tensor:
        """``num`` evenly spaced values from ``start`` to ``stop``, shape ``(num,)``, computed as NumPy does."""

    def eye(self, N: int, M: int | None = None, k: int = 0, dtype: DTypeName = "float32") -> Tensor:
        """An ``(N, M)`` matrix (``M`` defaults to ``N``) with ones on diagonal ``k``."""

    def tril(self, x: ArrayLike, k: int = 0) -> Tensor:
        """``x`` of shape ``(..., rows, cols)`` with the entries above diagonal ``k`` zeroed."""

    def triu(self, x: ArrayLike, k: int = 0) -> Tensor:
        """``x`` of shape ``(..., rows, cols)`` with the entries below diagonal ``k`` zeroed."""
