"""Activation functions by Keras name, for ``activation=`` arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet import ops
from dualnet.errors import ArgumentError

__all__ = ["get"]

NAMES = (
    "linear",
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "softplus",
    "softsign",
    "softmax",
    "log_softmax",
)
_ALIASES = {"swish": "silu"}


def get(identifier: Any, where: str = "activation") -> Callable[[Any], Any] | None:
    """The function for ``identifier``: a name from :data:`NAMES`, a callable, or None (no activation).

    Raises:
        ArgumentError: ``identifier`` is none of these (the message lists the names).
    """

    if identifier is None:
        return None
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    if isinstance(identifier, str) and identifier.lower() in NAMES:
        key = _ALIASES.get(identifier.lower(), identifier.lower())
        return None if key == "linear" else getattr(ops, key)
    raise ArgumentError(f"{where}: unknown activation {identifier!r}; use one of {', '.join(NAMES)} or a callable")
