"""Native interop in both directions; both share the variables themselves, never copies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from dualnet.backend.api.types import NativeAdapter, Variable


class NativeAPI(Protocol):
    """A dualnet model as a ``torch.nn.Module`` / ``tf.Module``, and a native module inside dualnet."""

    def native_module(
        self,
        forward: Callable[..., Any],
        inference: Callable[..., Any],
        set_training: Callable[[bool], object],
        named_parameters: Sequence[tuple[str, Variable]],
        trainable_mask: Sequence[bool],
        named_buffers: Sequence[tuple[str, Variable]],
        input_signature: Sequence[Any] | None,
        name: str,
    ) -> Any:
        """A native module holding the model's variables under their dotted paths; calling it calls ``forward``."""

    def native_adapter(self, obj: Any) -> NativeAdapter:
        """The adapter a dualnet ``Wrapped`` module drives ``obj`` (a native module of this framework) through."""
