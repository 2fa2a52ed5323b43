"""``state_dict`` / ``load_state_dict`` of the optimizers added after the first six, and of ``use_ema``.

Resuming mid-run gives the uninterrupted run: bitwise on one backend, within 1e-5 when the state was
saved on the other backend.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry
from dualnet.backend.dispatch import B
from tests.optim.problems import Quadratic
from tests.optim.runs import make, sign

# one configuration per optimizer (the one with the most state), plus weight averaging on top of one
RESUMED: dict[str, dict[str, Any]] = {
    "nadamw_maximize": {},
    "radam": {},
    "adamax": {},
    "adadelta": {},
    "adafactor_options": {},
    "asgd_options": {},
    "rprop_options": {},
    "lamb_weight_decay": {},
    "ftrl_regularized": {},
    "adam_decoupled_maximize": {"use_ema": True, "ema_momentum": 0.9, "ema_overwrite_frequency": 4},
}


def _steps(config: str, task: Quadratic, opt: dn.optim.Optimizer, count: int) -> None:
    for _ in range(count):
        opt.step([sign(config) * g for g in task.grads()])


def _half_run(config: str) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    task = Quadratic()
    opt = make(config, task.params, **RESUMED[config])
    _steps(config, task, opt, 5)
    return opt.state_dict(), [dn.ops.to_numpy(p) for p in task.params]


def _resumed(config: str, state: dict[str, np.ndarray], values: list[np.ndarray]) -> list[np.ndarray]:
    task = Quadratic()
    for param, value in zip(task.params, values):
        B.assign(param, value)
    opt = make(config, task.params, **RESUMED[config])
    opt.load_state_dict(state)
    _steps(config, task, opt, 5)
    return [dn.ops.to_numpy(p) for p in task.params]


def _straight(config: str) -> list[np.ndarray]:
    task = Quadratic()
    _steps(config, task, make(config, task.params, **RESUMED[config]), 10)
    return [dn.ops.to_numpy(p) for p in task.params]


@pytest.mark.parametrize("config", list(RESUMED))
def test_resuming_equals_the_uninterrupted_run(backend: str, config: str) -> None:
    state, values = _half_run(config)
    assert all(isinstance(v, np.ndarray) for v in state.values()) and int(state["iterations"]) == 5
    for got, want in zip(_resumed(config, state, values), _straight(config)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
@pytest.mark.parametrize("config", ["nadamw_maximize", "asgd_options", "adafactor_options", "adam_decoupled_maximize"])
def test_state_saved_on_one_backend_resumes_on_the_other(config: str) -> None:
    dn.set_backend("torch")
    want = _straight(config)
    state, values = _half_run(config)
    dn.set_backend("tensorflow")
    got = _resumed(config, state, values)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_scalar_and_factored_state_is_named_like_torchs(backend: str) -> None:
    task = Quadratic()  # parameters of shapes (5,) and (3, 2)
    names = {cls: set(make(cfg, task.params).state_dict()) for cls, cfg in [("NAdam", "nadam"), ("ASGD", "asgd")]}
    assert {"state.0.mu_product", "state.0.exp_avg", "state.0.exp_avg_sq"} <= names["NAdam"]
    assert {"state.1.eta", "state.1.mu", "state.1.ax"} <= names["ASGD"]
    factored = make("adafactor", task.params).state_dict()
    assert factored["state.0.variance"].shape == (5,)
    assert factored["state.1.row_var"].shape == (3, 1) and factored["state.1.col_var"].shape == (1, 2)
    eps = factored["param_groups.0.eps"]
    assert np.isnan(eps[0]) and eps[1] == 1e-3  # eps=(None, 1e-3): None is stored as NaN, and read back as None
    fresh = make("adafactor", Quadratic().params)
    fresh.load_state_dict(factored)
    assert fresh.param_groups[0]["eps"] == (None, 1e-3)


def test_a_state_saved_without_a_newer_option_still_loads(backend: str) -> None:
    task = Quadratic()
    state = dn.optim.Adam(task.params, lr=0.1).state_dict()
    del state["param_groups.0.maximize"], state["param_groups.0.decoupled_weight_decay"]
    opt = dn.optim.Adam(Quadratic().params, lr=0.1, maximize=True)
    opt.load_state_dict(state)
    assert opt.param_groups[0]["maximize"] is True and opt.param_groups[0]["decoupled_weight_decay"] is False
    with pytest.raises(dn.StateDictError, match=r"missing entries \['state\.0\.ema'"):
        dn.optim.Adam(Quadratic().params, use_ema=True).load_state_dict(state)
