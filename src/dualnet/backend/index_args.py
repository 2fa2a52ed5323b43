"""Framework-free argument checks and index arithmetic for the scatter, searching and stacking ops.

Both backends call these, so they accept the same arguments and raise the same errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from dualnet.arguments import is_integer
from dualnet.errors import ArgumentError, ShapeError

REDUCTIONS = (None, "add", "max", "min", "mul")
PAD_MODES = ("constant", "reflect", "symmetric", "edge", "wrap")


def block(op: str, shape: Sequence[Any], starts: Sequence[Any], sizes: Sequence[Any]) -> None:
    """ShapeError unless a block of ``sizes`` at static ``starts`` lies inside ``shape`` (None: unknown)."""
    if len(starts) != len(shape) or len(sizes) != len(shape):
        raise ShapeError(
            f"{op}: start_indices has {len(starts)} entries and the block {len(sizes)} axes, but inputs has rank "
            f"{len(shape)}; give one start and one size per axis"
        )
    for axis, (n, s, k) in enumerate(zip(shape, starts, sizes)):
        if n is None or not is_integer(s) or k is None:
            continue
        if s < 0 or k < 0 or s + k > n:
            raise ShapeError(
                f"{op}: a block of size {k} at start {s} does not fit axis {axis} of size {n} (inputs shape "
                f"{tuple(shape)}); use 0 <= start and start + size <= {n}"
            )


def slice_sizes(shape: Sequence[Any], starts: Sequence[Any], sizes: Sequence[int]) -> list[Any]:
    """``slice``'s sizes with each -1 resolved to the rest of its axis (as ``tf.slice``)."""
    out: list[Any] = []
    for n, s, k in zip(shape, starts, sizes):
        out.append(n - s if k == -1 and n is not None and is_integer(s) else k)
    return out


def check_reduction(reduction: str | None) -> None:
    if reduction not in REDUCTIONS:
        raise ArgumentError(
            f"scatter_update: reduction={reduction!r} is not supported; use one of {', '.join(map(repr, REDUCTIONS))}"
        )


def index_depth(op: str, indices_shape: Sequence[Any], rank: int) -> int:
    """The depth ``m`` of ``(k, m)`` index rows; ShapeError when it exceeds the target's rank."""
    m = indices_shape[-1] if len(indices_shape) else None
    if m is None or m > rank:
        raise ShapeError(
            f"{op}: indices of shape {tuple(indices_shape)} must be (k, m) with m <= {rank}, the rank of the target"
        )
    return int(m)


def scatter_error(
    op: str, shape: Sequence[Any], indices_shape: Sequence[Any], updates_shape: Sequence[Any]
) -> ShapeError:
    shape, indices_shape = tuple(shape), tuple(indices_shape)
    expected = indices_shape[:-1] + shape[indices_shape[-1] :]
    return ShapeError(
        f"{op}: updates of shape {tuple(updates_shape)} do not fit a target of shape {shape} indexed by indices of "
        f"shape {indices_shape}: expected updates of shape {expected} (indices.shape[:-1] + shape[m:]) and every "
        "index row within the target's shape"
    )


def pad_index(mode: str, n: int, before: int, after: int) -> np.ndarray:
    """Source index of each padded position along an axis of size ``n``, as NumPy's ``np.pad`` modes."""
    i = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(i, 0, n - 1)
    if mode == "wrap":
        return i % n
    if mode == "symmetric":  # the edge repeated: period 2n
        j = i % (2 * n)
        return np.where(j < n, j, 2 * n - 1 - j)
    if n == 1:  # reflect
        return np.zeros_like(i)
    period = 2 * (n - 1)
    return np.abs((i + n - 1) % period - (n - 1))


def split_bounds(op: str, n: int, indices_or_sections: Any) -> list[tuple[int, int]]:
    """``array_split``'s ``(start, stop)`` per part: ``n`` cut into near-equal parts, or at split points."""
    if is_integer(indices_or_sections):
        parts = int(indices_or_sections)
        if parts <= 0:
            raise ArgumentError(f"{op}: indices_or_sections={parts} must be a positive number of parts")
        each, extra = divmod(n, parts)
        sizes = [each + 1] * extra + [each] * (parts - extra)
        edges = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    else:
        edges = [0, *(slice(int(p)).indices(n)[1] for p in indices_or_sections), n]
    return [(a, max(a, b)) for a, b in pairwise(edges)]


def need_rank(op: str, rank: int, least: int, fix: str) -> None:
    if rank < least:
        raise ShapeError(f"{op}: needs a tensor of rank >= {least}, got rank {rank}; {fix}")


