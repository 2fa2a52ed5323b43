"""random ops on tensorflow.

``seed=None`` uses TensorFlow's stateful random ops, driven by the global seed
(``dn.seed`` calls ``tf.random.set_seed``, which in eager mode also restarts
the sequence). An int seed uses the ``tf.random.stateless_*`` ops with seed
``[seed, 0]``, so the call is deterministic on its own, also in ``tf.function``.
"""

from __future__ import annotations

import numbers
from typing import Any

import tensorflow as tf

from dualnet.arguments import is_integer
from dualnet.backend.api.types import ArrayLike, DTypeName, Shape, StaticShape
from dualnet.backend.common import canonical_axis
from dualnet.backend.tensorflow.autograd import in_xla
from dualnet.backend.tensorflow.core import convert_to_tensor, native_dtype, placed
from dualnet.backend.tensorflow.nn import dropout as _dropout
from dualnet.errors import ShapeError, UnsupportedError


def _pair(seed: int) -> list[int]:
    return [seed, 0]


def _like(value: ArrayLike, dtype: tf.DType) -> Any:
    return value if isinstance(value, numbers.Real) else convert_to_tensor(value, dtype.name)


def random_normal(
    shape: Shape, mean: ArrayLike = 0.0, stddev: ArrayLike = 1.0, dtype: DTypeName = "float32", seed: int | None = None
) -> tf.Tensor:
    dtype = native_dtype(dtype)
    mean, stddev = _like(mean, dtype), _like(stddev, dtype)
    with placed():
        if seed is None:
            return tf.random.normal(shape, mean, stddev, dtype=dtype)
        return tf.random.stateless_normal(shape, _pair(seed), mean, stddev, dtype=dtype)


def random_uniform(
    shape: Shape,
    minval: ArrayLike = 0.0,
    maxval: ArrayLike = 1.0,
    dtype: DTypeName = "float32",
    seed: int | None = None,
) -> tf.Tensor:
    dtype = native_dtype(dtype)
    minval, maxval = _like(minval, dtype), _like(maxval, dtype)
    with placed():
        if seed is None:
            return tf.random.uniform(shape, minval, maxval, dtype=dtype)
        return tf.random.stateless_uniform(shape, _pair(seed), minval, maxval, dtype=dtype)


def random_randint(
    shape: Shape, minval: int, maxval: int, dtype: DTypeName = "int64", seed: int | None = None
) -> tf.Tensor:
    target = native_dtype(dtype)
    # The uniform kernels draw int32/int64 only; narrower ints are drawn as int64 and cast.
    work = target if target in (tf.int32, tf.int64) else tf.int64
    with placed():
        if seed is None:
            out = tf.random.uniform(shape, minval, maxval, dtype=work)
        else:
            out = tf.random.stateless_uniform(shape, _pair(seed), minval, maxval, dtype=work)
    return out if work == target else tf.cast(out, target)


def random_truncated_normal(
    shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: DTypeName = "float32", seed: int | None = None
) -> tf.Tensor:
    dtype = native_dtype(dtype)
    with placed():  # both ops truncate at 2 stddev
        if seed is None:
            return tf.random.truncated_normal(shape, mean, stddev, dtype=dtype)
        return tf.random.stateless_truncated_normal(shape, _pair(seed), mean, stddev, dtype=dtype)


def random_bernoulli(p: ArrayLike, shape: Shape | None = None, seed: int | None = None) -> tf.Tensor:
    if not isinstance(p, numbers.Real):
        p = convert_to_tensor(p)
    work = p.dtype if isinstance(p, tf.Tensor) and p.dtype.is_floating else tf.float32
    if shape is None and not isinstance(p, tf.Tensor):
        shape = ()
    elif shape is None:  # a static shape keeps the output's shape known while tracing
        shape = p.shape.as_list() if p.shape.is_fully_defined() else tf.shape(p)
    with placed():
        if seed is None:
            draw = tf.random.uniform(shape, dtype=work)
        else:
            draw = tf.random.stateless_uniform(shape, _pair(seed), dtype=work)
    return draw < (tf.cast(p, work) if isinstance(p, tf.Tensor) else p)


def _shuffled_range(n: Any, seed: int | None) -> tf.Tensor:
    with placed():
        order = tf.range(n, dtype=tf.int64)
        if seed is None:
            return tf.random.shuffle(order)
        return tf.random.experimental.stateless_shuffle(order, _pair(seed))


