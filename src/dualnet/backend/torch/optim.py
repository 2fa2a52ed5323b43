"""Optimizer fast paths on torch: every parameter of a group updated at once with ``torch._foreach_*`` ops.

``optim_fused(name, params, states)`` returns ``apply(grads, hyper)``, the
same math as the reference ``update`` of ``dualnet.optim`` (in the order of
torch's ``_multi_tensor`` algorithms), on lists grouped by device and dtype.
``hyper`` holds Python floats (``None`` turns a term off) and bools.
Gradients are never modified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from dualnet import dtypes
from dualnet.backend import common
from dualnet.backend.api.types import Tensor, Variable


def optim_fused(
    name: str, params: list[Variable], states: list[dict[str, Variable]]
) -> Callable[[list[Tensor], dict[str, Any]], None]:
    """``apply(grads, hyper)``: the update rule ``name`` for all of ``params`` (and their ``states``) at once."""
    rule = _RULES[name]
    groups: dict[tuple[Any, Any], list[int]] = {}
    for i, p in enumerate(params):
        groups.setdefault((p.device, p.dtype), []).append(i)
    if len(groups) == 1:  # the usual case: one device, one dtype
        return lambda grads, hyper: rule(params, list(grads), states, hyper)
    # foreach kernels take one device and dtype per call
    split = [([params[i] for i in idx], [states[i] for i in idx], idx) for idx in groups.values()]

    def apply(grads: list[Tensor], hyper: dict[str, Any]) -> None:
        for ps, ss, idx in split:
            rule(ps, [grads[i] for i in idx], ss, hyper)

    return apply


def optim_clip_by_global_norm(grads: list[Tensor], max_norm: float) -> tuple[list[Tensor], torch.Tensor]:
    """``(grads * min(max_norm / (norm + 1e-6), 1), norm)`` with ``norm`` the joint 2-norm, as the reference."""
    norms = torch._foreach_norm(grads)
    common = dtypes.result_type(*[str(g.dtype).removeprefix("torch.") for g in grads])
    total = torch.linalg.vector_norm(torch.stack([n.to(getattr(torch, common)) for n in norms]))
    factor = torch.clamp(max_norm / (total + 1e-6), max=1.0)
    if all(g.dtype == factor.dtype and g.device == factor.device for g in grads):
        return list(torch._foreach_mul(grads, factor)), total
    return [g * factor.to(g.device, g.dtype) for g in grads], total


def optim_newton_schulz(
    x: Tensor, coefficients: tuple[float, float, float], steps: int, eps: float, dtype: str
) -> torch.Tensor:
    """torch.optim.Muon's ``_zeropower_via_newtonschulz``, in ``dtype`` (torch's own is bfloat16)."""
    a, b, c = coefficients
    ortho = x.to(getattr(torch, dtype))
    tall = x.size(0) > x.size(1)
    if tall:
        ortho = ortho.T
    ortho = ortho / ortho.norm().clamp(min=eps)
    for _ in range(steps):
        gram = ortho @ ortho.T
        update = torch.addmm(gram, gram, gram, beta=b, alpha=c)
        ortho = torch.addmm(ortho, update, ortho, beta=a)
    return ortho.T if tall else ortho


def _with_weight_decay(params: list[Variable], grads: list[Tensor], weight_decay: float | None) -> list[Tensor]:
    return list(grads) if weight_decay is None else list(torch._foreach_add(grads, params, alpha=weight_decay))


def _sgd(ps: list[Variable], gs: list[Tensor], ss: list[dict[str, Variable]], hyper: dict[str, Any]) -> None:
    gs = _with_weight_decay(ps, gs, hyper["weight_decay"])
    momentum = hyper["momentum"]
    if momentum is not None:
        bufs = [s["momentum_buffer"] for s in ss]
        torch._foreach_mul_(bufs, momentum)
        torch._foreach_add_(bufs, gs, alpha=hyper["dampening"])
        gs = list(torch._foreach_add(gs, bufs, alpha=momentum)) if hyper["nesterov"] else bufs
    torch._foreach_add_(ps, gs, alpha=-hyper["lr"])


def _adam(ps: list[Variable], gs: list[Tensor], ss: list[dict[str, Variable]], hyper: dict[str, Any]) -> None:
    gs = _with_weight_decay(ps, gs, hyper["weight_decay"])
    if hyper["decay"] is not None:
        torch._foreach_mul_(ps, hyper["decay"])
    exp_avgs = [s["exp_avg"] for s in ss]
    exp_avg_sqs = [s["exp_avg_sq"] for s in ss]
    torch._foreach_lerp_(exp_avgs, gs, 1.0 - hyper["beta1"])
    torch._foreach_mul_(exp_avg_sqs, hyper["beta2"])
    torch._foreach_addcmul_(exp_avg_sqs, gs, gs, 1.0 - hyper["beta2"])
    second = exp_avg_sqs
    if hyper["amsgrad"]:
        second = [s["max_exp_avg_sq"] for s in ss]
        torch._foreach_maximum_(second, exp_avg_sqs)
    denom = torch._foreach_sqrt(second)
    torch._foreach_div_(denom, hyper["bias_correction2_sqrt"])
    torch._foreach_add_(denom, hyper["eps"])
    torch._foreach_addcdiv_(ps, exp_avgs, denom, -hyper["step_size"])


def _rmsprop(ps: list[Variable], gs: list[Tensor], ss: list[dict[str, Variable]], hyper: dict[str, Any]) -> None:
    alpha = hyper["alpha"]
    gs = _with_weight_decay(ps, gs, hyper["weight_decay"])
    square_avgs = [s["square_avg"] for s in ss]
    torch._foreach_mul_(square_avgs, alpha)
    torch._foreach_addcmul_(square_avgs, gs, gs, 1.0 - alpha)
    if hyper["centered"]:
        grad_avgs = [s["grad_avg"] for s in ss]
        torch._foreach_lerp_(grad_avgs, gs, 1.0 - alpha)
        avg = torch._foreach_addcmul(square_avgs, grad_avgs, grad_avgs, -1)
        torch._foreach_sqrt_(avg)
    else:
        avg = torch._foreach_sqrt(square_avgs)
    torch._foreach_add_(avg, hyper["eps"])
    if hyper["momentum"] is not None:
        bufs = [s["momentum_buffer"] for s in ss]
        torch._foreach_mul_(bufs, hyper["momentum"])
        torch._foreach_addcdiv_(bufs, gs, avg)
        torch._foreach_add_(ps, bufs, alpha=-hyper["lr"])
    else:
        torch._foreach_addcdiv_(ps, gs, avg, -hyper["lr"])


def _adagrad(ps: list[Variable], gs: list[Tensor], ss: list[dict[str, Variable]], hyper: dict[str, Any]) -> None:
    gs = _with_weight_decay(ps, gs, hyper["weight_decay"])
    sums = [s["sum"] for s in ss]
    torch._foreach_addcmul_(sums, gs, gs, 1)
    std = torch._foreach_sqrt(sums)
    torch._foreach_add_(std, hyper["eps"])
    torch._foreach_addcdiv_(ps, gs, std, -hyper["clr"])


def _lion(ps: list[Variable], gs: list[Tensor], ss: list[dict[str, Variable]], hyper: dict[str, Any]) -> None:
    beta1, beta2 = hyper["beta1"], hyper["beta2"]
    if hyper["decay"] is not None:
        torch._foreach_mul_(ps, hyper["decay"])
    exp_avgs = [s["exp_avg"] for s in ss]
    direction = torch._foreach_mul(exp_avgs, beta1)
    torch._foreach_add_(direction, gs, alpha=1.0 - beta1)
    torch._foreach_sign_(direction)
    torch._foreach_add_(ps, direction, alpha=-hyper["lr"])
    torch._foreach_mul_(exp_avgs, beta2)
    torch._foreach_add_(exp_avgs, gs, alpha=1.0 - beta2)


def _muon(ps: list[Variable], gs: list[Tensor], ss: list[dict[str, Variable]], hyper: dict[str, Any]) -> None:
    """torch.optim.Muon's own ops, one matrix at a time (its bfloat16 rounding makes fused kernels differ)."""
    momentum, lr = hyper["momentum"], hyper["lr"]
    for p, g, s in zip(ps, gs, ss):
        buf = s["momentum_buffer"]
        buf.lerp_(g, 1 - momentum)
        update = g.lerp(buf, momentum) if hyper["nesterov"] else buf
        ortho = optim_newton_schulz(
            update, hyper["ns_coefficients"], hyper["ns_steps"], hyper["eps"], hyper["ns_dtype"]
        )
        p.mul_(1 - lr * hyper["weight_decay"])
        p.add_(ortho, alpha=-lr * common.muon_lr_ratio(hyper["adjust_lr_fn"], tuple(p.shape)))


_RULES = {"sgd": _sgd, "adam": _adam, "rmsprop": _rmsprop, "adagrad": _adagrad, "lion": _lion, "muon": _muon}
