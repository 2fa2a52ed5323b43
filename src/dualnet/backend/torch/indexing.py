"""indexing ops on torch."""

from __future__ import annotations

import torch

from dualnet.arguments import is_integer
from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike, DTypeName
from dualnet.backend.torch.core import convert_to_tensor, native_dtype
from dualnet.errors import ArgumentError, ShapeError


def _index(indices: ArrayLike) -> torch.Tensor:
    indices = convert_to_tensor(indices)
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype == torch.bool:
        raise ArgumentError(f"indices must be integers, got dtype {str(indices.dtype).removeprefix('torch.')}")
    return indices


def take(x: ArrayLike, indices: ArrayLike, axis: int | None = None) -> torch.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = common.canonical_axis(axis, x.ndim, "take")
    indices = int(indices) if is_integer(indices) else _index(indices)
    try:
        # A single advanced index has NumPy's take semantics, negative indices included.
        return x[(slice(None),) * axis + (indices,)]
    except IndexError as exc:
        raise ArgumentError(f"take: {exc}; indices must lie in [-n, n) for an axis of size n") from exc


def take_along_axis(x: ArrayLike, indices: ArrayLike, axis: int | None = None) -> torch.Tensor:
    x, indices = convert_to_tensor(x), _index(indices).long()
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = common.canonical_axis(axis, x.ndim, "take_along_axis")
    if indices.ndim != x.ndim:
        raise ShapeError(
            f"take_along_axis: indices has rank {indices.ndim} but x has rank {x.ndim}; "
            "indices needs one axis per axis of x (use expand_dims)"
        )
    indices = torch.where(indices < 0, indices + x.shape[axis], indices)
    return torch.take_along_dim(x, indices, dim=axis)


def one_hot(indices: ArrayLike, num_classes: int, dtype: DTypeName = "float32") -> torch.Tensor:
    indices = _index(indices)
    classes = torch.arange(num_classes, device=indices.device, dtype=indices.dtype)
    # Comparing with arange (instead of F.one_hot) gives all-zero rows for out-of-range ids, as tf.one_hot.
    return (indices.unsqueeze(-1) == classes).to(native_dtype(dtype))


def segment_sum(
    data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
) -> torch.Tensor:
    data, segment_ids = convert_to_tensor(data), _index(segment_ids)
    if segment_ids.ndim != 1 or data.ndim == 0 or segment_ids.shape[0] != data.shape[0]:
        raise ShapeError(
            f"segment_sum: segment_ids of shape {tuple(segment_ids.shape)} must be 1-D with one id per row of "
            f"data, whose shape is {tuple(data.shape)}"
        )
    if num_segments is None:
        num_segments = int(segment_ids.max()) + 1 if segment_ids.numel() else 0
    out = torch.zeros((num_segments, *data.shape[1:]), dtype=data.dtype, device=data.device)
    return out.index_add(0, segment_ids, data)


def scatter_add(x: ArrayLike, indices: ArrayLike, updates: ArrayLike) -> torch.Tensor:
    x, indices = convert_to_tensor(x), _index(indices)
    updates = convert_to_tensor(updates, str(x.dtype).removeprefix("torch."))
    if indices.ndim == 0 or indices.shape[-1] > x.ndim:
        raise ShapeError(
            f"scatter_add: indices of shape {tuple(indices.shape)} must be (k, m) with m <= rank of x ({x.ndim})"
        )
    try:
        return x.index_put(tuple(indices.long().unbind(-1)), updates, accumulate=True)
    except (RuntimeError, IndexError) as exc:
        raise common.scatter_shape_error(x.shape, indices.shape, updates.shape) from exc


def top_k(x: ArrayLike, k: int, sorted: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    x = convert_to_tensor(x)
    if x.ndim == 0 or not 0 <= k <= x.shape[-1]:
        raise ArgumentError(f"top_k: k={k} must be in [0, {x.shape[-1] if x.ndim else 0}], the size of the last axis")
    values, indices = torch.topk(x, k, dim=-1, largest=True, sorted=sorted)
    return values, indices


def sort(x: ArrayLike, axis: int | None = -1) -> torch.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.sort(x, dim=common.canonical_axis(axis, max(x.ndim, 1), "sort"), stable=True).values


def argsort(x: ArrayLike, axis: int | None = -1) -> torch.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.argsort(x, dim=common.canonical_axis(axis, max(x.ndim, 1), "argsort"), stable=True)
