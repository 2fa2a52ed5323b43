"""Reductions that skip nan, on torch: each replaces nan by the reduction's neutral value, or counts the rest."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from dualnet.backend.api.types import ArrayLike, Axes
from dualnet.backend.torch.core import convert_to_tensor, native_dtype
from dualnet.backend.torch.reductions import (
    _axes,
    _float,
    _one_axis,
    all as _all,
    argmax as _argmax,
    argmin as _argmin,
    max as _max,
    min as _min,
    prod as _prod,
    sum as _sum,
)
from dualnet.backend.torch.statistics import order_statistic


def _filled(x: ArrayLike, value: float) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``x`` with nan replaced by ``value``, and the nan mask (None when ``x`` cannot hold nan)."""
    t = convert_to_tensor(x)
    if not (t.is_floating_point() or t.is_complex()):
        return t, None
    nan = torch.isnan(t)
    return torch.where(nan, torch.full_like(t, value), t), nan


def _named(x: ArrayLike, axis: Axes, op: str) -> Any:
    """``x`` as a tensor once ``axis`` is checked, so that an error names ``op`` (not the reduction it uses)."""
    t = convert_to_tensor(x)
    _axes(axis, t.ndim, op)
    return t


def nansum(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    return _sum(_filled(_named(x, axis, "nansum"), 0.0)[0], axis, keepdims)


def nanprod(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    return _prod(_filled(_named(x, axis, "nanprod"), 1.0)[0], axis, keepdims)


def _count(t: torch.Tensor, nan: torch.Tensor | None, axis: Axes, keepdims: bool) -> torch.Tensor:
    present = torch.ones_like(t, dtype=torch.bool) if nan is None else ~nan
    return _sum(present, axis, keepdims).to(t.real.dtype)


def nanmean(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    t, nan = _filled(_float(_named(x, axis, "nanmean")), 0.0)
    return _sum(t, axis, keepdims) / _count(t, nan, axis, keepdims)  # 0 / 0: nan where nothing is left


def nanvar(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    t, nan = _filled(_float(_named(x, axis, "nanvar")), 0.0)
    count = _count(t, nan, axis, True)
    centered = t - _sum(t, axis, True) / count
    if nan is not None:
        centered = torch.where(nan, torch.zeros_like(centered), centered)
    squares = centered.real**2 + centered.imag**2 if centered.is_complex() else centered**2
    return _sum(squares, axis, keepdims) / _count(t, nan, axis, keepdims)


def nanstd(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    return torch.sqrt(nanvar(_named(x, axis, "nanstd"), axis, keepdims))


def _nan_extremum(reduce: Callable[..., torch.Tensor], fill: float, op: str) -> Callable[..., torch.Tensor]:
    def extremum(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
        t, nan = _filled(_named(x, axis, op), fill)  # the fill never wins unless the slice holds only nan
        out = reduce(t, axis, keepdims)
        if nan is None:
            return out
        return torch.where(_all(nan, axis, keepdims), torch.full_like(out, math.nan), out)

    extremum.__name__ = extremum.__qualname__ = op
    return extremum


nanmax = _nan_extremum(_max, -math.inf, "nanmax")
nanmin = _nan_extremum(_min, math.inf, "nanmin")


def _nan_arg(sign: float, op: str) -> Callable[..., torch.Tensor]:
    def arg(x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> torch.Tensor:
        t, nan = _filled(x, -sign * math.inf)
        if nan is None:
            return (_argmax if sign > 0 else _argmin)(t, axis, keepdims)
        flat = axis is None
        t, nan = (t.reshape(-1), nan.reshape(-1)) if flat else (t, nan)
        a = 0 if flat else _one_axis(axis, t.ndim, op)
        best = torch.amax(sign * t, dim=a, keepdim=True) * sign
        # The first position holding the extremum and no nan: NumPy's answer, even when the extremum is -inf.
        hit = (t == best) & ~nan
        out = torch.where(hit.any(dim=a), torch.argmax(hit.to(torch.uint8), dim=a), -1)
        if keepdims:
            return out.reshape((1,) * convert_to_tensor(x).ndim) if flat else out.unsqueeze(a)
        return out

    arg.__name__ = arg.__qualname__ = op
    return arg


nanargmax = _nan_arg(1.0, "nanargmax")
nanargmin = _nan_arg(-1.0, "nanargmin")


def _nan_cumulative(fill: float, fn: Callable[..., torch.Tensor], op: str) -> Callable[..., torch.Tensor]:
    def cumulative(x: ArrayLike, axis: int | None = None, dtype: str | None = None) -> torch.Tensor:
        t = convert_to_tensor(x)
        if dtype is not None:
            t = t.to(native_dtype(dtype))
        t = _filled(t, fill)[0]
        # Integers and bools accumulate in int64, as NumPy's; a dtype asked for is kept.
        target = None if dtype is None else native_dtype(dtype)
        if axis is None:
            return fn(t.reshape(-1), 0, dtype=target)
        return fn(t, _one_axis(axis, t.ndim, op), dtype=target)

    cumulative.__name__ = cumulative.__qualname__ = op
    return cumulative


nancumsum = _nan_cumulative(0.0, torch.cumsum, "nancumsum")
nancumprod = _nan_cumulative(1.0, torch.cumprod, "nancumprod")


def nanquantile(
    x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
) -> torch.Tensor:
    return order_statistic(x, q, axis, method, keepdims, "nanquantile", skip_nan=True)


def nanpercentile(
    x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
) -> torch.Tensor:
    return order_statistic(x, q, axis, method, keepdims, "nanpercentile", skip_nan=True, scale=100.0)


def nanmedian(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    return order_statistic(x, 0.5, axis, "linear", keepdims, "nanmedian", skip_nan=True)
