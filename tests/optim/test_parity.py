"""Every optimizer gives the same parameters on torch and TensorFlow after 200 steps (1e-5 relative)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import optim
from dualnet.backend import registry
from tests.optim.problems import CONFIGS, PROBLEMS, Network, assert_close, run

pytestmark = pytest.mark.skipif(
    not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both backends"
)


def _on_both(*args: Any, **kwargs: Any) -> dict[str, list[np.ndarray]]:
    results = {}
    for backend in ("torch", "tensorflow"):
        dn.set_backend(backend)
        results[backend] = run(*args, **kwargs)
    return results


@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("config", list(CONFIGS))
def test_same_parameters_on_both_backends(config: str, problem: str) -> None:
    results = _on_both(config, problem)
    assert_close(results["tensorflow"], results["torch"], 1e-5, f"{config} on {problem}")


@pytest.mark.parametrize(
    ("config", "schedule"), [("sgd_momentum_dampening", "step"), ("adamw", "onecycle"), ("lion", "cosine")]
)
def test_same_parameters_with_a_schedule(config: str, schedule: str) -> None:
    results = _on_both(config, "mlp", schedule=schedule)
    assert_close(results["tensorflow"], results["torch"], 1e-5, f"{config} with {schedule}")


@pytest.mark.parametrize(
    ("config", "clip"),
    [("adam", "global_clipnorm"), ("rmsprop", "clipnorm"), ("sgd_nesterov_weight_decay", "clipvalue")],
)
def test_same_parameters_with_clipping(config: str, clip: str) -> None:
    results = _on_both(config, "mlp", clip=clip)
    assert_close(results["tensorflow"], results["torch"], 1e-5, f"{config} with {clip}")


def _grouped_run(backend: str) -> list[np.ndarray]:
    dn.set_backend(backend)
    task = Network()
    hidden, out = task.params[:2], task.params[2:]
    opt = optim.Adam(
        [{"params": hidden, "lr": 3e-3, "weight_decay": 1e-2}, {"params": out, "betas": (0.5, 0.9), "amsgrad": True}],
        lr=optim.schedules.ExponentialDecay(5e-3, decay_steps=20, decay_rate=0.8),
    )
    for _ in range(100):
        opt.step(task.grads())
    return [dn.ops.to_numpy(p) for p in task.params]


def test_parameter_groups_match_across_backends() -> None:
    assert_close(_grouped_run("tensorflow"), _grouped_run("torch"), 1e-5, "two parameter groups")
