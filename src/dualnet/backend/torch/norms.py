"""normalize, rms_normalization and psnr on torch (``F.rms_norm`` where it applies)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.errors import ShapeError

_EPSILON = 1e-7  # keras.backend.epsilon()
_HALF = (torch.float16, torch.bfloat16)


def _compute(x: Any) -> tuple[torch.Tensor, torch.dtype]:
    """``x`` in its compute dtype (float32 for integers and 16-bit floats) and the dtype to return."""
    x = convert_to_tensor(x)
    if not x.is_floating_point():
        return x.to(torch.float32), torch.float32
    return (x.to(torch.float32), x.dtype) if x.dtype in _HALF else (x, x.dtype)


def _axes(op: str, axis: Any, x: torch.Tensor) -> tuple[int, ...]:
    return tuple(sorted(common.canonical_axes(axis, x.ndim, op, ShapeError)))


def normalize(
    x: ArrayLike, axis: int | Sequence[int] = -1, order: int = 2, epsilon: float | None = None
) -> torch.Tensor:
    x, dtype = _compute(x)
    x = x.reshape(1) if x.ndim == 0 else x
    eps = _EPSILON if epsilon is None else epsilon
    axes = _axes("normalize", axis, x)
    if order == 2:
        # Keras's form: min(rsqrt, 1 / eps) has the same value as F.normalize's x / max(norm, eps).
        square_sum = torch.sum(x * x, axes, keepdim=True)
        # rsqrt(0) is inf, and its clamped gradient 0 * inf is nan: a zero slice takes the constant branch instead,
        # whose gradient is F.normalize's I / eps (both where branches must be finite for the gradient to be).
        nonzero = square_sum > 0
        root = torch.rsqrt(torch.where(nonzero, square_sum, torch.ones_like(square_sum)))
        inv = torch.where(nonzero, torch.clamp(root, max=1.0 / eps), torch.full_like(square_sum, 1.0 / eps))
        return (x * inv).to(dtype)
    # F.normalize's own formula; it is typed for a single dim, and axis may be a tuple.
    norm = torch.linalg.vector_norm(x, float(order), axes, keepdim=True)
    return (x / norm.clamp_min(eps)).to(dtype)


def rms_normalization(
    x: ArrayLike, scale: ArrayLike | None = None, axis: int | Sequence[int] = -1, epsilon: float | None = None
) -> torch.Tensor:
    x, dtype = _compute(x)
    x = x.reshape(1) if x.ndim == 0 else x
    eps = _EPSILON if epsilon is None else epsilon
    axes = _axes("rms_normalization", axis, x)
    weight = None if scale is None else convert_to_tensor(scale).to(x.dtype)
    if axes == tuple(range(x.ndim - len(axes), x.ndim)):
        normalized = tuple(x.shape[x.ndim - len(axes) :])
        if weight is None or tuple(weight.shape) == normalized:
            return F.rms_norm(x, normalized, weight, eps).to(dtype)
    y = x * torch.rsqrt(torch.mean(x * x, axes, keepdim=True) + eps)
    return (y if weight is None else y * weight).to(dtype)


def psnr(x1: ArrayLike, x2: ArrayLike, max_val: float) -> torch.Tensor:
    x1, dtype = _compute(x1)
    x2 = convert_to_tensor(x2).to(x1.dtype)
    mse = torch.mean(torch.square(x1 - x2))
    return (20.0 * math.log10(max_val) - 10.0 * torch.log10(mse)).to(dtype)
