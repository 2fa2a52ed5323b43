"""Searching: ``nonzero``, ``unique``, ``searchsorted``, ``digitize``, ``isin``, ``argpartition``, ``select``.

NumPy's names, arguments and results (Keras's ``unique`` adds ``size`` and
``fill_value``: a static length that compiles). Returned indices are int64.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_choice, check_int
from dualnet.backend.dispatch import B

__all__ = [
    "nonzero",
    "unique",
    "searchsorted",
    "digitize",
    "isin",
    "argpartition",
    "unravel_index",
    "select",
]

Tensor = Any


def nonzero(x: Any) -> tuple[Tensor, ...]:
    """The indices of the nonzero elements of ``x``: one int64 tensor of shape ``(count,)`` per axis, row-major.

    The count depends on the values, so this runs eagerly (not under ``jit=True``); a scalar counts as 1-D.

    Raises:
        DTypeError: an input is not numeric or boolean (a string, None, an object).
    """
    return B.nonzero(x)


def unique(
    x: Any,
    sorted: bool = True,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
    size: int | None = None,
    fill_value: Any = None,
) -> Any:
    """The distinct elements of ``x`` (flattened, or the distinct slices along ``axis``), as ``np.unique``.

    Returns the values, shape ``(u,)`` (with ``axis``: ``x``'s shape with ``u``
    along ``axis``), then, as asked, the int64 index of each one's first
    occurrence ``(u,)``, the inverse (``x``'s shape for ``axis=None``, else
    ``(n,)``) and the counts ``(u,)``. ``sorted=False`` orders them by first
    occurrence (as ``tf.unique``). ``size`` fixes ``u`` (static, so it
    compiles): missing values are ``fill_value`` (default 0) with index 0 and
    count 0; values beyond ``size`` (the largest when sorted) are dropped.

    Raises:
        ArgumentError: ``size`` is not a non-negative int, or ``axis`` is out of range.
    """
    return B.unique(
        x,
        check_bool("unique", "sorted", sorted),
        check_bool("unique", "return_index", return_index),
        check_bool("unique", "return_inverse", return_inverse),
        check_bool("unique", "return_counts", return_counts),
        axis,
        size,
        fill_value,
    )


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left") -> Tensor:
    """int64 positions at which ``values`` (any shape) would be inserted into 1-D ascending ``sorted_sequence``.

    ``side="left"`` gives the first such position, ``"right"`` the last. Shape: ``values``'s.

    Raises:
        ShapeError: ``sorted_sequence`` is not 1-D.
        ArgumentError: ``side`` is not ``"left"`` or ``"right"``.
    """
    return B.searchsorted(sorted_sequence, values, check_choice("searchsorted", "side", side, ("left", "right")))


def digitize(x: Any, bins: Any) -> Tensor:
    """int64 index of the bin of each element of ``x``, as ``np.digitize`` (``right=False``); ``x``'s shape.

    ``bins`` is 1-D and monotonic, increasing (``bins[i-1] <= x < bins[i]`` gives ``i``) or decreasing.

    Raises:
        ShapeError: ``bins`` is not 1-D.
    """
    return B.digitize(x, bins)


def isin(x1: Any, x2: Any, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """bool tensor of ``x1``'s shape: whether each element of ``x1`` is in ``x2`` (any shape); negated by ``invert``.

    ``assume_unique`` is a speed hint only; the result is the same.

    Raises:
        DTypeError: an input is not numeric or boolean (a string, None, an object).
    """
    return B.isin(x1, x2, check_bool("isin", "assume_unique", assume_unique), check_bool("isin", "invert", invert))


def argpartition(x: Any, kth: int, axis: int = -1) -> Tensor:
    """int64 indices, ``x``'s shape, that partition ``x`` along ``axis`` around its ``kth`` smallest element.

    Position ``kth`` holds that element's index, smaller ones come before it and
    larger ones after (NumPy leaves the order within each side unspecified;
    here it is sorted, the same on both backends).

    Raises:
        ArgumentError: ``kth`` is out of range for the axis, or ``axis`` is.
        ShapeError: ``x`` is a scalar.
    """
    return B.argpartition(x, check_int("argpartition", "kth", kth, example="kth=2"), axis)


def unravel_index(indices: Any, shape: int | Sequence[int]) -> tuple[Tensor, ...]:
    """Flat ``indices`` into an array of ``shape`` as coordinates: one int64 tensor per axis, ``indices``'s shape.

    Raises:
        ArgumentError: ``indices`` are not integers.
    """
    return B.unravel_index(indices, shape)


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Tensor:
    """Per element, the value of the first ``choicelist[i]`` whose ``condlist[i]`` holds, else ``default``.

    Conditions, choices and ``default`` broadcast; the result has their broadcast shape.

    Raises:
        ArgumentError: ``condlist`` and ``choicelist`` differ in length or are empty.
    """
    return B.select(list(condlist), list(choicelist), default)
