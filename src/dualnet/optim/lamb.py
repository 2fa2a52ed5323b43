"""LAMB (layer-wise adaptive moments), Keras's algorithm (``keras.optimizers.Lamb``); torch has none."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_float, check_float_tuple
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["Lamb"]


class Lamb(Optimizer):
    """LAMB (You et al. 2019), as Keras's ``Lamb``: an Adam step rescaled per parameter by a trust ratio.

    ``m += (g - m) * (1 - beta1)``, ``v += (g * g - v) * (1 - beta2)``,
    ``u = (m / (1 - beta1 ** t)) / (sqrt(v / (1 - beta2 ** t)) + eps)``; with ``r = |p| / |u|``
    (1 when either norm is 0), ``p -= r * lr * u``. ``weight_decay`` first shrinks the parameter,
    ``p -= p * weight_decay * lr`` (Keras's decoupled decay). Defaults are Keras's.
    State per parameter: ``momentum`` (``m``), ``velocity`` (``v``).

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
        **options: Unpack[OptimizerOptions],
    ) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["betas"] = check_float_tuple(
            owner, "betas", group["betas"], 2, low=0.0, high=1.0, high_open=True, example="betas=(0.9, 0.999)"
        )
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-7")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"momentum": self.zeros_like(param), "velocity": self.zeros_like(param)}

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        beta1, beta2 = group["betas"]
        return {
            "lr": lr,
            "beta1": beta1,
            "beta2": beta2,
            "eps": group["eps"],
            "weight_decay": group["weight_decay"] or None,
            "bias_correction1": 1.0 - beta1**step,
            "bias_correction2": 1.0 - beta2**step,
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        lr = hyper["lr"]
        if hyper["weight_decay"] is not None:
            B.assign(param, param - param * hyper["weight_decay"] * lr)
        m, v = state["momentum"], state["velocity"]
        B.assign(m, m + (grad - m) * (1.0 - hyper["beta1"]))
        B.assign(v, v + (B.square(grad) - v) * (1.0 - hyper["beta2"]))
        step = (m / hyper["bias_correction1"]) / (B.sqrt(v / hyper["bias_correction2"]) + hyper["eps"])
        param_norm = B.sqrt(B.sum(B.square(param)))
        step_norm = B.sqrt(B.sum(B.square(step)))
        ratio = B.where(param_norm > 0, B.where(step_norm > 0, param_norm / step_norm, 1.0), 1.0)
        B.assign(param, param - ratio * lr * step)
