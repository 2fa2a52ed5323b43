"""Random ops, seeded by ``dn.seed`` (the framework's own generator).

With ``seed=None`` a draw uses the active framework's global generator, which
``dn.seed(n)`` reseeds: the same script repeats its draws. With ``seed=<int>``
a call is deterministic on its own, whatever came before. Streams are the
framework's: the same seed gives different values on torch and tensorflow
(initial weights are the exception, drawn in NumPy; see ``dualnet.seeding``).

Reached as ``dn.ops.random.normal(...)``; not star-exported into ``dn.ops``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import check_float, check_int, check_probability, is_integer
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float, is_int, standardize
from dualnet.errors import ArgumentError, DTypeError, ShapeError

__all__ = [
    "normal",
    "uniform",
    "randint",
    "truncated_normal",
    "bernoulli",
    "permutation",
    "gamma",
    "beta",
    "binomial",
    "categorical",
    "shuffle",
    "dropout",
]

Tensor = Any
Shape = int | Sequence[int]


def _shape(shape: Shape, op: str) -> tuple[int, ...]:
    dims = (shape,) if is_integer(shape) else tuple(shape)  # type: ignore[arg-type]  # not an int: a sequence
    if not all(is_integer(d) and d >= 0 for d in dims):
        raise ArgumentError(f"random.{op}: shape must be non-negative ints, got {shape!r}")
    return tuple(int(d) for d in dims)


def _seed(seed: int | None, op: str) -> int | None:
    return check_int(f"random.{op}", "seed", seed, low=0, or_none=True, example="seed=0")


def _dtype(dtype: Any, op: str, want: str) -> str:
    name = standardize(dtype)
    if not (is_float(name) if want == "float" else is_int(name)):
        raise DTypeError(f"random.{op}: dtype must be a {want} dtype, got {name!r}")
    return name


def _scale(stddev: Any, op: str) -> Any:
    if isinstance(stddev, numbers.Real) and stddev < 0:
        raise ArgumentError(f"random.{op}: stddev must be >= 0, got {stddev!r}")
    return stddev


def normal(shape: Shape, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32", seed: int | None = None) -> Tensor:
    """Samples of N(mean, stddev**2) of shape ``shape`` (``mean``/``stddev`` may be tensors broadcasting to it).

    Raises:
        ArgumentError: ``shape`` is not a sequence of non-negative ints.
        DTypeError: ``dtype`` is not a float dtype.
    """
    return B.random_normal(
        _shape(shape, "normal"), mean, _scale(stddev, "normal"), _dtype(dtype, "normal", "float"), _seed(seed, "normal")
    )


def uniform(
    shape: Shape, minval: Any = 0.0, maxval: Any = 1.0, dtype: Any = "float32", seed: int | None = None
) -> Tensor:
    """Samples uniform on ``[minval, maxval)`` of shape ``shape``, float dtype.

    Raises:
        ArgumentError: ``shape`` is not a sequence of non-negative ints.
        DTypeError: ``dtype`` is not a float dtype.
    """
    return B.random_uniform(
        _shape(shape, "uniform"), minval, maxval, _dtype(dtype, "uniform", "float"), _seed(seed, "uniform")
    )


def randint(shape: Shape, minval: int, maxval: int, dtype: Any = "int64", seed: int | None = None) -> Tensor:
    """Integers uniform on ``[minval, maxval)`` (Python ints, ``minval < maxval``) of shape ``shape``.

    Raises:
        ArgumentError: ``shape`` is not a sequence of non-negative ints, ``minval >= maxval``, or the range
            does not fit ``dtype`` (any of int8, int16, int32, int64, uint8).
        DTypeError: ``dtype`` is not an integer dtype.
    """
    if not (is_integer(minval) and is_integer(maxval)):
        raise ArgumentError(f"random.randint: minval and maxval must be ints, got {minval!r} and {maxval!r}")
    if minval >= maxval:
        raise ArgumentError(
            f"random.randint: need minval < maxval (the range is [minval, maxval)), got {minval}, {maxval}"
        )
    dtype = _dtype(dtype, "randint", "int")
    info = np.iinfo(dtype)
    if minval < info.min or maxval - 1 > info.max:
        raise ArgumentError(
            f"random.randint: the range [{minval}, {maxval}) does not fit {dtype}, whose values are "
            f"[{info.min}, {info.max}]; pass a wider dtype or a narrower range"
        )
    return B.random_randint(_shape(shape, "randint"), int(minval), int(maxval), dtype, _seed(seed, "randint"))


def truncated_normal(
    shape: Shape, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32", seed: int | None = None
) -> Tensor:
    """Samples of N(mean, stddev**2) restricted to ``[mean - 2 stddev, mean + 2 stddev]`` (Python scalars).

    Raises:
        ArgumentError: ``shape`` is not a sequence of non-negative ints, or ``stddev`` is negative.
        DTypeError: ``dtype`` is not a float dtype.
    """
    if not all(isinstance(v, numbers.Real) for v in (mean, stddev)):
        raise ArgumentError("random.truncated_normal: mean and stddev must be Python numbers")
    return B.random_truncated_normal(
        _shape(shape, "truncated_normal"),
        float(mean),
        float(_scale(stddev, "truncated_normal")),
        _dtype(dtype, "truncated_normal", "float"),
        _seed(seed, "truncated_normal"),
    )


def bernoulli(p: Any, shape: Shape | None = None, seed: int | None = None) -> Tensor:
    """Booleans that are True with probability ``p`` (a number or a tensor broadcasting to ``shape``).

    ``shape=None`` takes ``p``'s shape (a scalar for a Python number).

    Raises:
        ArgumentError: ``p`` is outside ``[0, 1]``, or ``shape`` has a negative size.
        DTypeError: ``p`` is not numeric.
    """
    if isinstance(p, numbers.Real) and not 0 <= float(p) <= 1:
        raise ArgumentError(f"random.bernoulli: p must be in [0, 1], got {p!r}")
    return B.random_bernoulli(p, None if shape is None else _shape(shape, "bernoulli"), _seed(seed, "bernoulli"))


def permutation(x: Any, seed: int | None = None) -> Tensor:
    """A random permutation: of ``arange(x)`` (int64) for an int ``x``, else of ``x`` along axis 0 (a copy).

    Shape ``(x,)`` for an int ``x``, else the shape of ``x``.

    Raises:
        ArgumentError: an int ``x`` is negative.
        DTypeError: ``x`` is not an int or a numeric tensor.
    """
    if is_integer(x):
        x = _shape(int(x), "permutation")[0]
    return B.random_permutation(x, _seed(seed, "permutation"))


def _positive(value: Any, op: str, name: str) -> Any:
    """A number must be > 0 (tensors are passed on: checking their values would cost a device sync)."""
    if isinstance(value, numbers.Real):
        return check_float(f"random.{op}", name, value, low=0.0, low_open=True, example=f"{name}=2.0")
    return value


def gamma(shape: Shape, alpha: Any, dtype: Any = "float32", seed: int | None = None) -> Tensor:
    """Samples of Gamma(``alpha``, scale 1) (mean and variance ``alpha``) of shape ``shape``.

    ``alpha`` is a number > 0 or a tensor broadcasting to ``shape``. Multiply by ``theta`` for scale ``theta``.

    Raises:
        ArgumentError: ``shape`` is not a sequence of non-negative ints, or ``alpha`` is a number <= 0.
        DTypeError: ``dtype`` is not a float dtype.
        ShapeError: ``alpha`` does not broadcast to ``shape``.
    """
    return B.random_gamma(
        _shape(shape, "gamma"),
        _positive(alpha, "gamma", "alpha"),
        _dtype(dtype, "gamma", "float"),
        _seed(seed, "gamma"),
    )


def beta(shape: Shape, alpha: Any, beta: Any, dtype: Any = "float32", seed: int | None = None) -> Tensor:
    """Samples of Beta(``alpha``, ``beta``) on [0, 1] (mean ``alpha / (alpha + beta)``) of shape ``shape``.

    ``alpha`` and ``beta`` are numbers > 0 or tensors broadcasting to ``shape``.

    Raises:
        ArgumentError: ``shape`` is not a sequence of non-negative ints, or a parameter is a number <= 0.
        DTypeError: ``dtype`` is not a float dtype.
        ShapeError: a parameter does not broadcast to ``shape``.
    """
    return B.random_beta(
        _shape(shape, "beta"),
        _positive(alpha, "beta", "alpha"),
        _positive(beta, "beta", "beta"),
        _dtype(dtype, "beta", "float"),
        _seed(seed, "beta"),
    )


def binomial(shape: Shape, counts: Any, probabilities: Any, dtype: Any = "float32", seed: int | None = None) -> Tensor:
    """Successes in ``counts`` trials each of probability ``probabilities``, of shape ``shape``.

    Both are numbers or tensors broadcasting to ``shape``; mean ``counts * p``, variance ``counts * p * (1 - p)``.
    ``dtype`` is a float dtype (Keras's default, float32) or an integer one.

    Raises:
        ArgumentError: ``shape`` is not a sequence of non-negative ints, ``counts`` is a number that is not a
            whole number >= 0, or ``probabilities`` a number outside [0, 1].
        DTypeError: ``dtype`` is neither a float nor an integer dtype.
        ShapeError: a parameter does not broadcast to ``shape``.
    """
    if isinstance(counts, numbers.Real):
        counts = check_float("random.binomial", "counts", counts, low=0.0, example="counts=10")
        if not counts.is_integer():
            raise ArgumentError(f"random.binomial: counts must be a whole number of trials, got {counts!r}")
    if isinstance(probabilities, numbers.Real):
        probabilities = check_probability("random.binomial", "probabilities", probabilities, example="0.5")
    name = standardize(dtype)
    if not (is_float(name) or is_int(name)):
        raise DTypeError(f"random.binomial: dtype must be a float or integer dtype, got {name!r}")
    return B.random_binomial(_shape(shape, "binomial"), counts, probabilities, name, _seed(seed, "binomial"))


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: int | None = None) -> Tensor:
    """Class ids drawn from each row of ``softmax(logits)``: ``(batch, classes)`` to ``(batch, num_samples)``.

    ``logits`` are unnormalised log-probabilities (``-inf`` for a class never drawn); draws are independent
    (with replacement).

    Raises:
        ArgumentError: ``num_samples`` is not a positive int.
        DTypeError: ``dtype`` is not an integer dtype.
        ShapeError: ``logits`` is not 2-D.
    """
    num_samples = check_int("random.categorical", "num_samples", num_samples, low=1, example="num_samples=1")
    return B.random_categorical(logits, num_samples, _dtype(dtype, "categorical", "int"), _seed(seed, "categorical"))


def shuffle(x: Any, axis: int = 0, seed: int | None = None) -> Tensor:
    """``x`` with its slices along ``axis`` in one random order (``numpy.random.Generator.permutation(x, axis)``).

    Same shape and dtype; differentiable with respect to ``x``. Every slice moves as a whole (Keras's torch
    backend instead draws a separate order per leading index when ``axis > 0``; its tensorflow backend and
    NumPy do what we do).

    Raises:
        ArgumentError: ``axis`` is not an int, or out of range for ``x``.
        ShapeError: ``x`` is 0-d.
    """
    axis = check_int("random.shuffle", "axis", axis, example="axis=0")
    return B.random_shuffle(x, axis, _seed(seed, "shuffle"))


def _noise_shape(noise_shape: Any, inputs: Any) -> tuple[Any, ...] | None:
    """``noise_shape`` with None entries taken from ``inputs`` (None where that size is unknown while tracing)."""
    if noise_shape is None:
        return None
    where = "random.dropout"
    if is_integer(noise_shape) or not isinstance(noise_shape, Sequence):
        raise ArgumentError(f"{where}: noise_shape must be None or a tuple of ints and Nones, got {noise_shape!r}")
    if not all(d is None or (is_integer(d) and d >= 1) for d in noise_shape):
        raise ArgumentError(f"{where}: noise_shape entries must be positive ints or None, got {tuple(noise_shape)}")
    shape = B.shape(inputs)
    dims = tuple(s if d is None else int(d) for d, s in zip(noise_shape, shape))
    if len(noise_shape) != len(shape) or any(d != 1 and s is not None and d != s for d, s in zip(dims, shape)):
        raise ShapeError(
            f"{where}: noise_shape {tuple(noise_shape)} must have one entry per axis of inputs {tuple(shape)}, each "
            "equal to that axis's size, 1 (one mask value shared along it) or None (its size)"
        )
    return dims


def dropout(inputs: Any, rate: float, noise_shape: Any = None, seed: int | None = None) -> Tensor:
    """Inverted dropout, always on: elements zeroed with probability ``rate``, the rest scaled by ``1 / (1 - rate)``.

    ``noise_shape`` (Keras's) shapes the mask, broadcast to ``inputs``: ``(batch, 1, features)`` drops the
    same features at every step. Same shape as ``inputs``; float dtype (integers give float32). For the
    training-aware op see ``dn.ops.dropout``; the layer is ``dn.nn.Dropout``.

    Raises:
        ArgumentError: ``rate`` is outside [0, 1), or ``noise_shape`` holds something other than ints and Nones.
        ShapeError: ``noise_shape`` does not broadcast to ``inputs``.
    """
    rate = check_probability(
        "random.dropout", "rate", rate, high_open=True, example="rate=0.1, the fraction of inputs to drop"
    )
    return B.random_dropout(inputs, rate, _noise_shape(noise_shape, inputs), _seed(seed, "dropout"))
