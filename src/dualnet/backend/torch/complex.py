"""Complex numbers on torch: parts, conjugate, angle, polar form, views as real pairs, saturating casts.

torch's ``conj`` and ``view_as_real`` can return lazily conjugated views,
which ``.numpy()`` refuses; results here are always resolved tensors.
"""

from __future__ import annotations

import torch

from dualnet import dtypes
from dualnet.backend import saturation
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor, native_dtype
from dualnet.backend.torch.special import _tensors
from dualnet.errors import DTypeError, ShapeError


def _name(t: torch.Tensor) -> str:
    return str(t.dtype).removeprefix("torch.")


def real(x: ArrayLike) -> torch.Tensor:
    t = convert_to_tensor(x)
    return torch.real(t).clone() if t.is_complex() else t


def imag(x: ArrayLike) -> torch.Tensor:
    t = convert_to_tensor(x)
    return torch.imag(t).clone() if t.is_complex() else torch.zeros_like(t)


def conj(x: ArrayLike) -> torch.Tensor:
    t = convert_to_tensor(x)
    return torch.conj_physical(t) if t.is_complex() else t


def conjugate(x: ArrayLike) -> torch.Tensor:
    return conj(x)


def angle(x: ArrayLike) -> torch.Tensor:
    t = convert_to_tensor(x)
    if t.is_complex():
        return torch.angle(t)
    t = t if t.is_floating_point() else t.to(torch.float32)
    return torch.atan2(torch.zeros_like(t), t)  # pi for negatives (and -0.0), as NumPy's angle


def polar(abs_: ArrayLike, angle: ArrayLike) -> torch.Tensor:
    r, theta = torch.broadcast_tensors(*(_real_float("polar", t) for t in _tensors(abs_, angle)))
    return torch.polar(r, theta)


def _real_float(op: str, t: torch.Tensor) -> torch.Tensor:
    if t.is_complex():
        raise DTypeError(f"{op}: takes real tensors, got {_name(t)}; take dn.ops.real or dn.ops.abs first")
    if t.dtype in (torch.float32, torch.float64):
        return t
    return t.to(torch.float32)  # integers, bools, float16 and bfloat16: torch's complex has no narrower parts


def view_as_complex(x: ArrayLike) -> torch.Tensor:
    t = _real_float("view_as_complex", convert_to_tensor(x))
    if t.ndim == 0 or t.shape[-1] != 2:
        raise ShapeError(
            f"view_as_complex: expects a last axis of size 2 (real, imag), got shape {tuple(t.shape)}; "
            "stack the parts with dn.ops.stack([re, im], axis=-1)"
        )
    return torch.view_as_complex(t.contiguous())


def view_as_real(x: ArrayLike) -> torch.Tensor:
    t = convert_to_tensor(x)
    if not t.is_complex():
        raise DTypeError(
            f"view_as_real: takes a complex tensor, got {_name(t)}; build one with dn.ops.polar or view_as_complex"
        )
    return torch.view_as_real(t.resolve_conj()).clone()


def saturate_cast(x: ArrayLike, dtype: str) -> torch.Tensor:
    t = convert_to_tensor(x)
    out = dtypes.standardize(dtype)
    if t.is_complex() and not dtypes.is_complex(out):
        t = torch.real(t)  # the cast to a real dtype keeps the real part, saturated like any float
    low, high = saturation.limits(_name(t), out)
    if low is not None:
        t = torch.clamp(t, low, high)
    return t.to(native_dtype(out))
