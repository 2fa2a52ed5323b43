"""The optimizer base: parameter groups, learning rate and step count, state buffers, dtypes and the errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import optim
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, DTypeError, ShapeError


def _param(shape: tuple[int, ...] = (3,), dtype: str = "float32", value: float = 1.0) -> Any:
    return B.variable(np.full(shape, value, dtype), True, "p")


def _ones(shape: tuple[int, ...] = (3,), dtype: str = "float32") -> Any:
    return B.convert_to_tensor(np.ones(shape, dtype))


def test_parameter_groups_have_their_own_hyper_parameters(backend: str) -> None:
    a, b = _param(value=0.0), _param(value=0.0)
    opt = optim.SGD([{"params": [a], "lr": 0.5}, {"params": b, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1]
    assert [g["momentum"] for g in opt.param_groups] == [0.0, 0.9]
    assert opt.state[0] == {} and set(opt.state[1]) == {"momentum_buffer"}
    for _ in range(2):
        opt.step([_ones(), _ones()])
    np.testing.assert_allclose(dn.ops.to_numpy(a), [-1.0] * 3)
    np.testing.assert_allclose(dn.ops.to_numpy(b), [-0.1 - 0.19] * 3, rtol=1e-6)
    assert "SGD(lr=0.5" in repr(opt) and "2 param groups" in repr(opt)


def test_learning_rate_and_step_count(backend: str) -> None:
    p = _param(value=0.0)
    opt = optim.SGD([p], lr=0.1)
    assert opt.lr == 0.1 and opt.iterations == 0
    opt.step([_ones()])
    opt.lr = 0.01
    opt.step([_ones()])
    assert opt.iterations == 2 and opt.param_groups[0]["lr"] == 0.01
    np.testing.assert_allclose(dn.ops.to_numpy(p), [-0.11] * 3, rtol=1e-6)
    opt.param_groups[0]["lr"] = 1.0  # torch style: edit the group directly
    opt.step([_ones()])
    np.testing.assert_allclose(dn.ops.to_numpy(p), [-1.11] * 3, rtol=1e-6)
    opt.iterations = 7
    assert opt.iterations == 7
    with pytest.raises(ArgumentError, match=r"SGD\(lr=-0.5\): lr must be a number >= 0 or a schedule"):
        opt.lr = -0.5


def test_state_lives_in_backend_buffers_shaped_like_the_parameters(backend: str) -> None:
    params = [_param((2, 3)), _param((4,), "float64")]
    opt = optim.Adam(params, amsgrad=True)
    for param, state in zip(params, opt.state):
        assert set(state) == {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
        for buf in state.values():
            assert B.is_tensor(buf) and B.shape(buf) == B.shape(param) and B.dtype(buf) == B.dtype(param)
            assert B.device_of(buf) == B.device_of(param)
    acc = optim.Adagrad([_param()], initial_accumulator_value=0.25).state[0]["sum"]
    np.testing.assert_array_equal(dn.ops.to_numpy(acc), [0.25] * 3)


def _numpy_adam(p: np.ndarray, g: np.ndarray, steps: int, lr: float, wd: float) -> np.ndarray:
    """torch.optim.Adam's documented algorithm in float64 NumPy."""
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t in range(1, steps + 1):
        grad = g + wd * p
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        p = p - lr / (1 - 0.9**t) * m / (np.sqrt(v) / np.sqrt(1 - 0.999**t) + 1e-8)
    return p


