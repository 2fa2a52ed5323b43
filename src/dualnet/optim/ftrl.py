"""FTRL-Proximal, Keras's algorithm (``keras.optimizers.Ftrl``); torch has none."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_float
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["Ftrl"]


class Ftrl(Optimizer):
    """Follow-the-regularized-leader (McMahan et al. 2013), as Keras's ``Ftrl``; for wide, sparse models.

    With ``n`` the sum of squared gradients (from ``initial_accumulator_value``) and ``z`` the linear
    term: ``g' = g + 2 * l2_shrinkage * p``, ``n' = n + g * g``,
    ``z += g' - (n' ** -lr_power - n ** -lr_power) / lr * p``,
    ``p = (clip(z, -l1, l1) - z) / (n' ** -lr_power / lr + 2 * (l2 + beta / (2 * lr)))``, ``n = n'``.
    Names and defaults are Keras's (``learning_rate_power`` is ``lr_power``); ``lr`` must be > 0.
    State per parameter: ``accumulator`` (``n``), ``linear`` (``z``).

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
        lr_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "lr_power": lr_power, "initial_accumulator_value": initial_accumulator_value}
        defaults |= {
            "l1_regularization_strength": l1_regularization_strength,
            "l2_regularization_strength": l2_regularization_strength,
            "l2_shrinkage_regularization_strength": l2_shrinkage_regularization_strength,
            "beta": beta,
        }
        super().__init__(params, defaults, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        if not callable(group["lr"]):
            group["lr"] = check_float(
                owner, "lr", group["lr"], low=0.0, low_open=True, example="lr=1e-3 (Ftrl divides by it)"
            )
        group["lr_power"] = check_float(owner, "lr_power", group["lr_power"], high=0.0, example="lr_power=-0.5")
        for name in (
            "initial_accumulator_value",
            "l1_regularization_strength",
            "l2_regularization_strength",
            "l2_shrinkage_regularization_strength",
            "beta",
        ):
            group[name] = check_float(owner, name, group[name], low=0.0, example=f"{name}=0.1")

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "accumulator": self.zeros_like(param, group["initial_accumulator_value"]),
            "linear": self.zeros_like(param),
        }

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        return {
            "lr": lr,
            "power": -group["lr_power"],
            "l1": group["l1_regularization_strength"],
            "l2": group["l2_regularization_strength"] + group["beta"] / (2.0 * lr),
            "shrinkage": 2.0 * group["l2_shrinkage_regularization_strength"],
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        lr, power, l1 = hyper["lr"], hyper["power"], hyper["l1"]
        accum, linear = state["accumulator"], state["linear"]
        shrunk = grad + hyper["shrinkage"] * param
        new_accum = accum + B.square(grad)
        B.assign(linear, linear + (shrunk - (B.power(new_accum, power) - B.power(accum, power)) / lr * param))
        quadratic = B.power(new_accum, power) / lr + 2.0 * hyper["l2"]
        B.assign(param, (B.clip(linear, -l1, l1) - linear) / quadratic)
        B.assign(accum, new_accum)
