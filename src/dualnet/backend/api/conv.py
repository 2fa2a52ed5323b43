"""Convolution and pooling, channels-last.

Inputs are ``(N, *spatial, C)`` with 1, 2 or 3 spatial axes; conv kernels
``(*k, C_in // groups, C_out)``, transposed-conv kernels ``(*k, C_in, C_out)``.
``strides``, ``dilation`` and ``pool_size`` are an int or one int per spatial
axis; ``padding`` is ``"valid"`` or ``"same"`` (TensorFlow's: the extra cell at the end).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor

IntOrTuple = int | Sequence[int]


class ConvAPI(Protocol):
    """N-D convolutions and pools without layout copies."""

    def conv(
        self,
        x: ArrayLike,
        kernel: ArrayLike,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        dilation: IntOrTuple = 1,
        groups: int = 1,
        bias: ArrayLike | None = None,
    ) -> Tensor:
        """Cross-correlation of ``x`` with ``kernel`` plus ``bias`` (C_out,): ``(N, *out_spatial, C_out)``."""

    def depthwise_conv(
        self, x: ArrayLike, kernel: ArrayLike, strides: IntOrTuple = 1, padding: str = "valid", dilation: IntOrTuple = 1
    ) -> Tensor:
        """Each channel of ``x`` (N, *s, C) with its own filters ``(*k, C, m)``: ``(N, *out_spatial, C * m)``."""

    def conv_transpose(
        self,
        x: ArrayLike,
        kernel: ArrayLike,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        output_padding: IntOrTuple | None = None,
        dilation: IntOrTuple = 1,
    ) -> Tensor:
        """The gradient of ``conv`` w.r.t. its input, Keras's output sizes: ``(N, *out_spatial, C_out)``."""

    def max_pool(
        self, x: ArrayLike, pool_size: IntOrTuple, strides: IntOrTuple | None = None, padding: str = "valid"
    ) -> Tensor:
        """Window maxima of ``x`` (strides default to ``pool_size``): ``(N, *out_spatial, C)``."""

    def avg_pool(
        self, x: ArrayLike, pool_size: IntOrTuple, strides: IntOrTuple | None = None, padding: str = "valid"
    ) -> Tensor:
        """Window means over the real cells of ``x`` (strides default to ``pool_size``): ``(N, *out_spatial, C)``."""

    def separable_conv(
        self,
        x: ArrayLike,
        depthwise_kernel: ArrayLike,
        pointwise_kernel: ArrayLike,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        dilation: IntOrTuple = 1,
    ) -> Tensor:
        """``depthwise_conv`` by ``(*k, C, m)`` then a 1x1 ``conv`` by ``(*1, C * m, C_out)``: (N, *out, C_out)."""
