"""SimpleRNN, the cells, RNN and StackedRNNCells against Keras 3 and torch.nn on the same weights: values, gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import nn
from tests.nn import layer_references as refs

N, T, F, U = 2, 4, 3, 5


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape or (N, T, F)).astype("float32")


def _close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def _compare(ours: Any, theirs: Any, names: dict[str, str]) -> None:
    _close(ours[0], theirs[0])
    _close(ours[1], theirs[1])
    for mine, other in names.items():
        _close(ours[2][mine], theirs[2][other])


def _last(state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k.split(".")[-1]: v for k, v in state.items()}


class _TorchLoop:
    """A torch.nn cell run over axis 1 of a batch-first sequence; outputs (N, T, U)."""

    def __init__(self, cell: Any, backwards: bool = False) -> None:
        self.cell, self.backwards = cell, backwards

    def named_parameters(self) -> Any:
        return self.cell.named_parameters()

    def __call__(self, x: Any) -> Any:
        import torch

        steps = list(torch.unbind(x, 1))
        state: Any = None
        outs = []
        for x_t in reversed(steps) if self.backwards else steps:
            state = self.cell(x_t, state)
            outs.append(state[0] if isinstance(state, tuple) else state)
        return torch.stack(outs, 1)


def _torch_gates(w: dict[str, np.ndarray], order: list[int], gates: int) -> dict[str, np.ndarray]:
    """Keras (in, gates*U) kernels as torch's (gates*U, in) weights, gate blocks reordered by ``order``."""

    def re(a: np.ndarray) -> np.ndarray:
        return np.concatenate([np.split(a, gates, axis=-1)[i] for i in order], axis=-1)

    bias = w["bias"]
    b_ih, b_hh = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
    return {
        "weight_ih": re(w["kernel"]).T,
        "weight_hh": re(w["recurrent_kernel"]).T,
        "bias_ih": re(b_ih),
        "bias_hh": re(b_hh),
    }


def _load_torch(module: Any, values: dict[str, np.ndarray], suffix: str = "") -> None:
    import torch

    with torch.no_grad():
        for name, value in values.items():
            getattr(module, name + suffix).copy_(torch.tensor(np.ascontiguousarray(value)))


