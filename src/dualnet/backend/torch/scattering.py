"""Slicing and scattering by index on torch: index_put / index_reduce on a copy (autograd reaches both inputs)."""

from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from dualnet.backend import index_args
from dualnet.backend.api.types import ArrayLike, ShapeLike
from dualnet.backend.common import as_shape
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.backend.torch.indexing import _index
from dualnet.errors import ArgumentError, ShapeError


def _starts(start_indices: Sequence[Any]) -> list[int]:
    # torch slicing needs Python ints: a tensor start is read back once (a graph break under torch.compile).
    if isinstance(start_indices, torch.Tensor):
        return [int(s) for s in start_indices.tolist()]
    return [int(s) for s in start_indices]


def _block(starts: list[int], sizes: Sequence[int]) -> tuple[builtins.slice, ...]:
    return tuple(builtins.slice(s, s + k) for s, k in zip(starts, sizes))


def slice(inputs: ArrayLike, start_indices: Sequence[Any], shape: ShapeLike) -> torch.Tensor:
    x = convert_to_tensor(inputs)
    starts = _starts(start_indices)
    sizes = index_args.slice_sizes(x.shape, starts, as_shape(shape))
    index_args.block("slice", tuple(x.shape), starts, sizes)
    return x[_block(starts, sizes)]


def slice_update(inputs: ArrayLike, start_indices: Sequence[Any], updates: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, str(x.dtype).removeprefix("torch."))
    starts = _starts(start_indices)
    if updates.ndim != x.ndim:
        raise ShapeError(f"slice_update: updates has rank {updates.ndim} but inputs has rank {x.ndim}; match ranks")
    index_args.block("slice_update", tuple(x.shape), starts, tuple(updates.shape))
    out = x.clone()
    out[_block(starts, updates.shape)] = updates
    return out


def _rows(target: torch.Tensor, indices: torch.Tensor, op: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``target`` with its first ``m`` axes flattened, and each index row as one (wrapped) flat index."""
    m = index_args.index_depth(op, tuple(indices.shape), target.ndim)
    lead = tuple(target.shape[:m])
    bounds = torch.as_tensor(lead, dtype=torch.int64, device=indices.device)
    rows = indices.long().reshape(-1, m)
    rows = torch.where(rows < 0, rows + bounds, rows)
    # Python ints, not NumPy: torch.compile would trace NumPy calls into torch ops.
    strides = torch.as_tensor([math.prod(lead[a + 1 :]) for a in range(m)], dtype=torch.int64, device=indices.device)
    flat = (rows * strides).sum(-1) if m else torch.zeros(rows.shape[0], dtype=torch.int64, device=indices.device)
    return target.reshape(math.prod(lead), *target.shape[m:]), flat


def _scatter(op: str, x: torch.Tensor, indices: ArrayLike, updates: ArrayLike, reduction: str | None) -> torch.Tensor:
    idx = _index(indices)
    if idx.ndim == 0:
        raise ShapeError(f"{op}: indices must be (k, m) index rows, got a scalar; wrap it as [[i]]")
    upd = convert_to_tensor(updates, str(x.dtype).removeprefix("torch."))
    flat_x, flat = _rows(x, idx, op)
    m = idx.shape[-1]
    if tuple(upd.shape) != tuple(idx.shape[:-1]) + tuple(x.shape[m:]):
        raise index_args.scatter_error(op, x.shape, idx.shape, upd.shape)
    upd = upd.reshape(flat.shape[0], *x.shape[m:])
    try:
        if reduction is None:
            out = flat_x.index_copy(0, flat, upd)
        elif reduction == "add":
            out = flat_x.index_add(0, flat, upd)
        else:
            mode = {"max": "amax", "min": "amin", "mul": "prod"}[reduction]
            out = flat_x.index_reduce(0, flat, upd, mode, include_self=True)
    except (RuntimeError, IndexError) as exc:
        raise index_args.scatter_error(op, x.shape, idx.shape, upd.shape) from exc
    return out.reshape(x.shape)


def scatter(indices: ArrayLike, values: ArrayLike, shape: ShapeLike) -> torch.Tensor:
    values = convert_to_tensor(values)
    zeros = torch.zeros(as_shape(shape), dtype=values.dtype, device=values.device)
    return _scatter("scatter", zeros, indices, values, "add")


def scatter_update(
    inputs: ArrayLike, indices: ArrayLike, updates: ArrayLike, reduction: str | None = None
) -> torch.Tensor:
    index_args.check_reduction(reduction)
    return _scatter("scatter_update", convert_to_tensor(inputs), indices, updates, reduction)


def _segments(op: str, data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None, mode: str) -> torch.Tensor:
    data, ids = convert_to_tensor(data), _index(segment_ids).long()
    if ids.ndim != 1 or data.ndim == 0 or ids.shape[0] != data.shape[0]:
        raise ShapeError(
            f"{op}: segment_ids of shape {tuple(ids.shape)} must be 1-D with one id per row of data, whose shape "
            f"is {tuple(data.shape)}"
        )
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.numel() else 0
    if data.dtype == torch.bool:
        raise ArgumentError(f"{op}: data must be numeric, got bool; cast it first")
    info = torch.finfo(data.dtype) if data.dtype.is_floating_point else torch.iinfo(data.dtype)
    # Empty segments hold the reduction's identity as TensorFlow gives it: lowest / highest finite value, 1.
    start = {"amax": info.min, "amin": info.max, "prod": 1}[mode]
    out = torch.full((num_segments, *data.shape[1:]), start, dtype=data.dtype, device=data.device)
    return out.index_reduce(0, ids, data, mode, include_self=True)


def segment_max(
    data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
) -> torch.Tensor:
    return _segments("segment_max", data, segment_ids, num_segments, "amax")


def segment_min(
    data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
) -> torch.Tensor:
    return _segments("segment_min", data, segment_ids, num_segments, "amin")


def segment_prod(
    data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
) -> torch.Tensor:
    return _segments("segment_prod", data, segment_ids, num_segments, "prod")


def get_item(x: ArrayLike, key: Any) -> torch.Tensor:
    x = convert_to_tensor(x)
    entries, at = index_args.advanced_key(key, x.ndim)
    if at is not None:
        entry = entries[at]
        entry = entry if isinstance(entry, torch.Tensor) else convert_to_tensor(np.asarray(entry))
        if entry.dtype.is_floating_point:
            raise ArgumentError("get_item: an array index must hold integers or bools, got floats")
        entries[at] = entry if entry.dtype == torch.bool else entry.long()
    try:
        return x[tuple(entries)]
    except IndexError as exc:
        raise ArgumentError(f"get_item: {exc}; indices must lie in [-n, n) for an axis of size n") from exc
