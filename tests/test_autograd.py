"""value_and_grad / grad / function / no_grad / stop_gradient, checked against NumPy gradients."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal((4, 2)).astype("float32")


def _mse(model, x, y):  # type: ignore[no-untyped-def]
    return dn.ops.mean(dn.ops.square(model(x) - dn.ops.convert_to_tensor(y)))


def test_module_gradients_match_numpy(backend: str) -> None:
    x, y = _data()
    model = dn.nn.Dense(2, in_features=3)
    loss, grads = dn.value_and_grad(_mse)(model, x, y)
    w, b = model.state_dict()["kernel"], model.state_dict()["bias"]
    err = x @ w + b - y
    np.testing.assert_allclose(dn.ops.to_numpy(loss), np.mean(err**2), rtol=1e-5)
    d_out = 2 * err / err.size
    np.testing.assert_allclose(dn.ops.to_numpy(grads[0]), x.T @ d_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dn.ops.to_numpy(grads[1]), d_out.sum(0), rtol=1e-5, atol=1e-6)
    assert len(grads) == len(model.parameters())


def test_gradient_with_respect_to_tensors(backend: str) -> None:
    x = np.array([1.0, -2.0, 3.0], "float32")
    y = np.array([0.5, 0.5, 0.5], "float32")

    def f(a, b):  # type: ignore[no-untyped-def]
        return dn.ops.sum(dn.ops.multiply(dn.ops.multiply(a, a), b))

    value, (ga, gb) = dn.value_and_grad(f, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(dn.ops.to_numpy(value), np.sum(x * x * y), rtol=1e-6)
    np.testing.assert_allclose(dn.ops.to_numpy(ga), 2 * x * y, rtol=1e-6)
    np.testing.assert_allclose(dn.ops.to_numpy(gb), x * x, rtol=1e-6)
    only_b = dn.grad(f, wrt=1)(x, y)
    np.testing.assert_allclose(dn.ops.to_numpy(only_b), x * x, rtol=1e-6)


def test_has_aux_returns_the_auxiliary_output(backend: str) -> None:
    x, y = _data()
    model = dn.nn.Dense(2, in_features=3)

    def loss_and_pred(m, x, y):  # type: ignore[no-untyped-def]
        pred = m(x)
        return dn.ops.mean(dn.ops.square(dn.ops.subtract(pred, y))), pred

    (_, pred), grads = dn.value_and_grad(loss_and_pred, has_aux=True)(model, x, y)
    assert dn.ops.shape(pred) == (4, 2) and len(grads) == 2
    grads_only, aux = dn.grad(loss_and_pred, has_aux=True)(model, x, y)
    np.testing.assert_allclose(dn.ops.to_numpy(aux), dn.ops.to_numpy(pred))
    np.testing.assert_allclose(dn.ops.to_numpy(grads_only[0]), dn.ops.to_numpy(grads[0]), rtol=1e-6)


def test_unused_parameters_get_zero_gradients(backend: str) -> None:
    model = dn.nn.Dense(2, in_features=3)
    grads = dn.grad(lambda m, x: dn.ops.sum(x * 2.0))(model, np.ones(3, "float32"))
    assert all(np.all(dn.ops.to_numpy(g) == 0) for g in grads)


def test_non_scalar_loss_is_a_shape_error(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match="must return a scalar loss, got \\(3,\\); reduce it first"):
        dn.grad(lambda x: x * 2.0)(np.ones(3, "float32"))


def test_bad_wrt_is_an_argument_error(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="wrt"):
        dn.grad(lambda x: dn.ops.sum(x), wrt="x")(np.ones(3, "float32"))  # type: ignore[arg-type]
    with pytest.raises(dn.ArgumentError, match="wrt position 2"):
        dn.grad(lambda x: dn.ops.sum(x), wrt=2)(np.ones(3, "float32"))


def test_stop_gradient_and_no_grad(backend: str) -> None:
    x = np.array([2.0, 3.0], "float32")
    g = dn.grad(lambda a: dn.ops.sum(a * dn.stop_gradient(a)))(x)
    np.testing.assert_allclose(dn.ops.to_numpy(g), x)

    def f(a):  # type: ignore[no-untyped-def]
        with dn.no_grad():
            frozen = a * 3.0
        return dn.ops.sum(a * 2.0 + frozen * 0.0 + dn.stop_gradient(frozen))

    np.testing.assert_allclose(dn.ops.to_numpy(dn.grad(f)(x)), [2.0, 2.0])


@pytest.mark.parametrize("jit", [False, True])
def test_function_compiles_a_training_step(backend: str, jit: bool) -> None:
    x, y = _data()
    model = dn.nn.Dense(2, in_features=3)
    opt = dn.optim.SGD(model.parameters(), lr=0.1)
    eager_model = dn.nn.Dense(2, in_features=3)
    eager_model.load_state_dict(model.state_dict())
    eager_opt = dn.optim.SGD(eager_model.parameters(), lr=0.1)
    grad_fn = dn.value_and_grad(_mse)

    @dn.function(jit=jit)
    def step(x, y):  # type: ignore[no-untyped-def]
        loss, grads = grad_fn(model, x, y)
        opt.step(grads)
        return loss

    for _ in range(3):
        compiled_loss = step(B.convert_to_tensor(x), B.convert_to_tensor(y))
        eager_loss, grads = grad_fn(eager_model, x, y)
        eager_opt.step(grads)
        np.testing.assert_allclose(dn.ops.to_numpy(compiled_loss), dn.ops.to_numpy(eager_loss), rtol=1e-5)
    for a, b in zip(model.state_dict().values(), eager_model.state_dict().values()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
