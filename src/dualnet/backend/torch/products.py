"""Products and differences on torch, written on broadcasting so autograd and dtypes follow the elementwise ops."""

from __future__ import annotations

import torch

from dualnet.backend import spacing
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.common import canonical_axis
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.backend.torch.searching import _pair
from dualnet.errors import ArgumentError, ShapeError


def kron(x1: ArrayLike, x2: ArrayLike) -> torch.Tensor:
    a, b = _pair(x1, x2)
    rank = max(a.ndim, b.ndim)
    sa, sb = (1,) * (rank - a.ndim) + tuple(a.shape), (1,) * (rank - b.ndim) + tuple(b.shape)
    # Interleave the axes, (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...), then merge each pair.
    ia = [d for n in sa for d in (n, 1)]
    ib = [d for n in sb for d in (1, n)]
    return (a.reshape(ia) * b.reshape(ib)).reshape([m * n for m, n in zip(sa, sb)])


def inner(x1: ArrayLike, x2: ArrayLike) -> torch.Tensor:
    a, b = _pair(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"inner: last axes differ, shapes {tuple(a.shape)} and {tuple(b.shape)}; they must match")
    return torch.tensordot(a, b, dims=([-1], [-1]))


def vdot(x1: ArrayLike, x2: ArrayLike) -> torch.Tensor:
    a, b = _pair(x1, x2)
    if a.numel() != b.numel():
        raise ShapeError(f"vdot: sizes differ ({a.numel()} and {b.numel()}); the inputs need as many elements")
    a = a.conj() if a.is_complex() else a
    return torch.sum(a.reshape(-1) * b.reshape(-1), dtype=a.dtype)  # torch would widen integers to int64


def cross(
    x1: ArrayLike, x2: ArrayLike, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None
) -> torch.Tensor:
    a, b = _pair(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a = torch.movedim(a, canonical_axis(axisa, a.ndim, "cross"), -1)
    b = torch.movedim(b, canonical_axis(axisb, b.ndim, "cross"), -1)
    spacing.cross_dims(a.shape[-1], b.shape[-1])
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a0 * b1 - a1 * b0
    a2 = a[..., 2] if a.shape[-1] == 3 else torch.zeros_like(a0)
    b2 = b[..., 2] if b.shape[-1] == 3 else torch.zeros_like(b0)
    out = torch.stack(torch.broadcast_tensors(a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0), -1)
    return torch.movedim(out, -1, canonical_axis(axisc, out.ndim, "cross"))


def diff(a: ArrayLike, n: int = 1, axis: int = -1) -> torch.Tensor:
    x = convert_to_tensor(a)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ArgumentError(f"diff: n={n!r} must be a non-negative int (the order of the difference)")
    if x.ndim == 0:
        raise ShapeError("diff: needs at least a 1-D input, got a scalar")
    axis = canonical_axis(axis, x.ndim, "diff")
    for _ in range(min(n, x.shape[axis])):
        head, tail = x.narrow(axis, 1, x.shape[axis] - 1), x.narrow(axis, 0, x.shape[axis] - 1)
        x = head != tail if x.dtype == torch.bool else head - tail  # NumPy: bools differ by not_equal
    return x
