"""LSTM and GRU: values against NumPy, result shapes, Keras weight layouts, parity across backends, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.recurrent import GRU, LSTM
from tests.helpers import assert_matches_numpy
from tests.ops.test_rnn import numpy_gru, numpy_lstm

N, T, F, U = 2, 5, 3, 4
MASK = np.array([[True, True, False, True, False], [True, True, True, False, False]])


def _x(shape: tuple[int, ...] = (N, T, F)) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _state(seed: int) -> np.ndarray:
    return (0.5 * np.random.default_rng(seed).standard_normal((N, U))).astype("float32")


# ---------------------------------------------------------------- values and shapes


@pytest.mark.parametrize("masked", [False, True])
def test_lstm_matches_numpy(backend: str, masked: bool) -> None:
    layer = LSTM(U, return_sequences=True, return_state=True)
    x, h0, c0 = _x(), _state(1), _state(2)
    mask = MASK if masked else None
    out, h, c = layer(x, mask=mask, initial_state=[h0, c0])
    w = layer.state_dict()
    want = numpy_lstm(x, w["kernel"], w["recurrent_kernel"], w["bias"], h0, c0, mask)
    for got, expected in zip((out, h, c), want):
        assert_matches_numpy(got, expected.astype("float32"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("masked", [False, True])
def test_gru_matches_numpy(backend: str, reset_after: bool, masked: bool) -> None:
    layer = GRU(U, return_sequences=True, return_state=True, reset_after=reset_after, bias_initializer="uniform")
    x, h0 = _x(), _state(1)
    mask = MASK if masked else None
    out, h = layer(x, mask=mask, initial_state=h0)
    w = layer.state_dict()
    want = numpy_gru(x, w["kernel"], w["recurrent_kernel"], w["bias"], h0, mask, reset_after)
    for got, expected in zip((out, h), want):
        assert_matches_numpy(got, expected.astype("float32"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("cls", "kwargs", "shapes"),
    [
        (LSTM, {}, [(N, U)]),
        (LSTM, {"return_sequences": True}, [(N, T, U)]),
        (LSTM, {"return_state": True}, [(N, U), (N, U), (N, U)]),
        (GRU, {}, [(N, U)]),
        (GRU, {"return_sequences": True, "return_state": True}, [(N, T, U), (N, U)]),
    ],
)
def test_result_shapes(backend: str, cls: type, kwargs: dict[str, Any], shapes: list[tuple[int, ...]]) -> None:
    out = cls(U, **kwargs)(_x())
    outs = list(out) if isinstance(out, tuple) else [out]
    assert [dn.ops.shape(o) for o in outs] == shapes


def test_last_output_is_the_state_after_the_last_unmasked_step(backend: str) -> None:
    layer = LSTM(U, return_sequences=True, return_state=True)
    out, h, _ = layer(_x(), mask=MASK)
    out, h = dn.ops.to_numpy(out), dn.ops.to_numpy(h)
    np.testing.assert_array_equal(out[0, 2], 0.0)  # masked steps output zeros
    np.testing.assert_allclose(h[0], out[0, 3], rtol=1e-6)
    np.testing.assert_allclose(h[1], out[1, 2], rtol=1e-6)


def test_keras_weight_layouts_and_names(backend: str) -> None:
    lstm = LSTM(U, in_features=F)
    assert lstm.built
    w = lstm.state_dict()
    assert {k: v.shape for k, v in w.items()} == {
        "kernel": (F, 4 * U),
        "recurrent_kernel": (U, 4 * U),
        "bias": (4 * U,),
    }
    # unit_forget_bias: the forget gate's slice (second of i, f, c, o) starts at one.
    np.testing.assert_array_equal(w["bias"], np.repeat([0.0, 1.0, 0.0, 0.0], U).astype("float32"))
    rk = w["recurrent_kernel"]
    np.testing.assert_allclose(rk @ rk.T, np.eye(U), atol=1e-5)  # orthogonal rows
    assert LSTM(U, unit_forget_bias=False, in_features=F).state_dict()["bias"].max() == 0.0
    assert GRU(U, in_features=F).state_dict()["bias"].shape == (2, 3 * U)
    assert GRU(U, in_features=F, reset_after=False).state_dict()["bias"].shape == (3 * U,)
    assert [n for n, _ in GRU(U, use_bias=False, in_features=F).named_parameters()] == ["kernel", "recurrent_kernel"]


def test_repr(backend: str) -> None:
    assert repr(LSTM(8, return_sequences=True)) == "LSTM(units=8, in_features=None, return_sequences=True)"


# ---------------------------------------------------------------- parity across backends


class _WithState(dn.nn.Module):
    """Takes the initial states as inputs, so their gradients are compared too."""

    def __init__(self, cls: type, **kwargs: Any) -> None:
        super().__init__()
        self.rnn = cls(U, return_sequences=True, return_state=True, **kwargs)

    def forward(self, x: Any, *states: Any) -> Any:
        return self.rnn(x, mask=MASK, initial_state=list(states))


@pytest.mark.parametrize("kwargs", [{"return_sequences": True, "return_state": True}, {}])
def test_lstm_parity(kwargs: dict[str, Any]) -> None:
    dn.testing.module_parity(lambda: LSTM(U, **kwargs), [_x()], training=True)


def test_lstm_parity_with_mask_and_initial_state() -> None:
    dn.testing.module_parity(lambda: _WithState(LSTM), [_x(), _state(1), _state(2)], training=True)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_parity(reset_after: bool) -> None:
    dn.testing.module_parity(
        lambda: GRU(U, return_sequences=True, return_state=True, reset_after=reset_after, bias_initializer="uniform"),
        [_x()],
    )
    dn.testing.module_parity(lambda: _WithState(GRU, reset_after=reset_after), [_x(), _state(1)], training=True)


def test_mask_through_call_kwargs_parity() -> None:
    dn.testing.module_parity(lambda: GRU(U), [_x()], call_kwargs={"mask": MASK})


# ---------------------------------------------------------------- errors


def test_wrong_rank_names_the_layer_and_the_fix(backend: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = LSTM(U)

        def forward(self, x: Any) -> Any:
            return self.encoder(x)

    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'encoder' \(LSTM\) expects inputs of rank 3 \(N, T, F\), got shape \(2, 3\); "
        r"add a time axis with dn.ops.expand_dims\(x, 1\)",
    ):
        Net()(_x((N, F)))


def test_changed_feature_count_after_build(backend: str) -> None:
    layer = GRU(U)
    layer(_x())
    with pytest.raises(dn.ShapeError, match=r"GRU expects inputs with 3 features \(last axis\), got shape \(2, 5, 6\)"):
        layer(_x((N, T, 6)))


def test_integer_inputs_are_a_dtype_error(backend: str) -> None:
    with pytest.raises(dn.DTypeError, match=r"LSTM expects floating-point inputs, got int64; embed integer ids"):
        LSTM(U)(np.ones((N, T, F), "int64"))


@pytest.mark.parametrize("cls", [LSTM, GRU])
def test_mask_with_wrong_shape(backend: str, cls: type) -> None:
    layer = cls(U)
    layer(_x())
    with pytest.raises(dn.ShapeError, match=r"expects mask of shape \(N, T\) = \(2, 5\), got \(2, 4\); pass one bool"):
        layer(_x(), mask=np.ones((N, T - 1), bool))


def test_initial_state_errors(backend: str) -> None:
    layer = LSTM(U)
    with pytest.raises(dn.ArgumentError, match=r"LSTM expects initial_state as \[h, c\] \(2 tensors of shape"):
        layer(_x(), initial_state=_state(1))
    with pytest.raises(dn.ShapeError, match=r"expects initial state c of shape \(N, units\) = \(2, 4\), got \(2, 3\)"):
        layer(_x(), initial_state=[_state(1), np.zeros((N, 3), "float32")])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"units": 0}, r"LSTM\(units=0\): units must be a positive int"),
        ({"units": 2, "in_features": 0}, r"in_features=0"),
        ({"units": 2, "recurrent_initializer": "nope"}, r"LSTM\(recurrent_initializer='nope'\): unknown initializer"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        LSTM(**kwargs)


@pytest.mark.parametrize("layer", ["LSTM", "GRU"])
def test_compiled_with_jit_trains_like_eager(backend: str, layer: str) -> None:
    # Under XLA the TensorFlow loop over time is a while_loop, otherwise unrolled: the numbers must not care.
    rng = np.random.default_rng(5)
    x = rng.standard_normal((12, 6, 3)).astype("float32")
    y = rng.integers(0, 2, 12)
    losses = {}
    for jit in (False, True):
        dn.seed(0)
        model = dn.nn.Sequential([getattr(dn.nn, layer)(8, in_features=3), dn.nn.Dense(2, in_features=8)])
        trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", jit=jit)
        losses[jit] = trainer.fit(x, y, epochs=3, batch_size=6, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(losses[True], losses[False], rtol=1e-5)
