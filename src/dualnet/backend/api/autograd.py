"""Gradients, no-gradient scopes and compilation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from dualnet.backend.api.types import ArrayLike, Tensor, Variable


class AutogradAPI(Protocol):
    """``value_and_grad`` (autograd.grad / GradientTape), ``no_grad``, ``stop_gradient``, ``function``."""

    def value_and_grad(
        self,
        fn: Callable[[list[Tensor]], Any],
        variables: Sequence[Variable],
        inputs: Sequence[ArrayLike],
        has_aux: bool,
    ) -> tuple[Tensor, Any, list[Tensor]]:
        """``(value, aux, grads)`` of ``fn(inputs)``: a scalar value, grads shaped like ``[*variables, *inputs]``."""

    def no_grad(self) -> AbstractContextManager[None]:
        """A scope in which nothing is recorded for gradients."""

    def stop_gradient(self, x: Tensor) -> Tensor:
        """``x`` (same shape) with its gradient blocked."""

    def function(self, fn: Callable[..., Any], jit: bool) -> Callable[..., Any]:
        """``fn`` compiled (tf.function, XLA if ``jit``; torch.compile if ``jit``, else eager); shapes unchanged."""
