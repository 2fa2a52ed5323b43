"""Adadelta, PyTorch's algorithm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_float, check_probability
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012), as ``torch.optim.Adadelta``.

    ``v = rho * v + (1 - rho) * g * g``; ``delta = sqrt(u + eps) / sqrt(v + eps) * g``;
    ``u = rho * u + (1 - rho) * delta * delta``; ``p -= lr * delta``. ``weight_decay`` adds
    ``weight_decay * p`` to the gradient; ``maximize`` ascends. Keras's ``Adadelta`` has the same rule
    with other defaults (``lr=1e-3``, ``rho=0.95``, ``eps=1e-7``).
    State per parameter: ``square_avg`` (``v``), ``acc_delta`` (``u``).

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["rho"] = check_probability(owner, "rho", group["rho"], example="rho=0.9")
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-6")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"square_avg": self.zeros_like(param), "acc_delta": self.zeros_like(param)}

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        return {"lr": lr, "rho": group["rho"], "eps": group["eps"], "weight_decay": group["weight_decay"] or None}

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        rho, eps = hyper["rho"], hyper["eps"]
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        B.assign(square_avg, square_avg * rho + (1.0 - rho) * grad * grad)
        delta = B.sqrt(acc_delta + eps) / B.sqrt(square_avg + eps) * grad
        B.assign(acc_delta, acc_delta * rho + (1.0 - rho) * delta * delta)
        B.assign(param, param - hyper["lr"] * delta)
