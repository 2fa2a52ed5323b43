"""Activation layer: named and callable activations against NumPy, identity, parity, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.activation import Activation
from tests.helpers import assert_matches_numpy


def _x() -> np.ndarray:
    return np.random.default_rng(0).standard_normal((3, 4)).astype("float32")


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


_REFERENCES = {
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "swish": lambda x: x / (1 + np.exp(-x)),
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / np.sqrt(2))),
    "softmax": _softmax,
}


@pytest.mark.parametrize("name", sorted(_REFERENCES))
def test_named_activations_match_numpy(backend: str, name: str) -> None:
    x = _x()
    assert_matches_numpy(Activation(name)(x), _REFERENCES[name](x.astype("float64")).astype("float32"), rtol=1e-5)


def test_names_are_case_insensitive_and_callables_are_used_as_given(backend: str) -> None:
    x = _x()
    assert_matches_numpy(Activation("ReLU")(x), np.maximum(x, 0))
    layer = Activation(lambda t: dn.ops.leaky_relu(t, 0.1))
    assert_matches_numpy(layer(x), np.where(x >= 0, x, 0.1 * x), rtol=1e-6)
    assert repr(Activation(dn.ops.tanh)) == "Activation('tanh')"


@pytest.mark.parametrize("identity", [None, "linear"])
def test_linear_and_none_are_the_identity(backend: str, identity: str | None) -> None:
    x = _x()
    assert_matches_numpy(Activation(identity)(x), x)


@pytest.mark.parametrize("name", ["relu", "gelu", "softmax", "selu"])
def test_parity_across_backends(name: str) -> None:
    dn.testing.module_parity(lambda: Activation(name), [_x()])


def test_no_parameters(backend: str) -> None:
    layer = Activation("relu")
    layer(_x())
    assert layer.parameters() == [] and layer.state_dict() == {}


@pytest.mark.parametrize("bad", ["relux", 3])
def test_unknown_activation_names_the_argument_and_the_choices(backend: str, bad: object) -> None:
    with pytest.raises(
        dn.ArgumentError,
        match=rf"Activation\(activation={bad!r}\): unknown activation {bad!r}; use one of linear, relu",
    ):
        Activation(bad)
