"""Statistics on TensorFlow: quantiles, histograms, averages, correlation, integration, pairwise distances.

Quantiles sort the reduced values and interpolate between two of them (the
same formula as on torch); ranks must be known while tracing.
"""

from __future__ import annotations

import math
from typing import Any

import tensorflow as tf

from dualnet.backend import stat_checks
from dualnet.backend.api.types import ArrayLike, Axes
from dualnet.backend.tensorflow.core import convert_to_tensor, is_tracing, promote
from dualnet.backend.tensorflow.reductions import (
    _axes,
    _check_nonempty,
    _float,
    max as _max,
    mean as _mean,
    min as _min,
    sum as _sum,
)
from dualnet.errors import ArgumentError, DTypeError, ShapeError


def _shape(t: tf.Tensor) -> tuple[Any, ...]:
    return tuple(t.shape.as_list()) if t.shape.rank is not None else ("?",)


def _named(x: ArrayLike, axis: Axes, op: str) -> Any:
    """``x`` as a tensor once ``axis`` is checked, so that an error names ``op`` (not the reduction it uses)."""
    t = convert_to_tensor(x)
    _axes(axis, t.shape.rank, op)
    return t


def amax(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    return _max(_named(x, axis, "amax"), axis, keepdims)


def amin(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    return _min(_named(x, axis, "amin"), axis, keepdims)


def ptp(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    t = _named(x, axis, "ptp")
    if t.dtype == tf.bool:
        raise DTypeError("ptp: bool tensors have no difference; cast with dn.ops.cast(x, 'int32') first")
    return _max(t, axis, keepdims) - _min(t, axis, keepdims)


def count_nonzero(x: ArrayLike, axis: Axes = None) -> tf.Tensor:
    t = _named(x, axis, "count_nonzero")
    return _sum(tf.not_equal(t, tf.zeros((), t.dtype)), axis)


def average(x: ArrayLike, axis: Axes = None, weights: ArrayLike | None = None) -> tf.Tensor:
    t = _float(_named(x, axis, "average"))
    if weights is None:
        return _mean(t, axis)
    t, w = promote(t, _float(convert_to_tensor(weights)))
    if w.shape != t.shape:
        rank = t.shape.rank or 0
        fits = isinstance(axis, int) and w.shape.rank == 1 and rank > 0 and w.shape[0] == t.shape[axis % rank]
        if not fits:
            raise ShapeError(
                f"average: weights of shape {_shape(w)} do not fit x of shape {_shape(t)} and "
                f"axis={axis!r}; pass weights shaped like x, or 1-D weights along an int axis"
            )
        a = _axes(axis, rank, "average")[0]
        w = tf.reshape(w, [-1 if d == a else 1 for d in range(rank)])
    return _sum(t * w, axis) / _sum(tf.broadcast_to(w, tf.shape(t)), axis)


def _q(op: str, q: Any, scale: float) -> tf.Tensor:
    """``q / scale`` as float64, checked to lie in [0, 1] whenever its values are known."""
    if isinstance(q, tf.Tensor | tf.Variable):
        qt = tf.cast(q, tf.float64) / scale
        if not is_tracing() and not bool(tf.reduce_all((qt >= 0) & (qt <= 1))):
            stat_checks.check_q(op, q.numpy(), scale)
        return qt
    return tf.constant(stat_checks.check_q(op, q, scale))


def order_statistic(
    x: ArrayLike, q: Any, axis: Axes, method: str, keepdims: bool, op: str, skip_nan: bool, scale: float = 1.0
) -> tf.Tensor:
    """NumPy's ``quantile`` (``skip_nan``: ``nanquantile``) of ``x`` at ``q / scale``; q's axes lead the result."""
    stat_checks.check_method(op, method)
    t = _float(convert_to_tensor(x))
    if t.dtype.is_complex:
        raise DTypeError(f"{op}: complex values have no order; take dn.ops.real or dn.ops.abs first")
    qt = _q(op, q, scale)
    rank = t.shape.rank
    if rank is None:
        raise ShapeError(f"{op}: the rank of x must be known while tracing; give the input a static rank")
    axes = _axes(axis, rank, op)
    axes = list(range(rank)) if axes is None else axes
    _check_nonempty(t, axes, op)
    kept = [d for d in range(rank) if d not in axes]
    dims = tf.shape(t)
    rows = tf.reshape(tf.transpose(t, kept + axes), tf.concat([tf.gather(dims, tf.constant(kept, tf.int32)), [-1]], 0))
    nan = tf.math.is_nan(rows)
    if skip_nan:
        count = tf.reduce_sum(tf.cast(~nan, tf.int64), -1, keepdims=True)
        rows = tf.where(nan, tf.constant(math.inf, rows.dtype), rows)  # sorted last, never picked
    else:
        count = tf.fill(tf.shape(rows[..., :1]), tf.cast(tf.shape(rows, out_type=tf.int64)[-1], tf.int64))
    ordered = tf.sort(rows, axis=-1)
    last = tf.cast(tf.maximum(count - 1, 0), tf.float64)
    position = tf.reshape(qt, tf.concat([tf.shape(qt), tf.ones([len(kept) + 1], tf.int32)], 0)) * last
    low, high = _neighbours(position, method)
    picked = tf.broadcast_to(ordered, tf.concat([tf.shape(qt), tf.shape(ordered)], 0))
    batch = qt.shape.rank + len(kept)
    below = tf.gather(picked, low, axis=-1, batch_dims=batch)
    if method in ("lower", "higher", "nearest"):
        out = below
    else:
        above = tf.gather(picked, high, axis=-1, batch_dims=batch)
        weight = tf.fill(tf.shape(position), tf.constant(0.5, tf.float64)) if method == "midpoint" else None
        weight = position - tf.cast(low, tf.float64) if weight is None else weight
        out = below + (above - below) * tf.cast(weight, below.dtype)
    empty = tf.equal(count, 0) if skip_nan else tf.reduce_any(nan, -1, keepdims=True)
    out = tf.squeeze(tf.where(empty, tf.constant(math.nan, out.dtype), out), -1)
    if keepdims:
        kept_shape = tf.stack([1 if d in axes else dims[d] for d in range(rank)]) if rank else tf.zeros([0], tf.int32)
        out = tf.reshape(out, tf.concat([tf.shape(qt), kept_shape], 0))
    return out


def _neighbours(position: tf.Tensor, method: str) -> tuple[tf.Tensor, tf.Tensor]:
    """The int64 indices of the two order statistics a method reads (the same one twice for the discrete ones)."""
    if method == "higher":
        index = tf.cast(tf.math.ceil(position), tf.int64)
        return index, index
    if method == "nearest":
        index = tf.cast(tf.round(position), tf.int64)  # half to even, as NumPy's around
        return index, index
    low = tf.cast(tf.floor(position), tf.int64)
    return low, (low if method == "lower" else tf.cast(tf.math.ceil(position), tf.int64))


def quantile(
    x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
) -> tf.Tensor:
    return order_statistic(x, q, axis, method, keepdims, "quantile", skip_nan=False)


def percentile(
    x: ArrayLike, q: ArrayLike, axis: Axes = None, method: str = "linear", keepdims: bool = False
) -> tf.Tensor:
    return order_statistic(x, q, axis, method, keepdims, "percentile", skip_nan=False, scale=100.0)


def median(x: ArrayLike, axis: Axes = None, keepdims: bool = False) -> tf.Tensor:
    return order_statistic(x, 0.5, axis, "linear", keepdims, "median", skip_nan=False)


def _int_vector(op: str, x: ArrayLike) -> tf.Tensor:
    t = convert_to_tensor(x)
    if not t.dtype.is_integer:
        raise DTypeError(f"{op}: takes non-negative integers, got {t.dtype.name}; cast with dn.ops.cast(x, 'int64')")
    if t.shape.rank != 1:
        raise ShapeError(f"{op}: takes a 1-D tensor, got shape {_shape(t)}; flatten it with dn.ops.reshape")
    return tf.cast(t, tf.int64)


def bincount(x: ArrayLike, weights: ArrayLike | None = None, minlength: int = 0, sparse: bool = False) -> tf.Tensor:
    stat_checks.check_bincount("bincount", minlength, sparse)
    t = _int_vector("bincount", x)
    if not is_tracing() and bool(tf.reduce_any(t < 0)):
        raise ArgumentError("bincount: x holds negative values; only counts of non-negative integers exist")
    if weights is None:
        w = tf.ones_like(t)
    else:
        w = convert_to_tensor(weights)
        if w.shape != t.shape:
            raise ShapeError(f"bincount: weights of shape {_shape(w)} must match x of shape {_shape(t)}")
        w = w if w.dtype.is_floating else tf.cast(w, tf.float32)
    length = tf.maximum(tf.reduce_max(tf.concat([t + 1, [0]], 0)), tf.constant(int(minlength), tf.int64))
    return tf.math.unsorted_segment_sum(w, t, length)


def histogram(x: ArrayLike, bins: int = 10, range: tuple[float, float] | None = None) -> tuple[tf.Tensor, tf.Tensor]:
    stat_checks.check_bins("histogram", bins, range)
    t = tf.reshape(_float(convert_to_tensor(x)), [-1])
    # NumPy computes the edges in float64 from a given range (Python floats), else in x's dtype from its extrema.
    wide = tf.float64 if range is not None else t.dtype
    if range is not None:
        low, high = (tf.constant(float(v), wide) for v in range)
    else:
        empty = tf.equal(tf.size(t), 0)
        low = tf.stop_gradient(tf.where(empty, tf.zeros((), wide), tf.reduce_min(t)))
        high = tf.stop_gradient(tf.where(empty, tf.zeros((), wide), tf.reduce_max(t)))
    # An empty range widens by 0.5 each way, as NumPy's does.
    flat = tf.equal(low, high)
    low, high = tf.where(flat, low - 0.5, low), tf.where(flat, high + 0.5, high)
    steps = tf.range(bins + 1, dtype=wide) * ((high - low) / bins) + low
    edges = tf.cast(tf.concat([steps[:-1], tf.reshape(high, [1])], 0), t.dtype)
    low64, high64 = tf.cast(low, tf.float64), tf.cast(high, tf.float64)
    low, high = tf.cast(low, t.dtype), tf.cast(high, t.dtype)
    index = tf.cast(tf.floor((tf.cast(t, tf.float64) - low64) / (high64 - low64) * bins), tf.int64)
    index = tf.clip_by_value(index, 0, bins - 1)
    # Values that the division put in a neighbouring bin move to the bin whose edges hold them (NumPy's fix).
    index = index - tf.cast(t < tf.gather(edges, index), tf.int64)
    index = index + tf.cast((t >= tf.gather(edges, index + 1)) & (index != bins - 1), tf.int64)
    inside = tf.cast((t >= low) & (t <= high), tf.int64)  # outside the range (and nan): counted nowhere
    counts = tf.math.unsorted_segment_sum(inside, tf.clip_by_value(index, 0, bins - 1), bins)
    return counts, edges


def corrcoef(x: ArrayLike) -> tf.Tensor:
    t = _float(convert_to_tensor(x))
    if t.shape.rank not in (1, 2):
        raise ShapeError(f"corrcoef: takes a 1-D or 2-D tensor (variables, observations), got shape {_shape(t)}")
    rows = tf.reshape(t, [1, -1]) if t.shape.rank == 1 else t
    centered = rows - tf.reduce_mean(rows, axis=1, keepdims=True)
    cov = tf.linalg.matmul(centered, centered, adjoint_b=True)
    scale = tf.sqrt(tf.math.real(tf.linalg.diag_part(cov)))
    scale = tf.cast(scale, cov.dtype)
    out = cov / scale[:, None] / scale[None, :]
    out = out if out.dtype.is_complex else tf.clip_by_value(out, -1.0, 1.0)
    return tf.reshape(out, []) if t.shape.rank == 1 else out


def correlate(x1: ArrayLike, x2: ArrayLike, mode: str = "valid") -> tf.Tensor:
    stat_checks.check_mode("correlate", mode)
    a, v = (_float(t) for t in promote(x1, x2))
    if a.dtype.is_complex:
        raise DTypeError("correlate: complex inputs are not supported; correlate the real and imaginary parts")
    if a.shape.rank != 1 or v.shape.rank != 1 or a.shape[0] in (0, None) or v.shape[0] in (0, None):
        raise ShapeError(
            f"correlate: takes two non-empty 1-D tensors of known length, got shapes {_shape(a)} and {_shape(v)}"
        )
    m, n = int(a.shape[0]), int(v.shape[0])
    # conv1d is a cross-correlation; padding n - 1 on both sides gives every overlap, NumPy's "full".
    padded = tf.pad(a, [[n - 1, n - 1]])
    full = tf.reshape(tf.nn.conv1d(tf.reshape(padded, [1, -1, 1]), tf.reshape(v, [n, 1, 1]), 1, "VALID"), [-1])
    start, length = stat_checks.correlate_window(m, n, mode)
    return full[start : start + length]


def trapezoid(y: ArrayLike, x: ArrayLike | None = None, dx: float = 1.0, axis: int = -1) -> tf.Tensor:
    t = _float(convert_to_tensor(y))
    rank = t.shape.rank
    a = _axes(axis, rank, "trapezoid")[0]
    before = (slice(None),) * a
    if x is None:
        spacing: Any = dx
    else:
        s = tf.cast(_float(convert_to_tensor(x)), t.dtype)
        if s.shape.rank == 1:
            if s.shape[0] != t.shape[a]:
                raise ShapeError(
                    f"trapezoid: x has {s.shape[0]} samples, y has {t.shape[a]} along axis {axis}; match them"
                )
            s = tf.reshape(s, [-1 if d == a else 1 for d in range(rank)])
        elif s.shape != t.shape:
            raise ShapeError(f"trapezoid: x of shape {_shape(s)} must be 1-D or shaped like y {_shape(t)}")
        spacing = s[(*before, slice(1, None))] - s[(*before, slice(None, -1))]
    heights = t[(*before, slice(1, None))] + t[(*before, slice(None, -1))]
    return tf.reduce_sum(heights * spacing, axis=a) / 2


def cdist(x: ArrayLike, y: ArrayLike) -> tf.Tensor:
    a, b = (_float(t) for t in promote(x, y))
    if (a.shape.rank or 0) < 2 or (b.shape.rank or 0) < 2 or a.shape[-1] != b.shape[-1]:
        raise ShapeError(
            f"cdist: takes x (..., m, d) and y (..., n, d) with the same d, got shapes {_shape(a)} and {_shape(b)}"
        )
    squares = tf.reduce_sum(tf.square(a[..., :, None, :] - b[..., None, :, :]), axis=-1)
    # sqrt has an infinite slope at 0: a zero distance takes gradient 0, as torch.cdist gives.
    positive = squares > 0
    return tf.where(positive, tf.sqrt(tf.where(positive, squares, tf.ones_like(squares))), tf.zeros_like(squares))
