"""Objects made on one backend and used after ``dn.set_backend`` switched to the other: a StateError with the fix.

Each case builds its objects on the backend under test, switches to the other
one, runs one operation and switches back; the operation must raise a
StateError that names the object (the layer path for a module), both backends
and the fix (switch back, or rebuild and move the weights with ``state_dict``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, X, cases, check, mlp

FIX = ("set_backend(", "state_dict()", "load_state_dict(state)")
LABELS = np.array([0, 1, 1, 0])
SCORES = np.random.default_rng(4).standard_normal((4, 2)).astype("float32")


def _other() -> str:
    return "tensorflow" if dn.backend() == "torch" else "torch"


def _elsewhere(make: Callable[[], Any], use: Callable[[Any], Any]) -> Callable[[], Any]:
    """A call that makes ``make()`` on the active backend, then runs ``use`` on it under the other one."""

    def call() -> Any:
        made, here = make(), dn.backend()
        dn.set_backend(_other())
        try:
            return use(made)
        finally:
            dn.set_backend(here)

    return call


def _model_and_optimizer() -> tuple[dn.nn.Module, dn.optim.Optimizer]:
    model = mlp()
    return model, dn.optim.Adam(model.parameters(), lr=1e-3)


def _optimizer_and_grads() -> tuple[dn.optim.Optimizer, list[np.ndarray]]:
    model, opt = _model_and_optimizer()
    return opt, [np.ones_like(v) for v in model.state_dict().values()]


def _metric() -> dn.metrics.Metric:
    metric = dn.metrics.Accuracy()
    metric.update(SCORES, LABELS)
    return metric


def _grads(model_opt: tuple[dn.nn.Module, dn.optim.Optimizer]) -> None:
    model, opt = model_opt
    opt.step([np.ones_like(v) for v in model.state_dict().values()])


def _module_case(id: str, use: Callable[[dn.nn.Module], Any], action: str, make: Callable[[], Any] = mlp) -> Case:
    return Case(id, _elsewhere(make, use), dn.StateError, (action, "layer '0' (Dense)", "variables", *FIX))


TABLE = cases(
    _module_case("forward", lambda m: m(X), "Dense.__call__()"),
    _module_case("state_dict", lambda m: m.state_dict(), "Sequential.state_dict()"),
    _module_case("load_state_dict", lambda m: m.load_state_dict({}), "Sequential.load_state_dict()"),
    _module_case("parameters to numpy", lambda m: dn.ops.to_numpy(m.parameters()[0]), "Sequential.parameters()"),
    _module_case("save_weights", lambda m: m.save_weights("never-written.safetensors"), "save_weights()"),
    _module_case("load_weights", lambda m: m.load_weights("never-read.safetensors"), "load_weights()"),
    _module_case("summary", lambda m: m.summary(print_fn=lambda line: None), "Sequential.summary()"),
    _module_case("dn.save", lambda m: dn.save(m, "never-written.safetensors"), "Sequential.state_dict()"),
    _module_case(
        "value_and_grad", lambda m: dn.value_and_grad(lambda mm: dn.ops.sum(mm(X)))(m), "Sequential.parameters()"
    ),
    _module_case("to", lambda m: m.to("cpu"), "Sequential.to()"),
    _module_case("trainable", lambda m: setattr(m, "trainable", False), "Sequential.trainable"),
    _module_case("native", lambda m: m.native(), "Sequential.native()"),
    _module_case("Trainer made after the switch", lambda m: dn.Trainer(m, loss="mse"), "Sequential."),
    _module_case(
        "weights declared but never drawn",
        lambda m: m(X),
        "Sequential.__call__()",
        make=lambda: dn.nn.Sequential([dn.nn.Dense(2, in_features=3)]),
    ),
    Case(
        "optimizer step",
        _elsewhere(_optimizer_and_grads, lambda og: og[0].step(og[1])),
        dn.StateError,
        ("Adam.step()", "made on", *FIX),
    ),
    Case(
        "optimizer state_dict",
        _elsewhere(_model_and_optimizer, lambda mo: mo[1].state_dict()),
        dn.StateError,
        ("Adam.state_dict()", *FIX),
    ),
    Case(
        "optimizer load_state_dict",
        _elsewhere(_model_and_optimizer, lambda mo: mo[1].load_state_dict({})),
        dn.StateError,
        ("Adam.load_state_dict()", *FIX),
    ),
    Case(
        "optimizer made on the other backend's parameters",
        _elsewhere(lambda: mlp().parameters(), lambda params: dn.optim.SGD(params, lr=0.1)),
        dn.StateError,
        ("SGD: got a", "but the active backend", *FIX),
    ),
    Case(
        "metric update",
        _elsewhere(_metric, lambda metric: metric.update(SCORES, LABELS)),
        dn.StateError,
        ("metric 'accuracy' (Accuracy)", "update()", "call reset()"),
    ),
    Case(
        "metric result",
        _elsewhere(_metric, lambda metric: metric.result()),
        dn.StateError,
        ("metric 'accuracy' (Accuracy)", "result()", "call reset()"),
    ),
)


@pytest.mark.parametrize("case", TABLE)
def test_using_an_object_after_a_backend_switch(backend: str, case: Case) -> None:
    check(case)
    assert dn.backend() == backend


def test_the_fix_the_message_names_moves_the_weights(backend: str) -> None:
    model = mlp()
    state, expected = model.state_dict(), dn.ops.to_numpy(model(X))
    dn.set_backend(_other())
    try:
        again = mlp()
        again.load_state_dict(state)
        np.testing.assert_allclose(dn.ops.to_numpy(again(X)), expected, rtol=1e-6, atol=1e-6)
    finally:
        dn.set_backend(backend)


def test_modules_without_state_work_under_any_backend(backend: str) -> None:
    lazy = dn.nn.Sequential([dn.nn.Flatten(), dn.nn.Dense(2)])  # no weights until the first call
    dn.set_backend(_other())
    try:
        assert dn.ops.shape(lazy(X)) == (4, 2)
        assert lazy.state_dict()["1.kernel"].shape == (3, 2)  # built, and stamped, on the backend of its first call
    finally:
        dn.set_backend(backend)
    with pytest.raises(dn.StateError, match=r"layer '1' \(Dense\) holds (torch|tensorflow) variables"):
        lazy(X)


def test_a_metric_reset_after_the_switch_works_there(backend: str) -> None:
    metric = _metric()
    dn.set_backend(_other())
    try:
        metric.reset()
        metric.update(SCORES, LABELS)
        assert metric.result() == pytest.approx(np.mean(SCORES.argmax(-1) == LABELS))
    finally:
        dn.set_backend(backend)


def test_switching_back_makes_the_objects_usable_again(backend: str, tmp_path: Path) -> None:
    model, opt = _model_and_optimizer()
    before = dn.ops.to_numpy(model(X))
    dn.set_backend(_other())
    dn.set_backend(backend)
    np.testing.assert_array_equal(dn.ops.to_numpy(model(X)), before)
    _grads((model, opt))
    model.save_weights(tmp_path / "w.safetensors")
    assert opt.iterations == 1
