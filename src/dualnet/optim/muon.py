"""Muon (momentum orthogonalised by Newton-Schulz), PyTorch's algorithm (``torch.optim.Muon``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

from dualnet.arguments import check_bool, check_choice, check_float, check_float_tuple, check_int
from dualnet.backend import common
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from dualnet.optim.optimizer import Optimizer
from dualnet.optim.options import OptimizerOptions
from dualnet.optim.scalars import lerp

__all__ = ["Muon"]

_ADJUSTMENTS = ("original", "match_rms_adamw")


class Muon(Optimizer):
    """Muon (Jordan et al. 2024), as ``torch.optim.Muon``: for the 2-D weight matrices of hidden layers.

    ``B = lerp(B, g, 1 - momentum)``; the direction ``lerp(g, B, momentum)`` (Nesterov) or ``B`` is
    orthogonalised by ``ns_steps`` quintic Newton-Schulz iterations with ``ns_coefficients`` (``eps``
    guards the normalisation); then ``p *= 1 - lr * weight_decay`` and ``p -= lr' * O`` with
    ``lr' = lr * sqrt(max(1, rows / cols))`` (``adjust_lr_fn="original"`` or None) or
    ``lr * 0.2 * sqrt(max(rows, cols))`` (``"match_rms_adamw"``, Moonshot's scaling).
    ``ns_dtype`` is the precision of the iteration: ``"bfloat16"`` as torch, or ``"float32"`` /
    ``"float64"`` (slower on accelerators, but the same numbers on both backends to float32 precision;
    in bfloat16 a one-ulp difference upstream can flip a rounding, and the orthogonalised step, of unit
    size whatever the gradient's, carries it on). The torch backend's fast path runs torch's own ops, so
    it gives ``torch.optim.Muon``'s numbers exactly. Biases, norms and embeddings are not 2-D: optimise
    them with another optimizer (e.g. AdamW) in the same train step.
    State per parameter: ``momentum_buffer``.

    Raises:
        ArgumentError: a parameter that is not 2-D, a hyper-parameter outside its valid values, or a bad
            ``params`` list or group (names it).
        ShapeError: in :meth:`step`, gradients not aligned with the parameters (their count or shapes).
        DTypeError: in :meth:`step`, a gradient of another dtype than its parameter (first eager step).
        StateDictError: in :meth:`load_state_dict`, a state for other parameters or options.
    """

    fused = "muon"

    def __init__(
        self,
        params: Iterable[Any],
        lr: Any = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315),
        eps: float = 1e-7,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
        *,
        ns_dtype: str = "bfloat16",
        **options: Unpack[OptimizerOptions],
    ) -> None:
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum, "nesterov": nesterov}
        defaults |= {"ns_coefficients": ns_coefficients, "eps": eps, "ns_steps": ns_steps}
        defaults |= {"adjust_lr_fn": adjust_lr_fn, "ns_dtype": ns_dtype}
        super().__init__(params, defaults, **options)
        for index, param in enumerate(self._params):
            if len(B.shape(param)) != 2:
                raise ArgumentError(
                    f"Muon: parameter {index} has shape {tuple(B.shape(param))}, but Muon updates only 2-D "
                    "parameters (weight matrices); pass the kernels alone (e.g. [p for p in model.parameters() "
                    "if len(p.shape) == 2]) and optimise the others with another optimizer such as dn.optim.AdamW"
                )

    def check_group(self, owner: str, group: dict[str, Any]) -> None:
        group["weight_decay"] = check_float(
            owner, "weight_decay", group["weight_decay"], low=0.0, example="weight_decay=0.1"
        )
        group["momentum"] = check_float(
            owner, "momentum", group["momentum"], low=0.0, high=1.0, high_open=True, example="momentum=0.95"
        )
        group["nesterov"] = check_bool(owner, "nesterov", group["nesterov"])
        group["ns_coefficients"] = check_float_tuple(
            owner, "ns_coefficients", group["ns_coefficients"], 3, example="ns_coefficients=(3.4445, -4.775, 2.0315)"
        )
        group["eps"] = check_float(owner, "eps", group["eps"], low=0.0, low_open=True, example="eps=1e-7")
        group["ns_steps"] = check_int(owner, "ns_steps", group["ns_steps"], low=1, high=99, example="ns_steps=5")
        if group["adjust_lr_fn"] is not None:
            fix = "pass None, 'original' or 'match_rms_adamw'"
            group["adjust_lr_fn"] = check_choice(owner, "adjust_lr_fn", group["adjust_lr_fn"], _ADJUSTMENTS, fix=fix)
        group["ns_dtype"] = check_choice(owner, "ns_dtype", group["ns_dtype"], ("bfloat16", "float32", "float64"))

    def init_state(self, param: Any, group: dict[str, Any]) -> dict[str, Any]:
        return {"momentum_buffer": self.zeros_like(param)}

    def step_scalars(self, group: dict[str, Any], step: Any, lr: Any) -> dict[str, Any]:
        return {
            "lr": lr,
            "weight_decay": group["weight_decay"],
            "momentum": group["momentum"],
            "nesterov": group["nesterov"],
            "ns_coefficients": group["ns_coefficients"],
            "eps": group["eps"],
            "ns_steps": group["ns_steps"],
            "adjust_lr_fn": group["adjust_lr_fn"],
            "ns_dtype": group["ns_dtype"],
        }

    def update(self, param: Any, grad: Any, state: dict[str, Any], hyper: Mapping[str, Any]) -> None:
        momentum, lr = hyper["momentum"], hyper["lr"]
        buf = state["momentum_buffer"]
        B.assign(buf, lerp(buf, grad, 1.0 - momentum))
        direction = lerp(grad, buf, momentum) if hyper["nesterov"] else buf
        ortho = B.optim_newton_schulz(
            direction, hyper["ns_coefficients"], hyper["ns_steps"], hyper["eps"], hyper["ns_dtype"]
        )
        ratio = common.muon_lr_ratio(hyper["adjust_lr_fn"], tuple(B.shape(param)))
        B.assign(param, param * (1.0 - lr * hyper["weight_decay"]))
        B.assign(param, param - lr * ratio * B.cast(ortho, B.dtype(param)))
