"""The pieces of the Trainer's step that differ per framework."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from dualnet.backend.api.types import Tensor


class TrainerAPI(Protocol):
    """Compiling the step, branching inside it, and the batch size as a number."""

    def compile_step(self, fn: Callable[..., Any], jit: bool) -> Callable[..., Any]:
        """The step as it runs each batch (eager, torch.compile, tf.function; XLA when ``jit``); shapes unchanged."""

    def traces_checks(self) -> bool:
        """True if the step is traced without values: value checks return flags (``dualnet.debug.step_checks``)."""

    def run_if(self, pred: Tensor, fn: Callable[[], None]) -> None:
        """Call ``fn()`` when ``pred``, a scalar bool tensor of shape ``()``, is true (``tf.cond`` while tracing)."""

    def leading_size(self, x: Tensor) -> float | Tensor:
        """``x.shape[0]`` as a float, or a float32 scalar tensor while its size is unknown."""
