"""``Dense``: a fully connected layer, ``y = activation(x @ kernel + bias)``."""

from __future__ import annotations

import math
from typing import Any

from dualnet.arguments import check_bool, check_int
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import DTypeError, ShapeError
from dualnet.nn import activations
from dualnet.nn.module import Module

__all__ = ["Dense"]


class Dense(Module):
    """Fully connected layer (Keras ``Dense``).

    Input ``(..., in_features)`` -> output ``(..., units)``. The kernel has the
    canonical layout ``(in_features, units)``, the bias ``(units,)``. With
    ``in_features=None`` the input size is taken from the first call.
    ``kernel_regularizer`` / ``bias_regularizer`` / ``activity_regularizer`` and
    ``kernel_constraint`` / ``bias_constraint`` are Keras's (see ``dn.regularizers``, ``dn.constraints``).

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for a scalar input, or a last dimension other than ``in_features``.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        in_features: int | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        dtype: str = "float32",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
    ) -> None:
        super().__init__()
        units = check_int("Dense", "units", units, low=1, example="Dense(64)")
        in_features = check_int(
            "Dense", "in_features", in_features, low=1, or_none=True, example="in_features=784, or None (inferred)"
        )
        self.units = units
        self.activation = activations.get(activation, where=f"Dense(activation={activation!r})")
        self.use_bias = check_bool("Dense", "use_bias", use_bias)
        self.in_features = in_features
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.dtype = dtype
        self._set_penalties(
            "Dense",
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        self.built = False
        if in_features is not None:
            self._create(in_features)

    def build(self, x: Any) -> None:
        self._create(int(B.shape(x)[-1]))

    def _create(self, in_features: int) -> None:
        self.in_features = in_features
        kernel_shape = (in_features, self.units)
        self.kernel = self.add_weight(
            "kernel", kernel_shape, self.kernel_initializer, self.dtype, **self._penalties_of("kernel")
        )
        self.bias = (
            self.add_weight("bias", (self.units,), self.bias_initializer, self.dtype, **self._penalties_of("bias"))
            if self.use_bias
            else None
        )
        self.built = True

    def _work(self, x: Any = None, *rest: Any) -> tuple[int, int]:
        *rows, features = (int(s if s is not None else 1) for s in B.shape(x))
        cells = math.prod(rows) * self.units
        return cells, cells * features

    def forward(self, x: Any) -> Any:
        y = B.linear(x, self.kernel, self.bias)
        return y if self.activation is None else self.activation(y)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        if not shape:
            raise ShapeError(f"{self._where()} expects inputs of rank >= 1, got a scalar; pass a batch (N, features)")
        dtype = B.dtype(x)
        if not is_float(dtype):
            raise DTypeError(
                f"{self._where()} expects floating-point inputs, got {dtype}; "
                "cast first, e.g. dn.ops.cast(x, 'float32')"
            )
        if self.in_features is not None and shape[-1] not in (self.in_features, None):
            fix = (
                "add dn.nn.Flatten() before it"
                if len(shape) > 2
                else f"give it inputs with {self.in_features} features"
            )
            raise ShapeError(
                f"{self._where()} expects inputs with last dimension {self.in_features}, got shape {shape}; {fix}"
            )

    def extra_repr(self) -> str:
        return f"units={self.units}, in_features={self.in_features}"
