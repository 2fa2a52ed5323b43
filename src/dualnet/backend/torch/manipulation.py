"""manipulation (shape) ops on torch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from dualnet.arguments import is_integer
from dualnet.backend import common, index_args
from dualnet.backend.api.types import ArrayLike, Axes, ShapeLike
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.errors import ArgumentError, ShapeError


def reshape(x: ArrayLike, newshape: ShapeLike) -> torch.Tensor:
    x = convert_to_tensor(x)
    try:
        return torch.reshape(x, common.as_shape(newshape))
    except RuntimeError as exc:
        raise ShapeError(
            f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} ({x.numel()} elements) to {newshape}; "
            "the sizes must multiply to the same count (one -1 may be inferred)"
        ) from exc


def transpose(x: ArrayLike, axes: Sequence[int] | None = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    if axes is None:
        return x.permute(tuple(reversed(range(x.ndim))))  # a tuple: permute() with no arguments fails on 0-d
    order = common.canonical_axes(axes, x.ndim, "transpose")
    if sorted(order) != list(range(x.ndim)):
        raise ArgumentError(f"transpose: axes {tuple(axes)} must list each of the {x.ndim} axes once")
    return x.permute(tuple(order))


def moveaxis(x: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> torch.Tensor:
    x = convert_to_tensor(x)
    source, destination = (
        common.canonical_axes(source, x.ndim, "moveaxis"),
        common.canonical_axes(destination, x.ndim, "moveaxis"),
    )
    if len(source) != len(destination):
        raise ArgumentError(
            f"moveaxis: source {source} and destination {destination} have different lengths; pass one per axis moved"
        )
    return torch.movedim(x, source, destination)


def swapaxes(x: ArrayLike, axis1: int, axis2: int) -> torch.Tensor:
    x = convert_to_tensor(x)
    (axis1, axis2) = common.canonical_axes((axis1, axis2), x.ndim, "swapaxes")
    return torch.swapaxes(x, axis1, axis2)


def expand_dims(x: ArrayLike, axis: int | Sequence[int]) -> torch.Tensor:
    x = convert_to_tensor(x)
    axes = common.as_shape(axis)
    # NumPy places each new axis relative to the OUTPUT rank; inserting in increasing order does that.
    for a in sorted(common.canonical_axes(axes, x.ndim + len(axes), "expand_dims")):
        x = x.unsqueeze(a)
    return x


def squeeze(x: ArrayLike, axis: Axes = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    axes = common.canonical_axes(axis, x.ndim, "squeeze")
    bad = [a for a in axes if x.shape[a] != 1]
    if bad:
        raise ShapeError(
            f"squeeze: axis {bad[0]} has size {x.shape[bad[0]]}, expected 1 (shape {tuple(x.shape)}); "
            "squeeze only axes of size 1"
        )
    return torch.squeeze(x, axes)


def ravel(x: ArrayLike) -> torch.Tensor:
    return torch.reshape(convert_to_tensor(x), (-1,))


def _joined(fn: Callable[..., Any], op: str, tensors: list[torch.Tensor], axis: int) -> torch.Tensor:
    try:
        return fn(tensors, dim=axis)  # promotes mixed dtypes the way dualnet's rule does
    except (RuntimeError, IndexError) as exc:
        shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
        raise ShapeError(f"{op}: cannot join tensors of shapes {shapes} along axis {axis}: {exc}") from exc


def concatenate(xs: Sequence[ArrayLike], axis: int | None = 0) -> torch.Tensor:
    tensors = [convert_to_tensor(x) for x in xs]
    if axis is None:
        return _joined(torch.cat, "concatenate", [t.reshape(-1) for t in tensors], 0)
    return _joined(torch.cat, "concatenate", tensors, axis)


def stack(xs: Sequence[ArrayLike], axis: int = 0) -> torch.Tensor:
    return _joined(torch.stack, "stack", [convert_to_tensor(x) for x in xs], axis)


def split(x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[torch.Tensor]:
    x = convert_to_tensor(x)
    (axis,) = common.canonical_axes(axis, x.ndim, "split")
    n = x.shape[axis]
    if is_integer(indices_or_sections):
        indices_or_sections = int(indices_or_sections)
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ArgumentError(
                f"split: indices_or_sections={indices_or_sections} does not divide axis {axis} of size {n} "
                "into equal parts; pass a divisor of the size or a list of split points"
            )
        # tensor_split, not split: a size-0 axis still gives that many (empty) parts, as in NumPy.
        return list(torch.tensor_split(x, indices_or_sections, dim=axis))
    # Split points follow slice semantics (negative counts from the end, out of range clips).
    bounds = [0, *(slice(p).indices(n)[1] for p in indices_or_sections), n]
    return [x.narrow(axis, start, max(0, stop - start)) for start, stop in pairwise(bounds)]


def tile(x: ArrayLike, reps: int | Sequence[int]) -> torch.Tensor:
    return torch.tile(convert_to_tensor(x), common.tile_reps(reps))


def repeat(x: ArrayLike, repeats: int | ArrayLike, axis: int | None = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    if is_integer(repeats):
        repeats = int(repeats)
    else:
        repeats = convert_to_tensor(repeats, "int64")
        if repeats.ndim == 0:
            repeats = int(repeats)
    return torch.repeat_interleave(x, repeats, dim=axis)


def broadcast_to(x: ArrayLike, shape: ShapeLike) -> torch.Tensor:
    x = convert_to_tensor(x)
    try:
        return torch.broadcast_to(x, common.as_shape(shape))
    except RuntimeError as exc:
        raise ShapeError(
            f"broadcast_to: cannot broadcast shape {tuple(x.shape)} to {tuple(common.as_shape(shape))}; "
            "each axis must match or be 1, aligned from the right"
        ) from exc


def pad(x: ArrayLike, pad_width: ArrayLike, mode: str = "constant", constant_values: float = 0) -> torch.Tensor:
    x = convert_to_tensor(x)
    pairs = common.pad_pairs(pad_width, x.ndim)
    if mode == "constant":
        flat = [w for pair in reversed(pairs) for w in pair]  # F.pad lists the last axis first
        return F.pad(x, flat, mode="constant", value=constant_values)
    if mode not in index_args.PAD_MODES:
        raise ArgumentError(f"pad: mode={mode!r} is not supported; use one of {', '.join(index_args.PAD_MODES)}")
    # F.pad's modes only handle some ranks and pads < size; gathering indices works for all.
    for axis, (before, after) in enumerate(pairs):
        if before or after:
            if x.shape[axis] == 0:
                raise ShapeError(f"pad: cannot {mode}-pad axis {axis} of size 0 (shape {tuple(x.shape)})")
            index = torch.as_tensor(index_args.pad_index(mode, x.shape[axis], before, after), device=x.device)
            x = torch.index_select(x, axis, index)
    return x


def flip(x: ArrayLike, axis: Axes = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    return torch.flip(x, tuple(range(x.ndim)) if axis is None else common.canonical_axes(axis, x.ndim, "flip"))


def roll(x: ArrayLike, shift: int | Sequence[int], axis: Axes = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        return torch.roll(x.reshape(-1), int(np.sum(shift))).reshape(x.shape)
    # NumPy broadcasts shift against axis and adds the shifts of a repeated axis.
    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(common.canonical_axes(axis, x.ndim, "roll")))
    total: dict[int, int] = {}
    for s, a in zip(shifts.ravel().tolist(), axes.ravel().tolist()):
        total[a] = total.get(a, 0) + s
    return torch.roll(x, tuple(total.values()), tuple(total))
