"""Reshaping layers: ``Flatten`` and ``Reshape``, which keep the batch axis and reorder nothing.

Both reshape in row-major order of the channels-last layout, like Keras; on
torch a channels-last activation is contiguous, so the reshape is a view.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import argument_error, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.nn.module import Module

__all__ = ["Flatten", "Reshape"]


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
