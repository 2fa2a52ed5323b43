"""Zero-padding and cropping of the spatial axes, channels-last: ``ZeroPadding1D/2D/3D``, ``Cropping1D/2D/3D``.

Inputs are ``(N, W, C)``, ``(N, H, W, C)`` or ``(N, D, H, W, C)``. The
amounts take Keras's forms: an int (every side of every spatial axis), one
int per spatial axis (both sides of it), or one ``(before, after)`` pair per
spatial axis. In 1-D a pair is ``(left, right)``, as in Keras. None of these
layers has weights; all take any dtype.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import argument_error, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.nn.conv import check_spatial_inputs
from dualnet.nn.module import Module

__all__ = ["Cropping1D", "Cropping2D", "Cropping3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"]

Pairs = tuple[tuple[int, int], ...]


def side_pairs(where: str, name: str, value: object, rank: int) -> Pairs:
    """``value`` in one of Keras's forms as ``rank`` ``(before, after)`` pairs of non-negative ints.

    Raises:
        ArgumentError: ``value`` is in none of the forms.
    """

    def amount(v: object) -> bool:
        return is_integer(v) and v >= 0

    def sequence(v: object) -> bool:
        return isinstance(v, Sequence) and not isinstance(v, str)

    if amount(value):
        return ((int(value),) * 2,) * rank  # type: ignore[call-overload]
    if sequence(value):
        items = list(value)  # type: ignore[call-overload]
        if rank == 1 and len(items) == 2 and all(amount(v) for v in items):
            return ((int(items[0]), int(items[1])),)
        if rank > 1 and len(items) == rank and all(amount(v) for v in items):
            return tuple((int(v), int(v)) for v in items)
        if len(items) == rank and all(sequence(v) and len(v) == 2 and all(amount(u) for u in v) for v in items):
            return tuple((int(v[0]), int(v[1])) for v in items)
    if rank == 1:
        what, example = "an int >= 0 or a (left, right) pair of such ints", f"{name}=1 or {name}=(1, 2)"
    else:
        ints = ", ".join(["1"] * rank)
        pairs = ", ".join(["(1, 2)"] * rank)
        what = f"an int >= 0, a tuple of {rank} such ints, or a tuple of {rank} (before, after) pairs"
        example = f"{name}=1, {name}=({ints}) or {name}=({pairs})"
    raise argument_error(where, name, value, what, f"pass e.g. {example}")


class _ZeroPadding(Module):
    rank = 2

    def __init__(self, padding: int | Sequence[int] | Sequence[Sequence[int]] = 1) -> None:
        super().__init__()
        self.padding = side_pairs(type(self).__name__, "padding", padding, self.rank)

    def forward(self, x: Any) -> Any:
        return B.pad(x, [(0, 0), *self.padding, (0, 0)])

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        check_spatial_inputs(self, x, self.rank, float_only=False)

    def extra_repr(self) -> str:
        return f"padding={self.padding}"


class ZeroPadding1D(_ZeroPadding):
    """Zeros before and after the steps (Keras ``ZeroPadding1D``): ``(N, W, C)`` -> ``(N, W + l + r, C)``.

    ``padding``: an int (both sides) or ``(left, right)``. PyTorch's
    ``ZeroPad1d((left, right))`` gives the same on ``(N, C, W)``.

    Raises:
        ArgumentError: at construction, a ``padding`` in none of the forms.
        ShapeError: the input is not of rank 3 ``(N, W, C)``.
    """

    rank = 1


class ZeroPadding2D(_ZeroPadding):
    """Zeros around rows and columns (Keras ``ZeroPadding2D``): ``(N, H, W, C)`` -> ``(N, H + t + b, W + l + r, C)``.

    ``padding``: an int, ``(h, w)`` (both sides of each), or ``((top, bottom), (left, right))``.
    PyTorch's ``ZeroPad2d((left, right, top, bottom))`` gives the same on NCHW.

    Raises:
        ArgumentError: at construction, a ``padding`` in none of the forms.
        ShapeError: the input is not of rank 4 ``(N, H, W, C)``.
    """

    rank = 2


class ZeroPadding3D(_ZeroPadding):
    """Zeros around a volume (Keras ``ZeroPadding3D``): ``(N, D, H, W, C)`` -> each spatial size plus its two pads.

    ``padding``: an int, ``(d, h, w)``, or ``((front, back), (top, bottom), (left, right))``.

    Raises:
        ArgumentError: at construction, a ``padding`` in none of the forms.
        ShapeError: the input is not of rank 5 ``(N, D, H, W, C)``.
    """

    rank = 3


class _Cropping(Module):
    rank = 2
    _default: Any = 0

    def __init__(self, cropping: int | Sequence[int] | Sequence[Sequence[int]] | None = None) -> None:
        super().__init__()
        value = self._default if cropping is None else cropping
        self.cropping = side_pairs(type(self).__name__, "cropping", value, self.rank)

    def forward(self, x: Any) -> Any:
        # Negative stops keep the slice valid when the sizes are known only at run time.
        spatial = tuple(slice(before, -after if after else None) for before, after in self.cropping)
        return B.convert_to_tensor(x)[(slice(None), *spatial, slice(None))]

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = check_spatial_inputs(self, x, self.rank, float_only=False)
        for axis, (size, (before, after)) in enumerate(zip(shape[1:-1], self.cropping), start=1):
            if size is not None and before + after >= size:
                raise ShapeError(
                    f"{self._where()} crops {before} + {after} from axis {axis} of inputs of shape {shape}, "
                    f"which leaves nothing; crop less than {size} in total from that axis"
                )

    def extra_repr(self) -> str:
        return f"cropping={self.cropping}"


class Cropping1D(_Cropping):
    """Drop steps from both ends (Keras ``Cropping1D``): ``(N, W, C)`` -> ``(N, W - l - r, C)``.

    ``cropping``: an int (both ends) or ``(left, right)``; default ``(1, 1)`` as in Keras.

    Raises:
        ArgumentError: at construction, a ``cropping`` in none of the forms.
        ShapeError: the input is not of rank 3, or the crop leaves no step.
    """

    rank = 1
    _default = (1, 1)


class Cropping2D(_Cropping):
    """Drop border rows and columns (Keras ``Cropping2D``): ``(N, H, W, C)`` -> ``(N, H - t - b, W - l - r, C)``.

    ``cropping``: an int, ``(h, w)``, or ``((top, bottom), (left, right))``; default no crop, as in Keras.

    Raises:
        ArgumentError: at construction, a ``cropping`` in none of the forms.
        ShapeError: the input is not of rank 4, or the crop leaves no row or column.
    """

    rank = 2


class Cropping3D(_Cropping):
    """Drop the borders of a volume (Keras ``Cropping3D``): ``(N, D, H, W, C)`` -> each spatial size minus its crops.

    ``cropping``: an int, ``(d, h, w)``, or three ``(before, after)`` pairs; default 1 on every side, as in Keras.

    Raises:
        ArgumentError: at construction, a ``cropping`` in none of the forms.
        ShapeError: the input is not of rank 5, or the crop leaves nothing along an axis.
    """

    rank = 3
    _default = 1
