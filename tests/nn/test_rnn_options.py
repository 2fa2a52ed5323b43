"""Recurrent options: stateful, dropout (statistics, seeds, eval), custom cells, parity, saving, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import nn

N, T, F, U = 2, 4, 3, 5


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape or (N, T, F)).astype("float32")


def _np(t: Any) -> np.ndarray:
    return dn.ops.to_numpy(t)


LAYERS = {
    "SimpleRNN": lambda **kw: nn.SimpleRNN(U, **kw),
    "LSTM": lambda **kw: nn.LSTM(U, **kw),
    "GRU": lambda **kw: nn.GRU(U, **kw),
    "RNN(GRUCell)": lambda **kw: nn.RNN(nn.GRUCell(U), **kw),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_stateful_calls_continue_the_sequence(backend: str, name: str) -> None:
    whole = LAYERS[name](return_sequences=True)
    x = _x(N, 2 * T, F)
    want = _np(whole(x))
    stateful = LAYERS[name](return_sequences=True, stateful=True)
    stateful(x[:, :T])
    stateful.load_state_dict(whole.state_dict())
    stateful.reset_states()
    first, second = _np(stateful(x[:, :T])), _np(stateful(x[:, T:]))
    np.testing.assert_allclose(np.concatenate([first, second], 1), want, rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    np.testing.assert_allclose(_np(stateful(x[:, :T])), first, rtol=1e-6)
    with pytest.raises(dn.ShapeError, match=r"stateful.*reset_states"):
        stateful(x[:1, :T])


class _Accumulator(dn.nn.Module):
    """A custom cell: a running sum of the inputs, and a step counter as a second state."""

    state_size = (F, 1)

    def forward(self, x: Any, states: list[Any]) -> tuple[Any, list[Any]]:
        total = dn.ops.add(states[0], x)
        return total, [total, dn.ops.add(states[1], 1.0)]


def test_custom_cell_with_state_size(backend: str) -> None:
    x = _x()
    mask = np.array([[True, True, False, True], [True, False, False, False]])
    out, total, count = nn.RNN(_Accumulator(), return_sequences=True, return_state=True)(x, mask=mask)
    np.testing.assert_allclose(_np(total), (x * mask[..., None]).sum(1), rtol=1e-5)
    np.testing.assert_allclose(_np(count)[:, 0], mask.sum(1))
    np.testing.assert_allclose(_np(out), np.cumsum(x * mask[..., None], 1) * mask[..., None], rtol=1e-5)
    back = nn.RNN(_Accumulator(), return_sequences=True, go_backwards=True)(x)
    np.testing.assert_allclose(_np(back), np.cumsum(x[:, ::-1], 1), rtol=1e-5)


def _identity_rnn(**kwargs: Any) -> nn.SimpleRNN:
    """y_t = x_t * input mask + h_{t-1} * recurrent mask, weights identity: the masks show in the outputs."""
    layer = nn.SimpleRNN(F, activation=None, use_bias=False, return_sequences=True, **kwargs)
    layer.build((None, None, F))
    layer.load_state_dict({"kernel": np.eye(F, dtype="float32"), "recurrent_kernel": np.zeros((F, F), "float32")})
    return layer


def test_dropout_is_one_mask_per_sequence_with_keras_scaling(backend: str) -> None:
    dn.seed(0)
    layer = _identity_rnn(dropout=0.5)
    y = _np(layer(np.ones((400, T, F), "float32")))
    assert set(np.unique(y)) <= {0.0, 2.0}  # kept inputs are scaled by 1 / (1 - rate)
    np.testing.assert_array_equal(y, np.broadcast_to(y[:, :1], y.shape))  # the same mask at every step
    assert 0.45 < (y == 0).mean() < 0.55
    layer.eval()
    np.testing.assert_array_equal(_np(layer(np.ones((4, T, F), "float32"))), 1.0)


def test_recurrent_dropout_masks_the_state_before_its_product(backend: str) -> None:
    dn.seed(0)
    layer = _identity_rnn(recurrent_dropout=0.5)
    layer.load_state_dict({"kernel": np.eye(F, dtype="float32"), "recurrent_kernel": np.eye(F, dtype="float32")})
    y = _np(layer(np.ones((300, T, F), "float32")))
    mask = y[:, 1] - 1.0  # y_1 = 1 + mask * y_0, y_0 = 1
    assert set(np.unique(mask)) <= {0.0, 2.0} and 0.4 < (mask == 0).mean() < 0.6
    np.testing.assert_allclose(y[:, 2], 1.0 + mask * y[:, 1], rtol=1e-6)  # the same mask at the next step


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_dropout_is_seeded_and_off_in_eval(backend: str, name: str) -> None:
    kwargs = {"dropout": 0.3} if name.startswith("RNN") else {"dropout": 0.3, "recurrent_dropout": 0.3}
    factory = LAYERS[name]
    if name.startswith("RNN"):
        factory = lambda **kw: nn.RNN(nn.GRUCell(U, dropout=0.3, recurrent_dropout=0.3), **kw)  # noqa: E731
        kwargs = {}
    runs = []
    for _ in range(2):
        dn.seed(3)
        layer = factory(**kwargs)
        runs.append((_np(layer(_x())), _np(layer(_x()))))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])  # dn.seed repeats the masks
    assert not np.allclose(runs[0][0], runs[0][1])  # a new mask per call
    plain = LAYERS[name]()  # no dropout
    plain(_x())
    plain.load_state_dict(layer.state_dict())
    layer.eval()
    np.testing.assert_allclose(_np(layer(_x())), _np(plain(_x())), rtol=1e-6)


PARITY = {
    "simple_rnn": lambda: nn.SimpleRNN(U, return_sequences=True, return_state=True, bias_initializer="uniform"),
    "simple_rnn_backwards_relu": lambda: nn.SimpleRNN(U, activation="relu", go_backwards=True),
    "lstm_unroll_backwards": lambda: nn.LSTM(U, return_state=True, unroll=True, go_backwards=True),
    "gru_hard_sigmoid": lambda: nn.GRU(U, recurrent_activation="hard_sigmoid", return_sequences=True),
    "rnn_stacked": lambda: nn.RNN([nn.LSTMCell(4), nn.SimpleRNNCell(U)], return_state=True),
    "rnn_dropout_eval": lambda: nn.RNN(nn.LSTMCell(U, dropout=0.5, recurrent_dropout=0.5)).eval(),
}


@pytest.mark.parametrize("name", sorted(PARITY))
def test_parity_across_backends(name: str) -> None:
    dn.testing.module_parity(PARITY[name], [_x()], training=not name.endswith("eval"))


def test_weights_saved_on_torch_load_on_tensorflow(tmp_path: Path) -> None:
    path = tmp_path / "rnn.safetensors"
    outs = {}
    for which in ("torch", "tensorflow"):
        dn.set_backend(which)
        dn.seed(1 if which == "torch" else 2)  # different initial weights: the file must carry them
        model = dn.nn.Sequential([nn.RNN(nn.GRUCell(U)), nn.Dense(2)])
        model(_x())
        if which == "torch":
            model.save_weights(path)
        else:
            model.load_weights(path)
        outs[which] = _np(model(_x()))
    np.testing.assert_allclose(outs["tensorflow"], outs["torch"], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make",
    [lambda: nn.SimpleRNN(U), lambda: nn.RNN(nn.LSTMCell(U)), lambda: nn.LSTM(U, unroll=True)],
    ids=["SimpleRNN", "RNN", "LSTM"],
)
def test_bad_inputs_name_the_layer_and_the_fix(backend: str, make: Any) -> None:
    model = dn.nn.Sequential([make()])
    with pytest.raises(dn.ShapeError, match=r"layer '0'.*rank 3.*expand_dims"):
        model(_x(N, F))
    model(_x())
    with pytest.raises(dn.ShapeError, match=r"layer '0.*3 features"):
        model(_x(N, T, F + 1))
    layer = model[0]
    states = [_x(N + 1, U)] * (2 if "LSTM" in repr(layer) else 1)
    with pytest.raises(dn.ShapeError, match=r"layer '0'.*initial state.*\(2, 5\).*one state row per sequence"):
        layer(_x(), initial_state=states)


def test_cell_errors(backend: str) -> None:
    cell = nn.LSTMCell(U)
    with pytest.raises(dn.ShapeError, match=r"LSTMCell expects one step.*rank 2.*dn.nn.RNN"):
        cell(_x(), [_x(N, U), _x(N, U)])
    h, states = nn.GRUCell(U)(_x(N, F))  # no states: zeros
    assert dn.ops.shape(h) == (N, U) and len(states) == 1
    with pytest.raises(dn.ArgumentError, match=r"2 state tensor"):
        cell(_x(N, F), [_x(N, U)])
    with pytest.raises(dn.ShapeError, match=r"states of shape \(N, units\)"):
        nn.GRUCell(U)(_x(N, F), [_x(N, U + 1)])
    with pytest.raises(dn.ArgumentError, match="state_size"):
        nn.RNN(nn.Dense(2))(_x())
    with pytest.raises(dn.ArgumentError, match="dropout"):
        nn.GRUCell(U, dropout=1.0)
    with pytest.raises(dn.ArgumentError, match="activation"):
        nn.SimpleRNN(U, activation="nope")
    with pytest.raises(dn.ArgumentError, match="initial_state"):
        nn.RNN(nn.LSTMCell(U))(_x(), initial_state=[_x(N, U)])


def test_model_saved_on_torch_loads_on_tensorflow(tmp_path: Path) -> None:
    x = _x()
    dn.set_backend("torch")
    model = dn.nn.Sequential([nn.RNN([nn.LSTMCell(4), nn.GRUCell(U)], return_sequences=True), nn.SimpleRNN(2)])
    want = _np(model(x))
    path = dn.save(model, tmp_path / "rnn.safetensors")
    dn.set_backend("tensorflow")
    np.testing.assert_allclose(_np(dn.load(path)(x)), want, rtol=1e-5, atol=1e-6)
