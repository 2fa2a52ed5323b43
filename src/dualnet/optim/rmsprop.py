"""RMSprop, PyTorch's algorithm (smoothing ``alpha``, centered, momentum, weight decay)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_bool, check_float
from dualnet.backend.dispatch import B
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions
from dualnet.optim.scalars import lerp

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton), as ``torch.optim.RMSprop``.

    ``v = alpha * v + (1 - alpha) * g * g``; ``avg = sqrt(v) + eps``, or with ``centered``
    ``sqrt(v - a * a) + eps`` where ``a = lerp(a, g, 1 - alpha)``; then ``p -= lr * g / avg``, or with
    momentum ``buf = momentum * buf + g / avg`` and ``p -= lr * buf``.
    State per parameter: ``square_avg``, ``grad_avg`` (centered), ``momentum_buffer`` (momentum > 0).

    Raises:
        ArgumentError: a hyper-parameter outside its valid values, or a bad ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    fused = "rmsprop"

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weight_decay, "momentum": momentum}
        super().__init__(
            params,
            {**defaults, "centered": centered, "maximize": maximize},
            **options,
        )

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["alpha"] = check_float(
            owner, "alpha", group["alpha"], low=0.0, high=1.0, high_open=True, example="alpha=0.99"
        )
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-8")
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=1e-4"
        )
        group["momentum"] = check_float(owner, "momentum", group["momentum"], low=0.0, example="momentum=0.9")
        group["centered"] = check_bool(owner, "centered", group["centered"])

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        state = {"square_avg": self.zeros_like(param)}
        if group["centered"]:
            state["grad_avg"] = self.zeros_like(param)
        if group["momentum"]:
            state["momentum_buffer"] = self.zeros_like(param)
        return state

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        return {
            "lr": lr,
            "alpha": group["alpha"],
            "eps": group["eps"],
            "weight_decay": group["weight_decay"] or None,
            "momentum": group["momentum"] or None,
            "centered": group["centered"],
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        if hyper["weight_decay"] is not None:
            grad = grad + hyper["weight_decay"] * param
        alpha = hyper["alpha"]
        square_avg = state["square_avg"]
        B.assign(square_avg, square_avg * alpha + (1.0 - alpha) * grad * grad)
        if hyper["centered"]:
            grad_avg = state["grad_avg"]
            B.assign(grad_avg, lerp(grad_avg, grad, 1.0 - alpha))
            avg = B.sqrt(square_avg - grad_avg * grad_avg) + hyper["eps"]
        else:
            avg = B.sqrt(square_avg) + hyper["eps"]
        if hyper["momentum"] is not None:
            buf = state["momentum_buffer"]
            B.assign(buf, buf * hyper["momentum"] + grad / avg)
            B.assign(param, param - hyper["lr"] * buf)
        else:
            B.assign(param, param - hyper["lr"] * grad / avg)
