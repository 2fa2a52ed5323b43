"""Reductions that skip nan, on TensorFlow: each replaces nan by the reduction's neutral value, or counts the rest."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike, Axes
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype
from dualnet.backend.tensorflow.reductions import (
    _axes,
    _check_nonempty,
    _float,
    _int64,
    _one_axis,
    all as _all,
    argmax as _argmax,
    argmin as _argmin,
    max as _max,
    min as _min,
    prod as _prod,
    sum as _sum,
)
from dualnet.backend.tensorflow.statistics import order_statistic


def _filled(x: ArrayLike, value: float) -> tuple[tf.Tensor, tf.Tensor | None]:
    """``x`` with nan replaced by ``value``, and the nan mask (None when ``x`` cannot hold nan)."""
    t = convert_to_tensor(x)
    if not (t.dtype.is_floating or t.dtype.is_complex):
        return t, None
    nan = tf.math.is_nan(tf.math.real(t)) | tf.math.is_nan(tf.math.imag(t)) if t.dtype.is_complex else tf.math.is_nan(t)
    return tf.where(nan, tf.constant(value, t.dtype), t), nan


def _named(x: ArrayLike, axis: Axes, op: str) -> Any:
    """``x`` as a tensor once ``axis`` is checked, so that an error names ``op`` (not the reduction it uses)."""
    t = convert_to_tensor(x)
    _axes(axis, t.shape.rank, op)
    return t


def nansum(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    return _sum(_filled(_named(x, axis, "nansum"), 0.0)[0], axis, keepdims)


def nanprod(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    return _prod(_filled(_named(x, axis, "nanprod"), 1.0)[0], axis, keepdims)


def _count(t: tf.Tensor, nan: tf.Tensor | None, axis: Axes, keepdims: bool) -> tf.Tensor:
    present = tf.ones(tf.shape(t), tf.bool) if nan is None else ~nan
    return tf.cast(_sum(present, axis, keepdims), t.dtype)


def nanmean(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    t, nan = _filled(_float(_named(x, axis, "nanmean")), 0.0)
    return _sum(t, axis, keepdims) / _count(t, nan, axis, keepdims)  # 0 / 0: nan where nothing is left


def nanvar(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    t, nan = _filled(_float(_named(x, axis, "nanvar")), 0.0)
    centered = t - _sum(t, axis, True) / _count(t, nan, axis, True)
    if nan is not None:
        centered = tf.where(nan, tf.zeros_like(centered), centered)
    squares = tf.math.real(centered * tf.math.conj(centered)) if centered.dtype.is_complex else tf.square(centered)
    return _sum(squares, axis, keepdims) / tf.cast(_count(t, nan, axis, keepdims), squares.dtype)


def nanstd(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    return tf.sqrt(nanvar(_named(x, axis, "nanstd"), axis, keepdims))


def _nan_extremum(reduce: Callable[..., tf.Tensor], fill: float, op: str) -> Callable[..., tf.Tensor]:
    def extremum(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
        t, nan = _filled(_named(x, axis, op), fill)  # the fill never wins unless the slice holds only nan
        out = reduce(t, axis, keepdims)
        if nan is None:
            return out
        return tf.where(_all(nan, axis, keepdims), tf.constant(math.nan, out.dtype), out)

    extremum.__name__ = extremum.__qualname__ = op
    return extremum


nanmax = _nan_extremum(_max, -math.inf, "nanmax")
nanmin = _nan_extremum(_min, math.inf, "nanmin")


def _nan_arg(sign: float, op: str) -> Callable[..., tf.Tensor]:
    def arg(x: ArrayLike, axis: int | None = None, keepdims: bool = False) -> tf.Tensor:
        t, nan = _filled(x, -sign * math.inf)
        if nan is None:
            return (_argmax if sign > 0 else _argmin)(t, axis, keepdims)
        rank = t.shape.rank
        flat = axis is None
        if flat:
            _check_nonempty(t, None, op)
            t, nan = tf.reshape(t, [-1]), tf.reshape(nan, [-1])
        a = 0 if flat else _one_axis(axis, rank, op)
        if not flat:
            _check_nonempty(t, [a], op)
        best = tf.reduce_max(sign * t, axis=a, keepdims=True) * sign
        # The first position holding the extremum and no nan: NumPy's answer, even when the extremum is -inf.
        hit = tf.equal(t, best) & ~nan
        first = tf.argmax(tf.cast(hit, tf.int8), axis=a, output_type=tf.int64)
        out = tf.where(tf.reduce_any(hit, axis=a), first, tf.constant(-1, tf.int64))
        if keepdims:
            return tf.reshape(out, [1] * rank) if flat else tf.expand_dims(out, a)
        return out

    arg.__name__ = arg.__qualname__ = op
    return arg


nanargmax = _nan_arg(1.0, "nanargmax")
nanargmin = _nan_arg(-1.0, "nanargmin")


def _nan_cumulative(fill: float, fn: Callable[..., tf.Tensor], op: str) -> Callable[..., tf.Tensor]:
    def cumulative(x: ArrayLike, axis: int | None = None, dtype: str | None = None) -> tf.Tensor:
        t = convert_to_tensor(x)
        if dtype is not None:
            t = tf.cast(t, native_dtype(dtype))
        t = _filled(t, fill)[0]
        t = _int64(t) if dtype is None else t  # integers and bools accumulate in int64, as NumPy's
        if axis is None:
            return fn(tf.reshape(t, [-1]), axis=0)
        return fn(t, axis=_one_axis(axis, t.shape.rank, op))

    cumulative.__name__ = cumulative.__qualname__ = op
    return cumulative


nancumsum = _nan_cumulative(0.0, tf.cumsum, "nancumsum")
nancumprod = _nan_cumulative(1.0, tf.math.cumprod, "nancumprod")


def nanquantile(
    x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
) -> tf.Tensor:
    return order_statistic(x, q, axis, method, keepdims, "nanquantile", skip_nan=True)


def nanpercentile(
    x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
) -> tf.Tensor:
    return order_statistic(x, q, axis, method, keepdims, "nanpercentile", skip_nan=True, scale=100.0)


def nanmedian(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    return order_statistic(x, 0.5, axis, "linear", keepdims, "nanmedian", skip_nan=True)
