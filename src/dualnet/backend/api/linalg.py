"""Linear algebra with NumPy's semantics; operands are promoted to their common dtype first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class LinalgAPI(Protocol):
    """Products, contractions, norms and diagonals."""

    def matmul(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``(..., n, k) @ (..., k, m) -> (..., n, m)``, batch axes broadcast, 1-D operands as row / column."""

    def dot(self, a: ArrayLike, b: ArrayLike) -> Tensor:
        """NumPy's dot: shape ``a.shape[:-1] + b.shape[:-2] + b.shape[-1:]`` (a product with a scalar)."""

    def outer(self, a: ArrayLike, b: ArrayLike) -> Tensor:
        """``out[i, j] = a[i] * b[j]`` of the flattened operands, shape ``(a.size, b.size)``."""

    def einsum(self, subscripts: str, *operands: ArrayLike) -> Tensor:
        """Einstein summation with explicit output labels (``"bij,bjk->bik"``): one axis per output label."""

    def tensordot(self, a: ArrayLike, b: ArrayLike, axes: int | Sequence[Any] = 2) -> Tensor:
        """Sum of products over paired axes: ``a``'s free axes then ``b``'s."""

    def norm(
        self,
        x: ArrayLike,
        ord: float | str | None = None,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
    ) -> Tensor:
        """Vector norm ``ord`` over ``axis`` (Frobenius over two axes), ``x``'s shape less ``axis``."""

    def trace(self, x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """Sum of diagonal ``offset`` over ``axis1``, ``axis2``: ``x``'s shape without them."""

    def diagonal(self, x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """Diagonal ``offset`` over ``axis1``, ``axis2``, appended as the last axis of the remaining shape."""
