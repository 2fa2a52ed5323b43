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

from dualnet.arguments import check_int, is_integer
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float, is_int, standardize
from dualnet.errors import ArgumentError, DTypeError

__all__ = ["normal", "uniform", "randint", "truncated_normal", "bernoulli", "permutation"]

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
        ArgumentError: ``shape`` is not a sequence of non-negative ints, or ``minval >= maxval``.
        DTypeError: ``dtype`` is not an integer dtype.
    """
    if not (is_integer(minval) and is_integer(maxval)):
        raise ArgumentError(f"random.randint: minval and maxval must be ints, got {minval!r} and {maxval!r}")
    if minval >= maxval:
        raise ArgumentError(
            f"random.randint: need minval < maxval (the range is [minval, maxval)), got {minval}, {maxval}"
        )
    return B.random_randint(
        _shape(shape, "randint"), int(minval), int(maxval), _dtype(dtype, "randint", "int"), _seed(seed, "randint")
    )


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
