"""``Activation``: an activation function as a layer, e.g. inside ``Sequential``."""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B
from dualnet.nn import activations
from dualnet.nn.module import Module

__all__ = ["Activation"]


class Activation(Module):
    """Apply ``activation`` elementwise (Keras ``Activation``): same shape in and out.

    ``activation`` is a name from :data:`dualnet.nn.activations.NAMES`
    (``"relu"``, ``"gelu"``, ``"softmax"``...), a callable taking and returning a
    tensor (e.g. ``dn.ops.tanh`` or ``lambda x: dn.ops.leaky_relu(x, 0.1)``), or
    None / ``"linear"`` for the identity.

    Raises:
        ArgumentError: at construction, for an unknown activation name.
    """

    def __init__(self, activation: Any) -> None:
        super().__init__()
        self.fn = activations.get(activation, where=f"Activation(activation={activation!r})")
        self.activation = activation if isinstance(activation, str) or activation is None else _name(activation)

    def forward(self, x: Any) -> Any:
        return B.convert_to_tensor(x) if self.fn is None else self.fn(x)

    def extra_repr(self) -> str:
        return repr(self.activation)


def _name(fn: Any) -> str:
    return str(getattr(fn, "__name__", type(fn).__name__))
