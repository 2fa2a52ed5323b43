"""Statistics on torch: quantiles, histograms, averages, correlation, integration, pairwise distances.

Quantiles sort the reduced values and interpolate between two of them, so
their gradient flows to the picked elements, as through NumPy's formula.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from dualnet.backend import stat_checks
from dualnet.backend.api.types import ArrayLike, Axes
from dualnet.backend.torch.core import convert_to_tensor, is_tracing
from dualnet.backend.torch.reductions import _axes, _check_nonempty, _float, max as _max, min as _min, sum as _sum
from dualnet.backend.torch.special import _tensors
from dualnet.errors import ArgumentError, DTypeError, ShapeError


def _named(x: ArrayLike, axis: Axes, op: str) -> Any:
    """``x`` as a tensor once ``axis`` is checked, so that an error names ``op`` (not the reduction it uses)."""
    t = convert_to_tensor(x)
    _axes(axis, t.ndim, op)
    return t


def amax(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    return _max(_named(x, axis, "amax"), axis, keepdims)


def amin(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    return _min(_named(x, axis, "amin"), axis, keepdims)


def ptp(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    t = _named(x, axis, "ptp")
    if t.dtype == torch.bool:
        raise DTypeError("ptp: bool tensors have no difference; cast with dn.ops.cast(x, 'int32') first")
    return _max(t, axis, keepdims) - _min(t, axis, keepdims)


def count_nonzero(x: ArrayLike, axis: Axes = None) -> torch.Tensor:
    return _sum(_named(x, axis, "count_nonzero") != 0, axis)


def average(x: ArrayLike, axis: Axes = None, weights: ArrayLike | None = None) -> torch.Tensor:
    t = _float(_named(x, axis, "average"))
    if weights is None:
        axes = _axes(axis, t.ndim, "average")
        return t if axes == () else torch.mean(t, dim=axes)
    t, w = _tensors(t, _float(convert_to_tensor(weights)))
    if w.shape != t.shape:
        if not (isinstance(axis, int) and w.ndim == 1 and t.ndim > 0 and w.shape[0] == t.shape[axis % t.ndim]):
            raise ShapeError(
                f"average: weights of shape {tuple(w.shape)} do not fit x of shape {tuple(t.shape)} and "
                f"axis={axis!r}; pass weights shaped like x, or 1-D weights along an int axis"
            )
        a = _axes(axis, t.ndim, "average")[0]  # type: ignore[index]
        w = w.reshape([-1 if d == a else 1 for d in range(t.ndim)])
    return _sum(t * w, axis) / _sum(w.expand_as(t), axis)


def _q(op: str, q: Any, scale: float, like: torch.Tensor) -> torch.Tensor:
    """``q / scale`` as float64, checked to lie in [0, 1] whenever its values are known."""
    if isinstance(q, torch.Tensor):
        qt = q.to(device=like.device, dtype=torch.float64) / scale
        if not is_tracing() and not bool(((qt >= 0) & (qt <= 1)).all()):
            stat_checks.check_q(op, q.detach().cpu().numpy(), scale)
        return qt
    return torch.as_tensor(stat_checks.check_q(op, q, scale), device=like.device)


def order_statistic(
    x: ArrayLike, q: Any, axis: Axes, method: str, keepdims: bool, op: str, skip_nan: bool, scale: float = 1.0
) -> torch.Tensor:
    """NumPy's ``quantile`` (``skip_nan``: ``nanquantile``) of ``x`` at ``q / scale``; q's axes lead the result."""
    stat_checks.check_method(op, method)
    t = _float(convert_to_tensor(x))
    if t.is_complex():
        raise DTypeError(f"{op}: complex values have no order; take dn.ops.real or dn.ops.abs first")
    qt = _q(op, q, scale, t)
    axes = _axes(axis, t.ndim, op)
    axes = tuple(range(t.ndim)) if axes is None else axes
    _check_nonempty(t, axes, op)
    kept = [d for d in range(t.ndim) if d not in axes]
    rows = t.permute((*kept, *axes)).reshape(*[t.shape[d] for d in kept], -1)
    nan = torch.isnan(rows)
    if skip_nan:
        count = (~nan).sum(-1, keepdim=True)
        rows = torch.where(nan, torch.full_like(rows, math.inf), rows)  # sorted last, never picked
    else:
        count = torch.full_like(rows[..., :1], rows.shape[-1], dtype=torch.int64)
    ordered = torch.sort(rows, dim=-1).values
    last = (count - 1).clamp(min=0).to(torch.float64)
    position = qt.reshape(*qt.shape, *([1] * rows.ndim)) * last
    low, high = _neighbours(position, method)
    picked = ordered.expand(*qt.shape, *ordered.shape)
    below = torch.gather(picked, -1, low)
    above = torch.gather(picked, -1, high)
    if method in ("lower", "higher", "nearest"):
        out = below
    else:
        weight = torch.full_like(position, 0.5) if method == "midpoint" else position - low.to(torch.float64)
        out = below + (above - below) * weight.to(below.dtype)
    empty = count == 0 if skip_nan else nan.any(-1, keepdim=True)
    out = torch.where(empty, torch.full_like(out, math.nan), out).squeeze(-1)
    if keepdims:
        out = out.reshape(*qt.shape, *[1 if d in axes else t.shape[d] for d in range(t.ndim)])
    return out


def _neighbours(position: torch.Tensor, method: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The int64 indices of the two order statistics a method reads (the same one twice for the discrete ones)."""
    if method == "higher":
        index = torch.ceil(position).to(torch.int64)
        return index, index
    if method == "nearest":
        index = torch.round(position).to(torch.int64)  # half to even, as NumPy's around
        return index, index
    low = torch.floor(position).to(torch.int64)
    return low, (low if method == "lower" else torch.ceil(position).to(torch.int64))


