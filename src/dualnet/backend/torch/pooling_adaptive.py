"""Adaptive pools on torch: ``F.adaptive_*_pool2d`` on the channels-last view (1-D inputs as height 1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor

IntOrTuple = int | Sequence[int]


def _pool(pool: Callable[..., Any], x: ArrayLike, output_size: IntOrTuple) -> torch.Tensor:
    x = convert_to_tensor(x)
    n = x.ndim - 2
    size = (int(output_size),) * n if isinstance(output_size, int) else tuple(int(s) for s in output_size)
    one_d = n == 1
    if one_d:
        x, size = x.unsqueeze(1), (1, *size)
    # An NHWC tensor permuted to NCHW is a channels_last view; the result keeps that layout, so no copy either way.
    y = pool(x.permute(0, 3, 1, 2), size).permute(0, 2, 3, 1)
    return y.squeeze(1) if one_d else y


def adaptive_average_pool(x: ArrayLike, output_size: IntOrTuple) -> torch.Tensor:
    return _pool(F.adaptive_avg_pool2d, x, output_size)


def adaptive_max_pool(x: ArrayLike, output_size: IntOrTuple) -> torch.Tensor:
    return _pool(F.adaptive_max_pool2d, x, output_size)
