"""Lion, the published algorithm (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_float, check_float_tuple
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["Lion"]


class Lion(Optimizer):
    """EvoLved Sign Momentum: the sign of an interpolated momentum, with decoupled weight decay.

    ``c = beta1 * m + (1 - beta1) * g``; ``p = p * (1 - lr * weight_decay) - lr * sign(c)``;
    ``m = beta2 * m + (1 - beta2) * g``. Typical learning rates are 3-10x smaller than AdamW's.
    State per parameter: ``exp_avg`` (``m``).

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    fused = "lion"

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        super().__init__(
            params,
            {"lr": lr, "betas": betas, "weight_decay": weight_decay},
            **options,
        )

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["betas"] = check_float_tuple(
            owner, "betas", group["betas"], 2, low=0.0, high=1.0, high_open=True, example="betas=(0.9, 0.99)"
        )
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"exp_avg": self.zeros_like(param)}

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"]
        return {
            "lr": lr,
            "beta1": beta1,
            "beta2": beta2,
            "decay": 1.0 - lr * weight_decay if weight_decay else None,
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["decay"] is not None:
            B.assign(param, param * hyper["decay"])
        exp_avg = state["exp_avg"]
        beta1, beta2 = hyper["beta1"], hyper["beta2"]
        direction = B.sign(exp_avg * beta1 + (1.0 - beta1) * grad)
        B.assign(param, param - hyper["lr"] * direction)
        B.assign(exp_avg, exp_avg * beta2 + (1.0 - beta2) * grad)
