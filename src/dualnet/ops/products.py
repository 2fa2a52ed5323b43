"""Products and differences: ``kron``, ``inner``, ``vdot``, ``cross``, ``diff`` with NumPy's semantics."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_int
from dualnet.backend.dispatch import B

__all__ = ["kron", "inner", "vdot", "cross", "diff"]

Tensor = Any


def kron(x1: Any, x2: Any) -> Tensor:
    """The Kronecker product: blocks ``x1[i, j] * x2``; the shorter shape is padded with leading 1s,
    and the result's shape is the elementwise product of the two.

    Raises:
        DTypeError: an input is not numeric or boolean (a string, None, an object).
    """
    return B.kron(x1, x2)


def inner(x1: Any, x2: Any) -> Tensor:
    """Sum of products over the last axes: shape ``x1.shape[:-1] + x2.shape[:-1]``; a scalar operand multiplies.

    Raises:
        ShapeError: the last axes differ in size.
    """
    return B.inner(x1, x2)


def vdot(x1: Any, x2: Any) -> Tensor:
    """The dot product of the flattened inputs (the first conjugated when complex): a scalar, shape ``()``.

    Raises:
        ShapeError: the inputs have different sizes.
    """
    return B.vdot(x1, x2)


def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> Tensor:
    """Cross products of the vectors along ``axisa`` of ``x1`` and ``axisb`` of ``x2`` (size 2 or 3; a 2-vector
    has z = 0), broadcast over the other axes; the 3-vectors lie along ``axisc`` (``axis`` sets all three).
    Two 2-vectors give the z component only, without that axis. Output shape: the broadcast of the other axes.

    Raises:
        ShapeError: a vector axis has a size other than 2 or 3.
    """
    return B.cross(x1, x2, axisa, axisb, axisc, axis)


def diff(a: Any, n: int = 1, axis: int = -1) -> Tensor:
    """The ``n``-th forward difference ``a[i+1] - a[i]`` along ``axis``: ``a``'s shape with that axis ``n`` shorter.

    Bool inputs give ``a[i+1] != a[i]``, as NumPy.

    Raises:
        ArgumentError: ``n`` is negative.
        ShapeError: ``a`` is a scalar.
    """
    return B.diff(a, check_int("diff", "n", n, low=0, example="n=1"), axis)
