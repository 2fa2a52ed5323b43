"""Sequential and Residual: chaining, PyTorch-style names, indexing, skip connections, parity, errors."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.activation import Activation
from dualnet.nn.containers import Residual, Sequential
from dualnet.nn.dropout import Dropout
from dualnet.nn.normalization import BatchNorm
from tests.helpers import assert_matches_numpy


def _x(shape: tuple[int, ...] = (4, 3)) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _mlp() -> Sequential:
    return Sequential([dn.nn.Dense(5), Activation("relu"), dn.nn.Dense(2)])


# ---------------------------------------------------------------- Sequential


def test_forward_chains_the_layers_and_names_them_like_pytorch(backend: str) -> None:
    model = _mlp()
    x = _x()
    y = model(x)
    state = model.state_dict()
    assert list(state) == ["0.kernel", "0.bias", "2.kernel", "2.bias"]
    hidden = np.maximum(x @ state["0.kernel"] + state["0.bias"], 0)
    assert_matches_numpy(y, hidden @ state["2.kernel"] + state["2.bias"], rtol=1e-5, atol=1e-6)


def test_nested_paths(backend: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = _mlp()
            self.head = dn.nn.Dense(1)

        def forward(self, x):  # type: ignore[no-untyped-def]
            return self.head(self.encoder(x))

    net = Net()
    net(_x())
    assert [n for n, _ in net.named_parameters()][:2] == ["encoder.0.kernel", "encoder.0.bias"]
    with pytest.raises(dn.ShapeError, match=r"layer 'encoder.0' \(Dense\) expects inputs with last dimension 3"):
        net(_x((4, 7)))


def test_indexing_len_iter_and_slices_share_layers(backend: str) -> None:
    model = _mlp()
    x = _x()
    model(x)
    assert len(model) == 3 and list(model) == [model[0], model[1], model[2]]
    assert model[-1] is model[2] and isinstance(model[1], Activation)
    tail = model[1:]
    assert isinstance(tail, Sequential) and len(tail) == 2 and tail[1] is model[2]
    assert [n for n, _ in tail.named_parameters()] == ["1.kernel", "1.bias"]
    assert tail.parameters()[0] is model.parameters()[2]  # the same variables, not copies
    h = model[0](x)
    np.testing.assert_allclose(dn.ops.to_numpy(tail(h)), dn.ops.to_numpy(model(x)), rtol=1e-6)
    with pytest.raises(IndexError, match=r"Sequential: index 3 is out of range for 3 layers"):
        model[3]
    with pytest.raises(dn.ArgumentError, match=r"indices must be ints or slices, got str"):
        model["0"]  # type: ignore[call-overload]


def test_add_appends_layers_also_after_the_first_call(backend: str) -> None:
    model = Sequential()
    x = _x()
    assert_matches_numpy(model(x), x)  # no layers: the identity
    model.add(dn.nn.Dense(2))
    model.add(Activation("tanh"))
    y = model(x)
    state = model.state_dict()
    assert list(state) == ["0.kernel", "0.bias"]
    assert_matches_numpy(y, np.tanh(x @ state["0.kernel"] + state["0.bias"]), rtol=1e-5, atol=1e-6)
    model.add(dn.nn.Dense(3))
    assert dn.ops.shape(model(x)) == (4, 3)
    assert [n for n, _ in model.named_parameters()][2:] == ["2.kernel", "2.bias"]
    with pytest.raises(dn.ShapeError, match=r"layer '2' \(Dense\) expects"):  # the added layer knows its path
        model[2](_x((4, 5)))


def test_train_and_eval_reach_every_layer(backend: str) -> None:
    model = Sequential([Dropout(0.9), Activation(None)])
    ones = np.ones((50, 20), "float32")
    assert np.mean(dn.ops.to_numpy(model(ones)) == 0) > 0.8
    model.eval()
    assert not model[0].training
    assert_matches_numpy(model(ones), ones)


def test_sequential_parity_with_batch_norm_in_training() -> None:
    x = np.random.default_rng(1).integers(-3, 4, (8, 3)).astype("float32")  # exact batch statistics: see BatchNorm
    dn.testing.module_parity(
        lambda: Sequential([BatchNorm(momentum=0.5), dn.nn.Dense(4, activation="relu"), dn.nn.Dense(2)]),
        [x],
        training=True,
    )


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (
            lambda: Sequential([dn.nn.Dense(2), dn.nn.Dense]),
            r"Sequential: the layer at position 1 is the class Dense, not a layer; construct it: Dense\(...\)",
        ),
        (lambda: Sequential([dn.nn.Dense(2), 3]), r"the layer at position 1 is a int, not a dn.nn.Module; pass layers"),
        (lambda: Sequential(dn.nn.Dense(2)), r"Sequential\(layers=Dense\(...\)\): layers must be a list of layers"),
        (lambda: Residual(dn.ops.relu), r"Residual\(block=function\): block must be a dn.nn.Module; wrap a function"),
        (lambda: Residual(dn.nn.Dense(2), "x"), r"Residual\(shortcut=str\): shortcut must be a dn.nn.Module or None"),
    ],
)
def test_non_modules_are_argument_errors(backend: str, build: object, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        build()  # type: ignore[operator]


# ---------------------------------------------------------------- Residual


def test_residual_adds_the_input(backend: str) -> None:
    block = Sequential([dn.nn.Dense(3), Activation("relu")])
    layer = Residual(block)
    x = _x()
    y = layer(x)
    state = layer.state_dict()
    assert list(state) == ["block.0.kernel", "block.0.bias"]
    assert_matches_numpy(y, np.maximum(x @ state["block.0.kernel"] + state["block.0.bias"], 0) + x, rtol=1e-5)


def test_residual_with_a_projection_shortcut(backend: str) -> None:
    layer = Residual(dn.nn.Dense(6, activation="tanh"), shortcut=dn.nn.Dense(6, use_bias=False))
    x = _x()
    y = layer(x)
    s = layer.state_dict()
    assert list(s) == ["block.kernel", "block.bias", "shortcut.kernel"]
    expected = np.tanh(x @ s["block.kernel"] + s["block.bias"]) + x @ s["shortcut.kernel"]
    assert_matches_numpy(y, expected, rtol=1e-5, atol=1e-6)


def test_residual_shape_mismatch_names_the_layer_and_suggests_a_projection(backend: str) -> None:
    model = Sequential([Residual(dn.nn.Dense(5))])
    with pytest.raises(
        dn.ShapeError,
        match=r"layer '0' \(Residual\) adds the block's output of shape \(4, 5\) to its input of shape \(4, 3\); "
        r"they must have the same shape: give it a projection shortcut .* shortcut=dn.nn.Dense\(5\) or, for images, "
        r"dn.nn.Conv2D\(5, kernel_size=1\)",
    ):
        model(_x())
    with pytest.raises(dn.ShapeError, match=r"to the shortcut's output of shape \(4, 2\)"):
        Residual(dn.nn.Dense(5), shortcut=dn.nn.Dense(2))(_x())


def test_residual_broadcastable_shapes_are_still_an_error(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"block's output of shape \(4, 1\) to its input of shape \(4, 3\)"):
        Residual(dn.nn.Dense(1))(_x())


def test_residual_parity() -> None:
    x = _x((2, 3, 4))
    dn.testing.module_parity(lambda: Residual(Sequential([dn.nn.Dense(4, activation="relu"), dn.nn.Dense(4)])), [x])
    dn.testing.module_parity(lambda: Residual(dn.nn.Dense(6, activation="gelu"), shortcut=dn.nn.Dense(6)), [x])


def test_skip_connection_in_a_custom_forward(backend: str) -> None:
    class Block(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = dn.nn.Dense(3, activation="relu")
            self.fc2 = dn.nn.Dense(3)

        def forward(self, x):  # type: ignore[no-untyped-def]
            return dn.ops.relu(dn.ops.add(self.fc2(self.fc1(x)), x))

    block, x = Block(), _x()
    same = Residual(Sequential([block.fc1, block.fc2]))
    block(x)
    np.testing.assert_allclose(dn.ops.to_numpy(block(x)), np.maximum(dn.ops.to_numpy(same(x)), 0), rtol=1e-6)
