"""ZeroPadding1D/2D/3D and Cropping1D/2D/3D: Keras and torch references, NumPy gradients, parity, traces, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy

# (dualnet class name, argument, input shape): every argument form Keras takes.
CASES: list[tuple[str, Any, tuple[int, ...]]] = [
    ("ZeroPadding1D", 2, (2, 5, 3)),
    ("ZeroPadding1D", (1, 3), (2, 5, 3)),
    ("ZeroPadding2D", 1, (2, 4, 5, 2)),
    ("ZeroPadding2D", (2, 1), (2, 4, 5, 2)),
    ("ZeroPadding2D", ((0, 2), (3, 1)), (2, 4, 5, 2)),
    ("ZeroPadding3D", (1, 0, 2), (1, 3, 4, 2, 2)),
    ("ZeroPadding3D", ((1, 0), (0, 2), (2, 1)), (1, 3, 4, 2, 2)),
    ("Cropping1D", 1, (2, 6, 3)),
    ("Cropping1D", (0, 2), (2, 6, 3)),
    ("Cropping2D", 1, (2, 5, 6, 2)),
    ("Cropping2D", (2, 1), (2, 5, 6, 2)),
    ("Cropping2D", ((0, 2), (3, 1)), (2, 5, 6, 2)),
    ("Cropping3D", (1, 0, 2), (1, 4, 3, 5, 2)),
    ("Cropping3D", ((1, 0), (0, 2), (2, 1)), (1, 4, 3, 5, 2)),
]
IDS = [f"{name}-{arg}" for name, arg, _ in CASES]


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _layer(name: str, arg: Any) -> Any:
    return getattr(dn.nn, name)(arg)


def _crop(x: np.ndarray, pairs: Any) -> np.ndarray:
    return x[(slice(None), *(slice(b, x.shape[i + 1] - a) for i, (b, a) in enumerate(pairs)), slice(None))]


def _numpy(layer: Any, x: np.ndarray) -> np.ndarray:
    if hasattr(layer, "padding"):
        return np.pad(x, [(0, 0), *layer.padding, (0, 0)])
    return _crop(x, layer.cropping)


def _numpy_grad(layer: Any, x: np.ndarray, cot: np.ndarray) -> np.ndarray:
    """The transpose of the layer (a linear map) applied to ``cot``."""
    if hasattr(layer, "padding"):
        return _crop(cot, layer.padding)
    grad = np.zeros_like(x)
    grad[(slice(None), *(slice(b, x.shape[i + 1] - a) for i, (b, a) in enumerate(layer.cropping)), slice(None))] = cot
    return grad


def _grad(layer: Any, x: np.ndarray, cot: np.ndarray) -> Any:
    def loss(t: Any) -> Any:
        return dn.ops.sum(layer(t) * dn.ops.convert_to_tensor(cot))

    return dn.value_and_grad(loss)(dn.ops.convert_to_tensor(x))[1]


@pytest.fixture(scope="module")
def keras_outputs() -> dict[str, np.ndarray]:
    import keras

    return {key: np.asarray(getattr(keras.layers, n)(a)(_x(*s))) for key, (n, a, s) in zip(IDS, CASES)}


@pytest.mark.parametrize(("name", "arg", "shape"), CASES, ids=IDS)
def test_matches_keras_and_numpy_with_numpy_gradients(
    keras_outputs: dict[str, np.ndarray], backend: str, name: str, arg: Any, shape: tuple[int, ...]
) -> None:
    layer, x = _layer(name, arg), _x(*shape)
    y = layer(x)
    expected = keras_outputs[f"{name}-{arg}"]
    assert_matches_numpy(y, expected, rtol=0, atol=0)
    np.testing.assert_array_equal(expected, _numpy(layer, x))
    cot = _x(*expected.shape) + 1
    np.testing.assert_allclose(dn.ops.to_numpy(_grad(layer, x, cot)), _numpy_grad(layer, x, cot), atol=1e-6)
    assert layer.parameters() == [] and layer.state_dict() == {}


@pytest.mark.parametrize(
    ("name", "arg", "torch_name", "torch_arg"),
    [
        ("ZeroPadding1D", (1, 3), "ZeroPad1d", (1, 3)),
        ("ZeroPadding2D", ((0, 2), (3, 1)), "ZeroPad2d", (3, 1, 0, 2)),
        ("ZeroPadding3D", ((1, 0), (0, 2), (2, 1)), "ZeroPad3d", (2, 1, 0, 2, 1, 0)),
    ],
)
def test_zero_padding_matches_torch_outputs_and_gradients(
    backend: str, name: str, arg: Any, torch_name: str, torch_arg: Any
) -> None:
    import torch

    rank = len(arg) if name != "ZeroPadding1D" else 1
    x = _x(2, *range(3, 3 + rank), 2)
    layer = _layer(name, arg)
    xt = torch.tensor(np.moveaxis(x, -1, 1), requires_grad=True)
    yt = getattr(torch.nn, torch_name)(torch_arg)(xt)
    cot = _x(*dn.ops.shape(layer(x)))
    (yt * torch.tensor(np.moveaxis(cot, -1, 1))).sum().backward()
    np.testing.assert_array_equal(dn.ops.to_numpy(layer(x)), np.moveaxis(yt.detach().numpy(), 1, -1))
    np.testing.assert_allclose(dn.ops.to_numpy(_grad(layer, x, cot)), np.moveaxis(xt.grad.numpy(), 1, -1), atol=1e-6)


@pytest.mark.parametrize(("name", "arg", "shape"), [CASES[1], CASES[4], CASES[6], CASES[8], CASES[11], CASES[13]])
def test_parity_across_backends(name: str, arg: Any, shape: tuple[int, ...]) -> None:
    runs = dn.testing.module_parity(lambda: _layer(name, arg), [_x(*shape)], training=True)
    assert runs[0].input_grads[0] is not None


def _traced_matches_eager(jit: bool) -> None:
    model = dn.nn.Sequential([dn.nn.ZeroPadding2D(((1, 0), (0, 2))), dn.nn.Cropping2D(((0, 1), (2, 1)))])
    x = _x(2, 4, 5, 3)
    traced = dn.function(lambda t: model(t), jit=jit)
    np.testing.assert_array_equal(dn.ops.to_numpy(traced(x)), dn.ops.to_numpy(model(x)))
    assert dn.ops.shape(traced(x)) == (2, 4, 4, 3)


def test_inside_dn_function(backend: str) -> None:
    _traced_matches_eager(jit=False)


def test_inside_xla_function() -> None:
    # torch's jit=True is torch.compile, which traces slicing and padding like any torch code, and is slow here.
    dn.set_backend("tensorflow")
    _traced_matches_eager(jit=True)


def test_integer_inputs_keep_their_dtype(backend: str) -> None:
    x = np.arange(2 * 4 * 3, dtype="int32").reshape(2, 4, 3)
    assert_matches_numpy(dn.nn.ZeroPadding1D(1)(x), np.pad(x, [(0, 0), (1, 1), (0, 0)]))
    assert_matches_numpy(dn.nn.Cropping1D(1)(x), x[:, 1:-1])


def test_keras_defaults(backend: str) -> None:
    assert dn.nn.ZeroPadding2D().padding == ((1, 1), (1, 1))
    assert dn.nn.Cropping1D().cropping == ((1, 1),)
    assert dn.nn.Cropping2D().cropping == ((0, 0), (0, 0))
    assert dn.nn.Cropping3D().cropping == ((1, 1),) * 3
    assert repr(dn.nn.ZeroPadding1D(2)) == "ZeroPadding1D(padding=((2, 2),))"


class _Net(dn.nn.Module):
    def __init__(self, layer: dn.nn.Module) -> None:
        super().__init__()
        self.edge = layer

    def forward(self, x: Any) -> Any:
        return self.edge(x)


@pytest.mark.parametrize(
    ("layer", "shape", "match"),
    [
        (
            dn.nn.ZeroPadding2D(),
            (2, 4, 4),
            r"layer 'edge' \(ZeroPadding2D\) expects inputs of rank 4 \(N, H, W, C\), got shape \(2, 4, 4\); "
            r"for single-channel data add the channel axis",
        ),
        (dn.nn.Cropping3D(), (2, 4, 4, 4), r"layer 'edge' \(Cropping3D\) expects inputs of rank 5"),
        (
            dn.nn.Cropping1D((2, 3)),
            (1, 5, 2),
            r"layer 'edge' \(Cropping1D\) crops 2 \+ 3 from axis 1 of inputs of shape \(1, 5, 2\), which leaves "
            r"nothing; crop less than 5",
        ),
    ],
)
def test_bad_inputs_name_the_layer_and_the_fix(backend: str, layer: Any, shape: tuple[int, ...], match: str) -> None:
    with pytest.raises(dn.ShapeError, match=match):
        _Net(layer)(_x(*shape))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: dn.nn.ZeroPadding1D(-1), r"ZeroPadding1D\(padding=-1\): padding must be an int >= 0 or a \(left, "),
        (lambda: dn.nn.ZeroPadding2D((1, 2, 3)), r"a tuple of 2 such ints, or a tuple of 2 \(before, after\) pairs"),
        (lambda: dn.nn.Cropping2D(((1, 2), 3)), r"Cropping2D\(cropping=\(\(1, 2\), 3\)\).*pass e\.g\. cropping=1"),
        (lambda: dn.nn.Cropping3D("1"), r"Cropping3D\(cropping='1'\)"),
    ],
)
def test_bad_arguments_at_construction(backend: str, make: Any, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        make()