@pytest.mark.parametrize("foreach", [None, False])
def test_float64_parameters_follow_the_documented_algorithm(backend: str, foreach: bool | None) -> None:
    start = np.array([0.5, -1.0, 2.0])
    grad = np.array([0.3, -0.2, 0.1])
    p = B.variable(start, True, "p")
    opt = optim.Adam([p], lr=0.1, weight_decay=0.01, foreach=foreach)
    for _ in range(5):
        opt.step([B.convert_to_tensor(grad)])
    assert dn.ops.dtype(p) == "float64"
    np.testing.assert_allclose(dn.ops.to_numpy(p), _numpy_adam(start, grad, 5, 0.1, 0.01), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad", "Lion"])
def test_mixed_dtypes_in_one_group(backend: str, name: str) -> None:
    def final(foreach: bool | None) -> list[np.ndarray]:
        params = [_param((2, 2), "float32", 0.5), _param((3,), "float64", -0.5)]
        opt = getattr(optim, name)(params, lr=0.01, foreach=foreach)
        for _ in range(3):
            opt.step([_ones((2, 2), "float32"), _ones((3,), "float64") * 0.5])
        return [dn.ops.to_numpy(p) for p in params]

    fast, reference = final(None), final(False)
    assert [a.dtype for a in fast] == [np.float32, np.float64]
    for a, b in zip(fast, reference):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_numpy_gradients_are_accepted(backend: str) -> None:
    p = _param(value=0.0)
    optim.SGD([p], lr=1.0).step([np.full(3, 2.0)])  # float64 NumPy: taken in the parameter's dtype
    np.testing.assert_allclose(dn.ops.to_numpy(p), [-2.0] * 3)


def test_step_checks_the_gradients(backend: str) -> None:
    opt = optim.Adam([_param((2, 3)), _param((4,))])
    with pytest.raises(ShapeError, match=r"Adam\.step: got 1 gradients for 2 parameters"):
        opt.step([_ones((2, 3))])
    with pytest.raises(ShapeError, match=r"gradient 1 has shape \(3,\) but its parameter has shape \(4,\)"):
        opt.step([_ones((2, 3)), _ones((3,))])
    with pytest.raises(DTypeError, match=r"gradient 0 is float64 but its parameter is float32; cast the gradient"):
        opt.step([_ones((2, 3), "float64"), _ones((4,))])
    assert opt.iterations == 0


BAD_ARGUMENTS: list[tuple[Callable[[list[Any]], Any], str]] = [
    (lambda p: optim.SGD(p, lr=-1.0), r"SGD\(lr=-1.0\): lr must be a number >= 0 or a schedule"),
    (lambda p: optim.Adam(p, lr=float("nan")), r"Adam\(lr=nan\)"),
    (lambda p: optim.Lion(p, lr="fast"), r"Lion\(lr='fast'\)"),
    (
        lambda p: optim.Adam(p, betas=(1.0, 0.999)),
        r"Adam\(betas=\(1.0, 0.999\)\): betas must be 2 numbers in \[0, 1\)",
    ),
    (lambda p: optim.AdamW(p, betas=(0.9, -0.1)), r"AdamW\(betas=\(0.9, -0.1\)\)"),
    (lambda p: optim.Adam(p, betas=0.9), r"Adam\(betas=0.9\)"),
    (lambda p: optim.Lion(p, betas=(0.9, 1.5)), r"Lion\(betas=\(0.9, 1.5\)\).*betas=\(0.9, 0.99\)"),
    (lambda p: optim.Adam(p, eps=-1e-8), r"Adam\(eps=-1e-08\): eps must be a number > 0"),
    (lambda p: optim.RMSprop(p, eps=float("nan")), r"RMSprop\(eps=nan\)"),
    (lambda p: optim.Adagrad(p, eps=-1.0), r"Adagrad\(eps=-1.0\)"),
    (lambda p: optim.SGD(p, momentum=-0.1), r"SGD\(momentum=-0.1\): momentum must be a number >= 0"),
    (lambda p: optim.SGD(p, dampening=1.5), r"SGD\(dampening=1.5\): dampening must be a number in \[0, 1\]"),
    (lambda p: optim.SGD(p, nesterov=True), r"SGD\(nesterov=True\): nesterov must be False unless momentum > 0 and"),
    (lambda p: optim.AdamW(p, weight_decay=-0.1), r"AdamW\(weight_decay=-0.1\)"),
    (lambda p: optim.RMSprop(p, alpha=1.0), r"RMSprop\(alpha=1.0\): alpha must be a number in \[0, 1\)"),
    (lambda p: optim.RMSprop(p, momentum=-1), r"RMSprop\(momentum=-1\)"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), r"Adagrad\(lr_decay=-1\)"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), r"Adagrad\(initial_accumulator_value=-1\)"),
    (lambda p: optim.Lion(p, weight_decay=float("nan")), r"Lion\(weight_decay=nan\)"),
    (lambda p: optim.Adam(p, foreach="yes"), r"Adam\(foreach='yes'\): foreach must be None, True or False"),
    (
        lambda p: optim.Adam([{"params": p[:1]}, {"params": p[1:], "betas": (2, 0)}]),
        r"Adam param group 1 \(betas=\(2, 0\)\): betas must be",
    ),
    (lambda p: optim.Adam([{"params": p, "momentum": 0.9}]), r"Adam: unknown hyper-parameter\(s\) \['momentum'\]"),
    (lambda p: optim.Adam([{"lr": 0.1}]), r"Adam: a parameter group needs a 'params' entry"),
    (lambda p: optim.Adam([{"params": []}]), r"Adam: a parameter group has no parameters"),
    (lambda p: optim.Adam([]), r"Adam: got no parameters to optimize"),
    (lambda p: optim.Adam([p[0], {"params": p[1:]}]), r"Adam: pass either variables or parameter-group dicts"),
    (lambda p: optim.Adam([np.zeros(3)]), r"Adam: expected variables \(model\.parameters\(\)\), got ndarray"),
    (lambda p: optim.Adam([p[0], p[0]]), r"Adam: a parameter appears more than once"),
]


@pytest.mark.parametrize(("make", "match"), BAD_ARGUMENTS)
def test_bad_arguments_raise_naming_the_optimizer_and_argument(backend: str, make: Any, match: str) -> None:
    with pytest.raises(ArgumentError, match=match):
        make([_param(), _param()])