def quantile(
    x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
) -> torch.Tensor:
    return order_statistic(x, q, axis, method, keepdims, "quantile", skip_nan=False)


def percentile(
    x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
) -> torch.Tensor:
    return order_statistic(x, q, axis, method, keepdims, "percentile", skip_nan=False, scale=100.0)


def median(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    return order_statistic(x, 0.5, axis, "linear", keepdims, "median", skip_nan=False)


def _int_vector(op: str, x: ArrayLike) -> torch.Tensor:
    t = convert_to_tensor(x)
    if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
        name = str(t.dtype).removeprefix("torch.")
        raise DTypeError(f"{op}: takes non-negative integers, got {name}; cast with dn.ops.cast(x, 'int64')")
    if t.ndim != 1:
        raise ShapeError(f"{op}: takes a 1-D tensor, got shape {tuple(t.shape)}; flatten it with dn.ops.reshape")
    return t


def bincount(x: ArrayLike, weights: ArrayLike | None = None, minlength: int = 0, sparse: bool = False) -> torch.Tensor:
    stat_checks.check_bincount("bincount", minlength, sparse)
    t = _int_vector("bincount", x)
    if not is_tracing() and t.numel() and bool((t < 0).any()):
        raise ArgumentError("bincount: x holds negative values; only counts of non-negative integers exist")
    w = None if weights is None else convert_to_tensor(weights)
    if w is not None and tuple(w.shape) != tuple(t.shape):
        raise ShapeError(f"bincount: weights of shape {tuple(w.shape)} must match x of shape {tuple(t.shape)}")
    if w is not None and not w.is_floating_point():
        w = w.to(torch.float32)
    out = torch.bincount(t, weights=w, minlength=int(minlength))
    # torch sums weights in float64; the result keeps the weights' float dtype (NumPy's is always float64).
    return out if w is None else out.to(w.dtype)


def histogram(
    x: ArrayLike, bins: int = 10, range: tuple[float, float] | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    stat_checks.check_bins("histogram", bins, range)
    t = _float(convert_to_tensor(x)).reshape(-1)
    # NumPy computes the edges in float64 from a given range (Python floats), else in x's dtype from its extrema.
    wide = torch.float64 if range is not None else t.dtype
    if range is not None:
        low, high = (torch.as_tensor(float(v), dtype=wide, device=t.device) for v in range)
    elif t.numel():
        low, high = torch.min(t).detach(), torch.max(t).detach()
    else:
        low, high = (torch.zeros((), dtype=wide, device=t.device),) * 2
    # An empty range widens by 0.5 each way, as NumPy's does.
    flat = low == high
    low, high = torch.where(flat, low - 0.5, low), torch.where(flat, high + 0.5, high)
    steps = torch.arange(bins + 1, dtype=wide, device=t.device) * ((high - low) / bins) + low
    edges = torch.cat([steps[:-1], high.reshape(1)]).to(t.dtype)
    low, high = low.to(t.dtype), high.to(t.dtype)
    index = torch.floor((t - low).double() / (high - low).double() * bins).to(torch.int64).clamp(0, bins - 1)
    # Values that the division put in a neighbouring bin move to the bin whose edges hold them (NumPy's fix).
    index = index - (t < edges[index]).to(torch.int64)
    index = index + ((t >= edges[index + 1]) & (index != bins - 1)).to(torch.int64)
    inside = ((t >= low) & (t <= high)).to(torch.int64)  # outside the range (and nan): counted nowhere
    counts = torch.zeros(bins, dtype=torch.int64, device=t.device).scatter_add_(0, index.clamp(0, bins - 1), inside)
    return counts, edges


def corrcoef(x: ArrayLike) -> torch.Tensor:
    t = _float(convert_to_tensor(x))
    if t.ndim not in (1, 2):
        raise ShapeError(f"corrcoef: takes a 1-D or 2-D tensor (variables, observations), got shape {tuple(t.shape)}")
    rows = t.reshape(1, -1) if t.ndim == 1 else t
    centered = rows - rows.mean(dim=1, keepdim=True)
    cov = centered @ centered.conj().transpose(0, 1)
    scale = torch.sqrt(torch.real(torch.diagonal(cov)))
    out = cov / scale[:, None] / scale[None, :]
    out = torch.clamp(out, -1, 1) if not out.is_complex() else out
    return out.reshape(()) if t.ndim == 1 else out


def correlate(x1: ArrayLike, x2: ArrayLike, mode: str = "valid") -> torch.Tensor:
    stat_checks.check_mode("correlate", mode)
    a, v = (_float(t) for t in _tensors(x1, x2))
    if a.is_complex():
        raise DTypeError("correlate: complex inputs are not supported; correlate the real and imaginary parts")
    if a.ndim != 1 or v.ndim != 1 or not a.numel() or not v.numel():
        raise ShapeError(
            f"correlate: takes two non-empty 1-D tensors, got shapes {tuple(a.shape)} and {tuple(v.shape)}"
        )
    m, n = a.shape[0], v.shape[0]
    # conv1d is a cross-correlation; padding n - 1 on both sides gives every overlap, NumPy's "full".
    full = torch.nn.functional.conv1d(a.reshape(1, 1, m), v.reshape(1, 1, n), padding=n - 1).reshape(-1)
    start, length = stat_checks.correlate_window(m, n, mode)
    return full[start : start + length]


def trapezoid(y: ArrayLike, x: ArrayLike | None = None, dx: float = 1.0, axis: int = -1) -> torch.Tensor:
    t = _float(convert_to_tensor(y))
    a = _axes(axis, t.ndim, "trapezoid")[0]  # type: ignore[index]
    n = t.shape[a]
    if x is None:
        spacing: Any = dx
    else:
        s = _float(convert_to_tensor(x)).to(t.dtype)
        if s.ndim == 1:
            if s.shape[0] != n:
                raise ShapeError(f"trapezoid: x has {s.shape[0]} samples, y has {n} along axis {axis}; match them")
            s = s.reshape([-1 if d == a else 1 for d in range(t.ndim)])
        elif s.shape != t.shape:
            raise ShapeError(f"trapezoid: x of shape {tuple(s.shape)} must be 1-D or shaped like y {tuple(t.shape)}")
        spacing = torch.diff(s, dim=a)
    heights = t.narrow(a, 1, max(n - 1, 0)) + t.narrow(a, 0, max(n - 1, 0))
    return torch.sum(heights * spacing, dim=a) / 2


def cdist(x: ArrayLike, y: ArrayLike) -> torch.Tensor:
    a, b = (_float(t) for t in _tensors(x, y))
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ShapeError(
            f"cdist: takes x (..., m, d) and y (..., n, d) with the same d, got shapes {tuple(a.shape)} and "
            f"{tuple(b.shape)}"
        )
    squares = torch.sum((a[..., :, None, :] - b[..., None, :, :]) ** 2, dim=-1)
    # sqrt has an infinite slope at 0: a zero distance takes gradient 0, as torch.cdist gives.
    positive = squares > 0
    return torch.where(positive, torch.sqrt(torch.where(positive, squares, torch.ones_like(squares))), 0.0)
