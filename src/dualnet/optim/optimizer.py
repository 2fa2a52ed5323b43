"""``Optimizer``: parameter groups, per-parameter state, and the step loop.

Update rules follow PyTorch's documented algorithms and are written once on
the ops; subclasses define :meth:`Optimizer.update` for one parameter.
State tensors are backend buffers (``tf.Variable`` / tensor), so a compiled
TensorFlow step can update them in place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError


def check_learning_rate(owner: str, lr: Any) -> float:
    """``lr`` as a float; ArgumentError if it is negative, NaN or not a number."""
    if isinstance(lr, bool) or not isinstance(lr, int | float) or math.isnan(lr) or lr < 0:
        raise ArgumentError(f"{owner}(lr={lr!r}): the learning rate must be a number >= 0; pass e.g. lr=1e-3")
    return float(lr)


class Optimizer:
    """Base optimizer. ``params``: variables, or dicts ``{"params": [...], **hyper_parameters}`` (groups)."""

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        items = list(params)
        if not items:
            raise ArgumentError(
                f"{name}: got no parameters to optimize; pass model.parameters() of a model that has weights "
                "(call the model once on an example input if its layers infer their sizes)"
            )
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        self.param_groups: list[dict[str, Any]] = []
        for group in groups:
            merged = {**defaults, **group, "params": list(group["params"])}
            merged["lr"] = check_learning_rate(name, merged["lr"])
            self.param_groups.append(merged)
        self.state: list[dict[str, Any]] = [{} for _ in self._flat_params()]
        self.iterations = 0

    def _flat_params(self) -> list[Any]:
        return [p for group in self.param_groups for p in group["params"]]

    def step(self, grads: Sequence[Any]) -> None:
        """Apply one update; ``grads`` is aligned with the flattened parameters (None skips one)."""
        params = self._flat_params()
        if len(grads) != len(params):
            raise ShapeError(
                f"{type(self).__name__}.step: got {len(grads)} gradients for {len(params)} parameters; "
                "pass the gradients from dn.value_and_grad(...)(model, ...) for the same model"
            )
        self.iterations += 1
        with B.no_grad():
            index = 0
            for group in self.param_groups:
                for param in group["params"]:
                    grad = grads[index]
                    if grad is not None:
                        self.update(param, grad, self.state[index], group)
                    index += 1

    def update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Update one parameter in place; ``state`` is its own dict of buffers."""
        raise NotImplementedError

    @staticmethod
    def zeros_like(param: Any) -> Any:
        """A state buffer of zeros shaped like ``param``."""
        return B.buffer(np.zeros(tuple(B.shape(param)), B.dtype(param)), "optimizer_state")
