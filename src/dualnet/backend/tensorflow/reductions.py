"""Reductions on TensorFlow: sums, means, extrema, variance, arg-extrema, logsumexp, any/all, cumulative ops.

TensorFlow keeps int32 sums in int32 and has no bool arithmetic, so integer
and bool inputs are widened to int64 first, as NumPy does on Linux.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import tensorflow as tf

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike, Axes
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.errors import ArgumentError


class Reduction(Protocol):
    """A reduction over ``axis`` made by :func:`_extremum` or :func:`_truth`."""

    def __call__(self, x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor: ...


class ArgReduction(Protocol):
    """An arg-extremum made by :func:`_arg`."""

    def __call__(self, x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> tf.Tensor: ...


class Cumulative(Protocol):
    """A running reduction made by :func:`_cumulative`."""

    def __call__(self, x: ArrayLike, axis: int | None = None) -> tf.Tensor: ...


def _axes(axis: Any, rank: int | None, op: str) -> Any:
    """``axis`` as None (every axis) or a list of distinct non-negative ints (as given if the rank is unknown)."""
    if axis is None:
        return None
    if type(axis) is int and rank is not None and -rank <= axis < rank:  # the common case, checked cheaply
        return [axis % rank]
    axes = [
        common.axis_index(a, axis, op, "an int or a tuple of ints")
        for a in (axis if isinstance(axis, tuple | list) else [axis])
    ]
    if rank is None:
        return axes
    for a in axes:
        if not -rank <= a < rank:
            raise ArgumentError(
                f"{op}: axis {a} is out of range for a tensor of rank {rank}; use -{rank} <= axis < {rank}"
            )
    out = [a % rank for a in axes]
    if len(set(out)) != len(out):
        raise ArgumentError(f"{op}: axis {axis!r} repeats an axis; name each axis once")
    return out


def _one_axis(axis: Any, rank: int | None, op: str) -> int:
    index: int = _axes(common.axis_index(axis, axis, op, "an int or None"), rank, op)[0]
    return index


def _check_nonempty(x: tf.Tensor, axes: Any, op: str) -> None:
    """Extrema of nothing are undefined: NumPy raises, and so do we (TF would give -inf). Static sizes only."""
    if x.shape.rank is None:
        return
    dims = x.shape.as_list()
    sizes = dims if axes is None else [dims[a] for a in axes]
    if 0 in sizes:
        raise ArgumentError(
            f"{op}: cannot reduce a zero-size axis of a tensor of shape {tuple(dims)}; reduce over non-empty axes only"
        )


def _int64(x: tf.Tensor) -> tf.Tensor:
    return tf.cast(x, tf.int64) if x.dtype.is_integer or x.dtype == tf.bool else x


def _float(x: tf.Tensor) -> tf.Tensor:
    return tf.cast(x, tf.float32) if x.dtype.is_integer or x.dtype == tf.bool else x


def sum(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    x = _int64(convert_to_tensor(x))
    return tf.reduce_sum(x, axis=_axes(axis, x.shape.rank, "sum"), keepdims=keepdims)


def mean(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    x = _float(convert_to_tensor(x))
    return tf.reduce_mean(x, axis=_axes(axis, x.shape.rank, "mean"), keepdims=keepdims)


def _extremum(fn: Callable[..., Any], bool_fn: Callable[..., Any], op: str) -> Reduction:
    def extremum(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
        x = convert_to_tensor(x)
        axes = _axes(axis, x.shape.rank, op)
        _check_nonempty(x, axes, op)
        return (bool_fn if x.dtype == tf.bool else fn)(x, axis=axes, keepdims=keepdims)

    extremum.__name__ = extremum.__qualname__ = op
    return extremum


max = _extremum(tf.reduce_max, tf.reduce_any, "max")
min = _extremum(tf.reduce_min, tf.reduce_all, "min")


def prod(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    x = _int64(convert_to_tensor(x))
    return tf.reduce_prod(x, axis=_axes(axis, x.shape.rank, "prod"), keepdims=keepdims)


def _count(x: tf.Tensor, axes: Any) -> Any:
    """How many elements each reduced slice holds: a Python int when the shape is static."""
    dims = x.shape.as_list() if x.shape.rank is not None else None
    if dims is not None:
        picked = dims if axes is None else [dims[a] for a in axes]
        if None not in picked:
            return int(np.prod(picked, dtype=np.int64))
    shape = tf.shape(x, out_type=tf.int64)
    return tf.reduce_prod(shape if axes is None else tf.gather(shape, axes))


def var(x: ArrayLike, axis: Axes = None, ddof: int = 0, keepdims: bool = False) -> tf.Tensor:
    x = _float(convert_to_tensor(x))
    axes = _axes(axis, x.shape.rank, "var")
    centered = x - tf.reduce_mean(x, axis=axes, keepdims=True)
    squares = tf.reduce_sum(tf.square(centered), axis=axes, keepdims=keepdims)
    # NumPy divides by max(n - ddof, 0): 0 / 0 gives nan when no degrees of freedom are left.
    count = _count(x, axes)
    if isinstance(count, int):
        return squares / builtins.max(count - ddof, 0)
    return squares / tf.cast(tf.maximum(count - ddof, 0), x.dtype)


def std(x: ArrayLike, axis: Axes = None, ddof: int = 0, keepdims: bool = False) -> tf.Tensor:
    return tf.sqrt(var(x, axis, ddof, keepdims))


def _arg(fn: Callable[..., Any], op: str) -> ArgReduction:
    def arg(x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> tf.Tensor:
        x = convert_to_tensor(x)
        rank = x.shape.rank
        if axis is None:
            _check_nonempty(x, None, op)
            flat = tf.reshape(x, [-1])
            out = _first_nan_wins(fn, flat, 0)
            return tf.reshape(out, [1] * rank) if keepdims else out
        a = _one_axis(axis, rank, op)
        _check_nonempty(x, [a], op)
        out = _first_nan_wins(fn, x, a)
        return tf.expand_dims(out, a) if keepdims else out

    arg.__name__ = arg.__qualname__ = op
    return arg


def _first_nan_wins(fn: Callable[..., Any], x: tf.Tensor, axis: int) -> tf.Tensor:
    """``fn(x, axis)``, except that a slice holding nan answers its first nan, as NumPy and torch do."""
    out = fn(x, axis=axis, output_type=tf.int64)
    if not x.dtype.is_floating:
        return out
    nan = tf.math.is_nan(x)
    first_nan = tf.argmax(nan, axis=axis, output_type=tf.int64)  # ties resolve to the first index
    return tf.where(tf.reduce_any(nan, axis=axis), first_nan, out)


argmax = _arg(tf.argmax, "argmax")
argmin = _arg(tf.argmin, "argmin")


def logsumexp(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    x = _float(convert_to_tensor(x))
    # reduce_logsumexp subtracts the (finite) max before exp: no overflow, and -inf rows stay -inf.
    return tf.reduce_logsumexp(x, axis=_axes(axis, x.shape.rank, "logsumexp"), keepdims=keepdims)


def _truth(fn: Callable[..., Any], op: str) -> Reduction:
    def truth(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
        x = convert_to_tensor(x)
        if x.dtype != tf.bool:
            x = tf.cast(x, tf.bool)  # nonzero (and nan) is True
        return fn(x, axis=_axes(axis, x.shape.rank, op), keepdims=keepdims)

    truth.__name__ = truth.__qualname__ = op
    return truth


any = _truth(tf.reduce_any, "any")
all = _truth(tf.reduce_all, "all")


def _cumulative(fn: Callable[..., Any], op: str) -> Cumulative:
    def cumulative(x: ArrayLike, axis: int | None = None) -> tf.Tensor:
        x = _int64(convert_to_tensor(x))
        if axis is None:
            return fn(tf.reshape(x, [-1]), axis=0)
        return fn(x, axis=_one_axis(axis, x.shape.rank, op))

    cumulative.__name__ = cumulative.__qualname__ = op
    return cumulative


cumsum = _cumulative(tf.cumsum, "cumsum")
cumprod = _cumulative(tf.math.cumprod, "cumprod")
