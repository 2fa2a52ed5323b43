"""Merge layers: Keras's layers that combine a list of tensors into one (``Add()([a, b])``).

Each takes one list (or tuple) of tensors, real or symbolic (``dn.Input``), so
they are the functional API's way to join branches. The elementwise layers
(``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum``, ``Minimum``)
take tensors of one rank whose sizes agree or are 1 on each axis (NumPy
broadcasting between equal ranks, batch axis included); ``Concatenate`` joins
along an axis; ``Dot`` is Keras's batch dot. Shapes are checked before the
first call, and again whenever a call fails, so a bad list raises a dualnet
error naming the layer; in a functional model that happens where the model is
defined.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import argument_error, check_axis, check_bool, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn.module import Module

__all__ = ["Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract"]

KERAS_EPSILON = 1e-7  # keras.backend.epsilon(): the floor of the norm in Dot(normalize=True)


def _shapes(layer: Module, inputs: Any, rest: tuple[Any, ...], count: int | None) -> list[tuple[int | None, ...]]:
    """The shapes of ``inputs``, a list of ``count`` (None: at least 2) tensors; ArgumentError otherwise."""
    name = type(layer).__name__
    wanted = "2" if count == 2 else "at least 2"
    example = f"{name}()([a, b])" if name not in ("Dot", "Concatenate") else f"{name}(...)([a, b])"
    if rest or not isinstance(inputs, list | tuple):
        got = f"{1 + len(rest)} separate arguments" if rest else f"a {type(inputs).__name__}"
        raise ArgumentError(
            f"{layer._where()} takes one list of {wanted} tensors, got {got}; pass the tensors as a list: {example}"
        )
    if len(inputs) < 2 or (count is not None and len(inputs) != count):
        raise ArgumentError(
            f"{layer._where()} takes a list of {'exactly 2' if count == 2 else 'at least 2'} tensors, got "
            f"{len(inputs)}; pass e.g. {example}"
        )
    return [tuple(B.shape(x)) for x in inputs]


def _shown(shapes: list[tuple[int | None, ...]]) -> str:
    return ", ".join(str(s) for s in shapes)


class _Elementwise(Module):
    """An elementwise merge of a list of same-rank, broadcastable tensors: ``_combine`` folded left to right."""

    _count: int | None = None  # exactly this many inputs (None: at least 2)
    _combine: str  # the name of the B function of two tensors that the layer folds over its inputs

    def forward(self, inputs: Sequence[Any]) -> Any:
        return functools.reduce(getattr(B, self._combine), inputs)

    def check_inputs(self, inputs: Any = None, *rest: Any) -> None:
        shapes = _shapes(self, inputs, rest, self._count)
        if len({len(s) for s in shapes}) > 1:
            raise ShapeError(
                f"{self._where()} expects tensors of one rank, got shapes {_shown(shapes)}; reshape them to one "
                "rank first, e.g. with dn.nn.Reshape or dn.nn.Lambda(lambda t: dn.ops.expand_dims(t, 1))"
            )
        for axis, sizes in enumerate(zip(*shapes)):
            known = {s for s in sizes if s is not None and s != 1}
            if len(known) > 1:
                raise ShapeError(
                    f"{self._where()} expects shapes that agree (or are 1) on every axis, got shapes "
                    f"{_shown(shapes)}, which differ on axis {axis} ({', '.join(str(s) for s in sizes)}); make "
                    "the branches produce the same shape (e.g. the same Dense units or Conv filters)"
                )


class Add(_Elementwise):
    """The sum of a list of tensors (Keras ``Add``): ``Add()([a, b, ...])``, the broadcast shape of the inputs.

    Inputs: a list of at least 2 tensors of one rank whose sizes agree or are 1
    on each axis. Summed left to right, as Keras does.

    Raises:
        ArgumentError: not a list, or fewer than 2 tensors.
        ShapeError: ranks differ, or sizes differ (and are not 1) on an axis.
    """

    _combine = "add"


class Subtract(_Elementwise):
    """``a - b`` for a list of exactly two tensors (Keras ``Subtract``): ``Subtract()([a, b])``, broadcast shape.

    Raises:
        ArgumentError: not a list of exactly 2 tensors.
        ShapeError: ranks differ, or sizes differ (and are not 1) on an axis.
    """

    _count = 2
    _combine = "subtract"


class Multiply(_Elementwise):
    """The elementwise product of a list of tensors (Keras ``Multiply``), left to right, broadcast shape.

    Raises:
        ArgumentError: not a list, or fewer than 2 tensors.
        ShapeError: ranks differ, or sizes differ (and are not 1) on an axis.
    """

    _combine = "multiply"


class Average(_Elementwise):
    """The elementwise mean of a list of tensors (Keras ``Average``): their sum (left to right) over their count.

    Integer inputs give float32 (true division). Broadcast shape.

    Raises:
        ArgumentError: not a list, or fewer than 2 tensors.
        ShapeError: ranks differ, or sizes differ (and are not 1) on an axis.
    """

    _combine = "add"

    def forward(self, inputs: Sequence[Any]) -> Any:
        return B.divide(super().forward(inputs), float(len(inputs)))


class Maximum(_Elementwise):
    """The elementwise maximum of a list of tensors (Keras ``Maximum``; NaN wins), broadcast shape.

    Raises:
        ArgumentError: not a list, or fewer than 2 tensors.
        ShapeError: ranks differ, or sizes differ (and are not 1) on an axis.
    """

    _combine = "maximum"


class Minimum(_Elementwise):
    """The elementwise minimum of a list of tensors (Keras ``Minimum``; NaN wins), broadcast shape.

    Raises:
        ArgumentError: not a list, or fewer than 2 tensors.
        ShapeError: ranks differ, or sizes differ (and are not 1) on an axis.
    """

    _combine = "minimum"


class Concatenate(Module):
    """Join a list of tensors along ``axis`` (Keras ``Concatenate``, ``torch.cat``): ``Concatenate(axis=-1)([a, b])``.

    Inputs: at least 2 tensors of one rank whose shapes are equal off ``axis``
    (no broadcasting); the output's size on ``axis`` is the sum of theirs. The
    default ``axis=-1`` joins channels (channels-last), as a U-Net's skip
    connections do.

    Raises:
        ArgumentError: at construction, ``axis`` is not an int; at the call, not a list of at least 2 tensors.
        ShapeError: ranks differ, ``axis`` is out of range, or the shapes differ off ``axis``.
    """

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = check_axis("Concatenate", "axis", axis, example="Concatenate(axis=-1)")

    def forward(self, inputs: Sequence[Any]) -> Any:
        return B.concatenate(list(inputs), self.axis)

    def check_inputs(self, inputs: Any = None, *rest: Any) -> None:
        shapes = _shapes(self, inputs, rest, None)
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise ShapeError(
                f"{self._where()} expects tensors of one rank, got shapes {_shown(shapes)}; reshape them to one "
                "rank first (dn.nn.Reshape)"
            )
        if not -rank <= self.axis < rank:
            raise ShapeError(
                f"{self._where()}: axis={self.axis} is out of range for inputs of rank {rank} (shapes "
                f"{_shown(shapes)}); pass an axis in [{-rank}, {rank - 1}], e.g. axis=-1 for channels"
            )
        axis = self.axis % rank
        for i in range(rank):
            known = {s[i] for s in shapes if s[i] is not None}
            if i != axis and len(known) > 1:
                raise ShapeError(
                    f"{self._where()} joins along axis {self.axis}, so the other axes must agree; got shapes "
                    f"{_shown(shapes)}, which differ on axis {i}; resize the branches (crop or pad them, or match "
                    f"the pooling and upsampling strides) so that only axis {self.axis} differs"
                )

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


def _axes(value: object) -> tuple[int, int]:
    if is_integer(value):
        return int(value), int(value)
    if isinstance(value, list | tuple) and len(value) == 2 and all(is_integer(v) for v in value):
        return int(value[0]), int(value[1])
    raise argument_error(
        "Dot",
        "axes",
        value,
        "an int or a pair of ints (the axis of each input to sum over; the batch axis 0 excluded)",
        "pass e.g. Dot(axes=-1) or Dot(axes=(1, 2))",
    )


class Dot(Module):
    """Keras's batch dot product of two tensors (Keras ``Dot``): ``Dot(axes)([x, y])``.

    For each sample, the product of ``x`` and ``y`` summed over axis
    ``axes[0]`` of ``x`` and ``axes[1]`` of ``y`` (an int is the same axis in
    both; negative counts from the end; the batch axis 0 cannot be one). Both
    inputs have rank >= 2 and the same batch size. Output shape: ``x``'s shape
    without the summed axis, then ``y``'s without its batch axis and summed
    axis; ``(N, 1)`` when that leaves only the batch axis. For ``x (N, n, k)``,
    ``y (N, m, k)`` and ``axes=2``: ``(N, n, m)``.

    ``normalize=True`` first L2-normalises each input along its summed axis, as
    Keras does (``x * min(rsqrt(sum(x**2)), 1 / 1e-7)``), so the output is the
    cosine similarity; ``torch.nn.functional.normalize`` floors the norm at
    1e-12 instead, which differs only for vectors of norm below 1e-7.

    Raises:
        ArgumentError: at construction, for ``axes`` not an int or a pair of ints, or ``normalize`` not a bool;
            at the call, not a list of exactly 2 tensors.
        ShapeError: a rank below 2, an axis out of range or the batch axis, batch sizes or summed sizes that differ.
    """

    def __init__(self, axes: int | tuple[int, int], normalize: bool = False) -> None:
        super().__init__()
        self.axes = _axes(axes)
        self.normalize = check_bool("Dot", "normalize", normalize)

    def _resolved(self, shapes: list[tuple[int | None, ...]]) -> tuple[int, int]:
        return self.axes[0] % len(shapes[0]), self.axes[1] % len(shapes[1])

    def forward(self, inputs: Sequence[Any]) -> Any:
        x, y = inputs
        sx, sy = tuple(B.shape(x)), tuple(B.shape(y))
        ax, ay = self._resolved([sx, sy])
        if self.normalize:
            x, y = _l2_normalize(x, ax), _l2_normalize(y, ay)
        # (N, rest_x..., k) @ (N, k, rest_y...) as one batched matmul over flattened rests.
        x = B.moveaxis(x, ax, -1)
        y = B.moveaxis(y, ay, 1)
        rest_x, rest_y = tuple(B.shape(x))[1:-1], tuple(B.shape(y))[2:]
        batch = -1 if sx[0] is None else sx[0]
        k = B.shape(x)[-1]
        flat_x = B.reshape(x, (batch, _count(rest_x), -1 if k is None else k))
        flat_y = B.reshape(y, (batch, -1 if k is None else k, _count(rest_y)))
        out = B.matmul(flat_x, flat_y)
        shape = (*rest_x, *rest_y) or (1,)
        return B.reshape(out, (batch, *(-1 if s is None else s for s in shape)))

    def check_inputs(self, inputs: Any = None, *rest: Any) -> None:
        shapes = _shapes(self, inputs, rest, 2)
        if min(len(s) for s in shapes) < 2:
            raise ShapeError(
                f"{self._where()} expects two tensors of rank >= 2 (a batch axis and a feature axis), got shapes "
                f"{_shown(shapes)}; add a feature axis with dn.nn.Reshape((1,)) or a batch axis with "
                "dn.ops.expand_dims(x, 0)"
            )
        for axis, shape in zip(self.axes, shapes):
            if not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:
                raise ShapeError(
                    f"{self._where()}: axes={self.axes} names axis {axis} of an input of shape {shape}; each axis "
                    f"must be in [1, {len(shape) - 1}] (or negative, but not the batch axis 0): pass e.g. axes=-1"
                )
        ax, ay = self._resolved(shapes)
        (nx, ny), (kx, ky) = (shapes[0][0], shapes[1][0]), (shapes[0][ax], shapes[1][ay])
        for what, a, b in (("batch sizes", nx, ny), (f"sizes of the summed axes ({ax} and {ay})", kx, ky)):
            if a is not None and b is not None and a != b:
                raise ShapeError(
                    f"{self._where()} expects equal {what}, got shapes {_shown(shapes)} with axes={self.axes} "
                    f"({a} != {b}); pick axes whose sizes match, e.g. the feature axis -1 of both"
                )

    def _work(self, inputs: Any = None, *rest: Any) -> tuple[int, int]:
        try:
            shapes = [[int(s) if s is not None else 1 for s in B.shape(x)] for x in inputs]
            ax, ay = self._resolved(shapes)  # type: ignore[arg-type]
        except Exception:
            return 0, 0  # not a pair of tensors: check_inputs says why
        cells = math.prod(shapes[0]) // max(shapes[0][ax], 1) * (math.prod(shapes[1][1:]) // max(shapes[1][ay], 1))
        return cells, cells * shapes[0][ax]

    def extra_repr(self) -> str:
        return f"axes={self.axes}, normalize={self.normalize}"


def _count(sizes: tuple[int | None, ...]) -> int:
    return -1 if None in sizes else math.prod(sizes)  # type: ignore[arg-type]


def _l2_normalize(x: Any, axis: int) -> Any:
    inverse = B.rsqrt(B.sum(B.square(x), axis, keepdims=True))
    return B.multiply(x, B.minimum(inverse, 1.0 / KERAS_EPSILON))
