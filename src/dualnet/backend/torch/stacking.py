"""Joining, splitting, flipping and regrouping axes on torch, over this backend's concatenate and split."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from dualnet.backend import common, index_args
from dualnet.backend.api.types import ArrayLike, DTypeName
from dualnet.backend.torch.core import convert_to_tensor, native_dtype
from dualnet.backend.torch.manipulation import concatenate, split
from dualnet.dtypes import result_type
from dualnet.errors import ArgumentError, DTypeError, ShapeError


def append(x1: ArrayLike, x2: ArrayLike, axis: int | None = None) -> torch.Tensor:
    return concatenate([x1, x2], axis)


def _at_least(xs: Sequence[ArrayLike], rank: int) -> list[torch.Tensor]:
    """Each of ``xs`` as NumPy's ``atleast_{rank}d`` makes it: ``(n,)`` is ``(1, n)`` then ``(1, n, 1)``."""
    out = []
    for x in xs:
        t = convert_to_tensor(x)
        if t.ndim == 0:
            t = t.reshape((1,) * rank)
        elif t.ndim == 1 and rank >= 2:
            t = t.reshape((1, -1, 1)[:rank] if rank == 3 else (1, -1))
        elif t.ndim == 2 and rank == 3:
            t = t.unsqueeze(-1)
        out.append(t)
    return out


def hstack(xs: Sequence[ArrayLike]) -> torch.Tensor:
    tensors = _at_least(xs, 1)
    return concatenate(tensors, 0 if tensors and tensors[0].ndim == 1 else 1)


def vstack(xs: Sequence[ArrayLike]) -> torch.Tensor:
    return concatenate(_at_least(xs, 2), 0)


def dstack(xs: Sequence[ArrayLike]) -> torch.Tensor:
    return concatenate(_at_least(xs, 3), 2)


def array_split(x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[torch.Tensor]:
    x = convert_to_tensor(x)
    axis = common.canonical_axis(axis, x.ndim, "array_split")
    bounds = index_args.split_bounds("array_split", x.shape[axis], indices_or_sections)
    return [x.narrow(axis, start, stop - start) for start, stop in bounds]


def hsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[torch.Tensor]:
    x = convert_to_tensor(x)
    index_args.need_rank("hsplit", x.ndim, 1, "hsplit splits axis 1 (axis 0 of 1-D inputs)")
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


def vsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[torch.Tensor]:
    x = convert_to_tensor(x)
    index_args.need_rank("vsplit", x.ndim, 2, "use split(x, n, axis=0) for 1-D inputs")
    return split(x, indices_or_sections, 0)


def dsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[torch.Tensor]:
    x = convert_to_tensor(x)
    index_args.need_rank("dsplit", x.ndim, 3, "dsplit splits axis 2")
    return split(x, indices_or_sections, 2)


def unstack(x: ArrayLike, num: int | None = None, axis: int = 0) -> list[torch.Tensor]:
    x = convert_to_tensor(x)
    axis = common.canonical_axis(axis, x.ndim, "unstack")
    if num is not None and num != x.shape[axis]:
        raise ShapeError(f"unstack: num={num} but axis {axis} has size {x.shape[axis]}; pass num=None or the size")
    return list(torch.unbind(x, axis))


def meshgrid(*x: ArrayLike, indexing: str = "xy") -> list[torch.Tensor]:
    tensors = [convert_to_tensor(t).reshape(-1) for t in x]
    if len({t.dtype for t in tensors}) > 1:
        joint = native_dtype(result_type(*(str(t.dtype).removeprefix("torch.") for t in tensors)))
        tensors = [t.to(joint) for t in tensors]
    return list(torch.meshgrid(*tensors, indexing=indexing)) if tensors else []


def rot90(array: ArrayLike, k: int = 1, axes: Sequence[int] = (0, 1)) -> torch.Tensor:
    x = convert_to_tensor(array)
    index_args.need_rank("rot90", x.ndim, 2, "rot90 turns a plane of two axes")
    a, b = common.canonical_axes(tuple(axes), x.ndim, "rot90")
    if a == b or len(tuple(axes)) != 2:
        raise ArgumentError(f"rot90: axes={tuple(axes)} must name two different axes")
    return torch.rot90(x, k % 4, (a, b))


def fliplr(x: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(x)
    index_args.need_rank("fliplr", x.ndim, 2, "use flip(x, axis=0) for 1-D inputs")
    return torch.flip(x, (1,))


def flipud(x: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(x)
    index_args.need_rank("flipud", x.ndim, 1, "a scalar has no axis to flip")
    return torch.flip(x, (0,))


def view(x: ArrayLike, dtype: DTypeName | None = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    if dtype is None:
        return x.view(x.shape)
    target = native_dtype(dtype)
    old, new = x.element_size(), torch.empty((), dtype=target).element_size()
    if old != new and (x.ndim == 0 or (x.shape[-1] * old) % new):
        raise ShapeError(
            f"view: the last axis of shape {tuple(x.shape)} ({x.shape[-1] if x.ndim else 0} x {old} bytes) does "
            f"not divide into {new}-byte {dtype} elements"
        )
    try:
        return x.contiguous().view(target)
    except RuntimeError as exc:
        raise DTypeError(f"view: cannot read {x.dtype} as {dtype}: {exc}") from exc


def rearrange(tensor: ArrayLike, pattern: str, **axes_lengths: Any) -> torch.Tensor:
    x = convert_to_tensor(tensor)
    split_to, perm, merge_to = index_args.rearrangement(pattern, tuple(x.shape), axes_lengths)
    return x.reshape(split_to).permute(perm).reshape(merge_to)
