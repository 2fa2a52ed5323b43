"""Bitwise operations on integer and bool tensors.

Binary functions broadcast and promote as :func:`dualnet.dtypes.result_type`
says; float or complex operands raise DTypeError.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class BitwiseAPI(Protocol):
    """and, or, xor, not and shifts, with NumPy's and keras.ops's names."""

    def bitwise_and(self, x: ArrayLike, y: ArrayLike) -> Tensor:
        """``x & y``, the broadcast shape."""

    def bitwise_or(self, x: ArrayLike, y: ArrayLike) -> Tensor:
        """``x | y``, the broadcast shape."""

    def bitwise_xor(self, x: ArrayLike, y: ArrayLike) -> Tensor:
        """``x ^ y``, the broadcast shape."""

    def bitwise_invert(self, x: ArrayLike) -> Tensor:
        """``~x`` (logical not for bool), same shape and dtype."""

    def bitwise_not(self, x: ArrayLike) -> Tensor:
        """``~x``, another name for ``bitwise_invert``."""

    def bitwise_left_shift(self, x: ArrayLike, y: ArrayLike) -> Tensor:
        """``x << y``, the broadcast shape."""

    def bitwise_right_shift(self, x: ArrayLike, y: ArrayLike) -> Tensor:
        """``x >> y`` (arithmetic for signed integers), the broadcast shape."""

    def left_shift(self, x: ArrayLike, y: ArrayLike) -> Tensor:
        """``x << y``, another name for ``bitwise_left_shift``."""

    def right_shift(self, x: ArrayLike, y: ArrayLike) -> Tensor:
        """``x >> y``, another name for ``bitwise_right_shift``."""
