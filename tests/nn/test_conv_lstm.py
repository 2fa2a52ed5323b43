"""ConvLSTM1D/2D/3D: Keras 3 on the same weights, parity across backends, save and load, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import nn
from tests.nn import layer_references as refs


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


_CASES = [
    ("1D-same", 1, {"filters": 3, "kernel_size": 3, "padding": "same"}, (2, 3, 6, 2)),
    ("1D-backwards", 1, {"filters": 2, "kernel_size": 2, "go_backwards": True, "return_sequences": True}, (2, 4, 5, 3)),
    ("2D-strided", 2, {"filters": 2, "kernel_size": (3, 2), "strides": 2, "return_sequences": True}, (2, 3, 5, 5, 2)),
    # TensorFlow's CPU Conv3D has no dilation, so the 3-D case has none.
    ("3D-same", 3, {"filters": 2, "kernel_size": 2, "padding": "same"}, (1, 2, 4, 4, 3, 2)),
]


@pytest.mark.parametrize(("rank", "kwargs", "shape"), [c[1:] for c in _CASES], ids=[c[0] for c in _CASES])
def test_matches_keras(backend: str, rank: int, kwargs: dict[str, Any], shape: tuple[int, ...]) -> None:
    import keras

    x = _x(*shape)
    layer = getattr(nn, f"ConvLSTM{rank}D")(**kwargs, bias_initializer="uniform")
    cot = refs.cotangent(tuple(dn.ops.shape(layer(x))))
    ours = refs.ours(layer, x, cot)
    state = layer.state_dict()
    theirs = refs.keras(getattr(keras.layers, f"ConvLSTM{rank}D")(**kwargs), x, cot, state)
    _close(ours[0], theirs[0])
    _close(ours[1], theirs[1])
    for name in state:
        _close(ours[2][name], theirs[2][name])


def test_dilated_matches_keras(backend: str) -> None:
    # Outputs only: TensorFlow's CPU kernels have no gradient for a dilated convolution (dn.nn.Conv1D neither).
    import keras

    x = _x(2, 3, 7, 2)
    layer = nn.ConvLSTM1D(2, 3, dilation_rate=2, padding="same", return_sequences=True, bias_initializer="uniform")
    y = dn.ops.to_numpy(layer(x))
    theirs = keras.layers.ConvLSTM1D(2, 3, dilation_rate=2, padding="same", return_sequences=True)
    theirs.build(x.shape)
    for variable in theirs.weights:
        variable.assign(layer.state_dict()[variable.path.split("/")[-1]])
    _close(y, theirs(x).numpy())


def test_states_match_keras(backend: str) -> None:
    import keras

    x = _x(2, 3, 4, 4, 2)
    layer = nn.ConvLSTM2D(3, 2, padding="same", return_sequences=True, return_state=True)
    out, h, c = (dn.ops.to_numpy(t) for t in layer(x))
    theirs = keras.layers.ConvLSTM2D(3, 2, padding="same", return_sequences=True, return_state=True)
    theirs.build(x.shape)
    for variable in theirs.weights:
        variable.assign(layer.state_dict()[variable.path.split("/")[-1]])
    for mine, other in zip((out, h, c), theirs(x)):
        _close(mine, other.numpy())
    np.testing.assert_array_equal(h, out[:, -1])


def test_keras_weight_layouts_and_the_forget_bias(backend: str) -> None:
    layer = nn.ConvLSTM3D(4, (1, 2, 3), in_channels=5)
    state = layer.state_dict()
    assert {k: v.shape for k, v in state.items()} == {
        "kernel": (1, 2, 3, 5, 16),
        "recurrent_kernel": (1, 2, 3, 4, 16),
        "bias": (16,),
    }
    np.testing.assert_array_equal(state["bias"], np.repeat([0.0, 1.0, 0.0, 0.0], 4).astype("float32"))
    assert [n for n, _ in nn.ConvLSTM1D(2, 3, use_bias=False, in_channels=2).named_parameters()] == [
        "kernel",
        "recurrent_kernel",
    ]


class _WithState(nn.Module):
    """Takes the initial states as inputs, so their gradients are compared too."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.ConvLSTM1D(3, 3, padding="same", return_sequences=True, return_state=True)

    def forward(self, x: Any, h: Any, c: Any) -> Any:
        return self.rnn(x, initial_state=[h, c])


def test_parity() -> None:
    dn.testing.module_parity(
        lambda: nn.ConvLSTM2D(2, 2, strides=(1, 2), return_sequences=True), [_x(2, 3, 4, 5, 2)], training=True
    )
    dn.testing.module_parity(_WithState, [_x(2, 3, 5, 2), _x(2, 5, 3), _x(2, 5, 3) * 0.5], training=True)


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    x = _x(2, 3, 4, 4, 2)
    dn.set_backend(source)
    dn.seed(0)
    model = nn.Sequential([nn.ConvLSTM2D(2, 3, padding="same", go_backwards=True), nn.Flatten(), nn.Dense(2)])
    y = dn.ops.to_numpy(model(x))
    path = dn.save(model, tmp_path / "convlstm.safetensors")
    dn.set_backend(target)
    _close(dn.ops.to_numpy(dn.load(path)(x)), y)


# --- errors --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "match"),
    [
        ((2, 4, 4, 2), r"expects inputs of rank 5 \(N, T, H, W, C\), got shape \(2, 4, 4, 2\); add a time axis"),
        ((2, 3, 2, 2, 2), r"expects spatial sizes of at least \(3, 3\) with padding='valid'.*use padding='same'"),
        ((2, 0, 4, 4, 2), r"got sequences of length 0"),
    ],
)
def test_bad_inputs_name_the_layer_and_the_fix(backend: str, shape: tuple[int, ...], match: str) -> None:
    model = nn.Sequential([nn.ConvLSTM2D(2, 3)])
    with pytest.raises(dn.ShapeError, match=r"layer '0' \(ConvLSTM2D\) " + match):
        model(_x(*shape))


def test_changed_channels_and_bad_states(backend: str) -> None:
    layer = nn.ConvLSTM1D(2, 3)
    layer(_x(2, 3, 6, 2))
    with pytest.raises(dn.ShapeError, match=r"expects inputs with 2 channels \(last axis\), got shape \(2, 3, 6, 3\)"):
        layer(_x(2, 3, 6, 3))
    with pytest.raises(dn.ShapeError, match=r"initial state h of shape \(N, \*output_spatial, filters\) = \(2, 4, 2\)"):
        layer(_x(2, 3, 6, 2), initial_state=[_x(2, 6, 2), _x(2, 4, 2)])
    with pytest.raises(dn.ArgumentError, match=r"expects initial_state as \[h, c\]"):
        layer(_x(2, 3, 6, 2), initial_state=[_x(2, 4, 2)])
    with pytest.raises(dn.DTypeError, match=r"expects floating-point inputs, got int64"):
        layer(np.ones((2, 3, 6, 2), "int64"))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"filters": 0}, r"ConvLSTM2D\(filters=0\): filters must be"),
        ({"strides": 2, "dilation_rate": 2}, r"strides above 1 cannot be combined with dilation_rate above 1"),
        ({"padding": "causal"}, r"padding='causal'"),
        ({"recurrent_activation": "nope"}, r"ConvLSTM2D\(recurrent_activation='nope'\)"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        nn.ConvLSTM2D(**{"filters": 2, "kernel_size": 3, **kwargs})
