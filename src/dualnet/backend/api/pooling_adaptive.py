"""Adaptive pools, channels-last: a fixed output size, PyTorch's bins.

Output cell ``i`` of an axis of length ``L`` pools input cells
``[floor(i * L / out), ceil((i + 1) * L / out))``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor

IntOrTuple = int | Sequence[int]


class PoolingAdaptiveAPI(Protocol):
    """``keras.ops.adaptive_average_pool`` and ``adaptive_max_pool`` on (N, W, C) and (N, H, W, C)."""

    def adaptive_average_pool(self, x: ArrayLike, output_size: IntOrTuple) -> Tensor:
        """Bin means of (N, *spatial, C): (N, *output_size, C)."""

    def adaptive_max_pool(self, x: ArrayLike, output_size: IntOrTuple) -> Tensor:
        """Bin maxima of (N, *spatial, C): (N, *output_size, C)."""
