"""ASGD (averaged stochastic gradient descent), PyTorch's algorithm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

import numpy as np

from dualnet.arguments import check_float
from dualnet.backend.dispatch import B
from dualnet.optim import scalars
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged SGD (Polyak & Juditsky 1992), as ``torch.optim.ASGD``.

    Each step ``t``: ``p = p * (1 - lambd * eta) - eta * g`` with the current ``eta``, then the average
    ``ax += mu * (p - ax)`` (``ax = p`` while ``mu == 1``); then ``eta = lr / (1 + lambd * lr * t) ** alpha``
    and ``mu = 1 / max(1, t - t0)`` for the next step, so averaging starts after ``t0`` steps.
    ``weight_decay`` adds ``weight_decay * p`` to the gradient; ``maximize`` ascends.
    State per parameter: ``eta`` and ``mu`` (float32 scalars, as in torch) and ``ax``, the averaged
    parameter (read it with ``opt.state[i]["ax"]``).

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weight_decay}
        super().__init__(params, {**defaults, "maximize": maximize}, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["lambd"] = check_float(owner, "lambd", group["lambd"], low=0.0, example="lambd=1e-4")
        group["alpha"] = check_float(owner, "alpha", group["alpha"], low=0.0, example="alpha=0.75")
        group["t0"] = check_float(owner, "t0", group["t0"], low=0.0, example="t0=1e6 (steps before averaging)")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        lr = group["lr"]
        first = float(lr(0)) if callable(lr) else lr
        return {
            "eta": B.buffer(np.array(first, np.float32), "optimizer_state"),
            "mu": B.buffer(np.array(1.0, np.float32), "optimizer_state"),
            "ax": self.zeros_like(param),
        }

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        lambd = group["lambd"]
        return {
            "lambd": lambd,
            "weight_decay": group["weight_decay"] or None,
            "next_eta": lr / (1.0 + lambd * lr * step) ** group["alpha"],
            "next_mu": 1.0 / scalars.maximum(1.0, step - group["t0"]),
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        dtype = B.dtype(param)
        eta, mu, ax = state["eta"], state["mu"], state["ax"]
        # torch reads eta into Python: the decay factor is formed in double precision
        B.assign(param, param * B.cast(1.0 - hyper["lambd"] * B.cast(eta, "float64"), dtype))
        B.assign(param, param - B.cast(eta, dtype) * grad)
        B.assign(ax, B.where(B.equal(mu, 1.0), param, ax + (param - ax) * B.cast(mu, dtype)))
        B.assign(eta, B.cast(hyper["next_eta"], "float32"))
        B.assign(mu, B.cast(hyper["next_mu"], "float32"))
