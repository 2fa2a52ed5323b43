"""RAdam (rectified Adam), PyTorch's algorithm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_bool, check_float, check_float_tuple
from dualnet.backend.dispatch import B
from dualnet.optim import scalars
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam (Liu et al. 2019), as ``torch.optim.RAdam``: Adam whose adaptive step is switched on once trustworthy.

    ``m = lerp(m, g, 1 - beta1)``, ``v = beta2 * v + (1 - beta2) * g * g``; with
    ``rho_inf = 2 / (1 - beta2) - 1`` and ``rho_t = rho_inf - 2 t beta2 ** t / (1 - beta2 ** t)``:
    while ``rho_t <= 5``, ``p -= lr * m / (1 - beta1 ** t)`` (momentum SGD); after,
    ``p -= lr * m / (1 - beta1 ** t) * sqrt(1 - beta2 ** t) / (sqrt(v) + eps) * r_t`` with the rectification
    ``r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))``.
    ``weight_decay`` is L2, or decoupled with ``decoupled_weight_decay`` (RAdamW). ``maximize`` ascends.
    State per parameter: ``exp_avg``, ``exp_avg_sq``.

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        defaults |= {"decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize}
        super().__init__(params, defaults, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["betas"] = check_float_tuple(
            owner, "betas", group["betas"], 2, low=0.0, high=1.0, high_open=True, example="betas=(0.9, 0.999)"
        )
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-8")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )
        group["decoupled_weight_decay"] = check_bool(owner, "decoupled_weight_decay", group["decoupled_weight_decay"])

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"exp_avg": self.zeros_like(param), "exp_avg_sq": self.zeros_like(param)}

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        beta1, beta2 = group["betas"]
        weight_decay, decoupled = group["weight_decay"], group["decoupled_weight_decay"]
        bias_correction2 = 1.0 - beta2**step
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        rho_t = rho_inf - 2.0 * step * beta2**step / bias_correction2
        ratio = (rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)
        # 0 means "not rectified yet": the ratio is negative (its root undefined) until rho_t > 4
        rect = scalars.where(rho_t > 5.0, scalars.sqrt(scalars.maximum(ratio, 0.0)), 0.0)
        return {
            "lr": lr,
            "beta1": beta1,
            "beta2": beta2,
            "eps": group["eps"],
            "weight_decay": weight_decay if weight_decay and not decoupled else None,
            "decay": 1.0 - lr * weight_decay if weight_decay and decoupled else None,
            "bias_correction1": 1.0 - beta1**step,
            "bias_correction2_sqrt": scalars.sqrt(bias_correction2),
            "rect": rect,
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        if hyper["decay"] is not None:
            B.assign(param, param * hyper["decay"])
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        B.assign(exp_avg, scalars.lerp(exp_avg, grad, 1.0 - hyper["beta1"]))
        B.assign(exp_avg_sq, exp_avg_sq * hyper["beta2"] + (1.0 - hyper["beta2"]) * grad * grad)
        step = exp_avg / hyper["bias_correction1"] * hyper["lr"]
        rect = hyper["rect"]
        if B.is_tensor(rect):  # compiled: both forms, one taken
            adaptive = hyper["bias_correction2_sqrt"] / (B.sqrt(exp_avg_sq) + hyper["eps"])
            step = step * B.where(rect > 0, adaptive * rect, 1.0)
        elif rect > 0:
            step = step * (hyper["bias_correction2_sqrt"] / (B.sqrt(exp_avg_sq) + hyper["eps"])) * rect
        B.assign(param, param - step)
