"""``dn.debug.check_numerics`` and ``Trainer(check_numerics=True)``: the first NaN or inf is named with its step."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn

RNG = np.random.default_rng(3)
X = RNG.standard_normal((48, 4)).astype("float32")
Y = RNG.standard_normal((48, 1)).astype("float32")


class Encoder(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = dn.nn.Dense(3, in_features=4)
        self.log = dn.nn.Activation(dn.ops.log)  # NaN for negative inputs

    def forward(self, x: Any) -> Any:
        return self.log(self.fc1(x))


class Net(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = Encoder()
        self.head = dn.nn.Dense(1, in_features=3)

    def forward(self, x: Any) -> Any:
        return self.head(self.encoder(x))


def _mlp() -> dn.nn.Module:
    dn.seed(0)
    return dn.nn.Sequential([dn.nn.Dense(8, activation="relu", in_features=4), dn.nn.Dense(1, in_features=8)])


def _fit(model: dn.nn.Module, x: np.ndarray, y: np.ndarray, check: bool, lr: float = 0.01) -> dict[str, Any]:
    trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=lr), "mse", check_numerics=check)
    history = trainer.fit(x, y, epochs=2, batch_size=16, shuffle=False, validation_data=(x, y), verbose=0)
    return history.history


def test_the_first_layer_with_a_nan_output_is_named_with_its_path(backend: str) -> None:
    model = Net()
    with (
        dn.debug.check_numerics(),
        pytest.raises(dn.NumericsError, match=r"layer 'encoder\.log' \(Activation\) produced NaN in its output"),
    ):
        model(X)  # glorot weights make some fc1 outputs negative: log gives NaN, the head passes it on


def test_an_infinite_weight_is_reported_as_inf_at_the_right_call(backend: str) -> None:
    model = dn.nn.Sequential([dn.nn.Dense(2, in_features=4)])
    positive = np.abs(X) + 1.0
    with dn.debug.check_numerics():
        model(positive)
        model(positive)  # steps 1 and 2 are finite
        state = model.state_dict()
        state["0.kernel"][0, 1] = np.inf
        model.load_state_dict(state)
        with pytest.raises(
            dn.NumericsError, match=r"layer '0' \(Dense\) produced inf .* at step 3; lower the learning"
        ):
            model(positive)  # positive inputs times +inf: +inf, no NaN


def test_nothing_is_checked_outside_the_scope(backend: str) -> None:
    model = Net()
    with dn.debug.check_numerics(), pytest.raises(dn.NumericsError):
        model(X)
    out = dn.ops.to_numpy(model(X))  # the same NaN passes silently once the scope is closed
    assert np.isnan(out).any()
    assert isinstance(dn.NumericsError("x"), FloatingPointError)


def test_a_nan_gradient_is_named_with_its_parameter(backend: str) -> None:
    model = _mlp()

    def loss_fn(m: dn.nn.Module, x: Any) -> Any:
        # sqrt at 0 has an infinite slope: the loss is 0, the gradients are 0 * inf = NaN.
        return dn.ops.mean(dn.ops.sqrt(dn.ops.abs(m(x)) * 0.0))

    loss, _ = dn.value_and_grad(loss_fn)(model, X)  # unchecked: no error
    assert float(dn.ops.to_numpy(loss)) == 0.0
    with (
        dn.debug.check_numerics(),
        pytest.raises(dn.NumericsError, match=r"gradient of parameter '0\.kernel' \(shape \(4, 8\)\) has NaN"),
    ):
        dn.value_and_grad(loss_fn)(model, X)


def test_gradient_checks_can_be_turned_off(backend: str) -> None:
    model = _mlp()
    with dn.debug.check_numerics(gradients=False):
        dn.value_and_grad(lambda m, x: dn.ops.mean(dn.ops.sqrt(dn.ops.abs(m(x)) * 0.0)))(model, X)


def test_trainer_names_the_layer_epoch_and_step(backend: str) -> None:
    x = X.copy()
    x[37, 1] = np.nan  # batch 3 of 3 (rows 32..47) of the first epoch
    trainer_model = _mlp()
    with pytest.raises(dn.NumericsError, match=r"layer '0' \(Dense\) produced NaN .* at epoch 1, step 3;"):
        _fit(trainer_model, x, Y, check=True)


def test_trainer_reports_a_loss_that_overflows(backend: str) -> None:
    with pytest.raises(dn.NumericsError, match=r"the loss is inf at epoch 1, step 1;"):
        _fit(_mlp(), X, Y * 1e30, check=True)  # squared errors of 1e30 overflow float32


def test_trainer_reports_an_exploding_run_at_the_step_it_diverges(backend: str) -> None:
    with pytest.raises(dn.NumericsError, match=r"at epoch \d, step ([2-9]|1\d);") as caught:
        _fit(_mlp(), X, Y * 100.0, check=True, lr=10.0)  # SGD at lr=10 diverges within a few steps
    assert "lower the learning rate" in str(caught.value)


def test_a_good_run_is_identical_with_and_without_the_flag(backend: str) -> None:
    plain = _mlp()
    checked = _mlp()
    history, checked_history = _fit(plain, X, Y, check=False), _fit(checked, X, Y, check=True)
    # torch: the same bits. TensorFlow's CPU kernels without oneDNN (AMD machines) round a reduction of the graph
    # that holds the check ops differently, by 1 ulp (measured; with oneDNN they gave the same bits).
    ulps = 0 if backend == "torch" else 4
    assert history.keys() == checked_history.keys()
    for key, values in history.items():
        np.testing.assert_array_max_ulp(np.float32(values), np.float32(checked_history[key]), maxulp=ulps)
    for name, value in plain.state_dict().items():
        np.testing.assert_array_max_ulp(value, checked.state_dict()[name], maxulp=ulps)


def test_trainer_flag_must_be_a_bool(backend: str) -> None:
    model = _mlp()
    with pytest.raises(dn.ArgumentError, match=r"check_numerics='yes'\): check_numerics must be True or False"):
        dn.Trainer(model, dn.optim.SGD(model.parameters()), "mse", check_numerics="yes")  # type: ignore[arg-type]
