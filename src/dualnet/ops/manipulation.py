"""Shape manipulation: reshape, transpose, join, split, tile, pad, flip, roll.

NumPy names and semantics; negative axes count from the end. Ops that only
change the view (reshape, transpose, expand_dims, squeeze, broadcast_to) do
not copy on torch where torch can avoid it.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError

__all__ = [
    "reshape",
    "transpose",
    "moveaxis",
    "swapaxes",
    "expand_dims",
    "squeeze",
    "ravel",
    "concatenate",
    "stack",
    "split",
    "tile",
    "repeat",
    "broadcast_to",
    "pad",
    "flip",
    "roll",
]

Tensor = Any
Axes = int | Sequence[int]
PAD_MODES = ("constant", "reflect", "symmetric", "edge", "wrap")


def reshape(x: Any, newshape: int | Sequence[int]) -> Tensor:
    """``x`` with shape ``newshape`` (same element count; one entry may be -1 and is inferred).

    Raises ShapeError when the counts differ.

    Raises:
        ShapeError: the element counts differ.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.reshape(x, newshape)


def transpose(x: Any, axes: Sequence[int] | None = None) -> Tensor:
    """``x`` with its axes permuted: output axis ``i`` is input axis ``axes[i]``; None reverses them.

    Shape: ``x``'s shape permuted the same way.

    Raises:
        ArgumentError: ``axes`` does not list each axis of ``x`` once.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.transpose(x, axes)


def moveaxis(x: Any, source: Axes, destination: Axes) -> Tensor:
    """``x`` with axes ``source`` moved to positions ``destination``; the others keep their order.

    Shape: ``x``'s shape with its axes moved alike.

    Raises:
        ArgumentError: an axis is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.moveaxis(x, source, destination)


def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """``x`` with axes ``axis1`` and ``axis2`` interchanged.

    Shape: ``x``'s shape with its axes moved alike.

    Raises:
        ArgumentError: an axis is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.swapaxes(x, axis1, axis2)


def expand_dims(x: Any, axis: Axes) -> Tensor:
    """``x`` with new size-1 axes at ``axis`` (positions in the output, which has ``ndim + len(axis)`` axes).

    Shape: ``x``'s shape with a 1 inserted at each position in ``axis``.

    Raises:
        ArgumentError: an axis is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.expand_dims(x, axis)


def squeeze(x: Any, axis: Axes | None = None) -> Tensor:
    """``x`` without the size-1 axes ``axis`` (None: all of them); ShapeError if a named axis is not size 1.

    Shape: ``x``'s shape without those axes.

    Raises:
        ShapeError: a named axis does not have size 1.
        ArgumentError: an axis is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.squeeze(x, axis)


def ravel(x: Any) -> Tensor:
    """``x`` flattened to shape ``(size,)`` in row-major order.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.ravel(x)


def concatenate(xs: Sequence[Any], axis: int | None = 0) -> Tensor:
    """``xs`` joined along existing axis ``axis`` (None: flattened first); dtypes promote.

    All shapes must agree except along ``axis``.

    Raises:
        ShapeError: the shapes differ off ``axis``, or ``axis`` is out of range.
        DTypeError: a tensor is not numeric or boolean.
    """
    return B.concatenate(xs, axis)


def stack(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """``xs`` (all of one shape ``s``) joined along a new axis ``axis``: shape ``s`` with ``len(xs)`` inserted.

    Raises:
        ShapeError: the shapes differ, or ``axis`` is out of range.
        DTypeError: a tensor is not numeric or boolean.
    """
    return B.stack(xs, axis)


def split(x: Any, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """``x`` cut along ``axis`` into a list of tensors.

    An int ``n`` gives ``n`` equal parts (ArgumentError unless it divides the
    axis); a list of split points ``[i, j]`` gives ``x[:i], x[i:j], x[j:]``.

    Each part has ``x``'s shape but for its length along ``axis``.

    Raises:
        ArgumentError: an int ``indices_or_sections`` does not divide the axis, or ``axis`` is out of range.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    if is_integer(indices_or_sections):
        return B.split(x, int(indices_or_sections), axis)
    try:
        points = [operator.index(p) for p in indices_or_sections]  # type: ignore[union-attr]
    except TypeError:
        raise ArgumentError(
            f"split: indices_or_sections must be an int or a list of int split points, got {indices_or_sections!r}"
        ) from None
    return B.split(x, points, axis)


def tile(x: Any, reps: int | Sequence[int]) -> Tensor:
    """``x`` repeated ``reps[i]`` times along axis ``i``; ``x`` or ``reps`` is padded with leading 1s to align.

    Shape: each axis's size times its count in ``reps``.

    Raises:
        ArgumentError: ``reps`` has a negative count.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.tile(x, reps)


def repeat(x: Any, repeats: Any, axis: int | None = None) -> Tensor:
    """Each element of ``x`` repeated ``repeats`` times (an int, or one count per element) along ``axis``.

    ``axis=None`` flattens ``x`` first and returns a 1-D tensor.

    Shape: ``x``'s shape with ``axis`` lengthened by the repeats.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.repeat(x, repeats, axis)


def broadcast_to(x: Any, shape: int | Sequence[int]) -> Tensor:
    """``x`` broadcast to ``shape`` (NumPy rules, aligned from the right); ShapeError if impossible.

    Raises:
        ShapeError: ``x`` does not broadcast to ``shape``.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.broadcast_to(x, shape)


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = 0) -> Tensor:
    """``x`` padded by ``pad_width`` (an int, a ``(before, after)`` pair, or one pair per axis).

    ``mode="constant"`` fills with ``constant_values`` (a scalar); ``"reflect"``
    mirrors without repeating the edge, ``"symmetric"`` mirrors repeating it,
    ``"edge"`` repeats the edge value and ``"wrap"`` continues periodically, as
    ``np.pad``, also for pads wider than the axis.
    The output grows by ``before + after`` along each axis.

    Raises:
        ArgumentError: ``pad_width`` is malformed or negative, or ``mode`` is unknown.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    if mode not in PAD_MODES:
        raise ArgumentError(f"pad: mode={mode!r} is not supported; use one of {', '.join(map(repr, PAD_MODES))}")
    if not isinstance(constant_values, numbers.Number):
        raise ArgumentError(
            f"pad: constant_values must be a scalar, got {type(constant_values).__name__}; "
            "for per-axis values pad one axis per call"
        )
    value: Any = constant_values.item() if hasattr(constant_values, "item") else constant_values
    return B.pad(x, pad_width, mode, value)


def flip(x: Any, axis: Axes | None = None) -> Tensor:
    """``x`` with the order of elements reversed along ``axis`` (None: every axis).

    Same shape as ``x``.

    Raises:
        ArgumentError: an axis is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.flip(x, axis)


def roll(x: Any, shift: int | Sequence[int], axis: Axes | None = None) -> Tensor:
    """``x`` rolled by ``shift`` along ``axis``: elements past the end re-enter at the start.

    ``axis=None`` rolls the flattened tensor and restores the shape; a tuple
    ``shift`` pairs with a tuple ``axis``.

    Same shape as ``x``.

    Raises:
        ArgumentError: an axis is out of range for ``x``'s rank.
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.roll(x, shift, axis)
