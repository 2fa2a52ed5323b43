"""Adamax (Adam with the infinity norm), PyTorch's algorithm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_float, check_float_tuple
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions
from dualnet.optim.scalars import lerp

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, section 7), as ``torch.optim.Adamax``.

    ``m = lerp(m, g, 1 - beta1)``, ``u = max(beta2 * u, |g| + eps)``, ``p -= lr / (1 - beta1 ** t) * m / u``.
    ``weight_decay`` adds ``weight_decay * p`` to the gradient; ``maximize`` ascends. Keras's ``Adamax`` has
    the same rule with other defaults (``lr=1e-3``, ``eps=1e-7``).
    State per parameter: ``exp_avg``, ``exp_inf``.

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
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["betas"] = check_float_tuple(
            owner, "betas", group["betas"], 2, low=0.0, high=1.0, high_open=True, example="betas=(0.9, 0.999)"
        )
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-8")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"exp_avg": self.zeros_like(param), "exp_inf": self.zeros_like(param)}

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        beta1, beta2 = group["betas"]
        return {
            "beta1": beta1,
            "beta2": beta2,
            "eps": group["eps"],
            "weight_decay": group["weight_decay"] or None,
            "clr": lr / (1.0 - beta1**step),
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        B.assign(exp_avg, lerp(exp_avg, grad, 1.0 - hyper["beta1"]))
        B.assign(exp_inf, B.maximum(exp_inf * hyper["beta2"], B.abs(grad) + hyper["eps"]))
        B.assign(param, param - hyper["clr"] * exp_avg / exp_inf)
