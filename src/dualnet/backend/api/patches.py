"""Rearranging pixels, channels-last: ``depth_to_space``, ``space_to_depth``, ``unfold`` (im2col), ``fold`` (col2im).

``x`` is ``(N, H, W, C)``. ``unfold`` gives ``(N, L, kh * kw * C)``, each patch
flattened in ``(kh, kw, C)`` order (the conv kernel's), and ``fold`` sums such
patches back into ``(N, H, W, C)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor

IntOrPair = int | Sequence[int]


class PatchesAPI(Protocol):
    """Block and patch rearrangements of channels-last images."""

    def depth_to_space(self, x: ArrayLike, block_size: int) -> Tensor:
        """(N, H, W, b*b*C) -> (N, H*b, W*b, C), TensorFlow's (DCR) channel order."""

    def space_to_depth(self, x: ArrayLike, block_size: int) -> Tensor:
        """(N, H*b, W*b, C) -> (N, H, W, b*b*C), the inverse of ``depth_to_space``."""

    def unfold(
        self,
        x: ArrayLike,
        kernel_size: IntOrPair,
        dilation: IntOrPair = 1,
        padding: IntOrPair = 0,
        stride: IntOrPair = 1,
    ) -> Tensor:
        """Sliding patches of (N, H, W, C) as (N, L, kh*kw*C), rows in output-position order."""

    def fold(
        self,
        x: ArrayLike,
        output_size: IntOrPair,
        kernel_size: IntOrPair,
        dilation: IntOrPair = 1,
        padding: IntOrPair = 0,
        stride: IntOrPair = 1,
    ) -> Tensor:
        """Patches (N, L, kh*kw*C) summed into (N, oH, oW, C): the adjoint of ``unfold``."""
