"""Adafactor (factored second moments), PyTorch's algorithm."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Unpack

import numpy as np

from dualnet.arguments import argument_error, check_float, is_number
from dualnet.backend.dispatch import B
from dualnet.optim import scalars
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions

__all__ = ["Adafactor"]

# torch.finfo(dtype).eps: eps[0]=None stands for it
_MACHINE_EPS = {"float16": 2.0**-10, "bfloat16": 2.0**-7, "float32": 2.0**-23, "float64": 2.0**-52}


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern 2018), as ``torch.optim.Adafactor``: Adam-like steps with little state.

    For a parameter of 2 or more dimensions the second moment is kept as a row and a column factor
    (``row_var`` ``(..., m, 1)`` and ``col_var`` ``(..., 1, n)`` for a ``(..., m, n)`` parameter), else
    in full (``variance``). Per step ``t``: ``w = t ** beta2_decay`` weighs the new squared gradients
    (``lerp``), ``rho = min(lr, 1 / sqrt(t))``, ``alpha = max(eps[1], rms(p)) * rho``; the estimate
    ``V = row_var @ col_var / max(mean(row_var), eps[0])`` gives ``u = g / sqrt(max(V, eps[0] ** 2))``,
    and ``p -= alpha / max(1, rms(u) / d) * u``. ``weight_decay`` shrinks ``p`` by ``1 - lr * weight_decay``
    first (decoupled); ``eps[0]=None`` is the machine epsilon of the parameter's dtype; ``maximize``
    ascends. Keras's ``Adafactor`` parametrises the rule differently (``relative_step``, ``clip_threshold``).

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
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d, "weight_decay": weight_decay}
        super().__init__(params, {**defaults, "maximize": maximize}, **options)

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["beta2_decay"] = check_float(
            owner, "beta2_decay", group["beta2_decay"], high=0.0, example="beta2_decay=-0.8"
        )
        eps = group["eps"]
        if not (
            isinstance(eps, tuple | list)
            and len(eps) == 2
            and (eps[0] is None or (is_number(eps[0]) and math.isfinite(eps[0]) and eps[0] >= 0))
            and is_number(eps[1])
            and math.isfinite(eps[1])
            and eps[1] >= 0
        ):
            raise argument_error(
                owner, "eps", eps, "a pair (eps1 >= 0 or None, eps2 >= 0)", "pass e.g. eps=(None, 1e-3)"
            )
        group["eps"] = (None if eps[0] is None else float(eps[0]), float(eps[1]))
        group["d"] = check_float(owner, "d", group["d"], low=1.0, example="d=1.0 (the clipping threshold, >= 1)")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-2"
        )

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        shape = tuple(B.shape(param))
        if len(shape) < 2:
            return {"variance": self.zeros_like(param)}
        dtype = B.dtype(param)
        return {
            "row_var": B.buffer(np.zeros((*shape[:-1], 1), dtype), "optimizer_state"),
            "col_var": B.buffer(np.zeros((*shape[:-2], 1, shape[-1]), dtype), "optimizer_state"),
        }

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        weight_decay = group["weight_decay"]
        return {
            "weight": step ** group["beta2_decay"],
            "rho": scalars.minimum(lr, 1.0 / scalars.sqrt(step)),
            "eps1": group["eps"][0],
            "eps2": group["eps"][1],
            "d": group["d"],
            "decay": 1.0 - lr * weight_decay if weight_decay else None,
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        dtype, shape = B.dtype(param), tuple(B.shape(param))
        size = math.prod(shape)
        eps1 = _MACHINE_EPS[dtype] if hyper["eps1"] is None else hyper["eps1"]
        # torch reads the norms into Python: the step size is formed in double precision from them
        rms = B.cast(B.norm(param), "float64") / math.sqrt(size)
        alpha = B.maximum(hyper["eps2"], rms) * scalars.wide(hyper["rho"])
        if hyper["decay"] is not None:
            B.assign(param, param * hyper["decay"])
        weight = hyper["weight"]
        if len(shape) >= 2:
            row_var, col_var = state["row_var"], state["col_var"]
            row_mean = B.square(B.norm(grad, axis=-1, keepdims=True)) / shape[-1]
            B.assign(row_var, scalars.lerp(row_var, row_mean, weight))
            col_mean = B.square(B.norm(grad, axis=-2, keepdims=True)) / shape[-2]
            B.assign(col_var, scalars.lerp(col_var, col_mean, weight))
            estimate = B.matmul(row_var, col_var)
            estimate = estimate / B.maximum(B.mean(row_var, axis=-2, keepdims=True), eps1)
        else:
            variance = state["variance"]
            B.assign(variance, scalars.lerp(variance, grad * grad, weight))
            estimate = variance
        step = 1.0 / B.sqrt(B.maximum(estimate, eps1 * eps1)) * grad
        denom = B.maximum(1.0, B.cast(B.norm(step), "float64") / (math.sqrt(size) * hyper["d"]))
        B.assign(param, param + B.cast(-alpha / denom, dtype) * step)
