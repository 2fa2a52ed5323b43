"""Building arrays on torch; the geometric ranges in float64 as NumPy computes them, then cast."""

from __future__ import annotations

import torch

from dualnet.backend import spacing
from dualnet.backend.api.types import ArrayLike, DTypeName, ShapeLike
from dualnet.backend.common import as_shape, canonical_axis
from dualnet.backend.torch.core import convert_to_tensor, native_dtype, target_device


def array(x: ArrayLike, dtype: DTypeName | None = None) -> torch.Tensor:
    t = convert_to_tensor(x, dtype)
    return t.clone() if t is x else t


def empty(shape: ShapeLike, dtype: DTypeName | None = None) -> torch.Tensor:
    return torch.zeros(as_shape(shape), dtype=native_dtype(dtype or "float32"), device=target_device())


def empty_like(x: ArrayLike, dtype: DTypeName | None = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    return torch.zeros_like(x, dtype=None if dtype is None else native_dtype(dtype))


def identity(n: int, dtype: DTypeName | None = None) -> torch.Tensor:
    n = spacing.check_count("identity", "n", n)
    return torch.eye(n, dtype=native_dtype(dtype or "float32"), device=target_device())


def tri(N: int, M: int | None = None, k: int = 0, dtype: DTypeName | None = None) -> torch.Tensor:
    N = spacing.check_count("tri", "N", N)
    M = N if M is None else spacing.check_count("tri", "M", M)
    rows = torch.arange(N, device=target_device())[:, None]
    return (rows + k >= torch.arange(M, device=target_device())).to(native_dtype(dtype or "float32"))


def diag(x: ArrayLike, k: int = 0) -> torch.Tensor:
    x = convert_to_tensor(x)
    spacing.check_vector("diag", x.ndim, (1, 2))
    return torch.diag(x, k)


def diagflat(x: ArrayLike, k: int = 0) -> torch.Tensor:
    return torch.diag(convert_to_tensor(x).reshape(-1), k)


def _spaced(start: ArrayLike, stop: ArrayLike, num: int, endpoint: bool, axis: int) -> torch.Tensor:
    """NumPy's linspace of broadcast bounds in float64, the samples along ``axis``."""
    s, e = torch.broadcast_tensors(convert_to_tensor(start, "float64"), convert_to_tensor(stop, "float64"))
    div = num - 1 if endpoint else num
    t = torch.arange(num, dtype=torch.float64, device=s.device).reshape(num, *(1,) * s.ndim)
    y = s + t * ((e - s) / div if div > 0 else e - s)
    if endpoint and num > 1:
        y = torch.cat([y[:-1], e[None]])
    return torch.movedim(y, 0, canonical_axis(axis, y.ndim, "logspace"))


def logspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    base: float = 10,
    dtype: DTypeName | None = None,
    axis: int = 0,
) -> torch.Tensor:
    num = spacing.check_count("logspace", "num", num)
    y = torch.pow(torch.as_tensor(base, dtype=torch.float64), _spaced(start, stop, num, endpoint, axis))
    return y.to(native_dtype(dtype or "float32"))


def geomspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    dtype: DTypeName | None = None,
    axis: int = 0,
) -> torch.Tensor:
    num = spacing.check_count("geomspace", "num", num)
    spacing.check_geomspace(start, stop)
    s, e = torch.broadcast_tensors(convert_to_tensor(start, "float64"), convert_to_tensor(stop, "float64"))
    y = torch.pow(10.0, _spaced(torch.log10(s.abs()), torch.log10(e.abs()), num, endpoint, 0)) * torch.sign(s)
    if num:  # NumPy makes the ends exact
        y = torch.cat([s[None], y[1:-1], e[None]]) if endpoint and num > 1 else torch.cat([s[None], y[1:]])
    return torch.movedim(y, 0, canonical_axis(axis, y.ndim, "geomspace")).to(native_dtype(dtype or "float32"))


def vander(x: ArrayLike, N: int | None = None, increasing: bool = False) -> torch.Tensor:
    x = convert_to_tensor(x)
    spacing.check_vector("vander", x.ndim, (1,))
    N = x.shape[0] if N is None else spacing.check_count("vander", "N", N)
    # Running products, as NumPy's multiply.accumulate (torch.vander's backward fails on its in-place fill).
    powers = torch.cumprod(x[:, None].expand(-1, max(N - 1, 0)), dim=1)
    out = torch.cat([torch.ones_like(x)[:, None], powers], 1)[:, :N]
    return out if increasing else torch.flip(out, (1,))
