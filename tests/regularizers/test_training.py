"""Penalties and constraints in training: the Trainer against Keras 3's ``fit``, custom loops, parity, dn.save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn

RNG = np.random.default_rng(3)
X = RNG.standard_normal((8, 5)).astype("float32")
Y = RNG.standard_normal((8, 3)).astype("float32")


def _dense() -> dn.nn.Dense:
    return dn.nn.Dense(
        3,
        kernel_regularizer=dn.regularizers.L2(0.05),
        bias_regularizer="l1",
        activity_regularizer=dn.regularizers.L1(0.01),
        kernel_constraint=dn.constraints.MaxNorm(0.4),
        bias_constraint="non_neg",
    )


def _np(x: Any) -> np.ndarray:
    return np.asarray(dn.ops.to_numpy(x))


def test_trainer_matches_keras_fit_with_regularizers_and_constraints(backend: str) -> None:
    # jit=False is still a compiled step on tensorflow (a tf.function), eager on torch
    import keras

    dn.seed(0)
    model = dn.nn.Sequential([_dense()])
    model(X)
    start = model.state_dict()
    trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.1), loss="mse")
    history = trainer.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)

    reference = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(
                3,
                kernel_regularizer=keras.regularizers.L2(0.05),
                bias_regularizer="l1",
                activity_regularizer=keras.regularizers.L1(0.01),
                kernel_constraint=keras.constraints.MaxNorm(0.4),
                bias_constraint="non_neg",
            ),
        ]
    )
    reference.set_weights([start["0.kernel"], start["0.bias"]])
    reference.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    keras_history = reference.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)

    kernel, bias = (np.asarray(w) for w in reference.get_weights())
    np.testing.assert_allclose(model.state_dict()["0.kernel"], kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.state_dict()["0.bias"], bias, rtol=1e-5, atol=1e-6)
    assert np.linalg.norm(kernel, axis=0).max() <= 0.4 + 1e-6  # the constraint was active
    # the logged loss includes the penalties, as Keras's (both average the two steps' totals)
    assert history.history["loss"][0] == pytest.approx(keras_history.history["loss"][0], rel=1e-5)


def test_custom_loop_with_regularization_loss_and_apply_constraints(backend: str) -> None:
    dn.seed(0)
    model = dn.nn.Sequential([_dense()])
    model(X)
    start = {k: v.astype(np.float64) for k, v in model.state_dict().items()}
    opt = dn.optim.SGD(model.parameters(), lr=0.1)

    def loss_fn(m: dn.nn.Module) -> Any:
        return dn.ops.add(dn.losses.get("mse")(m(X), Y), dn.regularization_loss(m))

    loss, grads = dn.value_and_grad(loss_fn)(model)
    opt.step(grads)
    dn.apply_constraints(model)

    # by hand, in NumPy: the same loss, its gradient, the step and the projections
    w, b = start["0.kernel"], start["0.bias"]
    out = X @ w + b
    n = out.size
    expected = np.mean((out - Y) ** 2) + 0.05 * (w**2).sum() + 0.01 * np.abs(b).sum() + 0.01 * np.abs(out).sum() / 8
    d_out = 2 * (out - Y) / n + 0.01 * np.sign(out) / 8
    w = w - 0.1 * (X.T @ d_out + 0.1 * w)
    b = b - 0.1 * (d_out.sum(0) + 0.01 * np.sign(b))
    norms = np.linalg.norm(w, axis=0, keepdims=True)
    w = w * np.clip(norms, 0, 0.4) / (1e-7 + norms)
    assert float(_np(loss)) == pytest.approx(expected, rel=1e-5)
    np.testing.assert_allclose(model.state_dict()["0.kernel"], w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.state_dict()["0.bias"], np.maximum(b, 0), rtol=1e-5, atol=1e-6)


def test_losses_hold_the_last_forward_only_and_activity_divides_by_batch(backend: str) -> None:
    dn.seed(0)
    model = dn.nn.Sequential([dn.nn.Dense(4, activity_regularizer="l2"), dn.nn.ActivityRegularization(l1=0.5)])
    assert model.losses == []
    model(X)
    model(X[:2])  # the second forward replaces the first's activity penalties
    hidden = _np(model[0](X[:2]))
    model(X[:2])
    values = [float(_np(v)) for v in model.losses]
    assert values == pytest.approx([0.01 * (hidden**2).sum() / 2, 0.5 * np.abs(hidden).sum() / 2], rel=1e-5)
    assert float(_np(dn.regularization_loss(model))) == pytest.approx(sum(values), rel=1e-6)


def test_losses_are_the_same_on_both_backends() -> None:
    values = {}
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        dn.seed(1)
        model = dn.nn.Sequential(
            [
                dn.nn.Conv2D(2, 3, kernel_regularizer=dn.regularizers.L1L2(0.01, 0.02), activity_regularizer="l1"),
                dn.nn.BatchNorm(gamma_regularizer="l2"),
                dn.nn.Flatten(),
                dn.nn.Dense(2, kernel_regularizer=dn.regularizers.OrthogonalRegularizer(0.1)),
            ]
        )
        model(np.linspace(-1, 1, 2 * 5 * 5 * 3, dtype="float32").reshape(2, 5, 5, 3))
        values[name] = [float(_np(v)) for v in model.losses]
    assert len(values["torch"]) == 4
    np.testing.assert_allclose(values["torch"], values["tensorflow"], rtol=1e-5)


def test_save_and_load_on_the_other_backend_keep_the_config(tmp_path: Path) -> None:
    dn.set_backend("torch")
    dn.seed(0)
    model = dn.nn.Sequential([_dense(), dn.nn.SpectralNormalization(dn.nn.Dense(2), power_iterations=2)])
    model(X)
    saved = model.state_dict()
    dn.save(model, tmp_path / "m.safetensors")
    dn.set_backend("tensorflow")
    loaded = dn.load(tmp_path / "m.safetensors")
    dense = loaded[0]
    assert dense.kernel_regularizer == dn.regularizers.L2(0.05) and dense.bias_regularizer == dn.regularizers.L1(0.01)
    assert dense.activity_regularizer == dn.regularizers.L1(0.01)
    assert dense.kernel_constraint == dn.constraints.MaxNorm(0.4) and dense.bias_constraint == dn.constraints.NonNeg()
    assert loaded[1].power_iterations == 2
    assert loaded.state_dict().keys() == saved.keys()
    for key, value in loaded.state_dict().items():
        np.testing.assert_array_equal(value, saved[key])
    assert len(loaded.losses) == 3  # the two weight penalties, and the activity penalty of dn.load's build forward
