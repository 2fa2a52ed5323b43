"""NAdam (Adam with Nesterov momentum), PyTorch's algorithm, and ``Nadam``: the same with Keras's defaults."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

import numpy as np

from dualnet.arguments import check_bool, check_float, check_float_tuple
from dualnet.backend.dispatch import B
from dualnet.optim import scalars
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions
from dualnet.optim.scalars import lerp

__all__ = ["NAdam", "Nadam"]


class NAdam(Optimizer):
    """NAdam (Dozat 2016), as ``torch.optim.NAdam``: Adam whose momentum looks one step ahead.

    With ``mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))`` and ``P_t = mu_1 * ... * mu_t``:
    ``m = lerp(m, g, 1 - beta1)``, ``v = beta2 * v + (1 - beta2) * g * g``,
    ``d = sqrt(v / (1 - beta2 ** t)) + eps`` and
    ``p -= lr * (1 - mu_t) / (1 - P_t) * g / d + lr * mu_{t+1} / (1 - P_t * mu_{t+1}) * m / d``.
    ``weight_decay`` adds ``weight_decay * p`` to the gradient, or with ``decoupled_weight_decay``
    shrinks the parameter (``p *= 1 - lr * weight_decay``, NAdamW). ``maximize`` ascends.
    State per parameter: ``exp_avg``, ``exp_avg_sq`` and ``mu_product`` (``P_t``, a float32 scalar as in torch).

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        defaults |= {"momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, {**defaults, "maximize": maximize}, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["betas"] = check_float_tuple(
            owner, "betas", group["betas"], 2, low=0.0, high=1.0, high_open=True, example="betas=(0.9, 0.999)"
        )
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-8")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )
        group["momentum_decay"] = check_float(
            owner, "momentum_decay", group["momentum_decay"], low=0.0, example="momentum_decay=4e-3"
        )
        group["decoupled_weight_decay"] = check_bool(owner, "decoupled_weight_decay", group["decoupled_weight_decay"])

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "exp_avg": self.zeros_like(param),
            "exp_avg_sq": self.zeros_like(param),
            "mu_product": B.buffer(np.array(1.0, np.float32), "optimizer_state"),
        }

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        beta1, beta2 = group["betas"]
        weight_decay, decoupled, psi = group["weight_decay"], group["decoupled_weight_decay"], group["momentum_decay"]
        return {
            "lr": lr,
            "beta1": beta1,
            "beta2": beta2,
            "eps": group["eps"],
            "weight_decay": weight_decay if weight_decay and not decoupled else None,
            "decay": 1.0 - lr * weight_decay if weight_decay and decoupled else None,
            "mu": beta1 * (1.0 - 0.5 * 0.96 ** (step * psi)),
            "mu_next": beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi)),
            "bias_correction2": 1.0 - beta2**step,
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        if hyper["decay"] is not None:
            B.assign(param, param * hyper["decay"])
        mu, mu_next, lr = hyper["mu"], hyper["mu_next"], hyper["lr"]
        product = state["mu_product"]
        B.assign(product, product * B.cast(mu, "float32") if B.is_tensor(mu) else product * mu)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        B.assign(exp_avg, lerp(exp_avg, grad, 1.0 - hyper["beta1"]))
        B.assign(exp_avg_sq, exp_avg_sq * hyper["beta2"] + (1.0 - hyper["beta2"]) * grad * grad)
        denom = B.sqrt(exp_avg_sq / hyper["bias_correction2"]) + hyper["eps"]
        # torch reads the float32 product into Python and forms both step sizes in double precision
        wide, dtype = B.cast(product, "float64"), B.dtype(param)
        lr, mu, mu_next = scalars.wide(lr), scalars.wide(mu), scalars.wide(mu_next)
        grad_step = B.cast(-lr * (1.0 - mu) / (1.0 - wide), dtype)
        momentum_step = B.cast(-lr * mu_next / (1.0 - wide * mu_next), dtype)
        B.assign(param, param + grad_step * grad / denom)
        B.assign(param, param + momentum_step * exp_avg / denom)


class Nadam(NAdam):
    """Keras's name for :class:`NAdam`: PyTorch's algorithm with Keras's defaults ``lr=1e-3``, ``eps=1e-7``.

    Keras's ``Nadam`` decays its momentum as ``0.96 ** t`` rather than ``0.96 ** (t * momentum_decay)``;
    dualnet follows PyTorch's schedule (``momentum_decay=4e-3``) under both names.

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
        eps: float = 1e-7,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, momentum_decay, decoupled_weight_decay, maximize=maximize, **options
        )
