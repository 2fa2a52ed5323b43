"""Ops on a norm of ``x``: unit p-norm ``normalize``, ``rms_normalization`` and ``psnr``; Keras's epsilon 1e-7.

16-bit floats are computed in float32 and cast back; integers give float32.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class NormsAPI(Protocol):
    """``keras.ops.normalize``, ``rms_normalization`` and ``psnr``."""

    def normalize(
        self, x: ArrayLike, axis: int | Sequence[int] = -1, order: int = 2, epsilon: float | None = None
    ) -> Tensor:
        """``x / max(||x||_order, epsilon)`` over ``axis``; same shape."""

    def rms_normalization(
        self,
        x: ArrayLike,
        scale: ArrayLike | None = None,
        axis: int | Sequence[int] = -1,
        epsilon: float | None = None,
    ) -> Tensor:
        """``x * rsqrt(mean(x**2, axis) + epsilon) * scale``; same shape."""

    def psnr(self, x1: ArrayLike, x2: ArrayLike, max_val: float) -> Tensor:
        """``20 log10(max_val) - 10 log10(mean((x1 - x2)**2))`` over all elements of one shape: a scalar."""
