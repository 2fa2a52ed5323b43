"""``EinsumDense``: a dense layer whose product with the kernel is any einsum (Keras ``EinsumDense``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_int
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn import activations
from dualnet.nn.einsum_shapes import analyze, parse
from dualnet.nn.module import Module

__all__ = ["EinsumDense"]


class EinsumDense(Module):
    """``activation(einsum(equation, x, kernel) + bias)`` (Keras ``EinsumDense``, the same shapes).

    ``equation`` is ``"<input>,<kernel>-><output>"`` in letters, one letter per
    axis, optionally with ``...`` on the left of the input and output
    (``"...b,bc->...c"`` is ``Dense``) or on their right. ``output_shape`` gives the
    output's sizes after the batch axis (an int for one axis; ``None`` for an axis
    the input fixes). The kernel's shape is what Keras computes: each kernel letter
    takes its size from the output, else the input, from the first call.
    ``bias_axes`` (letters of the output) adds a bias over those axes, broadcast
    over the output axes after the first of them, as in Keras.

    Input: the rank the equation's input names (or more, with ``...``) -> output
    ``(batch, *output_shape)`` (plus the elided axes).

    Raises:
        ArgumentError: at construction, for an equation Keras does not take, ``bias_axes`` that are not
            letters of its output, or another argument outside its valid values.
        ShapeError: at the first call, for an input whose shape does not fit the equation and ``output_shape``.
        DTypeError: for integer inputs.
    """

    def __init__(
        self,
        equation: str,
        output_shape: int | Sequence[int | None],
        activation: Any = None,
        bias_axes: str | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        dtype: str = "float32",
    ) -> None:
        super().__init__()
        where = f"EinsumDense(equation={equation!r})"
        parsed = parse(equation) if isinstance(equation, str) else None
        if parsed is None:
            raise ArgumentError(
                f"{where}: the equation must be '<input>,<kernel>-><output>' in letters, with '...' only at the "
                "left or the right of the input and output; e.g. 'ab,bc->ac' or '...b,bc->...c'"
            )
        example = "output_shape=(8, 16)"
        if not isinstance(output_shape, Sequence) or isinstance(output_shape, str):  # one axis: an int
            output_shape = [check_int("EinsumDense", "output_shape", output_shape, low=1, example=example)]
        shape = output_shape
        self.output_shape = tuple(
            None if s is None else check_int("EinsumDense", "output_shape", s, low=1, example=example) for s in shape
        )
        if bias_axes is not None and (
            not isinstance(bias_axes, str) or not bias_axes or any(c not in parsed[2] for c in bias_axes)
        ):
            raise ArgumentError(
                f"{where}: bias_axes={bias_axes!r} must be letters of the output {parsed[2]!r}, e.g. "
                f"bias_axes={parsed[2][-1]!r}"
            )
        self.equation = equation
        self.bias_axes = bias_axes
        self.activation = activations.get(activation, where=f"EinsumDense(activation={activation!r})")
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.dtype = dtype
        self.built = False

    def _shapes(self, x: Any) -> Any:
        try:
            return analyze(self.equation, self.bias_axes, tuple(B.shape(x)), self.output_shape)
        except ValueError as exc:
            raise ShapeError(
                f"{self._where()} with equation {self.equation!r} and output_shape {self.output_shape} cannot take "
                f"an input of shape {tuple(B.shape(x))}: {exc}; fix the input or the layer's output_shape"
            ) from None

    def build(self, x: Any) -> None:
        shapes = self._shapes(x)
        self.kernel = self.add_weight("kernel", shapes.kernel, self.kernel_initializer, self.dtype)
        self.bias = (
            None if shapes.bias is None else self.add_weight("bias", shapes.bias, self.bias_initializer, self.dtype)
        )
        self.built = True

    def forward(self, x: Any) -> Any:
        y = B.einsum(self.equation, x, self.kernel)
        if self.bias is not None:
            y = B.add(y, self.bias)
        return y if self.activation is None else self.activation(y)

    def _work(self, x: Any = None, *rest: Any) -> tuple[int, int]:
        shapes = self._shapes(x)
        cells = math.prod(int(s if s is not None else 1) for s in shapes.output)
        return cells, cells * math.prod(shapes.kernel)  # an upper bound: each output cell reads the kernel at most

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        dtype = B.dtype(x)
        if not is_float(dtype):
            raise DTypeError(
                f"{self._where()} expects float inputs, got {dtype}; cast them, e.g. dn.ops.cast(x, 'float32')"
            )
        self._shapes(x)

    def extra_repr(self) -> str:
        bias = "" if self.bias_axes is None else f", bias_axes={self.bias_axes!r}"
        return f"{self.equation!r}, output_shape={self.output_shape}{bias}"
