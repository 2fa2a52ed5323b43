"""manipulation (shape) ops on tensorflow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet import dtypes
from dualnet.arguments import is_integer
from dualnet.backend import common, index_args
from dualnet.backend.api.types import ArrayLike, Axes, ShapeLike
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.errors import ArgumentError, ShapeError

_SHAPE_ERRORS = (ValueError, tf.errors.InvalidArgumentError)


def _same_dtype(xs: Sequence[ArrayLike]) -> list[tf.Tensor]:
    tensors = [convert_to_tensor(x) for x in xs]
    joint = dtypes.result_type(*(t.dtype.name for t in tensors))
    return [convert_to_tensor(t, joint) for t in tensors]


def reshape(x: ArrayLike, newshape: ShapeLike) -> tf.Tensor:
    x = convert_to_tensor(x)
    try:
        return tf.reshape(x, common.as_shape(newshape))
    except _SHAPE_ERRORS as exc:
        raise ShapeError(
            f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} to {newshape}; "
            "the sizes must multiply to the same count (one -1 may be inferred)"
        ) from exc


def transpose(x: ArrayLike, axes: Sequence[int] | None = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    if axes is None:
        return tf.transpose(x)
    order = common.canonical_axes(axes, x.shape.rank, "transpose")
    if sorted(order) != list(range(x.shape.rank)):
        raise ArgumentError(f"transpose: axes {tuple(axes)} must list each of the {x.shape.rank} axes once")
    return tf.transpose(x, order)


def moveaxis(x: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> tf.Tensor:
    x = convert_to_tensor(x)
    ndim = x.shape.rank
    source, destination = (
        common.canonical_axes(source, ndim, "moveaxis"),
        common.canonical_axes(destination, ndim, "moveaxis"),
    )
    if len(source) != len(destination):
        raise ArgumentError(
            f"moveaxis: source {source} and destination {destination} have different lengths; pass one per axis moved"
        )
    order = [a for a in range(ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return tf.transpose(x, order)


def swapaxes(x: ArrayLike, axis1: int, axis2: int) -> tf.Tensor:
    x = convert_to_tensor(x)
    axis1, axis2 = common.canonical_axes((axis1, axis2), x.shape.rank, "swapaxes")
    order = list(range(x.shape.rank))
    order[axis1], order[axis2] = axis2, axis1
    return tf.transpose(x, order)


def expand_dims(x: ArrayLike, axis: int | Sequence[int]) -> tf.Tensor:
    x = convert_to_tensor(x)
    axes = common.as_shape(axis)
    # NumPy places each new axis relative to the OUTPUT rank; inserting in increasing order does that.
    for a in sorted(common.canonical_axes(axes, x.shape.rank + len(axes), "expand_dims")):
        x = tf.expand_dims(x, a)
    return x


def squeeze(x: ArrayLike, axis: Axes = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        return tf.squeeze(x)
    axes = common.canonical_axes(axis, x.shape.rank, "squeeze")
    bad = [a for a in axes if x.shape[a] is not None and x.shape[a] != 1]
    if bad:
        raise ShapeError(
            f"squeeze: axis {bad[0]} has size {x.shape[bad[0]]}, expected 1 (shape {tuple(x.shape)}); "
            "squeeze only axes of size 1"
        )
    return tf.squeeze(x, axes) if axes else x  # tf.squeeze reads an empty list as "all axes"


def ravel(x: ArrayLike) -> tf.Tensor:
    return tf.reshape(convert_to_tensor(x), [-1])


def _joined(fn: Callable[..., Any], op: str, tensors: list[tf.Tensor], axis: int) -> tf.Tensor:
    try:
        return fn(tensors, axis=axis)
    except _SHAPE_ERRORS as exc:
        shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
        raise ShapeError(f"{op}: cannot join tensors of shapes {shapes} along axis {axis}: {exc}") from exc


def concatenate(xs: Sequence[ArrayLike], axis: int | None = 0) -> tf.Tensor:
    tensors = _same_dtype(xs)
    if axis is None:
        return _joined(tf.concat, "concatenate", [tf.reshape(t, [-1]) for t in tensors], 0)
    return _joined(tf.concat, "concatenate", tensors, axis)


def stack(xs: Sequence[ArrayLike], axis: int = 0) -> tf.Tensor:
    return _joined(tf.stack, "stack", _same_dtype(xs), axis)


def _slice(x: tf.Tensor, axis: int, start: int, stop: int | None) -> tf.Tensor:
    return x[(slice(None),) * axis + (slice(start, stop),)]


def split(x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[tf.Tensor]:
    x = convert_to_tensor(x)
    (axis,) = common.canonical_axes(axis, x.shape.rank, "split")
    n = x.shape[axis]
    if is_integer(indices_or_sections):
        indices_or_sections = int(indices_or_sections)
        if indices_or_sections <= 0 or (n is not None and n % indices_or_sections):
            raise ArgumentError(
                f"split: indices_or_sections={indices_or_sections} does not divide axis {axis} of size {n} "
                "into equal parts; pass a divisor of the size or a list of split points"
            )
        parts: list[tf.Tensor] = tf.split(x, indices_or_sections, axis=axis)
        return parts
    points = list(indices_or_sections)
    if n is None:  # unknown size while tracing: slices follow NumPy's slice semantics by themselves
        return [_slice(x, axis, a, b) for a, b in zip([0, *points], [*points, None])]
    bounds = [0, *(slice(p).indices(n)[1] for p in points), n]
    if all(a <= b for a, b in pairwise(bounds)):
        pieces: list[tf.Tensor] = tf.split(x, [b - a for a, b in pairwise(bounds)], axis=axis)
        return pieces
    return [_slice(x, axis, a, max(a, b)) for a, b in pairwise(bounds)]


def tile(x: ArrayLike, reps: int | Sequence[int]) -> tf.Tensor:
    x = convert_to_tensor(x)
    reps = common.tile_reps(reps)
    # NumPy aligns x and reps from the right, padding the shorter with leading 1s.
    for _ in range(len(reps) - x.shape.rank):
        x = tf.expand_dims(x, 0)
    return tf.tile(x, (1,) * (x.shape.rank - len(reps)) + reps)


def repeat(x: ArrayLike, repeats: int | ArrayLike, axis: int | None = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    repeats = int(repeats) if is_integer(repeats) else convert_to_tensor(repeats, "int64")
    if axis is not None:
        axis = common.axis_index(axis, axis, "repeat", "an int or None")
    return tf.repeat(x, repeats, axis=axis)


def broadcast_to(x: ArrayLike, shape: ShapeLike) -> tf.Tensor:
    x = convert_to_tensor(x)
    try:
        return tf.broadcast_to(x, common.as_shape(shape))
    except _SHAPE_ERRORS as exc:
        raise ShapeError(
            f"broadcast_to: cannot broadcast shape {tuple(x.shape)} to {common.as_shape(shape)}; "
            "each axis must match or be 1, aligned from the right"
        ) from exc


def pad(x: ArrayLike, pad_width: ArrayLike, mode: str = "constant", constant_values: float = 0) -> tf.Tensor:
    x = convert_to_tensor(x)
    pairs = common.pad_pairs(pad_width, x.shape.rank)
    if mode == "constant":
        value = tf.constant(np.asarray(constant_values).astype(x.dtype.as_numpy_dtype))
        return tf.pad(x, pairs, mode="CONSTANT", constant_values=value)
    if mode not in index_args.PAD_MODES:
        raise ArgumentError(f"pad: mode={mode!r} is not supported; use one of {', '.join(index_args.PAD_MODES)}")
    sizes = x.shape.as_list()
    native = {"reflect": ("REFLECT", 0), "symmetric": ("SYMMETRIC", 1)}.get(mode)
    if native and all(n is None or (b < n + native[1] and a < n + native[1]) for n, (b, a) in zip(sizes, pairs)):
        return tf.pad(x, pairs, mode=native[0])
    # Pads wider than the axis reflect repeatedly (NumPy); tf.pad cannot, gathering indices can.
    for axis, (before, after) in enumerate(pairs):
        if before or after:
            if sizes[axis] == 0:
                raise ShapeError(f"pad: cannot {mode}-pad axis {axis} of size 0 (shape {tuple(sizes)})")
            x = tf.gather(x, index_args.pad_index(mode, sizes[axis], before, after), axis=axis)
    return x


def flip(x: ArrayLike, axis: Axes = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    return tf.reverse(
        x, list(range(x.shape.rank)) if axis is None else list(common.canonical_axes(axis, x.shape.rank, "flip"))
    )


def roll(x: ArrayLike, shift: int | Sequence[int], axis: Axes = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    if axis is None:
        return tf.reshape(tf.roll(tf.reshape(x, [-1]), int(np.sum(shift)), 0), tf.shape(x))
    # NumPy broadcasts shift against axis and adds the shifts of a repeated axis.
    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(common.canonical_axes(axis, x.shape.rank, "roll")))
    total: dict[int, int] = {}
    for s, a in zip(shifts.ravel().tolist(), axes.ravel().tolist()):
        total[a] = total.get(a, 0) + s
    return tf.roll(x, list(total.values()), list(total))
