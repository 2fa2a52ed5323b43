"""Reshaping layers, which keep the batch axis: ``Flatten``, ``Reshape``, ``Unflatten``, ``Permute``, ``RepeatVector``.

``Flatten``, ``Reshape`` and ``Unflatten`` reshape in row-major order of the
channels-last layout, like Keras and torch; on torch a channels-last
activation is contiguous, so the reshape is a view. ``Permute`` reorders the
sample axes and ``RepeatVector`` copies each sample along a new axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import argument_error, check_int, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.nn.module import Module

__all__ = ["Flatten", "Permute", "RepeatVector", "Reshape", "Unflatten"]


def _batch_axis(layer: Module, x: Any) -> tuple[int | None, ...]:
    shape = tuple(B.shape(x))
    if not shape:
        raise ShapeError(
            f"{layer._where()} expects inputs with a batch axis (rank >= 1), got a scalar; "
            "add the batch axis with dn.ops.expand_dims(x, 0)"
        )
    return shape


class Flatten(Module):
    """Flatten every axis but the batch axis (Keras ``Flatten``): ``(N, d1, ..., dk)`` -> ``(N, d1 * ... * dk)``.

    ``(N,)`` becomes ``(N, 1)``. Works on any dtype.

    Raises:
        ShapeError: for a scalar input (there is no batch axis).
    """

    def forward(self, x: Any) -> Any:
        shape = B.shape(x)
        inner = shape[1:]
        if None in inner:
            return B.reshape(x, (shape[0], -1))  # sizes known only at run time (tf.function)
        return B.reshape(x, (-1 if shape[0] is None else shape[0], math.prod(inner)))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        _batch_axis(self, x)


class Reshape(Module):
    """Reshape each sample to ``target_shape`` (Keras ``Reshape``): ``(N, ...)`` -> ``(N, *target_shape)``.

    ``target_shape`` is a tuple of positive ints; one entry may be -1, inferred
    from the sample size. The batch axis is never touched. A sample size that
    does not fit raises ShapeError naming the layer.

    Raises:
        ArgumentError: at construction, for a ``target_shape`` that is not a tuple of positive ints (one -1 allowed).
        ShapeError: when a sample's size does not fit ``target_shape``.
    """

    def __init__(self, target_shape: int | Sequence[int]) -> None:
        super().__init__()
        target = (target_shape,) if is_integer(target_shape) else target_shape
        if (
            not isinstance(target, Sequence)
            or isinstance(target, str)
            or not all(is_integer(v) and (v >= 1 or v == -1) for v in target)
            or list(target).count(-1) > 1
        ):
            raise argument_error(
                "Reshape",
                "target_shape",
                target_shape,
                "a tuple of positive ints with at most one -1 (inferred), without the batch axis",
                "pass e.g. Reshape((4, 4, 3)) or Reshape((-1, 3))",
            )
        self.target_shape = tuple(int(v) for v in target)
        self._known = math.prod(v for v in self.target_shape if v != -1)

    def _resolved(self, inner: tuple[int | None, ...]) -> tuple[int, ...]:
        """``target_shape`` with its -1 replaced by the size it stands for, when ``inner`` is known."""
        if -1 not in self.target_shape or None in inner:
            return self.target_shape
        count = math.prod(inner)  # type: ignore[arg-type]
        return tuple(count // self._known if v == -1 else v for v in self.target_shape)

    def forward(self, x: Any) -> Any:
        shape = B.shape(x)
        # Resolving -1 here keeps the batch axis explicit, which also covers empty batches.
        return B.reshape(x, (-1 if shape[0] is None else shape[0], *self._resolved(shape[1:])))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _batch_axis(self, x)
        inner = shape[1:]
        if None in inner:
            return
        count = math.prod(inner)  # type: ignore[arg-type]
        fits = count % self._known == 0 if -1 in self.target_shape else count == self._known
        if not fits:
            expected = f"a multiple of {self._known}" if -1 in self.target_shape else str(self._known)
            raise ShapeError(
                f"{self._where()} cannot reshape inputs of shape {shape} to (batch, *{self.target_shape}): "
                f"a sample has {count} values, target_shape needs {expected}; "
                f"pass a target_shape whose sizes multiply to {count}"
            )

    def extra_repr(self) -> str:
        return f"target_shape={self.target_shape}"


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size`` (``torch.nn.Unflatten``): ``(N, 50)`` -> ``(N, 2, 5, 5)``.

    ``dim`` counts the batch axis, as in torch: ``Unflatten(1, (2, 5, 5))``
    splits the first sample axis; a negative ``dim`` counts from the end. The
    batch axis itself (``dim=0``) cannot be split. ``unflattened_size`` is a
    tuple of positive ints (an int is a 1-tuple) whose product is the size of
    axis ``dim``; one entry may be -1, inferred, as torch allows.

    Raises:
        ArgumentError: at construction, ``dim`` is not a non-zero int or ``unflattened_size`` is not a tuple of
            positive ints with at most one -1.
        ShapeError: axis ``dim`` is out of range, is the batch axis, or its size does not fit ``unflattened_size``.
    """

    def __init__(self, dim: int, unflattened_size: int | Sequence[int]) -> None:
        super().__init__()
        self.dim = check_int("Unflatten", "dim", dim, example="dim=1 (the first axis after the batch axis)")
        if self.dim == 0:
            raise argument_error(
                "Unflatten", "dim", dim, "a sample axis, not the batch axis 0", "pass e.g. dim=1 or dim=-1"
            )
        sizes = (unflattened_size,) if is_integer(unflattened_size) else unflattened_size
        if (
            not isinstance(sizes, Sequence)
            or isinstance(sizes, str)
            or not sizes
            or not all(is_integer(v) and (v >= 1 or v == -1) for v in sizes)
            or list(sizes).count(-1) > 1
        ):
            raise argument_error(
                "Unflatten",
                "unflattened_size",
                unflattened_size,
                "a tuple of positive ints with at most one -1 (inferred)",
                "pass e.g. Unflatten(1, (2, 5, 5))",
            )
        self.unflattened_size = tuple(int(v) for v in sizes)
        self._known = math.prod(v for v in self.unflattened_size if v != -1)

    def _axis(self, rank: int) -> int:
        return self.dim + rank if self.dim < 0 else self.dim

    def forward(self, x: Any) -> Any:
        shape = list(B.shape(x))
        axis = self._axis(len(shape))
        sizes = self.unflattened_size
        if -1 in sizes and shape[axis] is not None:
            sizes = tuple(shape[axis] // self._known if v == -1 else v for v in sizes)
        target = [-1 if s is None else s for s in (*shape[:axis], *sizes, *shape[axis + 1 :])]
        if target.count(-1) > 1:
            # Only a traced function with relaxed shapes gets here; a reshape can infer one size, not two.
            raise ShapeError(
                f"{self._where()} cannot split axis {self.dim} of inputs of shape {tuple(shape)}: more than one "
                "size is unknown while tracing; give the unflattened axis explicit sizes, or trace the function "
                "with fixed sizes for the other sample axes"
            )
        return B.reshape(x, tuple(target))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _batch_axis(self, x)
        axis = self._axis(len(shape))
        if not 1 <= axis < len(shape):
            raise ShapeError(
                f"{self._where()} splits axis dim={self.dim} of inputs of shape {shape}, which "
                + ("is the batch axis" if axis == 0 else f"has no axis {self.dim}")
                + f"; pass a dim in 1..{len(shape) - 1} (or -{len(shape) - 1}..-1)"
            )
        size = shape[axis]
        if size is None:
            return
        fits = size % self._known == 0 if -1 in self.unflattened_size else size == self._known
        if not fits:
            expected = f"a multiple of {self._known}" if -1 in self.unflattened_size else str(self._known)
            raise ShapeError(
                f"{self._where()} cannot split axis {self.dim} of size {size} (inputs of shape {shape}) into "
                f"{self.unflattened_size}: those sizes multiply to {expected}; pass an unflattened_size whose "
                f"sizes multiply to {size}"
            )

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Permute(Module):
    """Reorder the sample axes (Keras ``Permute``): ``Permute((2, 1))`` maps ``(N, 10, 64)`` -> ``(N, 64, 10)``.

    ``dims`` is a permutation of ``1..k`` for inputs of rank ``k + 1``: output
    axis ``i`` is input axis ``dims[i - 1]``, the batch axis stays first (axes
    count from 1, as in Keras). On torch the result is a strided view.

    Raises:
        ArgumentError: at construction, ``dims`` is not a permutation of 1..len(dims).
        ShapeError: the input's rank is not ``len(dims) + 1``.
    """

    def __init__(self, dims: Sequence[int]) -> None:
        super().__init__()
        if (
            not isinstance(dims, Sequence)
            or isinstance(dims, str)
            or not all(is_integer(v) for v in dims)
            or sorted(int(v) for v in dims) != list(range(1, len(dims) + 1))
        ):
            raise argument_error(
                "Permute",
                "dims",
                dims,
                "a permutation of 1..k, the sample axes (the batch axis 0 is never moved)",
                "pass e.g. Permute((2, 1)) to swap the two axes of (N, a, b) inputs",
            )
        self.dims = tuple(int(v) for v in dims)

    def forward(self, x: Any) -> Any:
        return B.transpose(x, (0, *self.dims))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = _batch_axis(self, x)
        if len(shape) != len(self.dims) + 1:
            raise ShapeError(
                f"{self._where()} permutes {len(self.dims)} sample axes (dims={self.dims}), so it expects inputs "
                f"of rank {len(self.dims) + 1}, got shape {shape}; pass dims that permute 1..{len(shape) - 1}"
            )

    def extra_repr(self) -> str:
        return f"dims={self.dims}"


class RepeatVector(Module):
    """Repeat each sample ``n`` times along a new axis 1 (Keras ``RepeatVector``): ``(N, F)`` -> ``(N, n, F)``.

    The output is a copy, as in Keras (not a broadcast view).

    Raises:
        ArgumentError: at construction, ``n`` is not a positive int.
        ShapeError: the input is not of rank 2.
    """

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = check_int("RepeatVector", "n", n, low=1, example="RepeatVector(3)")

    def _work(self, x: Any = None, *rest: Any) -> tuple[int, int]:
        cells = self.n * math.prod(int(s if s is not None else 1) for s in B.shape(x))
        return cells, cells  # the output is n times the input: dn.load bounds it before it exists

    def forward(self, x: Any) -> Any:
        return B.repeat(B.expand_dims(x, 1), self.n, axis=1)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        if len(shape) != 2:
            fix = "add dn.nn.Flatten() before it" if len(shape) > 2 else "pass a batch of vectors (N, features)"
            raise ShapeError(f"{self._where()} expects inputs of rank 2 (N, features), got shape {shape}; {fix}")

    def extra_repr(self) -> str:
        return f"n={self.n}"
