"""Rprop (resilient backpropagation), PyTorch's algorithm."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

import numpy as np

from dualnet.arguments import argument_error, check_float_tuple
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Rprop (Riedmiller & Braun 1993), as ``torch.optim.Rprop``: per-element step sizes from gradient signs.

    Where the gradient keeps its sign the step size grows by ``etas[1]``, where it flips it shrinks by
    ``etas[0]`` (and that element waits a step: its gradient counts as 0), clipped to ``step_sizes``;
    then ``p -= sign(g) * step_size``. ``lr`` is only the initial step size (the first group value, or a
    schedule's value at step 0), as in torch. ``maximize`` ascends. Meant for full-batch training.
    State per parameter: ``prev`` (the last gradient used), ``step_size``.

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
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50.0),
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "maximize": maximize}
        super().__init__(params, defaults, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        etas = check_float_tuple(owner, "etas", group["etas"], 2, low=0.0, low_open=True, example="etas=(0.5, 1.2)")
        if not etas[0] < 1.0 < etas[1]:
            raise argument_error(
                owner,
                "etas",
                group["etas"],
                "(etaminus, etaplus) with 0 < etaminus < 1 < etaplus",
                "pass e.g. etas=(0.5, 1.2)",
            )
        sizes = check_float_tuple(owner, "step_sizes", group["step_sizes"], 2, low=0.0, example="step_sizes=(1e-6, 50)")
        if sizes[0] > sizes[1]:
            raise argument_error(
                owner, "step_sizes", group["step_sizes"], "(min, max) with min <= max", "pass e.g. (1e-6, 50)"
            )
        group["etas"], group["step_sizes"] = etas, sizes

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        lr = group["lr"]
        first = float(lr(0)) if callable(lr) else lr
        shape = tuple(B.shape(param))
        return {
            "prev": self.zeros_like(param),
            "step_size": B.buffer(np.full(shape, first, B.dtype(param)), "optimizer_state"),
        }

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        (minus, plus), (smallest, largest) = group["etas"], group["step_sizes"]
        return {"etaminus": minus, "etaplus": plus, "step_size_min": smallest, "step_size_max": largest}

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        prev, step_size = state["prev"], state["step_size"]
        sign = B.sign(grad * prev)
        factor = B.where(sign > 0, hyper["etaplus"], B.where(sign < 0, hyper["etaminus"], 1.0))
        B.assign(step_size, B.clip(step_size * factor, hyper["step_size_min"], hyper["step_size_max"]))
        grad = B.where(sign < 0, 0.0, grad)
        B.assign(param, param - B.sign(grad) * step_size)
        B.assign(prev, grad)
