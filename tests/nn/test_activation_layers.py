"""PReLU, LeakyReLU, ELU, ReLU, Softmax layers: Keras 3 and torch.nn on the same weights, parity, save, errors."""

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


def _compare(ours: Any, theirs: Any, names: dict[str, str]) -> None:
    for a, b in zip(ours[:2], theirs[:2]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    for mine, other in names.items():
        np.testing.assert_allclose(ours[2][mine], theirs[2][other], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("shared_axes", [None, (1, 2)], ids=str)
def test_prelu_matches_keras(backend: str, shared_axes: Any) -> None:
    import keras

    x = _x(2, 3, 3, 2)
    cot = refs.cotangent(x.shape)
    layer = nn.PReLU(alpha_initializer="uniform", shared_axes=shared_axes)
    ours = refs.ours(layer, x, cot)
    alpha = layer.state_dict()["alpha"]
    assert alpha.shape == ((3, 3, 2) if shared_axes is None else (1, 1, 2))
    theirs = refs.keras(keras.layers.PReLU(shared_axes=shared_axes), x, cot, {"alpha": alpha})
    _compare(ours, theirs, {"alpha": "alpha"})


@pytest.mark.parametrize("num_parameters", [1, 2])
def test_prelu_num_parameters_matches_torch(backend: str, num_parameters: int) -> None:
    import torch

    x = _x(2, 3, 2)
    cot = refs.cotangent(x.shape)
    layer = nn.PReLU(num_parameters=num_parameters, alpha_initializer=dn.nn.initializers.Constant(0.25))
    assert layer.built
    ours = refs.ours(layer, x, cot)
    module = torch.nn.PReLU(num_parameters)  # init 0.25, on torch's channel axis 1
    theirs = refs.torch(module, x, cot, lambda a: a.transpose(0, 2, 1), lambda a: a.transpose(0, 2, 1))
    _compare(ours, theirs, {"alpha": "weight"})


_ELEMENTWISE = [
    (lambda: nn.LeakyReLU(), "LeakyReLU", {}, lambda th: th.nn.LeakyReLU(0.3)),
    (lambda: nn.LeakyReLU(0.01), "LeakyReLU", {"negative_slope": 0.01}, lambda th: th.nn.LeakyReLU()),
    (lambda: nn.ELU(0.7), "ELU", {"alpha": 0.7}, lambda th: th.nn.ELU(0.7)),
    (lambda: nn.ReLU(), "ReLU", {}, lambda th: th.nn.ReLU()),
    (lambda: nn.ReLU(max_value=6.0), "ReLU", {"max_value": 6.0}, lambda th: th.nn.ReLU6()),
    (lambda: nn.ReLU(0.8, 0.1, 0.3), "ReLU", {"max_value": 0.8, "negative_slope": 0.1, "threshold": 0.3}, None),
    (lambda: nn.ReLU(negative_slope=0.2, threshold=0.4), "ReLU", {"negative_slope": 0.2, "threshold": 0.4}, None),
    (lambda: nn.Softmax(), "Softmax", {}, lambda th: th.nn.Softmax(-1)),
    (lambda: nn.Softmax(axis=(1, 2)), "Softmax", {"axis": (1, 2)}, None),
]


@pytest.mark.parametrize(("make", "keras_name", "keras_kwargs", "torch_make"), _ELEMENTWISE)
def test_elementwise_layers_match_keras_and_torch(
    backend: str, make: Any, keras_name: str, keras_kwargs: dict[str, Any], torch_make: Any
) -> None:
    import keras
    import torch

    x = _x(2, 3, 4) * 3  # past the thresholds and max values
    cot = refs.cotangent(x.shape)
    ours = refs.ours(make(), x, cot)
    _compare(ours, refs.keras(getattr(keras.layers, keras_name)(**keras_kwargs), x, cot, {}), {})
    if torch_make is not None:
        _compare(ours, refs.torch(torch_make(torch), x, cot), {})


@pytest.mark.parametrize("mask_shape", [(2, 3, 4), (2, 1, 4)], ids=str)
def test_softmax_mask_matches_keras(backend: str, mask_shape: tuple[int, ...]) -> None:
    import keras

    x = _x(2, 3, 4)
    mask = np.random.default_rng(1).random(mask_shape) > 0.4
    mask[0, 0] = False  # a fully masked row gives zeros
    cot = refs.cotangent(x.shape)
    ours = refs.ours(nn.Softmax(), x, cot, mask=mask)
    _compare(ours, refs.keras(keras.layers.Softmax(), x, cot, {}, mask=mask), {})
    np.testing.assert_array_equal(ours[0][0, 0], 0.0)
    float_mask = refs.ours(nn.Softmax(), x, cot, mask=mask.astype("float32"))
    np.testing.assert_array_equal(float_mask[0], ours[0])


_PARITY = [
    (lambda: nn.PReLU(alpha_initializer="uniform"), (2, 3, 4)),
    (lambda: nn.PReLU(alpha_initializer="uniform", shared_axes=1), (2, 3, 4)),
    (lambda: nn.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2), (2, 5)),
    (lambda: nn.Softmax(axis=(1, 2)), (2, 3, 2)),
]


@pytest.mark.parametrize(("factory", "shape"), _PARITY)
@pytest.mark.parametrize("training", [False, True])
def test_parity_across_backends(factory: Any, shape: tuple[int, ...], training: bool) -> None:
    dn.testing.module_parity(factory, [_x(*shape)], training=training, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    x = _x(2, 3, 4)
    dn.set_backend(source)
    dn.seed(0)
    model = nn.Sequential([nn.PReLU(alpha_initializer="uniform", shared_axes=1), nn.ReLU(2.0, 0.1), nn.Softmax()])
    got = dn.ops.to_numpy(model(x))
    path = dn.save(model, tmp_path / "m.safetensors")
    dn.set_backend(target)
    np.testing.assert_allclose(dn.ops.to_numpy(dn.load(path)(x)), got, rtol=1e-6, atol=1e-6)


class _Net(dn.nn.Module):
    def __init__(self, layer: dn.nn.Module) -> None:
        super().__init__()
        self.act = layer

    def forward(self, x: Any, *rest: Any) -> Any:
        return self.act(x, *rest)


def test_prelu_bad_inputs_name_the_layer_and_the_fix(backend: str) -> None:
    net = _Net(nn.PReLU())
    net(_x(2, 3, 4))
    with pytest.raises(dn.ShapeError, match=r"layer 'act' \(PReLU\) was built for inputs of shape \(batch, 3, 4\)"):
        net(_x(2, 3, 5))
    with pytest.raises(dn.ShapeError, match=r"PReLU\) has num_parameters=3 alphas for the last \(channel\) axis"):
        _Net(nn.PReLU(num_parameters=3))(_x(2, 4))
    with pytest.raises(dn.ShapeError, match=r"Softmax\) takes a mask broadcasting against its input, got mask"):
        _Net(nn.Softmax())(_x(2, 4), np.ones((2, 3), bool))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: nn.PReLU(shared_axes=0), r"PReLU\(shared_axes=0\): axis 0 is the batch axis"),
        (lambda: nn.PReLU(shared_axes="1"), r"PReLU\(shared_axes='1'\): shared_axes must be None, an int or a tuple"),
        (lambda: nn.PReLU(num_parameters=0), r"PReLU\(num_parameters=0\)"),
        (lambda: nn.PReLU(shared_axes=1, num_parameters=2), r"give one of them"),
        (lambda: nn.PReLU(alpha_initializer="nope"), r"unknown initializer 'nope'"),
        (lambda: nn.LeakyReLU(-0.1), r"LeakyReLU\(negative_slope=-0.1\)"),
        (lambda: nn.ELU("1"), r"ELU\(alpha='1'\)"),
        (lambda: nn.ReLU(max_value=-1.0), r"ReLU\(max_value=-1.0\)"),
        (lambda: nn.ReLU(threshold=-0.4), r"ReLU\(threshold=-0.4\)"),
        (lambda: nn.Softmax(axis=1.0), r"Softmax\(axis=1.0\): axis must be an int or a tuple of ints"),
    ],
)
def test_bad_arguments_at_construction(backend: str, make: Any, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        make()


def _traced_matches_eager(jit: bool) -> None:
    prelu = nn.PReLU(alpha_initializer="uniform", shared_axes=1)
    relu, softmax = nn.ReLU(1.0, 0.1, 0.2), nn.Softmax()
    x, mask = _x(2, 3, 4), np.random.default_rng(2).random((2, 1, 4)) > 0.3
    eager = dn.ops.to_numpy(softmax(relu(prelu(x)), mask))
    traced = dn.function(lambda t, m: softmax(relu(prelu(t)), m), jit=jit)
    np.testing.assert_allclose(dn.ops.to_numpy(traced(x, mask)), eager, rtol=1e-6, atol=1e-6)


def test_traced_calls_match_eager(backend: str) -> None:
    _traced_matches_eager(jit=False)


def test_xla_calls_match_eager() -> None:
    # jit=True on torch is torch.compile (~30 s here) of plain torch code; TensorFlow's XLA has rules of its own.
    dn.set_backend("tensorflow")
    _traced_matches_eager(jit=True)