def random_permutation(x: int | ArrayLike, seed: int | None = None) -> tf.Tensor:
    if is_integer(x):
        x = int(x)
        return _shuffled_range(x, seed)
    x = convert_to_tensor(x)
    if x.shape.rank == 0:
        raise ShapeError("random.permutation: x must be an int or at least 1-D, got a 0-d tensor")
    # Gathering (not tf.random.shuffle) keeps the result differentiable with respect to x.
    return tf.gather(x, _shuffled_range(tf.shape(x, out_type=tf.int64)[0], seed))


def _stateless_seed(seed: int | None) -> Any:
    """The seed of a stateless op: ``[seed, 0]``, or for ``seed=None`` a pair drawn from the global generator.

    The global ``tf.random.Generator`` (which ``dn.seed`` resets and dropout draws from) then drives the
    samplers that have no stateful kernel under XLA (gamma, binomial, categorical, shuffle).
    """
    if seed is not None:
        return _pair(seed)
    # int32: XLA's stateless kernels take no int64 seeds.
    return tf.cast(tf.random.get_global_generator().make_seeds(1)[:, 0], tf.int32)


def _work_float(target: tf.DType) -> tf.DType:
    """The dtype a sampler runs in: float64 stays, everything else draws in float32 (half kernels are patchy)."""
    return tf.float64 if target == tf.float64 else tf.float32


def _broadcast(op: str, name: str, value: ArrayLike, shape: Shape, dtype: tf.DType) -> tf.Tensor:
    """A distribution parameter as a tensor of ``shape``."""
    t = tf.cast(convert_to_tensor(value), dtype)
    try:
        with placed():
            return tf.broadcast_to(t, shape)
    except (ValueError, tf.errors.InvalidArgumentError):
        raise ShapeError(
            f"random.{op}: {name} of shape {tuple(t.shape.as_list())} does not broadcast to shape {tuple(shape)}"
        ) from None


_ROUNDS = 12  # Marsaglia-Tsang accepts >= 95% of proposals, so all 12 rejected has odds below 1e-15


def _gamma_by_rejection(alpha: tf.Tensor, seed: Any) -> tf.Tensor:
    """Gamma(``alpha``) samples by Marsaglia and Tsang's method, from normal and uniform draws only.

    XLA has no kernel for TensorFlow's gamma sampler; this runs under ``jit=True``. Each sample takes
    the first of a fixed number of accepted proposals; ``alpha < 1`` samples Gamma(alpha + 1) * U^(1 / alpha).
    """
    boost = alpha < 1
    a = tf.where(boost, alpha + 1, alpha)
    d = a - 1.0 / 3.0
    c = 1.0 / tf.sqrt(9.0 * d)
    seeds = tf.random.experimental.stateless_split(seed, 3)
    shape = tf.concat([[_ROUNDS], tf.shape(alpha)], 0)
    x = tf.random.stateless_normal(shape, seeds[0], dtype=alpha.dtype)
    u = tf.random.stateless_uniform(shape, seeds[1], dtype=alpha.dtype)
    v = (1 + c * x) ** 3
    safe_v = tf.where(v > 0, v, tf.ones_like(v))
    accepted = (v > 0) & (tf.math.log(u) < 0.5 * x * x + d - d * safe_v + d * tf.math.log(safe_v))
    # The first accepted proposal of each sample (the first one when none is, at the odds above).
    first = accepted & (tf.cumsum(tf.cast(accepted, tf.int32), axis=0) == 1)
    chosen = tf.reduce_sum(tf.where(first, safe_v, tf.zeros_like(safe_v)), axis=0)
    sample = d * tf.where(tf.reduce_any(accepted, axis=0), chosen, safe_v[0])
    extra = tf.random.stateless_uniform(tf.shape(alpha), seeds[2], dtype=alpha.dtype)
    return tf.where(boost, sample * extra ** (1.0 / alpha), sample)


def random_gamma(shape: Shape, alpha: ArrayLike, dtype: DTypeName = "float32", seed: int | None = None) -> tf.Tensor:
    target = native_dtype(dtype)
    work = _work_float(target)
    a = _broadcast("gamma", "alpha", alpha, shape, work)
    with placed():
        if in_xla():
            return tf.cast(_gamma_by_rejection(a, _stateless_seed(seed)), target)
        return tf.cast(tf.random.stateless_gamma(shape, _stateless_seed(seed), a, dtype=work), target)


