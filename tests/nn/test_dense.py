"""Dense: shapes, values against NumPy, input-size inference, errors that name the layer."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy


def _x(shape: tuple[int, ...] = (4, 6)) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def test_forward_matches_numpy(backend: str) -> None:
    layer = dn.nn.Dense(3, activation="relu")
    x = _x()
    y = layer(x)
    state = layer.state_dict()
    assert state["kernel"].shape == (6, 3) and state["bias"].shape == (3,)
    assert_matches_numpy(y, np.maximum(x @ state["kernel"] + state["bias"], 0.0), rtol=1e-5, atol=1e-6)


def test_leading_dimensions_pass_through(backend: str) -> None:
    layer = dn.nn.Dense(2, use_bias=False)
    x = _x((2, 3, 5))
    assert_matches_numpy(layer(x), x @ layer.state_dict()["kernel"], rtol=1e-5, atol=1e-6)
    assert [name for name, _ in layer.named_parameters()] == ["kernel"]


def test_explicit_in_features_builds_at_construction(backend: str) -> None:
    layer = dn.nn.Dense(3, in_features=6)
    assert layer.built and layer.state_dict()["kernel"].shape == (6, 3)


def test_changed_last_dimension_names_the_layer_and_the_fix(backend: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = dn.nn.Dense(3)

        def forward(self, x):  # type: ignore[no-untyped-def]
            return self.fc1(x)

    net = Net()
    net(_x((2, 784)))
    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'fc1' \(Dense\) expects inputs with last dimension 784, "
        r"got shape \(2, 28, 28\); add dn.nn.Flatten\(\) before it",
    ):
        net(_x((2, 28, 28)))


def test_integer_input_is_a_dtype_error(backend: str) -> None:
    with pytest.raises(dn.DTypeError, match=r"Dense expects floating-point inputs, got int64; cast first"):
        dn.nn.Dense(2)(np.ones((2, 3), "int64"))


def test_scalar_input_is_a_shape_error(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match="rank >= 1"):
        dn.nn.Dense(2)(np.float32(1.0))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"units": 0}, "units must be a positive int"),
        ({"units": 2, "activation": "relux"}, "unknown activation 'relux'; use one of linear, relu"),
        ({"units": 2, "in_features": -1}, "in_features=-1"),
        ({"units": 2, "kernel_initializer": "nope"}, "unknown initializer 'nope'"),
    ],
)
def test_bad_arguments(backend: str, kwargs: dict, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(dn.ArgumentError, match=match):
        dn.nn.Dense(**kwargs)(_x()) if "kernel_initializer" in kwargs else dn.nn.Dense(**kwargs)
