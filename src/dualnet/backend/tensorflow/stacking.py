"""Joining, splitting, flipping and regrouping axes on TensorFlow, over this backend's concatenate and split."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from dualnet.backend import common, index_args
from dualnet.backend.api.types import ArrayLike, DTypeName
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype
from dualnet.backend.tensorflow.manipulation import _same_dtype, concatenate, split
from dualnet.errors import ArgumentError, ShapeError


def append(x1: ArrayLike, x2: ArrayLike, axis: int | None = None) -> tf.Tensor:
    return concatenate([x1, x2], axis)


def _at_least(xs: Sequence[ArrayLike], rank: int) -> list[tf.Tensor]:
    """Each of ``xs`` as NumPy's ``atleast_{rank}d`` makes it: ``(n,)`` is ``(1, n)`` then ``(1, n, 1)``."""
    out = []
    for t in _same_dtype(xs):
        if t.shape.rank == 0:
            t = tf.reshape(t, (1,) * rank)
        elif t.shape.rank == 1 and rank >= 2:
            t = tf.reshape(t, (1, -1, 1) if rank == 3 else (1, -1))
        elif t.shape.rank == 2 and rank == 3:
            t = t[..., None]
        out.append(t)
    return out


def hstack(xs: Sequence[ArrayLike]) -> tf.Tensor:
    tensors = _at_least(xs, 1)
    return concatenate(tensors, 0 if tensors and tensors[0].shape.rank == 1 else 1)


def vstack(xs: Sequence[ArrayLike]) -> tf.Tensor:
    return concatenate(_at_least(xs, 2), 0)


def dstack(xs: Sequence[ArrayLike]) -> tf.Tensor:
    return concatenate(_at_least(xs, 3), 2)


def array_split(x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[tf.Tensor]:
    x = convert_to_tensor(x)
    axis = common.canonical_axis(axis, x.shape.rank, "array_split")
    bounds = index_args.split_bounds("array_split", x.shape[axis], indices_or_sections)
    return [x[(slice(None),) * axis + (slice(start, stop),)] for start, stop in bounds]


def hsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[tf.Tensor]:
    x = convert_to_tensor(x)
    index_args.need_rank("hsplit", x.shape.rank, 1, "hsplit splits axis 1 (axis 0 of 1-D inputs)")
    return split(x, indices_or_sections, 1 if x.shape.rank > 1 else 0)


def vsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[tf.Tensor]:
    x = convert_to_tensor(x)
    index_args.need_rank("vsplit", x.shape.rank, 2, "use split(x, n, axis=0) for 1-D inputs")
    return split(x, indices_or_sections, 0)


def dsplit(x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[tf.Tensor]:
    x = convert_to_tensor(x)
    index_args.need_rank("dsplit", x.shape.rank, 3, "dsplit splits axis 2")
    return split(x, indices_or_sections, 2)


def unstack(x: ArrayLike, num: int | None = None, axis: int = 0) -> list[tf.Tensor]:
    x = convert_to_tensor(x)
    axis = common.canonical_axis(axis, x.shape.rank, "unstack")
    size = x.shape[axis]
    if num is not None and size is not None and num != size:
        raise ShapeError(f"unstack: num={num} but axis {axis} has size {size}; pass num=None or the size")
    return list(tf.unstack(x, num=num, axis=axis))


def meshgrid(*x: ArrayLike, indexing: str = "xy") -> list[tf.Tensor]:
    tensors = [tf.reshape(t, [-1]) for t in _same_dtype(x)] if x else []
    return list(tf.meshgrid(*tensors, indexing=indexing)) if tensors else []


def rot90(array: ArrayLike, k: int = 1, axes: Sequence[int] = (0, 1)) -> tf.Tensor:
    x = convert_to_tensor(array)
    rank = x.shape.rank
    index_args.need_rank("rot90", rank, 2, "rot90 turns a plane of two axes")
    a, b = common.canonical_axes(tuple(axes), rank, "rot90")
    if a == b or len(tuple(axes)) != 2:
        raise ArgumentError(f"rot90: axes={tuple(axes)} must name two different axes")
    k %= 4
    # NumPy's definition: flips and one swap of the two axes.
    perm = list(range(rank))
    perm[a], perm[b] = b, a
    if k == 1:
        return tf.transpose(tf.reverse(x, [b]), perm)
    if k == 2:
        return tf.reverse(x, [a, b])
    if k == 3:
        return tf.reverse(tf.transpose(x, perm), [b])
    return x


def fliplr(x: ArrayLike) -> tf.Tensor:
    x = convert_to_tensor(x)
    index_args.need_rank("fliplr", x.shape.rank, 2, "use flip(x, axis=0) for 1-D inputs")
    return tf.reverse(x, [1])


def flipud(x: ArrayLike) -> tf.Tensor:
    x = convert_to_tensor(x)
    index_args.need_rank("flipud", x.shape.rank, 1, "a scalar has no axis to flip")
    return tf.reverse(x, [0])


def view(x: ArrayLike, dtype: DTypeName | None = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    if dtype is None:
        return tf.identity(x)
    target = native_dtype(dtype)
    old, new = x.dtype.size, target.size
    shape = x.shape.as_list()
    if old != new and (not shape or shape[-1] is None or (shape[-1] * old) % new):
        raise ShapeError(
            f"view: the last axis of shape {tuple(shape)} ({shape[-1] if shape else 0} x {old} bytes) does not "
            f"divide into {new}-byte {dtype} elements"
        )
    if target == tf.bool:  # tf.bitcast has no bool: read bytes, nonzero is True (NumPy's bool bytes are 0 / 1)
        return tf.not_equal(view(x, "uint8"), 0)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.uint8)
    if new > old:  # tf.bitcast consumes a trailing axis of new / old items
        x = tf.reshape(x, [*shape[:-1], shape[-1] * old // new, new // old])
        return tf.bitcast(x, target)
    out = tf.bitcast(x, target)
    return tf.reshape(out, [*shape[:-1], shape[-1] * old // new]) if new < old else out


def rearrange(tensor: ArrayLike, pattern: str, **axes_lengths: Any) -> tf.Tensor:
    x = convert_to_tensor(tensor)
    split_to, perm, merge_to = index_args.rearrangement(pattern, tuple(x.shape.as_list()), axes_lengths)
    return tf.reshape(tf.transpose(tf.reshape(x, split_to), perm), merge_to)
