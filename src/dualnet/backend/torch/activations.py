"""The activations of ``api/activations.py`` on torch (``torch.nn.functional`` where it has them)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.nn import _float
from dualnet.errors import ShapeError


def _axis(x: torch.Tensor, axis: int, op: str) -> int:
    return common.canonical_axes(axis, x.ndim, op, ShapeError)[0]


def celu(x: ArrayLike, alpha: float = 1.0) -> torch.Tensor:
    return F.celu(_float(x), alpha)


def glu(x: ArrayLike, axis: int = -1) -> torch.Tensor:
    x = _float(x)
    dim = _axis(x, axis, "glu")
    if x.shape[dim] % 2:
        raise ShapeError(
            f"glu: axis {axis} of x (shape {tuple(x.shape)}) "
            "must have an even size to split into value and gate; pass an axis of even size"
        )
    return F.glu(x, dim)


def hard_silu(x: ArrayLike) -> torch.Tensor:
    return F.hardswish(_float(x))


def hard_swish(x: ArrayLike) -> torch.Tensor:
    return F.hardswish(_float(x))


def hard_tanh(x: ArrayLike) -> torch.Tensor:
    return F.hardtanh(_float(x))


def hard_shrink(x: ArrayLike, threshold: float = 0.5) -> torch.Tensor:
    return F.hardshrink(_float(x), threshold)


def soft_shrink(x: ArrayLike, threshold: float = 0.5) -> torch.Tensor:
    return F.softshrink(_float(x), threshold)


def tanh_shrink(x: ArrayLike) -> torch.Tensor:
    return F.tanhshrink(_float(x))


def sparse_plus(x: ArrayLike) -> torch.Tensor:
    x = _float(x)
    middle = torch.square(x.clamp(-1.0, 1.0) + 1) / 4
    return torch.where(x >= 1, x, middle)


def sparse_sigmoid(x: ArrayLike) -> torch.Tensor:
    return ((_float(x) + 1) / 2).clamp(0.0, 1.0)


def sparsemax(x: ArrayLike, axis: int = -1) -> torch.Tensor:
    x = _float(x)
    dim = _axis(x, axis, "sparsemax")
    ordered = torch.sort(x, dim=dim, descending=True).values
    total = torch.cumsum(ordered, dim)
    shape = [1] * x.ndim
    shape[dim] = -1
    rank = torch.arange(1, x.shape[dim] + 1, dtype=x.dtype, device=x.device).reshape(shape)
    support = ordered * rank > total - 1
    k = support.sum(dim=dim, keepdim=True).to(x.dtype)
    kept = torch.where(support, ordered, torch.zeros_like(ordered)).sum(dim=dim, keepdim=True)
    tau = (kept - 1) / k
    return torch.clamp(x - tau, min=0.0)


def squareplus(x: ArrayLike, b: float = 4.0) -> torch.Tensor:
    x = _float(x)
    root = torch.sqrt(torch.square(x) + b)
    # (x + root) / 2 cancels for large negative x; b / (2 (root - x)) is the same number without cancellation.
    return torch.where(x >= 0, (x + root) / 2, b / (2 * (root - x)))


def threshold(x: ArrayLike, threshold: float, default_value: float) -> torch.Tensor:
    return F.threshold(_float(x), threshold, default_value)


def swish(x: ArrayLike) -> torch.Tensor:
    return F.silu(_float(x))


def mish(x: ArrayLike) -> torch.Tensor:
    return F.mish(_float(x))
