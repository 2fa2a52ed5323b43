"""Tensor creation on torch: constant fills, ranges, identity and triangular masks.

New tensors go on the current dualnet device; ``*_like`` results stay on the
device of the tensor they copy.
"""

from __future__ import annotations

from typing import Any

import torch

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike, DTypeName, ShapeLike
from dualnet.backend.torch.core import convert_to_tensor, native_dtype, target_device
from dualnet.dtypes import is_float, is_int, result_type
from dualnet.errors import ShapeError

_SCALAR = (bool, int, float)


def zeros(shape: ShapeLike, dtype: DTypeName = "float32") -> torch.Tensor:
    return torch.zeros(shape, dtype=native_dtype(dtype), device=target_device())


def ones(shape: ShapeLike, dtype: DTypeName = "float32") -> torch.Tensor:
    return torch.ones(shape, dtype=native_dtype(dtype), device=target_device())


def _filled(fill: torch.Tensor, shape: Any, op: str) -> torch.Tensor:
    """``fill`` broadcast to ``shape``, as a fresh contiguous tensor (never an alias of the input)."""
    try:
        expanded = fill.expand(tuple(shape))
    except RuntimeError:
        raise ShapeError(
            f"{op}: fill_value of shape {tuple(fill.shape)} does not broadcast to shape {tuple(shape)}; "
            "pass a scalar or a value whose trailing sizes match (or are 1)"
        ) from None
    return expanded.clone(memory_format=torch.contiguous_format)


def full(shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeName | None = None) -> torch.Tensor:
    if isinstance(fill_value, _SCALAR):
        dt = native_dtype(dtype or result_type(fill_value))
        return torch.full(shape, fill_value, dtype=dt, device=target_device())
    return _filled(convert_to_tensor(fill_value, dtype).to(target_device()), shape, "full")


def zeros_like(x: ArrayLike, dtype: DTypeName | None = None) -> torch.Tensor:
    return torch.zeros_like(convert_to_tensor(x), dtype=None if dtype is None else native_dtype(dtype))


def ones_like(x: ArrayLike, dtype: DTypeName | None = None) -> torch.Tensor:
    return torch.ones_like(convert_to_tensor(x), dtype=None if dtype is None else native_dtype(dtype))


def full_like(x: ArrayLike, fill_value: ArrayLike, dtype: DTypeName | None = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    dt = x.dtype if dtype is None else native_dtype(dtype)
    if isinstance(fill_value, _SCALAR):
        return torch.full_like(x, fill_value, dtype=dt)
    fill = convert_to_tensor(fill_value).to(device=x.device, dtype=dt)
    return _filled(fill, x.shape, "full_like")


def arange(start: float, stop: float | None = None, step: float = 1, dtype: DTypeName | None = None) -> torch.Tensor:
    start, stop, step, dtype = common.arange_args(start, stop, step, dtype)
    dt = native_dtype(dtype)
    n = common.arange_length(start, stop, step)
    device = target_device()
    if n <= 0:
        return torch.empty(0, dtype=dt, device=device)  # torch.arange refuses a stop on the wrong side of start
    if is_float(dtype) or any(isinstance(v, float) for v in (start, stop, step)):
        # torch fills float32 ranges in float32; start + i * step in float64 is NumPy's value, the same on
        # every backend. Integer dtypes truncate.
        return (torch.arange(n, dtype=torch.float64, device=device) * step + start).to(dt)
    return torch.arange(start, stop, step, dtype=dt, device=device)


def linspace(
    start: float, stop: float, num: int = 50, endpoint: bool = True, dtype: DTypeName = "float32"
) -> torch.Tensor:
    # NumPy's formula, in float64 (torch.linspace fills from both ends and differs in the last bits).
    start, stop = float(start), float(stop)
    div = num - 1 if endpoint else num
    delta = stop - start
    y = torch.arange(num, dtype=torch.float64, device=target_device())
    if div > 0:
        step = delta / div
        y = y * step + start if step != 0 else y / div * delta + start
    else:
        y = y * delta + start
    if endpoint and num > 1:
        y[-1] = stop
    if is_int(dtype):
        y = torch.floor(y)  # NumPy rounds toward -inf for integer dtypes
    return y.to(native_dtype(dtype))


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeName = "float32") -> torch.Tensor:
    M = N if M is None else M
    dt = native_dtype(dtype)
    device = target_device()
    if k == 0:
        return torch.eye(N, M, dtype=dt, device=device)
    rows = torch.arange(N, device=device)[:, None]
    return (rows + k == torch.arange(M, device=device)).to(dt)


def _matrix(x: Any, op: str) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.ndim < 2:
        raise ShapeError(
            f"{op}: expects a matrix or a batch of matrices (rank >= 2), got shape {tuple(x.shape)}; "
            "reshape the input to (..., rows, cols)"
        )
    return x


def tril(x: ArrayLike, k: int = 0) -> torch.Tensor:
    return torch.tril(_matrix(x, "tril"), k)


def triu(x: ArrayLike, k: int = 0) -> torch.Tensor:
    return torch.triu(_matrix(x, "triu"), k)