def random_beta(
    shape: Shape, alpha: ArrayLike, beta: ArrayLike, dtype: DTypeName = "float32", seed: int | None = None
) -> tf.Tensor:
    target = native_dtype(dtype)
    a, b = _broadcast("beta", "alpha", alpha, shape, tf.float64), _broadcast("beta", "beta", beta, shape, tf.float64)
    with placed():
        # Beta(a, b) is X / (X + Y) for X ~ Gamma(a), Y ~ Gamma(b), drawn in float64 so small a, b rarely underflow.
        both = tf.stack([a, b])
        if in_xla():
            pair = _gamma_by_rejection(both, _stateless_seed(seed))
        else:
            pair = tf.random.stateless_gamma([2, *shape], _stateless_seed(seed), both, dtype=tf.float64)
        return tf.cast(pair[0] / (pair[0] + pair[1]), target)


def random_binomial(
    shape: Shape,
    counts: ArrayLike,
    probabilities: ArrayLike,
    dtype: DTypeName = "float32",
    seed: int | None = None,
) -> tf.Tensor:
    target = native_dtype(dtype)
    work = _work_float(target)
    n = _broadcast("binomial", "counts", counts, shape, work)
    p = _broadcast("binomial", "probabilities", probabilities, shape, work)
    if seed is None and in_xla():
        raise UnsupportedError(
            "tensorflow: random.binomial inside jit=True (XLA) needs an int seed, XLA compiles TensorFlow's binomial "
            "sampler only for a constant one; pass seed=<int>, or compile with jit=False"
        )
    with placed():
        draw = tf.random.stateless_binomial(shape, _stateless_seed(seed), n, p, output_dtype=work)
    return tf.cast(draw, target)


def random_categorical(
    logits: ArrayLike, num_samples: int, dtype: DTypeName = "int32", seed: int | None = None
) -> tf.Tensor:
    logits = convert_to_tensor(logits)
    if logits.shape.rank != 2:
        raise ShapeError(
            f"random.categorical: logits must be 2-D (batch, classes), got shape {tuple(logits.shape.as_list())}; "
            "add a batch axis with dn.ops.expand_dims(logits, 0)"
        )
    target = native_dtype(dtype)
    work = target if target in (tf.int32, tf.int64) else tf.int64  # the kernel draws int32/int64 only
    logits = tf.cast(logits, _work_float(logits.dtype))
    with placed():
        ids = tf.random.stateless_categorical(logits, num_samples, _stateless_seed(seed), dtype=work)
    return tf.cast(ids, target)


def random_shuffle(x: ArrayLike, axis: int = 0, seed: int | None = None) -> tf.Tensor:
    x = convert_to_tensor(x)
    if x.shape.rank == 0:
        raise ShapeError("random.shuffle: x must be at least 1-D, got a 0-d tensor")
    axis = canonical_axis(axis, x.shape.rank, "random.shuffle")
    with placed():
        # Sorting full-range random keys (ties all but impossible): XLA has no kernel for StatelessShuffle.
        keys = tf.random.stateless_uniform(tf.shape(x)[axis : axis + 1], _stateless_seed(seed), None, None, tf.int64)
    return tf.gather(x, tf.argsort(keys), axis=axis)


def random_dropout(
    inputs: ArrayLike, rate: float, noise_shape: StaticShape | None = None, seed: int | None = None
) -> tf.Tensor:
    if noise_shape is None:
        return _dropout(inputs, rate, True, seed)
    x = convert_to_tensor(inputs)
    x = x if x.dtype.is_floating else tf.cast(x, tf.float32)
    if rate == 0:
        return x
    # Sizes unknown while tracing come from the input's dynamic shape.
    dims = [tf.shape(x)[i] if d is None else d for i, d in enumerate(noise_shape)]
    with placed():
        if seed is None:
            draw = tf.random.get_global_generator().uniform(dims, dtype=x.dtype)
        else:
            draw = tf.random.stateless_uniform(dims, _pair(seed), dtype=x.dtype)
    return x * (tf.cast(draw >= rate, x.dtype) * (1.0 / (1.0 - rate)))
