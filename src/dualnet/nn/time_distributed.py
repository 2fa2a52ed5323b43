"""``TimeDistributed``: one layer applied to every time step, by folding time into the batch axis."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import argument_error
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.nn.module import Module

__all__ = ["TimeDistributed"]


class TimeDistributed(Module):
    """Apply ``layer`` to each step of ``(N, T, ...)`` (Keras ``TimeDistributed``): ``(N, T, *layer_output)``.

    The input is reshaped to ``(N * T, ...)``, ``layer`` runs once on that
    batch, and its output ``(N * T, ...)`` is reshaped back: every step shares
    the layer's weights (``layer.*``), as in Keras. A layer whose result per
    sample depends on the rest of its batch (BatchNorm in training mode) sees
    all ``N * T`` steps as one batch, as in Keras.

    Raises:
        ArgumentError: ``layer`` is not a Module.
        ShapeError: for an input without a time axis (rank below 3); ``layer`` checks the shape of each step.
    """

    def __init__(self, layer: Module) -> None:
        super().__init__()
        if not isinstance(layer, Module):
            raise argument_error("TimeDistributed", "layer", layer, "a dn.nn.Module", "pass e.g. dn.nn.Dense(8)")
        self.layer = layer

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        if len(shape) < 3:
            raise ShapeError(
                f"{self._where()} expects inputs (N, T, ...) with a time axis and at least one axis per step, got "
                f"shape {shape}; add a time axis with dn.ops.expand_dims(x, 1), or apply the layer itself"
            )

    def forward(self, x: Any) -> Any:
        n, steps, *inner = B.shape(x)
        folded = B.reshape(x, (-1, *inner))
        y = self.layer(folded)
        out = tuple(B.shape(y))[1:]
        # A batch size unknown until run time (tf.function) is inferred from the step count, else the other way.
        return B.reshape(y, (-1, steps, *out) if n is None else (n, -1 if steps is None else steps, *out))
