"""Joining, splitting, flipping and regrouping axes: NumPy's stack/split helpers, ``meshgrid``, ``rot90``, ``view``,
and einops' ``rearrange`` (as ``keras.ops.rearrange``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_choice, check_int
from dualnet.backend.dispatch import B
from dualnet.dtypes import standardize

__all__ = [
    "append",
    "hstack",
    "vstack",
    "dstack",
    "array_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "unstack",
    "meshgrid",
    "rot90",
    "fliplr",
    "flipud",
    "view",
    "rearrange",
]

Tensor = Any
Sections = int | Sequence[int]


def append(x1: Any, x2: Any, axis: int | None = None) -> Tensor:
    """``x2`` joined after ``x1`` along ``axis``; with None both are flattened first (shape ``(n1 + n2,)``).

    Raises:
        ShapeError: the shapes differ off ``axis``.
    """
    return B.append(x1, x2, axis)


def hstack(xs: Sequence[Any]) -> Tensor:
    """``xs`` joined column-wise: along axis 1, or axis 0 when they are 1-D (``np.hstack``).

    Raises:
        ShapeError: the shapes differ off the joined axis.
    """
    return B.hstack(list(xs))


def vstack(xs: Sequence[Any]) -> Tensor:
    """``xs`` joined row-wise along axis 0; a 1-D ``(n,)`` counts as a row ``(1, n)`` (``np.vstack``).

    Raises:
        ShapeError: the shapes differ off axis 0.
    """
    return B.vstack(list(xs))


def dstack(xs: Sequence[Any]) -> Tensor:
    """``xs`` joined depth-wise along axis 2: ``(n,)`` counts as ``(1, n, 1)``, ``(m, n)`` as ``(m, n, 1)``.

    Raises:
        ShapeError: the shapes differ off axis 2.
    """
    return B.dstack(list(xs))


def array_split(x: Any, indices_or_sections: Sections, axis: int = 0) -> list[Tensor]:
    """``x`` cut along ``axis`` into ``n`` parts whose sizes differ by at most one (the first ones longer),
    or at the split points ``indices_or_sections``, as ``np.array_split``. Each part keeps ``x``'s shape off ``axis``.

    Raises:
        ArgumentError: a part count below 1, or ``axis`` out of range.
    """
    return B.array_split(x, indices_or_sections, axis)


def hsplit(x: Any, indices_or_sections: Sections) -> list[Tensor]:
    """``split`` along axis 1 (axis 0 for 1-D ``x``): equal parts or split points.

    Each part keeps ``x``'s shape off that axis.

    Raises:
        ShapeError: ``x`` is a scalar.
        ArgumentError: the count does not divide the axis.
    """
    return B.hsplit(x, indices_or_sections)


def vsplit(x: Any, indices_or_sections: Sections) -> list[Tensor]:
    """``split`` along axis 0 of an at least 2-D ``x``. Each part keeps ``x``'s shape off that axis.

    Raises:
        ShapeError: ``x`` has rank below 2.
        ArgumentError: the count does not divide the axis.
    """
    return B.vsplit(x, indices_or_sections)


def dsplit(x: Any, indices_or_sections: Sections) -> list[Tensor]:
    """``split`` along axis 2 of an at least 3-D ``x``. Each part keeps ``x``'s shape off that axis.

    Raises:
        ShapeError: ``x`` has rank below 3.
        ArgumentError: the count does not divide the axis.
    """
    return B.dsplit(x, indices_or_sections)


def unstack(x: Any, num: int | None = None, axis: int = 0) -> list[Tensor]:
    """The ``x.shape[axis]`` slices of ``x`` along ``axis``, each of ``x``'s shape without that axis.

    Raises:
        ShapeError: ``num`` is given and differs from the axis size.
    """
    count = check_int("unstack", "num", num, low=0, or_none=True, example="num=3")
    return B.unstack(x, count, axis)


def meshgrid(*x: Any, indexing: str = "xy") -> list[Tensor]:
    """Coordinate grids from 1-D ``x0, x1, ...``: with ``"ij"`` each has shape ``(len(x0), len(x1), ...)``;
    ``"xy"`` (NumPy's default) swaps the first two axes.

    Raises:
        ArgumentError: ``indexing`` is not ``"xy"`` or ``"ij"``.
    """
    return B.meshgrid(*x, indexing=check_choice("meshgrid", "indexing", indexing, ("xy", "ij")))


def rot90(array: Any, k: int = 1, axes: Sequence[int] = (0, 1)) -> Tensor:
    """``array`` rotated ``k`` times by 90 degrees in the plane of ``axes``, from the first axis toward the second.

    Shape: the two axes' sizes swap for odd ``k``.

    Raises:
        ShapeError: ``array`` has rank below 2.
        ArgumentError: ``axes`` are not two different axes.
    """
    return B.rot90(array, check_int("rot90", "k", k, example="k=1"), tuple(axes))


def fliplr(x: Any) -> Tensor:
    """``x`` (at least 2-D) with axis 1 reversed; same shape.

    Raises:
        ShapeError: ``x`` has rank below 2.
    """
    return B.fliplr(x)


def flipud(x: Any) -> Tensor:
    """``x`` (at least 1-D) with axis 0 reversed; same shape.

    Raises:
        ShapeError: ``x`` is a scalar.
    """
    return B.flipud(x)


def view(x: Any, dtype: Any = None) -> Tensor:
    """``x``'s bytes read as ``dtype`` (``ndarray.view``): the last axis scales by the ratio of item sizes.

    ``view(float32 (2, 4), "int16")`` has shape ``(2, 8)``; without ``dtype`` a new tensor on the same values.

    Raises:
        ShapeError: the last axis's bytes do not divide into ``dtype``'s items.
    """
    return B.view(x, None if dtype is None else standardize(dtype))


def rearrange(tensor: Any, pattern: str, **axes_lengths: Any) -> Tensor:
    """``tensor`` regrouped by an einops pattern, as ``keras.ops.rearrange``: ``"b (h w) c -> b h w c"``.

    Parenthesised groups split or merge axes; sizes of split axes come from
    ``axes_lengths`` (``h=4``) except one per group, which is inferred.

    Raises:
        ArgumentError: the pattern has no ``->``, names differ between the sides, or a group lacks sizes.
        ShapeError: the pattern does not fit ``tensor``'s shape.
    """
    return B.rearrange(tensor, pattern, **axes_lengths)
