"""Searching ops on torch: nonzero, a sort-based unique (static with ``size``), searchsorted, isin."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from dualnet.backend import common, unique_args
from dualnet.backend.api.types import ArrayLike, ShapeLike
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.backend.torch.indexing import _index
from dualnet.backend.torch.math import _operands, where
from dualnet.errors import ArgumentError, ShapeError


def nonzero(x: ArrayLike) -> tuple[torch.Tensor, ...]:
    x = convert_to_tensor(x)
    return tuple(torch.nonzero(x.reshape(1) if x.ndim == 0 else x, as_tuple=True))


def _lexsort_rows(rows: torch.Tensor) -> torch.Tensor:
    """The stable order that sorts the rows of ``rows`` (n, m) lexicographically: last column first."""
    order = torch.arange(rows.shape[0], device=rows.device)
    for c in reversed(range(rows.shape[1])):
        order = order[torch.argsort(rows[order, c], stable=True)]
    return order


def unique(
    x: ArrayLike,
    sorted: bool = True,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    size: int | None = None,
    fill_value: Any = None,
) -> Any:
    x = convert_to_tensor(x)
    size = unique_args.check_size(size)
    ax = 0 if axis is None else common.canonical_axis(axis, x.ndim, "unique")
    moved = x.reshape(-1) if axis is None else torch.movedim(x, ax, 0)
    n = moved.shape[0]
    rows = moved.reshape(n, math.prod(moved.shape[1:]))
    order = _lexsort_rows(rows)
    ordered = rows[order]
    new = torch.ones(n, dtype=torch.bool, device=x.device)
    new[1:] = (ordered[1:] != ordered[:-1]).any(-1)
    group = torch.cumsum(new, 0) - 1
    count = int(new.sum()) if size is None else size
    # Groups past ``size`` go to one overflow slot, dropped at the end: the shapes stay static.
    slot = torch.where(group < count, group, count)
    fill = 0 if fill_value is None else fill_value
    values = torch.full((count + 1, rows.shape[1]), fill, dtype=x.dtype, device=x.device)
    values = values.index_copy(0, slot, ordered)[:count]  # every row of a group is equal: any write wins
    first = torch.full((count + 1,), n, dtype=torch.int64, device=x.device)
    first = first.scatter_reduce(0, slot, order, "amin")[:count]
    counts = torch.zeros(count + 1, dtype=torch.int64, device=x.device).index_add(0, slot, torch.ones_like(slot))
    counts = counts[:count]
    inverse = torch.empty_like(group).index_copy(0, order, group)
    if not sorted:  # order of first appearance; padding (first == n) stays last
        rank = torch.argsort(first, stable=True)
        values, first, counts = values[rank], first[rank], counts[rank]
        inverse = torch.argsort(rank).index_select(0, torch.clamp(inverse, max=count - 1)) if count else inverse
    first = torch.where(first < n, first, 0)
    values = values.reshape(count, *moved.shape[1:])
    if axis is not None:
        values = torch.movedim(values, 0, ax)
    else:
        inverse = inverse.reshape(x.shape)
    return unique_args.pack(values, first, inverse, counts, (return_index, return_inverse, return_counts))


def _pair(x1: ArrayLike, x2: ArrayLike) -> tuple[torch.Tensor, torch.Tensor]:
    t1, t2 = _operands(x1, x2)
    t1 = t1 if isinstance(t1, torch.Tensor) else convert_to_tensor(t1, str(t2.dtype).removeprefix("torch."))
    t2 = t2 if isinstance(t2, torch.Tensor) else convert_to_tensor(t2, str(t1.dtype).removeprefix("torch."))
    return t1, t2


def _sequence(sorted_sequence: ArrayLike, values: ArrayLike, op: str) -> tuple[torch.Tensor, torch.Tensor]:
    seq, vals = _pair(sorted_sequence, values)
    if seq.ndim != 1:
        raise ShapeError(f"{op}: the sorted sequence must be 1-D, got shape {tuple(seq.shape)}; ravel it first")
    return seq, vals


def searchsorted(sorted_sequence: ArrayLike, values: ArrayLike, side: str = "left") -> torch.Tensor:
    if side not in ("left", "right"):
        raise ArgumentError(f"searchsorted: side={side!r} must be 'left' or 'right'")
    seq, vals = _sequence(sorted_sequence, values, "searchsorted")
    return torch.searchsorted(seq, vals.contiguous(), right=side == "right")


def digitize(x: ArrayLike, bins: ArrayLike) -> torch.Tensor:
    edges, vals = _sequence(bins, x, "digitize")
    rising = torch.searchsorted(edges, vals.contiguous(), right=True)
    falling = edges.shape[0] - torch.searchsorted(edges.flip(0), vals.contiguous(), right=False)
    # Both directions computed, one kept: no host read, so it compiles.
    return torch.where(edges[0] > edges[-1], falling, rising) if edges.shape[0] > 1 else rising


def isin(x1: ArrayLike, x2: ArrayLike, assume_unique: bool = False, invert: bool = False) -> torch.Tensor:
    t1, t2 = _pair(x1, x2)
    return torch.isin(t1, t2, assume_unique=assume_unique, invert=invert)


def argpartition(x: ArrayLike, kth: int, axis: int = -1) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.ndim == 0:
        raise ShapeError("argpartition: x must be at least 1-D, got a scalar")
    axis = common.canonical_axis(axis, x.ndim, "argpartition")
    n = x.shape[axis]
    if not -n <= kth < n:
        raise ArgumentError(f"argpartition: kth={kth} is out of range for an axis of size {n}; use -{n} <= kth < {n}")
    # A stable full sort is one valid partition (NumPy leaves the order within each side unspecified).
    return torch.argsort(x, dim=axis, stable=True)


def unravel_index(indices: ArrayLike, shape: ShapeLike) -> tuple[torch.Tensor, ...]:
    flat = _index(indices).long()
    dims = common.as_shape(shape)
    coords = []
    for d in reversed(dims):
        coords.append(torch.remainder(flat, d))
        flat = torch.div(flat, d, rounding_mode="floor")
    return tuple(reversed(coords))


def select(condlist: Sequence[ArrayLike], choicelist: Sequence[ArrayLike], default: ArrayLike = 0) -> torch.Tensor:
    if len(condlist) != len(choicelist) or not condlist:
        raise ArgumentError(
            f"select: condlist has {len(condlist)} entries and choicelist {len(choicelist)}; give one choice per "
            "condition (at least one)"
        )
    out = default
    for cond, choice in zip(reversed(condlist), reversed(choicelist)):
        out = where(cond, choice, out)
    return convert_to_tensor(out)
