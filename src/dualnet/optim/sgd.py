"""Stochastic gradient descent, PyTorch's algorithm (momentum, dampening, Nesterov, weight decay)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from dualnet.optim.optimizer import Optimizer


class SGD(Optimizer):
    """``p -= lr * d`` where ``d`` is the gradient (plus ``weight_decay * p``), with optional momentum.

    With momentum: ``buf = momentum * buf + (1 - dampening) * g`` (``buf = g`` at the
    first step) and ``d = g + momentum * buf`` if ``nesterov`` else ``buf``.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        if momentum < 0 or weight_decay < 0:
            raise ArgumentError(f"SGD(momentum={momentum}, weight_decay={weight_decay}): both must be >= 0")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ArgumentError("SGD(nesterov=True): needs momentum > 0 and dampening == 0, as in PyTorch")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay}
        super().__init__(params, {**defaults, "nesterov": nesterov})

    def update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        momentum = group["momentum"]
        if momentum:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = self.zeros_like(param)
                B.assign(state["momentum_buffer"], grad)
            else:
                buf = state["momentum_buffer"]
                B.assign(buf, momentum * buf + (1.0 - group["dampening"]) * grad)
            buf = state["momentum_buffer"]
            grad = grad + momentum * buf if group["nesterov"] else buf
        B.assign(param, param - group["lr"] * grad)
