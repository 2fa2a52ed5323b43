"""``state_dict`` / ``load_state_dict``: resuming gives the uninterrupted run, on one backend or across both."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import optim
from dualnet.backend import registry
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, StateDictError
from tests.optim.problems import CONFIGS, Quadratic, make_optimizer


def _values(task: Any) -> list[np.ndarray]:
    return [dn.ops.to_numpy(p) for p in task.params]


def _resume(config: str, state: dict[str, np.ndarray], params: list[np.ndarray], steps: int, **kw: Any) -> Any:
    """A fresh problem and optimizer, loaded from ``params`` and ``state``, then stepped ``steps`` times."""
    task = Quadratic()
    for p, value in zip(task.params, params):
        B.assign(p, value)
    opt = make_optimizer(config, task.params, **kw)
    opt.load_state_dict(state)
    for _ in range(steps):
        opt.step(task.grads())
    return task


@pytest.mark.parametrize("config", list(CONFIGS))
def test_resuming_equals_the_uninterrupted_run(backend: str, config: str) -> None:
    straight = Quadratic()
    opt = make_optimizer(config, straight.params, schedule="onecycle")
    for _ in range(20):
        opt.step(straight.grads())
    first = Quadratic()
    opt = make_optimizer(config, first.params, schedule="onecycle")
    for _ in range(10):
        opt.step(first.grads())
    state = opt.state_dict()
    resumed = _resume(config, state, _values(first), 10, schedule="onecycle")
    for got, want in zip(_values(resumed), _values(straight)):
        np.testing.assert_array_equal(got, want)


def test_state_dict_is_flat_numpy_and_named(backend: str) -> None:
    task = Quadratic()
    opt = optim.Adam(task.params, lr=1e-2, amsgrad=True)
    for _ in range(3):
        opt.step(task.grads())
    state = opt.state_dict()
    assert all(isinstance(k, str) and isinstance(v, np.ndarray) for k, v in state.items())
    assert state["iterations"] == 3 and state["iterations"].dtype == np.int64
    assert state["param_groups.0.lr"] == 1e-2
    np.testing.assert_array_equal(state["param_groups.0.betas"], [0.9, 0.999])
    assert state["param_groups.0.amsgrad"].dtype == np.bool_
    np.testing.assert_array_equal(state["param_groups.0.params"], [0, 1])
    assert set(k for k in state if k.startswith("state.1.")) == {
        "state.1.exp_avg",
        "state.1.exp_avg_sq",
        "state.1.max_exp_avg_sq",
    }
    assert state["state.1.exp_avg"].shape == (3, 2) and state["state.1.exp_avg"].dtype == np.float32


def test_state_dict_saves_to_safetensors(backend: str, tmp_path: Any) -> None:
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    task = Quadratic()
    opt = make_optimizer("rmsprop_centered_momentum_weight_decay", task.params)
    for _ in range(5):
        opt.step(task.grads())
    path = str(tmp_path / "opt.safetensors")
    safetensors_numpy.save_file(opt.state_dict(), path)
    loaded = safetensors_numpy.load_file(path)
    resumed = _resume("rmsprop_centered_momentum_weight_decay", loaded, _values(task), 5)
    for _ in range(5):
        opt.step(task.grads())
    for got, want in zip(_values(resumed), _values(task)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
def test_state_saved_on_one_backend_resumes_on_the_other() -> None:
    results = {}
    for source, target in (("torch", "tensorflow"), ("tensorflow", "torch")):
        dn.set_backend(source)
        task = Quadratic()
        opt = make_optimizer("adamw_amsgrad", task.params, schedule="cosine")
        for _ in range(10):
            opt.step(task.grads())
        state, params = opt.state_dict(), _values(task)
        dn.set_backend(target)
        results[target] = _values(_resume("adamw_amsgrad", state, params, 10, schedule="cosine"))
    for a, b in zip(results["torch"], results["tensorflow"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_learning_rate_and_hyper_parameters_are_restored(backend: str) -> None:
    opt = optim.SGD(Quadratic().params, lr=0.1, momentum=0.9)
    opt.lr = 0.02  # e.g. set by ReduceLROnPlateau
    opt.param_groups[0]["momentum"] = 0.8
    fresh = optim.SGD(Quadratic().params, lr=0.1, momentum=0.9)
    fresh.load_state_dict(opt.state_dict())
    assert fresh.lr == 0.02 and fresh.param_groups[0]["momentum"] == 0.8
    assert isinstance(fresh.param_groups[0]["nesterov"], bool)


def test_a_schedule_is_not_saved_and_survives_loading(backend: str) -> None:
    schedule = optim.schedules.StepDecay(0.1, step_size=2, gamma=0.5)
    opt = optim.SGD(Quadratic().params, lr=schedule)
    opt.iterations = 4
    state = opt.state_dict()
    assert "param_groups.0.lr" not in state
    fresh = optim.SGD(Quadratic().params, lr=schedule)
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]["lr"] is schedule and fresh.lr == pytest.approx(0.025)


def test_loading_a_state_that_does_not_fit_raises(backend: str) -> None:
    params = Quadratic().params
    adam_state = optim.Adam(params).state_dict()
    with pytest.raises(StateDictError, match=r"SGD\.load_state_dict: missing entries .*unexpected entries"):
        optim.SGD(Quadratic().params, momentum=0.9).load_state_dict(adam_state)
    with pytest.raises(StateDictError, match="missing entries"):
        optim.Adam(Quadratic().params, amsgrad=True).load_state_dict(adam_state)
    wrong_shape = {**adam_state, "state.0.exp_avg": np.zeros(4, "float32")}
    with pytest.raises(StateDictError, match=r"state\.0\.exp_avg has shape \(4,\), expected \(5,\)"):
        optim.Adam(Quadratic().params).load_state_dict(wrong_shape)
    grouped = optim.Adam([{"params": params[:1]}, {"params": params[1:]}])
    with pytest.raises(StateDictError, match="missing entries"):
        grouped.load_state_dict(adam_state)
    with pytest.raises(StateDictError, match="expected 2 values"):
        optim.Adam(Quadratic().params).load_state_dict({**adam_state, "param_groups.0.betas": np.zeros(3)})
    with pytest.raises(ArgumentError, match="betas"):
        optim.Adam(Quadratic().params).load_state_dict({**adam_state, "param_groups.0.betas": np.array([2.0, 0.5])})
    with pytest.raises(StateDictError, match="expected a dict"):
        optim.Adam(Quadratic().params).load_state_dict([1, 2])  # type: ignore[arg-type]
