"""Reductions on torch: sums, means, extrema, variance, arg-extrema, logsumexp, any/all, cumulative ops.

torch reads ``dim=()`` as "all dimensions" where NumPy reads ``axis=()`` as
"none", so an empty axis tuple is handled here before torch sees it.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any, Protocol

import torch

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike, Axes
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.errors import ArgumentError


class Reduction(Protocol):
    """A reduction over ``axis`` made by :func:`_extremum` or :func:`_truth`."""

    def __call__(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor: ...


class ArgReduction(Protocol):
    """An arg-extremum made by :func:`_arg`."""

    def __call__(self, x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> torch.Tensor: ...


class Cumulative(Protocol):
    """A running reduction made by :func:`_cumulative`."""

    def __call__(self, x: ArrayLike, axis: int | None = None) -> torch.Tensor: ...


_INTS = (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def _axes(axis: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """``axis`` as None (every axis) or a tuple of distinct non-negative ints."""
    if axis is None:
        return None
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, checked cheaply
        return (axis % ndim,)
    axes = tuple(axis) if isinstance(axis, tuple | list) else (axis,)
    out = []
    for a in (common.axis_index(a, axis, op, "an int or a tuple of ints") for a in axes):
        if not -ndim <= a < ndim:
            raise ArgumentError(
                f"{op}: axis {a} is out of range for a tensor of rank {ndim}; use -{ndim} <= axis < {ndim}"
            )
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ArgumentError(f"{op}: axis {axis!r} repeats an axis; name each axis once")
    return tuple(out)


def _one_axis(axis: Any, ndim: int, op: str) -> int:
    return _axes(common.axis_index(axis, axis, op, "an int or None"), ndim, op)[0]  # type: ignore[index]


def _check_nonempty(x: torch.Tensor, axes: tuple[int, ...] | None, op: str) -> None:
    """Extrema of nothing are undefined: NumPy raises, and so do we (torch would give an error or -inf)."""
    sizes = x.shape if axes is None else [x.shape[a] for a in axes]
    if 0 in sizes:
        raise ArgumentError(
            f"{op}: cannot reduce a zero-size axis of a tensor of shape {tuple(x.shape)}; "
            "reduce over non-empty axes only"
        )


def _int64(x: torch.Tensor) -> torch.Tensor:
    return x.to(torch.int64) if x.dtype in _INTS else x


def _float(x: torch.Tensor) -> torch.Tensor:
    return x.to(torch.float32) if x.dtype in _INTS else x


def sum(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    x = convert_to_tensor(x)
    axes = _axes(axis, x.ndim, "sum")
    if axes == ():
        return _int64(x)
    return torch.sum(x, dim=axes, keepdim=keepdims)  # torch already sums integers and bools in int64


def mean(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    x = _float(convert_to_tensor(x))
    axes = _axes(axis, x.ndim, "mean")
    return x if axes == () else torch.mean(x, dim=axes, keepdim=keepdims)


def _extremum(fn: Callable[..., Any], op: str) -> Reduction:
    def extremum(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
        x = convert_to_tensor(x)
        axes = _axes(axis, x.ndim, op)
        _check_nonempty(x, axes, op)
        if axes == ():
            return x
        return fn(x, dim=() if axes is None else axes, keepdim=keepdims)

    extremum.__name__ = extremum.__qualname__ = op
    return extremum


max = _extremum(torch.amax, "max")
min = _extremum(torch.amin, "min")


def prod(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    x = convert_to_tensor(x)
    axes = _axes(axis, x.ndim, "prod")
    if axes is None:
        out = torch.prod(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    x = _int64(x)
    # torch.prod takes one dim at a time; going from the last keeps the other indices valid.
    for a in sorted(axes, reverse=True):
        x = torch.prod(x, a, keepdim=keepdims)
    return x


def var(x: ArrayLike, axis: Axes = None, ddof: int = 0, keepdims: bool = False) -> torch.Tensor:
    x = _float(convert_to_tensor(x))
    axes = _axes(axis, x.ndim, "var")
    if axes == ():
        # One value per slice: NumPy divides 0 by max(1 - ddof, 0).
        return torch.zeros_like(x) / builtins.max(1 - ddof, 0)
    return torch.var(x, dim=axes, correction=ddof, keepdim=keepdims)


def std(x: ArrayLike, axis: Axes = None, ddof: int = 0, keepdims: bool = False) -> torch.Tensor:
    x = _float(convert_to_tensor(x))
    axes = _axes(axis, x.ndim, "std")
    if axes == ():
        return torch.sqrt(torch.zeros_like(x) / builtins.max(1 - ddof, 0))
    return torch.std(x, dim=axes, correction=ddof, keepdim=keepdims)


def _arg(fn: Callable[..., Any], op: str) -> ArgReduction:
    # Ties and nan: torch, like NumPy, returns the first maximum, and a nan counts as the maximum.
    def arg(x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> torch.Tensor:
        x = convert_to_tensor(x)
        if x.dtype == torch.bool:
            x = x.to(torch.uint8)  # torch has no bool kernel
        if axis is None:
            _check_nonempty(x, None, op)
            out = fn(x)
            return out.reshape((1,) * x.ndim) if keepdims else out
        a = _one_axis(axis, x.ndim, op)
        _check_nonempty(x, (a,), op)
        return fn(x, dim=a, keepdim=keepdims)

    arg.__name__ = arg.__qualname__ = op
    return arg


argmax = _arg(torch.argmax, "argmax")
argmin = _arg(torch.argmin, "argmin")


def logsumexp(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
    x = _float(convert_to_tensor(x))
    axes = _axes(axis, x.ndim, "logsumexp")
    if axes == ():
        return x
    if axes is None:
        axes = tuple(range(x.ndim))
    return torch.logsumexp(x, dim=axes, keepdim=keepdims)  # subtracts the max first: no overflow


def _truth(fn: Callable[..., Any], op: str) -> Reduction:
    def truth(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> torch.Tensor:
        x = convert_to_tensor(x)
        if x.dtype == torch.uint8:
            x = x.to(torch.bool)  # torch answers uint8 for uint8 inputs
        axes = _axes(axis, x.ndim, op)
        if axes == ():
            return x if x.dtype == torch.bool else x != 0
        return fn(x, dim=axes, keepdim=keepdims)

    truth.__name__ = truth.__qualname__ = op
    return truth


any = _truth(torch.any, "any")
all = _truth(torch.all, "all")


def _cumulative(fn: Callable[..., Any], op: str) -> Cumulative:
    # torch accumulates integers and bools in int64 already, as NumPy does.
    def cumulative(x: ArrayLike, axis: int | None = None) -> torch.Tensor:
        x = convert_to_tensor(x)
        if axis is None:
            return fn(x.reshape(-1), 0)
        return fn(x, _one_axis(axis, x.ndim, op))

    cumulative.__name__ = cumulative.__qualname__ = op
    return cumulative


cumsum = _cumulative(torch.cumsum, "cumsum")
cumprod = _cumulative(torch.cumprod, "cumprod")
