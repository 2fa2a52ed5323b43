"""On the torch backend, every optimizer gives the parameters ``torch.optim`` gives, after 200 steps.

The reference is torch's own implementation on the same parameters and gradients (for Lion, which torch
lacks, a direct transcription of the paper's algorithm), with torch's schedulers and clipping utilities.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.optim.problems import CLIPS, CONFIGS, PROBLEMS, SCHEDULES, assert_close, run

torch = pytest.importorskip("torch")


class PaperLion(torch.optim.Optimizer):  # type: ignore[misc]
    """Lion as published (Chen et al. 2023, Algorithm 2), for comparison."""

    def __init__(self, params: Any, lr: float, betas: tuple[float, float] = (0.9, 0.99), weight_decay: float = 0.0):
        super().__init__(params, {"lr": lr, "betas": betas, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self) -> None:  # type: ignore[override]
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state["exp_avg"] = torch.zeros_like(p)
                m = state["exp_avg"]
                update = torch.sign(beta1 * m + (1 - beta1) * p.grad)
                # theta - lr * (update + wd * theta), with the decay factored as every implementation does
                p.copy_(p * (1 - group["lr"] * group["weight_decay"]) - group["lr"] * update)
                m.copy_(beta2 * m + (1 - beta2) * p.grad)


TORCH_SCHEDULERS = {
    "step": lambda opt, lr: torch.optim.lr_scheduler.StepLR(opt, step_size=50, gamma=0.5),
    "onecycle": lambda opt, lr: torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, total_steps=200, cycle_momentum=False
    ),
    "cosine": lambda opt, lr: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=200, eta_min=0.1 * lr),
}


def _clip(kind: str | None, params: list[Any]) -> None:
    if kind == "global_clipnorm":
        torch.nn.utils.clip_grad_norm_(params, CLIPS[kind][kind])
    elif kind == "clipnorm":
        for p in params:
            torch.nn.utils.clip_grad_norm_([p], CLIPS[kind][kind])
    elif kind == "clipvalue":
        torch.nn.utils.clip_grad_value_(params, CLIPS[kind][kind])


def run_torch_optim(
    config: str, problem: str, steps: int = 200, schedule: str | None = None, clip: str | None = None
) -> list[np.ndarray]:
    """``run(...)`` with ``torch.optim`` doing the updates (same parameters, same gradients)."""
    dn.set_backend("torch")
    task = PROBLEMS[problem]()
    name, kwargs = CONFIGS[config]
    opt = PaperLion(task.params, **kwargs) if name == "Lion" else getattr(torch.optim, name)(task.params, **kwargs)
    scheduler = TORCH_SCHEDULERS[schedule](opt, kwargs["lr"]) if schedule else None
    for _ in range(steps):
        for p, g in zip(task.params, task.grads()):
            p.grad = g
        _clip(clip, task.params)
        opt.step()
        if scheduler is not None:
            scheduler.step()
    return [p.detach().numpy().copy() for p in task.params]


def _dualnet_on_torch(*args: Any, **kwargs: Any) -> list[np.ndarray]:
    dn.set_backend("torch")
    return run(*args, **kwargs)


@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("config", list(CONFIGS))
def test_matches_torch_optim(config: str, problem: str) -> None:
    want = run_torch_optim(config, problem)
    assert not np.allclose(want[0], PROBLEMS[problem]().params[0].detach().numpy()), "the problem did not train"
    assert_close(_dualnet_on_torch(config, problem), want, 1e-5, f"{config} on {problem} (fast path)")
    assert_close(_dualnet_on_torch(config, problem, foreach=False), want, 1e-5, f"{config} (reference path)")


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_defaults_match_torch_optim(name: str) -> None:
    ours = inspect.signature(getattr(dn.optim, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    for arg in ours:
        if arg in theirs and arg not in ("params", "foreach"):
            assert ours[arg].default == theirs[arg].default, f"{name}({arg}=...)"
    assert {"lr", "weight_decay"} <= set(ours)


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("config", ["sgd_momentum_dampening", "adamw", "lion"])
def test_matches_torch_optim_with_a_scheduler(config: str, schedule: str) -> None:
    want = run_torch_optim(config, "mlp", schedule=schedule)
    assert_close(_dualnet_on_torch(config, "mlp", schedule=schedule), want, 1e-5, f"{config} with {schedule}")


@pytest.mark.parametrize("clip", list(CLIPS))
@pytest.mark.parametrize("config", ["sgd_nesterov_weight_decay", "adam", "rmsprop"])
def test_matches_torch_optim_with_clipping(config: str, clip: str) -> None:
    want = run_torch_optim(config, "mlp", clip=clip)
    assert_close(_dualnet_on_torch(config, "mlp", clip=clip), want, 1e-5, f"{config} with {clip}")
