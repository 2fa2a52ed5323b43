"""Building arrays: ``array``, ``empty``, ``identity``, ``tri``, ``diag``, ``diagflat``, ``geomspace``, ``logspace``,
``vander``; NumPy's semantics with float32 as the default float. New tensors go on the current device."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_bool, check_float, check_int
from dualnet.backend.dispatch import B
from dualnet.dtypes import standardize

__all__ = [
    "array",
    "empty",
    "empty_like",
    "identity",
    "tri",
    "diag",
    "diagflat",
    "geomspace",
    "logspace",
    "vander",
]

Tensor = Any


def _dtype(dtype: Any) -> str | None:
    return None if dtype is None else standardize(dtype)


def array(x: Any, dtype: Any = None) -> Tensor:
    """``x`` as a new tensor of its shape (a copy of a tensor), in ``dtype`` when given; Python floats become float32.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.array(x, _dtype(dtype))


def empty(shape: int | tuple[int, ...] | list[int], dtype: Any = None) -> Tensor:
    """A tensor of ``shape`` (float32 unless ``dtype``); its values are zeros, since no backend shares unset memory.

    Raises:
        ArgumentError: a size is negative.
    """
    return B.empty(shape, _dtype(dtype))


def empty_like(x: Any, dtype: Any = None) -> Tensor:
    """A tensor of ``x``'s shape and dtype (unless ``dtype``), holding zeros.

    Raises:
        DTypeError: an input is not numeric or boolean (a string, None, an object).
    """
    return B.empty_like(x, _dtype(dtype))


def identity(n: int, dtype: Any = None) -> Tensor:
    """The ``(n, n)`` identity matrix, float32 unless ``dtype``.

    Raises:
        ArgumentError: ``n`` is not a non-negative int.
    """
    return B.identity(check_int("identity", "n", n, low=0, example="n=3"), _dtype(dtype))


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:
    """``(N, M)`` (``M`` defaults to ``N``): ones at and below diagonal ``k``, zeros above; float32 unless ``dtype``.

    Raises:
        ArgumentError: ``N`` or ``M`` is not a non-negative int.
    """
    rows = check_int("tri", "N", N, low=0, example="N=3")
    cols = check_int("tri", "M", M, low=0, or_none=True, example="M=4")
    return B.tri(rows, cols, check_int("tri", "k", k, example="k=0"), _dtype(dtype))


def diag(x: Any, k: int = 0) -> Tensor:
    """A 1-D ``x``, shape (n,), as diagonal ``k`` of a square matrix (side ``n + |k|``); or diagonal ``k`` of 2-D ``x``.

    Raises:
        ShapeError: ``x`` is not 1-D or 2-D.
    """
    return B.diag(x, check_int("diag", "k", k, example="k=0"))


def diagflat(x: Any, k: int = 0) -> Tensor:
    """The flattened ``x`` (size n) as diagonal ``k`` of a matrix of shape ``(n + |k|, n + |k|)``.

    Raises:
        DTypeError: an input is not numeric or boolean (a string, None, an object).
    """
    return B.diagflat(x, check_int("diagflat", "k", k, example="k=0"))


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0) -> Tensor:
    """``num`` values from ``start`` to ``stop`` (excluded unless ``endpoint``) spaced evenly on a log scale.

    Array bounds broadcast; the samples lie along ``axis`` of the result, shape
    ``(num, *broadcast)`` with that axis moved. Computed in float64 as NumPy, cast to ``dtype`` (float32).

    Raises:
        ArgumentError: a bound is 0, the bounds differ in sign, or ``num`` is negative.
    """
    count = check_int("geomspace", "num", num, low=0, example="num=50")
    return B.geomspace(start, stop, count, check_bool("geomspace", "endpoint", endpoint), _dtype(dtype), axis)


def logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: float = 10,
    dtype: Any = None,
    axis: int = 0,
) -> Tensor:
    """``base ** linspace(start, stop, num, endpoint)``, samples along ``axis``; float64 math, cast to ``dtype``.

    Raises:
        ArgumentError: ``num`` is negative or ``base`` is not a number.
    """
    count = check_int("logspace", "num", num, low=0, example="num=50")
    b = check_float("logspace", "base", base, example="base=10")
    return B.logspace(start, stop, count, check_bool("logspace", "endpoint", endpoint), b, _dtype(dtype), axis)


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of 1-D ``x`` (n,): shape ``(n, N)``, columns ``x ** (N - 1), ..., x ** 0``
    (reversed when ``increasing``), computed by running products as NumPy; ``N`` defaults to n.

    Raises:
        ShapeError: ``x`` is not 1-D.
        ArgumentError: ``N`` is negative.
    """
    cols = check_int("vander", "N", N, low=0, or_none=True, example="N=3")
    return B.vander(x, cols, check_bool("vander", "increasing", increasing))
