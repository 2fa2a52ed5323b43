"""Adagrad, PyTorch's algorithm (learning-rate decay, weight decay, initial accumulator)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_float
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), as ``torch.optim.Adagrad``.

    ``sum += g * g``; ``p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)``.
    State per parameter: ``sum``, starting at ``initial_accumulator_value``.

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    fused = "adagrad"

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay, "eps": eps}
        super().__init__(
            params,
            {**defaults, "initial_accumulator_value": initial_accumulator_value, "maximize": maximize},
            **options,
        )

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["lr_decay"] = check_float(owner, "lr_decay", group["lr_decay"], low=0.0, example="lr_decay=0.0")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-4"
        )
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-10")
        group["initial_accumulator_value"] = check_float(
            owner,
            "initial_accumulator_value",
            group["initial_accumulator_value"],
            low=0.0,
            example="initial_accumulator_value=0.1",
        )

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"sum": self.zeros_like(param, group["initial_accumulator_value"])}

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        return {
            "clr": lr / (1.0 + (step - 1) * group["lr_decay"]),
            "eps": group["eps"],
            "weight_decay": group["weight_decay"] or None,
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        total = state["sum"]
        B.assign(total, total + grad * grad)
        B.assign(param, param - hyper["clr"] * grad / (B.sqrt(total) + hyper["eps"]))
