"""The contract every backend implements.

A backend is a module (package) whose ``__all__`` lists its functions; the
active one is reached through :data:`dualnet.backend.dispatch.B`. Besides the
core below, a backend provides every op of :mod:`dualnet.ops` under the same
name and argument order (``tests/backend/test_protocol.py`` checks both
built-in backends against this list and ``dualnet.ops.__all__``). A feature a
backend lacks raises :class:`dualnet.UnsupportedError`, never a silent fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import numpy as np

Tensor = Any  # a native tensor: torch.Tensor or tf.Tensor
Variable = Any  # a native variable: torch.nn.Parameter or tf.Variable


class Backend(Protocol):
    """Core functions a backend provides in addition to the ops."""

    name: str

    def seed(self, value: int) -> None:
        """Seed the framework's global random generator."""

    def devices(self) -> list[str]:
        """Neutral names of the devices usable here: ``["cpu", "cuda:0", ...]``."""

    def is_tensor(self, x: Any) -> bool:
        """True for this framework's tensors and variables."""

    def is_variable(self, x: Any) -> bool:
        """True for this framework's trainable-state objects (Parameter / tf.Variable)."""

    def convert_to_tensor(self, x: Any, dtype: str | None = None) -> Tensor:
        """A native tensor on the current device from arrays, scalars, lists or tensors."""

    def to_numpy(self, x: Any) -> np.ndarray:
        """A NumPy copy of ``x`` (bfloat16 comes back as float32)."""

    def variable(self, value: Any, trainable: bool, name: str, dtype: str | None = None) -> Variable:
        """A new native variable on the current device holding ``value`` (cast to ``dtype`` if given)."""

    def set_trainable(self, variable: Variable, trainable: bool) -> None:
        """Tell the framework whether ``variable`` needs gradients (a hint; dualnet keeps its own mask)."""

    def buffer(self, value: np.ndarray, name: str) -> Variable:
        """Non-trainable state updated in place (running statistics)."""

    def assign(self, variable: Variable, value: Any) -> None:
        """Overwrite ``variable`` in place with ``value`` (same shape)."""

    def move_variable(self, variable: Variable, device: str) -> Variable:
        """``variable`` on ``device``; the same object when the framework can move it in place."""

    def value_and_grad(
        self,
        fn: Callable[[list[Tensor]], Any],
        variables: Sequence[Variable],
        inputs: Sequence[Tensor],
        has_aux: bool,
    ) -> tuple[Tensor, Any, list[Tensor]]:
        """Run ``fn(inputs)`` recording gradients; return ``(value, aux, grads)``.

        ``grads`` lists d value / d target for ``[*variables, *inputs]``;
        unconnected targets get zeros. ``value`` must be a scalar.
        """

    def no_grad(self) -> AbstractContextManager[None]:
        """Scope in which nothing is recorded for gradients."""

    def stop_gradient(self, x: Tensor) -> Tensor:
        """``x`` with its gradient blocked."""

    def function(self, fn: Callable[..., Any], jit: bool) -> Callable[..., Any]:
        """``fn`` compiled: tf.function (XLA if jit) / torch.compile if jit else eager."""
