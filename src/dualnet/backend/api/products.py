"""Products and differences beyond matmul: Kronecker, inner, vdot, cross, n-th differences."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class ProductsAPI(Protocol):
    """NumPy's ``kron``, ``inner``, ``vdot``, ``cross`` and ``diff``."""

    def kron(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """The Kronecker product: blocks ``x1[i] * x2``, shape ``x1.shape * x2.shape`` (ranks padded with 1s)."""

    def inner(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """Sum over the last axes: shape ``x1.shape[:-1] + x2.shape[:-1]`` (a product for scalars)."""

    def vdot(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """The dot product of the flattened inputs (the first conjugated), a scalar."""

    def cross(
        self, x1: ArrayLike, x2: ArrayLike, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None
    ) -> Tensor:
        """Cross products of 3- (or 2-) vectors along ``axisa``/``axisb``, broadcast, the result's along ``axisc``."""

    def diff(self, a: ArrayLike, n: int = 1, axis: int = -1) -> Tensor:
        """The ``n``-th forward difference along ``axis``, which shrinks by ``n``."""