def advanced_key(key: Any, rank: int) -> tuple[list[Any], int | None]:
    """``x[key]`` split for a framework: the key as a list without Ellipsis and the position of its one array.

    The array entry (an integer or bool array, list or tensor) is left in place; at most one is allowed,
    which is what both backends index the same way (NumPy moves several to the front).
    """
    entries = list(key) if isinstance(key, tuple) else [key]
    arrays = [i for i, e in enumerate(entries) if _is_array(e)]
    if len(arrays) > 1:
        raise ArgumentError(
            f"get_item: the key has {len(arrays)} array entries; only one integer or bool array is supported, "
            "use take / take_along_axis or index twice"
        )
    used = sum(_consumes(e) for e in entries if e is not Ellipsis)
    ellipses = [i for i, e in enumerate(entries) if e is Ellipsis]
    if len(ellipses) > 1:
        raise ArgumentError("get_item: a key can hold at most one Ellipsis (...)")
    if used > rank:
        raise ArgumentError(f"get_item: the key indexes {used} axes but x has rank {rank}; drop some entries")
    if ellipses:
        at = ellipses[0]
        entries[at : at + 1] = [slice(None)] * (rank - used)
        arrays = [i for i, e in enumerate(entries) if _is_array(e)]
    for e in entries:
        if not (e is None or isinstance(e, slice) or is_integer(e) or _is_array(e) or _is_scalar_tensor(e)):
            raise ArgumentError(
                f"get_item: key entry {e!r} is not an int, slice, None, Ellipsis or an integer/bool array"
            )
    return entries, (arrays[0] if arrays else None)


def _is_scalar_tensor(e: Any) -> bool:
    return hasattr(e, "shape") and hasattr(e, "dtype") and len(tuple(e.shape)) == 0


def _is_array(e: Any) -> bool:
    if isinstance(e, list | np.ndarray):
        return True
    return hasattr(e, "shape") and hasattr(e, "dtype") and len(tuple(e.shape)) > 0


def _consumes(e: Any) -> int:
    """How many axes of ``x`` a key entry reads (a bool mask reads its rank)."""
    if e is None:
        return 0
    if _is_array(e):
        a = np.asarray(e) if isinstance(e, list | np.ndarray) else None
        if a is not None and a.dtype == np.bool_:
            return a.ndim
        if a is None and "bool" in str(e.dtype):
            return len(tuple(e.shape))
    return 1


_GROUP = re.compile(r"\(([^()]*)\)|(\S+)")


def _axes_of(side: str) -> list[list[str]]:
    groups = []
    for match in _GROUP.finditer(side):
        groups.append(match.group(1).split() if match.group(1) is not None else [match.group(2)])
    return groups


def rearrangement(
    pattern: str, shape: Sequence[int], lengths: dict[str, int]
) -> tuple[list[int], list[int], list[int]]:
    """einops' ``rearrange`` as ``(reshape to, permutation, reshape to)`` for an input of static ``shape``."""
    if pattern.count("->") != 1:
        raise ArgumentError(f"rearrange: pattern {pattern!r} needs one '->', e.g. 'b h w c -> b (h w) c'")
    left, right = (_axes_of(side) for side in pattern.split("->"))
    if len(left) != len(shape):
        raise ShapeError(
            f"rearrange: the left side of {pattern!r} names {len(left)} axes but the tensor has rank {len(shape)}"
        )
    sizes: dict[str, int] = {k: int(v) for k, v in lengths.items()}
    for group, n in zip(left, shape):
        unknown = [a for a in group if a not in sizes]
        known = math.prod(sizes[a] for a in group if a in sizes)
        if len(unknown) > 1:
            raise ArgumentError(f"rearrange: give the sizes of all but one of {group} as keyword arguments")
        if unknown:
            if known == 0 or n % known:
                raise ShapeError(f"rearrange: axis of size {n} cannot be split into {group} with sizes {sizes}")
            sizes[unknown[0]] = n // known
        elif known != n:
            raise ShapeError(f"rearrange: axes {group} multiply to {known}, but the axis has size {n}")
    names = [a for group in left for a in group]
    outs = [a for group in right for a in group]
    if sorted(names) != sorted(outs) or len(set(names)) != len(names):
        raise ArgumentError(
            f"rearrange: {pattern!r} must name the same axes once on each side; left {names}, right {outs}"
        )
    perm = [names.index(a) for a in outs]
    final = [math.prod(sizes[a] for a in group) for group in right]
    return [sizes[a] for a in names], perm, final
