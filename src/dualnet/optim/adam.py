"""Adam and AdamW, PyTorch's algorithms (L2 or decoupled weight decay, AMSGrad)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_bool, check_float, check_float_tuple
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions
from dualnet.optim.scalars import lerp

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (Kingma & Ba), as ``torch.optim.Adam``; ``weight_decay`` adds ``weight_decay * p`` to the gradient.

    With ``decoupled_weight_decay=True`` the decay shrinks the parameter instead, as :class:`AdamW`.
    ``maximize`` ascends (the gradients are negated first).

    ``m = lerp(m, g, 1 - beta1)``, ``v = beta2 * v + (1 - beta2) * g * g`` (``v_max = max(v_max, v)``
    with ``amsgrad``), ``p -= lr / (1 - beta1 ** t) * m / (sqrt(v) / sqrt(1 - beta2 ** t) + eps)``.
    State per parameter: ``exp_avg``, ``exp_avg_sq`` and, with ``amsgrad``, ``max_exp_avg_sq``.

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    fused = "adam"

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "amsgrad": amsgrad}
        super().__init__(
            params,
            {**defaults, "maximize": maximize, "decoupled_weight_decay": decoupled_weight_decay},
            **options,
        )

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["betas"] = check_float_tuple(
            owner, "betas", group["betas"], 2, low=0.0, high=1.0, high_open=True, example="betas=(0.9, 0.999)"
        )
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-8")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )
        group["amsgrad"] = check_bool(owner, "amsgrad", group["amsgrad"])
        group["decoupled_weight_decay"] = check_bool(owner, "decoupled_weight_decay", group["decoupled_weight_decay"])

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        state = {"exp_avg": self.zeros_like(param), "exp_avg_sq": self.zeros_like(param)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = self.zeros_like(param)
        return state

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"] or None
        decoupled = group["decoupled_weight_decay"]
        return {
            "beta1": beta1,
            "beta2": beta2,
            "eps": group["eps"],
            "weight_decay": None if decoupled else weight_decay,
            "decay": 1.0 - lr * weight_decay if decoupled and weight_decay else None,
            "step_size": lr / (1.0 - beta1**step),
            "bias_correction2_sqrt": (1.0 - beta2**step) ** 0.5,
            "amsgrad": group["amsgrad"],
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        if hyper["decay"] is not None:
            B.assign(param, param * hyper["decay"])
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        B.assign(exp_avg, lerp(exp_avg, grad, 1.0 - hyper["beta1"]))
        B.assign(exp_avg_sq, exp_avg_sq * hyper["beta2"] + (1.0 - hyper["beta2"]) * grad * grad)
        second = exp_avg_sq
        if hyper["amsgrad"]:
            second = state["max_exp_avg_sq"]
            B.assign(second, B.maximum(second, exp_avg_sq))
        denom = B.sqrt(second) / hyper["bias_correction2_sqrt"] + hyper["eps"]
        B.assign(param, param - hyper["step_size"] * exp_avg / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), as ``torch.optim.AdamW``.

    Each step first shrinks the parameter, ``p *= 1 - lr * weight_decay``, then applies Adam without L2.

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
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True, **options
        )
