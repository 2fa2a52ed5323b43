"""Weight averaging inside an optimizer (``use_ema``): Keras's numbers, the swap for evaluation, fit and checkpoints."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry
from dualnet.backend.dispatch import B
from dualnet.errors import StateError
from tests.optim.problems import Quadratic, assert_close

EMA = {"use_ema": True, "ema_momentum": 0.9}


def _ema_run(backend: str, frequency: int | None, steps: int = 40) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(parameters, averages) after ``steps`` plain-SGD steps on the quadratic, averaged with momentum 0.9."""
    dn.set_backend(backend)
    task = Quadratic()
    opt = dn.optim.SGD(task.params, lr=0.05, **EMA, ema_overwrite_frequency=frequency)
    for _ in range(steps):
        opt.step(task.grads())
    return [dn.ops.to_numpy(p) for p in task.params], [dn.ops.to_numpy(s["ema"]) for s in opt.state]


@pytest.mark.parametrize("frequency", [None, 7])
def test_matches_keras_use_ema_and_agrees_across_backends(frequency: int | None) -> None:
    keras = pytest.importorskip("keras")
    from tests.optim.runs import run_keras

    opt = keras.optimizers.SGD(learning_rate=0.05, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=frequency)
    want, _ = run_keras(opt, "quadratic", 40)
    averages = [np.asarray(v.numpy()) for v in opt._model_variables_moving_average]
    params, ours = _ema_run("tensorflow", frequency)
    assert_close(params, want, 1e-6, "parameters")
    assert_close(ours, averages, 1e-6, "averages")
    if registry.is_installed("torch"):
        params_torch, ours_torch = _ema_run("torch", frequency)
        assert_close(params_torch, params, 1e-5, "parameters across backends")
        assert_close(ours_torch, ours, 1e-5, "averages across backends")


def test_first_step_copies_then_averages(backend: str) -> None:
    p = B.variable(np.zeros(2, "float32"), True, "p")
    opt = dn.optim.SGD([p], lr=1.0, use_ema=True, ema_momentum=0.75)
    opt.step([np.full(2, -1.0, "float32")])  # p = 1
    np.testing.assert_array_equal(dn.ops.to_numpy(opt.state[0]["ema"]), [1.0, 1.0])
    opt.step([np.full(2, -1.0, "float32")])  # p = 2: ema = 0.75 * 1 + 0.25 * 2
    np.testing.assert_allclose(dn.ops.to_numpy(opt.state[0]["ema"]), [1.25, 1.25], rtol=1e-6)


def test_averaged_weights_are_swapped_in_and_back(backend: str) -> None:
    task = Quadratic()
    opt = dn.optim.Adam(task.params, lr=0.05, **EMA)
    for _ in range(5):
        opt.step(task.grads())
    trained = [dn.ops.to_numpy(p) for p in task.params]
    averages = [dn.ops.to_numpy(s["ema"]) for s in opt.state]
    assert not np.allclose(trained[0], averages[0])
    with opt.averaged_weights():
        for p, a in zip(task.params, averages):
            np.testing.assert_array_equal(dn.ops.to_numpy(p), a)
        with pytest.raises(StateError, match=r"Adam\.step: the averaged weights are swapped into the parameters"):
            opt.step(task.grads())
    for p, t in zip(task.params, trained):
        np.testing.assert_array_equal(dn.ops.to_numpy(p), t)
    opt.swap_averaged_weights()
    opt.swap_averaged_weights()
    opt.step(task.grads())  # swapped back twice over: steps again


def _fitted(path: Any = None, resume: Any = None, epochs: int = 2) -> tuple[dn.Trainer, dn.optim.Optimizer]:
    from tests.train.problems import X, Y, mlp

    dn.seed(0)
    model = mlp(hidden=4)
    opt = dn.optim.Adam(model.parameters(), lr=0.01, **EMA)
    trainer = dn.Trainer(model, opt, "mse")
    callbacks = [dn.callbacks.ModelCheckpoint(str(path), save_weights_only=False)] if path is not None else []
    trainer.fit(X, Y, epochs=epochs, batch_size=32, verbose=0, callbacks=callbacks, resume_from=resume)
    return trainer, opt


def test_fit_ends_with_the_averaged_weights_and_checkpoints_keep_them(backend: str, tmp_path: Any) -> None:
    trainer, opt = _fitted(tmp_path / "ckpt.safetensors", epochs=1)
    for p, state in zip(trainer.model.parameters(), opt.state):  # Keras's fit: finalize_variable_values()
        np.testing.assert_array_equal(dn.ops.to_numpy(p), dn.ops.to_numpy(state["ema"]))
    from dualnet.io.header import read_tensors

    tensors = read_tensors(tmp_path / "ckpt.safetensors", "checkpoint")[1]  # written at the end of epoch 0
    assert {f"optimizer.state.{i}.ema" for i in range(4)} <= set(tensors)
    straight, _ = _fitted(epochs=2)
    resumed, _ = _fitted(resume=tmp_path / "ckpt.safetensors", epochs=2)
    for a, b in zip(resumed.model.state_dict().values(), straight.model.state_dict().values()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_compiled_step_matches_eager(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    eager_task, traced_task = Quadratic(), Quadratic()
    eager = dn.optim.RAdam(eager_task.params, lr=0.02, **EMA, ema_overwrite_frequency=3)
    traced = dn.optim.RAdam(traced_task.params, lr=0.02, **EMA, ema_overwrite_frequency=3)
    if backend == "torch":  # the traced code path, run eagerly (torch.compile would take seconds)
        monkeypatch.setitem(B.__dict__, "is_tracing", lambda: True)
        step = traced.step
    else:
        step = dn.function(traced.step)
    for _ in range(8):
        eager.step(eager_task.grads())
        step(traced_task.grads())
    got = [dn.ops.to_numpy(p) for p in traced_task.params] + [dn.ops.to_numpy(s["ema"]) for s in traced.state]
    want = [dn.ops.to_numpy(p) for p in eager_task.params] + [dn.ops.to_numpy(s["ema"]) for s in eager.state]
    assert_close(got, want, 1e-6, "compiled EMA step")