@pytest.mark.parametrize("go_backwards", [False, True])
def test_simple_rnn_matches_keras_and_torch(backend: str, go_backwards: bool) -> None:
    import keras
    import torch

    x, cot = _x(), refs.cotangent((N, T, U))
    layer = nn.SimpleRNN(U, return_sequences=True, go_backwards=go_backwards, bias_initializer="uniform")
    ours = refs.ours(layer, x, cot)
    w = layer.state_dict()
    theirs = refs.keras(keras.layers.SimpleRNN(U, return_sequences=True, go_backwards=go_backwards), x, cot, w)
    _compare(ours, theirs, {k: k for k in w})
    module = torch.nn.RNN(F, U, nonlinearity="tanh", batch_first=True)
    _load_torch(module, _torch_gates(w, [0], 1), "_l0")
    flip = (lambda a: a[:, ::-1]) if go_backwards else (lambda a: a)

    class Outputs(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = module

        def forward(self, t: Any) -> Any:
            return self.rnn(t)[0]

    y, dx, grads = refs.torch(Outputs(), np.ascontiguousarray(flip(x)), cot)  # torch runs the reversed input
    _close(ours[0], y)  # outputs in processing order, as Keras's go_backwards returns them
    _close(ours[1], flip(dx))
    _close(ours[2]["kernel"], grads["rnn.weight_ih_l0"].T)
    _close(ours[2]["recurrent_kernel"], grads["rnn.weight_hh_l0"].T)
    _close(ours[2]["bias"], grads["rnn.bias_ih_l0"])


# Keras gates LSTM i, f, c, o = torch i, f, g, o; GRU z, r, h -> torch r, z, n.
CELLS = {"lstm": ("LSTMCell", [0, 1, 2, 3], 4), "gru": ("GRUCell", [1, 0, 2], 3)}


@pytest.mark.parametrize("kind", sorted(CELLS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_cell_in_rnn_matches_keras_and_torch_cells(backend: str, kind: str, go_backwards: bool) -> None:
    import keras
    import torch

    name, order, gates = CELLS[kind]
    x, cot = _x(), refs.cotangent((N, T, U))
    layer = nn.RNN(getattr(nn, name)(U, bias_initializer="uniform"), return_sequences=True, go_backwards=go_backwards)
    ours = refs.ours(layer, x, cot)
    w = _last(layer.state_dict())
    k_layer = keras.layers.RNN(getattr(keras.layers, name)(U), return_sequences=True, go_backwards=go_backwards)
    _compare(ours, refs.keras(k_layer, x, cot, w), {f"cell.{k}": k for k in w})
    module = getattr(torch.nn, name)(F, U)
    _load_torch(module, _torch_gates(w, order, gates))
    y, dx, grads = refs.torch(_TorchLoop(module, go_backwards), x, cot)  # type: ignore[arg-type]
    _close(ours[0], y)
    _close(ours[1], dx)
    back = _torch_gates(
        {"kernel": grads["weight_ih"].T, "recurrent_kernel": grads["weight_hh"].T, "bias": 0 * w["bias"]},
        np.argsort(order).tolist(),
        gates,
    )
    _close(ours[2]["cell.kernel"], back["weight_ih"].T)
    _close(ours[2]["cell.recurrent_kernel"], back["weight_hh"].T)
    ih = np.concatenate([np.split(grads["bias_ih"], gates)[i] for i in np.argsort(order)])
    _close(ours[2]["cell.bias"][0] if kind == "gru" else ours[2]["cell.bias"], ih)


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        ("LSTM", {"unroll": True}),
        ("LSTM", {"go_backwards": True}),
        ("LSTM", {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
        ("GRU", {"go_backwards": True, "unroll": True}),
        ("GRU", {"reset_after": False, "activation": "relu"}),
    ],
    ids=str,
)
def test_layer_options_match_keras(backend: str, cls: str, kwargs: dict[str, Any]) -> None:
    import keras

    x, cot = _x(), refs.cotangent((N, T, U))
    layer = getattr(nn, cls)(U, return_sequences=True, bias_initializer="uniform", **kwargs)
    ours = refs.ours(layer, x, cot)
    w = layer.state_dict()
    theirs = refs.keras(getattr(keras.layers, cls)(U, return_sequences=True, **kwargs), x, cot, w)
    _compare(ours, theirs, {k: k for k in w})


def test_generic_path_equals_fused_path_with_mask_and_state(backend: str) -> None:
    mask = np.array([[True, False, True, True], [True, True, True, False]])
    h0, c0 = _x(N, U), _x(N, U) * 0.5
    fused = nn.LSTM(U, return_sequences=True, return_state=True, go_backwards=True)
    unrolled = nn.LSTM(U, return_sequences=True, return_state=True, go_backwards=True, unroll=True)
    a = fused(_x(), mask=mask, initial_state=[h0, c0])
    unrolled(_x())
    unrolled.load_state_dict(fused.state_dict())
    b = unrolled(_x(), mask=mask, initial_state=[h0, c0])
    for got, want in zip(b, a):
        _close(dn.ops.to_numpy(got), dn.ops.to_numpy(want))


def test_stacked_cells_match_keras(backend: str) -> None:
    import keras

    x, cot = _x(), refs.cotangent((N, U))
    layer = nn.RNN([nn.LSTMCell(4), nn.GRUCell(U)])
    ours = refs.ours(layer, x, cot)
    state = layer.state_dict()
    k_layer = keras.layers.RNN(keras.layers.StackedRNNCells([keras.layers.LSTMCell(4), keras.layers.GRUCell(U)]))
    k_layer.build(x.shape)
    k_vars = k_layer.weights
    assert len(k_vars) == len(state)
    for var, value in zip(k_vars, state.values()):  # same order: cell by cell, kernel, recurrent_kernel, bias
        var.assign(value)
    import tensorflow as tf

    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        loss = tf.reduce_sum(k_layer(t) * cot)
    dx, *dw = tape.gradient(loss, [t, *[v.value for v in k_layer.trainable_weights]])
    _close(ours[0], k_layer(t).numpy())
    _close(ours[1], dx.numpy())
    for name, grad in zip(state, dw):
        _close(ours[2][name], grad.numpy())
    assert nn.StackedRNNCells([nn.LSTMCell(4), nn.GRUCell(U)]).state_size == [4, 4, U]


def test_return_state_is_flat_and_final(backend: str) -> None:
    out, h1, c1, h2 = nn.RNN([nn.LSTMCell(4), nn.GRUCell(U)], return_sequences=True, return_state=True)(_x())
    assert [dn.ops.shape(t) for t in (out, h1, c1, h2)] == [(N, T, U), (N, 4), (N, 4), (N, U)]
    _close(dn.ops.to_numpy(out)[:, -1], dn.ops.to_numpy(h2))
