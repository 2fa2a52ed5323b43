"""Complex numbers: parts, conjugate, angle, polar form, views as pairs of reals, saturating casts.

complex64 pairs with float32 and complex128 with float64.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, DTypeName, Tensor


class ComplexAPI(Protocol):
    """keras.ops's complex-number functions and ``saturate_cast``."""

    def real(self, x: ArrayLike) -> Tensor:
        """Real part (float for complex ``x``, ``x`` itself otherwise), same shape."""

    def imag(self, x: ArrayLike) -> Tensor:
        """Imaginary part (zeros of ``x``'s dtype for real ``x``), same shape."""

    def conj(self, x: ArrayLike) -> Tensor:
        """Complex conjugate (``x`` itself for real ``x``), same shape and dtype."""

    def conjugate(self, x: ArrayLike) -> Tensor:
        """Complex conjugate, another name for ``conj``."""

    def angle(self, x: ArrayLike) -> Tensor:
        """Argument ``atan2(imag, real)`` in radians as a float, same shape."""

    def polar(self, abs_: ArrayLike, angle: ArrayLike) -> Tensor:
        """``abs_ * exp(1j * angle)`` as complex, the broadcast shape."""

    def view_as_complex(self, x: ArrayLike) -> Tensor:
        """Float ``x`` (..., 2) of (real, imag) pairs as complex (...)."""

    def view_as_real(self, x: ArrayLike) -> Tensor:
        """Complex ``x`` (...) as float (..., 2) of (real, imag) pairs."""

    def saturate_cast(self, x: ArrayLike, dtype: DTypeName) -> Tensor:
        """``x`` clipped to ``dtype``'s range, then cast: same shape, dtype ``dtype``."""
