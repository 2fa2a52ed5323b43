"""Stochastic gradient descent, PyTorch's algorithm (momentum, dampening, Nesterov, weight decay)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import argument_error, check_bool, check_float, check_probability
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["SGD"]


class SGD(Optimizer):
    """``p -= lr * d`` where ``d`` is the gradient ``g`` (plus ``weight_decay * p``), with optional momentum.

    With momentum: ``buf = momentum * buf + (1 - dampening) * g`` (``buf = g`` at the
    first step) and ``d = g + momentum * buf`` if ``nesterov`` else ``buf``.
    State per parameter: ``momentum_buffer`` (when ``momentum > 0``).

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    fused = "sgd"

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay}
        super().__init__(
            params,
            {**defaults, "nesterov": nesterov, "maximize": maximize},
            **options,
        )

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["momentum"] = check_float(owner, "momentum", group["momentum"], low=0.0, example="momentum=0.9")
        group["dampening"] = check_probability(owner, "dampening", group["dampening"], example="dampening=0.0")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-4"
        )
        group["nesterov"] = check_bool(owner, "nesterov", group["nesterov"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise argument_error(
                owner,
                "nesterov",
                True,
                "False unless momentum > 0 and dampening == 0 (as in PyTorch)",
                "pass e.g. momentum=0.9, dampening=0",
            )

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"momentum_buffer": self.zeros_like(param)} if group["momentum"] else {}

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        damp = 1.0 - group["dampening"]
        if isinstance(step, int):
            damp = 1.0 if step == 1 else damp
        elif group["dampening"]:  # compiled: the step count is a tensor
            damp = B.where(step == 1, 1.0, damp)
        return {
            "lr": lr,
            "weight_decay": group["weight_decay"] or None,
            "momentum": group["momentum"] or None,
            # The buffer starts at zero, so a factor 1 at the first step gives torch's ``buf = g`` exactly.
            "dampening": damp,
            "nesterov": group["nesterov"],
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        momentum = hyper["momentum"]
        if momentum is not None:
            buf = state["momentum_buffer"]
            B.assign(buf, buf * momentum + hyper["dampening"] * grad)
            grad = grad + momentum * buf if hyper["nesterov"] else buf
        B.assign(param, param - hyper["lr"] * grad)
