"""Bidirectional: Keras 3 and torch.nn on the same weights, parity across backends, save and load, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import nn
from tests.nn import layer_references as refs

N, T, F, U = 2, 5, 3, 4
MASK = np.array([[True, True, True, True, False], [True, True, False, False, False]])  # right-padded


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def _flat(out: Any) -> list[Any]:
    return list(out) if isinstance(out, tuple | list) else [out]


def _ours(layer: nn.Module, x: np.ndarray, cots: list[np.ndarray], **kwargs: Any) -> tuple[list[Any], Any, list[Any]]:
    """Outputs, dL/dx and dL/dweights (in parameter order) for ``L = sum_i sum(out_i * cot_i)``."""
    layer(x, **kwargs)

    def loss(module: nn.Module, t: Any) -> Any:
        outs = _flat(module(t, **kwargs))
        return sum(dn.ops.sum(dn.ops.multiply(o, c)) for o, c in zip(outs, cots))

    _, (dparams, dx) = dn.value_and_grad(loss, wrt=(0, 1))(layer, dn.ops.convert_to_tensor(x))
    outs = [dn.ops.to_numpy(o) for o in _flat(layer(x, **kwargs))]
    return outs, dn.ops.to_numpy(dx), [dn.ops.to_numpy(g) for g in dparams]


def _keras(layer: Any, x: np.ndarray, cots: list[np.ndarray], weights: list[np.ndarray], **kwargs: Any) -> Any:
    """The same for a Keras 3 layer (on TensorFlow), its weights assigned in order (forward, then backward)."""
    import tensorflow as tf

    layer.build(x.shape)
    assert len(layer.weights) == len(weights)
    for variable, value in zip(layer.weights, weights):
        variable.assign(value)
    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        outs = _flat(layer(t, **kwargs))
        loss = tf.add_n([tf.reduce_sum(o * c) for o, c in zip(outs, cots)])
    dx, *dw = tape.gradient(loss, [t, *[v.value for v in layer.trainable_weights]])
    return [o.numpy() for o in outs], dx.numpy(), [g.numpy() for g in dw]


def _compare(ours: Any, theirs: Any) -> None:
    assert len(ours[0]) == len(theirs[0])
    for mine, other in zip(ours[0], theirs[0]):
        _close(mine, other)
    _close(ours[1], theirs[1])
    assert len(ours[2]) == len(theirs[2])
    for mine, other in zip(ours[2], theirs[2]):
        _close(mine, other)


def _cotangents(out: Any) -> list[np.ndarray]:
    return [refs.cotangent(tuple(dn.ops.shape(o))) + i for i, o in enumerate(_flat(out))]


# --- references ---------------------------------------------------------------------------------------


# Every merge mode on LSTM; GRU shares the merging code, so two modes (one per output form) cover it.
_MERGES = [("LSTM", m) for m in ("concat", "sum", "mul", "ave", None)] + [("GRU", "mul"), ("GRU", None)]


@pytest.mark.parametrize(("cell", "merge_mode"), _MERGES, ids=[f"{c}-{m}" for c, m in _MERGES])
def test_matches_keras_for_every_merge_mode(backend: str, cell: str, merge_mode: str | None) -> None:
    import keras

    x = _x(N, T, F)
    layer = nn.Bidirectional(getattr(nn, cell)(U, return_sequences=True), merge_mode=merge_mode)
    cots = _cotangents(layer(x))
    ours = _ours(layer, x, cots)
    weights = [dn.ops.to_numpy(p) for p in layer.parameters()]
    theirs = keras.layers.Bidirectional(getattr(keras.layers, cell)(U, return_sequences=True), merge_mode=merge_mode)
    _compare(ours, _keras(theirs, x, cots, weights))


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_states_and_mask_match_keras(backend: str, cell: str) -> None:
    import keras

    x = _x(N, T, F)
    layer = nn.Bidirectional(getattr(nn, cell)(U, return_state=True), merge_mode="concat")
    out = layer(x, mask=MASK)
    assert len(out) == (5 if cell == "LSTM" else 3)  # merged, forward states, backward states
    cots = _cotangents(out)
    ours = _ours(layer, x, cots, mask=MASK)
    weights = [dn.ops.to_numpy(p) for p in layer.parameters()]
    theirs = keras.layers.Bidirectional(getattr(keras.layers, cell)(U, return_state=True))
    _compare(ours, _keras(theirs, x, cots, weights, mask=MASK))


def test_concat_matches_torch_bidirectional_lstm(backend: str) -> None:
    import torch

    x = _x(N, T, F)
    layer = nn.Bidirectional(nn.LSTM(U, return_sequences=True, bias_initializer="uniform"))
    cot = refs.cotangent((N, T, 2 * U))
    ours = _ours(layer, x, [cot])
    state = layer.state_dict()
    module = torch.nn.LSTM(F, U, batch_first=True, bidirectional=True)
    with torch.no_grad():  # Keras gates i, f, c, o are torch's i, f, g, o; torch's second bias is left at zero
        for suffix, side in (("", "forward_layer"), ("_reverse", "backward_layer")):
            getattr(module, f"weight_ih_l0{suffix}").copy_(torch.tensor(state[f"{side}.kernel"].T))
            getattr(module, f"weight_hh_l0{suffix}").copy_(torch.tensor(state[f"{side}.recurrent_kernel"].T))
            getattr(module, f"bias_ih_l0{suffix}").copy_(torch.tensor(state[f"{side}.bias"]))
            getattr(module, f"bias_hh_l0{suffix}").zero_()
    t = torch.tensor(x, requires_grad=True)
    y = module(t)[0]
    (y * torch.tensor(cot)).sum().backward()
    _close(ours[0][0], y.detach().numpy())
    _close(ours[1], t.grad.numpy())
    grads = dict(module.named_parameters())
    for i, side in enumerate(("", "_reverse")):
        _close(ours[2][3 * i], grads[f"weight_ih_l0{side}"].grad.numpy().T)
        _close(ours[2][3 * i + 1], grads[f"weight_hh_l0{side}"].grad.numpy().T)
        _close(ours[2][3 * i + 2], grads[f"bias_ih_l0{side}"].grad.numpy())


def test_a_masked_right_padded_batch_runs_backwards_from_the_last_real_step(backend: str) -> None:
    # What torch.nn.LSTM(bidirectional=True) does with packed sequences: the padding never reaches a state.
    layer = nn.Bidirectional(nn.GRU(U, return_sequences=True), merge_mode=None)
    x = _x(N, T, F)
    _, backward = (dn.ops.to_numpy(o) for o in layer(x, mask=MASK))
    for row, length in enumerate(MASK.sum(1)):
        alone = nn.GRU(U, return_sequences=True)
        alone(x[row : row + 1, :length])
        alone.load_state_dict({k.split(".", 1)[1]: v for k, v in layer.state_dict().items() if k[0] == "b"})
        expected = dn.ops.to_numpy(alone(x[row : row + 1, :length][:, ::-1].copy()))[0, ::-1]
        _close(backward[row, :length], expected)
        np.testing.assert_array_equal(backward[row, length:], 0.0)


def test_any_layer_of_the_contract_convlstm_matches_keras(backend: str) -> None:
    import keras

    x = _x(N, T, 6, 2)
    layer = nn.Bidirectional(nn.ConvLSTM1D(2, 3, padding="same", return_sequences=True), merge_mode="sum")
    cots = _cotangents(layer(x))
    weights = [dn.ops.to_numpy(p) for p in layer.parameters()]
    theirs = keras.layers.Bidirectional(keras.layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True), "sum")
    _compare(_ours(layer, x, cots), _keras(theirs, x, cots, weights))
    # A backward layer that reverses its input itself (go_backwards=True, as Keras makes it) gives the same.
    own = nn.Bidirectional(
        nn.ConvLSTM1D(2, 3, padding="same", return_sequences=True),
        merge_mode="sum",
        backward_layer=nn.ConvLSTM1D(2, 3, padding="same", return_sequences=True, go_backwards=True),
    )
    own(x)
    own.load_state_dict(layer.state_dict())
    _close(dn.ops.to_numpy(own(x)), dn.ops.to_numpy(layer(x)))


# --- construction, parity, files ----------------------------------------------------------------------


def test_the_backward_layer_is_a_fresh_copy_and_weights_have_paths(backend: str) -> None:
    layer = nn.Bidirectional(nn.LSTM(U, in_features=F))
    state = layer.state_dict()
    assert list(state) == [
        f"{side}.{w}" for side in ("forward_layer", "backward_layer") for w in ("kernel", "recurrent_kernel", "bias")
    ]
    assert not np.array_equal(state["forward_layer.kernel"], state["backward_layer.kernel"])
    assert repr(layer).startswith("Bidirectional(merge_mode='concat'\n  (forward_layer): LSTM(units=4")


@pytest.mark.parametrize("merge_mode", ["concat", None], ids=str)
def test_parity_with_states_and_mask(merge_mode: str | None) -> None:
    dn.testing.module_parity(
        lambda: nn.Bidirectional(nn.LSTM(U, return_sequences=True, return_state=True), merge_mode=merge_mode),
        [_x(N, T, F)],
        training=True,
        call_kwargs={"mask": MASK},
    )


def test_parity_gru_with_a_given_backward_layer() -> None:
    dn.testing.module_parity(
        lambda: nn.Bidirectional(nn.GRU(U), merge_mode="ave", backward_layer=nn.GRU(U, reset_after=False)),
        [_x(N, T, F)],
        training=True,
    )


def test_initial_state_is_split_between_the_directions(backend: str) -> None:
    layer = nn.Bidirectional(nn.GRU(U, return_state=True))
    states = [_x(N, U), _x(N, U) * 2]
    _, h_f, h_b = layer(_x(N, T, F), initial_state=states)
    forward = layer.forward_layer(_x(N, T, F), initial_state=states[0])
    _close(dn.ops.to_numpy(h_f), dn.ops.to_numpy(forward[1]))
    backward = layer.backward_layer(_x(N, T, F)[:, ::-1].copy(), initial_state=states[1])
    _close(dn.ops.to_numpy(h_b), dn.ops.to_numpy(backward[1]))


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    x = _x(N, T, F)
    dn.set_backend(source)
    dn.seed(0)
    model = nn.Sequential([nn.Bidirectional(nn.LSTM(U), merge_mode="sum"), nn.Dense(2)])
    y = dn.ops.to_numpy(model(x))
    path = dn.save(model, tmp_path / "bi.safetensors")
    state = model.state_dict()
    dn.set_backend(target)
    loaded = dn.load(path)
    assert list(loaded.state_dict()) == list(state)
    _close(dn.ops.to_numpy(loaded(x)), y)


# --- errors --------------------------------------------------------------------------------------------


def test_input_without_a_time_axis_names_the_layer_and_the_fix(backend: str) -> None:
    model = nn.Sequential([nn.Bidirectional(nn.LSTM(U))])
    with pytest.raises(
        dn.ShapeError,
        match=r"layer '0' \(Bidirectional\) expects sequences \(N, T, F\) with a time axis, got shape \(2, 3\); "
        r"add a time axis with dn.ops.expand_dims\(x, 1\)",
    ):
        model(_x(N, F))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"layer": "lstm"}, r"Bidirectional\(layer='lstm'\): layer must be a dn.nn.Module"),
        ({"merge_mode": "max"}, r"merge_mode='max'\): merge_mode must be one of 'concat'"),
        ({"backward_layer": nn.LSTM(U, return_sequences=True)}, r"differ in return_sequences \(False and True\)"),
        ({"backward_layer": 3}, r"backward_layer must be a dn.nn.Module or None"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        nn.Bidirectional(**{"layer": nn.LSTM(U), **kwargs})


def test_an_odd_number_of_initial_states_is_refused(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"expects initial_state as the forward states then the backward"):
        nn.Bidirectional(nn.GRU(U))(_x(N, T, F), initial_state=[_x(N, U)])
