"""Batch normalisation on ``torch.batch_norm`` (cuDNN on CUDA, the channels-last CPU kernel), channels-last inputs."""

from __future__ import annotations

import math
from typing import Any

import torch

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.errors import ShapeError

_HALF = (torch.float16, torch.bfloat16)


def _nchw(op: str, x: Any) -> tuple[torch.Tensor, torch.Tensor, torch.dtype]:
    """``x`` (N, ..., C) as an (N, C, 1, M) channels-last view (no copy for a contiguous ``x``), ``x``, its dtype."""
    x = convert_to_tensor(x)
    dtype = x.dtype
    # 16-bit inputs are normalised in float32, as the layer does: their variance overflows easily.
    if not x.is_floating_point() or dtype in _HALF:
        x = x.to(torch.float32)
    if x.ndim < 2:
        raise ShapeError(
            f"{op}: expects x of shape (N, ..., C) (rank >= 2), got {tuple(x.shape)}; add a batch axis first"
        )
    # (N, 1, M, C) is a free view of a contiguous (N, ..., C); its NCHW permutation is channels_last
    # contiguous, the layout the CPU kernel and cuDNN read in place.
    flat = x if x.ndim == 4 else x.reshape(x.shape[0], 1, math.prod(x.shape[1:-1]), x.shape[-1])
    return flat.permute(0, 3, 1, 2), x, dtype


def _param(p: Any, like: torch.Tensor) -> torch.Tensor | None:
    return None if p is None else convert_to_tensor(p).to(like.dtype)


def _back(y: torch.Tensor, x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    y = y.permute(0, 2, 3, 1).reshape(x.shape)
    return y.to(dtype) if dtype in _HALF else y


def batch_norm_train(
    x: ArrayLike,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-3,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    view, x, dtype = _nchw("batch_norm_train", x)
    channels = view.shape[1]
    count = x.numel() // max(channels, 1)
    # The kernel's running statistics, started at 0 with momentum 1, become the batch mean and the
    # unbiased variance in place: the statistics come out of the same pass that normalises.
    mean = torch.zeros(channels, dtype=x.dtype, device=x.device)
    unbiased = torch.zeros(channels, dtype=x.dtype, device=x.device)
    y = torch.batch_norm(
        view,
        _param(scale, x),
        _param(offset, x),
        mean,
        unbiased,
        True,
        1.0,
        epsilon,
        torch.backends.cudnn.enabled,
    )
    # Back to the biased variance (Keras's moving statistics); one value has variance 0 (the kernel gives 0 / 0).
    variance = unbiased * ((count - 1) / count) if count > 1 else torch.zeros_like(unbiased)
    return _back(y, x, dtype), mean, variance


def batch_norm_infer(
    x: ArrayLike,
    mean: ArrayLike,
    variance: ArrayLike,
    *,
    scale: ArrayLike | None = None,
    offset: ArrayLike | None = None,
    epsilon: float = 1e-3,
) -> torch.Tensor:
    view, x, dtype = _nchw("batch_norm_infer", x)
    y = torch.batch_norm(
        view,
        _param(scale, x),
        _param(offset, x),
        _param(mean, x),
        _param(variance, x),
        False,
        0.0,
        epsilon,
        torch.backends.cudnn.enabled,
    )
    return _back(y, x, dtype)
