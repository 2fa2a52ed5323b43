"""Flatten and Reshape: values vs NumPy, the batch axis kept, parity, errors naming the layer."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.conv import Conv2D
from dualnet.nn.reshaping import Flatten, Reshape
from tests.helpers import assert_matches_numpy


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    ("in_shape", "out_shape"),
    [((2, 3, 4, 5), (2, 60)), ((2, 7), (2, 7)), ((3,), (3, 1)), ((0, 4, 2), (0, 8)), ((2, 0, 3), (2, 0))],
)
def test_flatten_matches_numpy(backend: str, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> None:
    x = _x(*in_shape)
    layer = Flatten()
    assert_matches_numpy(layer(x), x.reshape(out_shape))
    assert layer.parameters() == [] and repr(layer) == "Flatten()"


def test_flatten_keeps_integer_dtype(backend: str) -> None:
    x = np.arange(24, dtype="int32").reshape(2, 3, 4)
    assert_matches_numpy(Flatten()(x), x.reshape(2, 12))


def test_flatten_is_a_view_of_a_torch_conv_output(torch_backend: str) -> None:
    # Channels-last activations are contiguous on torch, so flattening copies nothing.
    y = Conv2D(4, 3, padding="same")(_x(2, 5, 5, 3))
    flat = Flatten()(y)
    assert tuple(flat.shape) == (2, 100) and flat.data_ptr() == y.data_ptr()


@pytest.mark.parametrize(
    ("target", "in_shape", "out_shape"),
    [
        ((4, 6), (2, 24), (2, 4, 6)),
        ((-1, 3), (2, 4, 6), (2, 8, 3)),
        ((2, -1, 2), (3, 12), (3, 2, 3, 2)),
        (12, (2, 3, 4), (2, 12)),
        ([3, 2, 2], (1, 12), (1, 3, 2, 2)),
        ((-1,), (0, 3, 4), (0, 12)),
        ((3, -1), (0, 6), (0, 3, 2)),
    ],
)
def test_reshape_matches_numpy(backend: str, target: Any, in_shape: tuple[int, ...], out_shape: Any) -> None:
    x = _x(*in_shape)
    layer = Reshape(target)
    assert_matches_numpy(layer(x), x.reshape(out_shape))
    assert_matches_numpy(layer(x), x.reshape(out_shape))  # later calls take the fast path


def test_reshape_then_flatten_round_trip(backend: str) -> None:
    x = _x(3, 20)
    assert_matches_numpy(Flatten()(Reshape((5, -1))(x)), x)


@pytest.mark.parametrize(
    ("factory", "in_shape"),
    [
        (Flatten, (2, 3, 4, 2)),
        (lambda: Reshape((3, -1)), (2, 12)),
        (lambda: Reshape((2, 2, 3)), (2, 3, 4)),
    ],
)
def test_parity_across_backends(factory: Any, in_shape: tuple[int, ...]) -> None:
    runs = dn.testing.module_parity(factory, [_x(*in_shape)])
    assert runs[0].input_grads[0] is not None and runs[0].input_grads[0].shape == in_shape


class _Net(dn.nn.Module):
    def __init__(self, layer: dn.nn.Module) -> None:
        super().__init__()
        self.reshape = layer

    def forward(self, x: Any) -> Any:
        return self.reshape(x)


def test_reshape_size_mismatch_names_layer_and_fix(backend: str) -> None:
    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'reshape' \(Reshape\) cannot reshape inputs of shape \(2, 10\) to \(batch, \*\(4, 3\)\): "
        r"a sample has 10 values, target_shape needs 12; pass a target_shape whose sizes multiply to 10",
    ):
        _Net(Reshape((4, 3)))(_x(2, 10))


def test_reshape_mismatch_after_first_call(backend: str) -> None:
    net = _Net(Reshape((-1, 4)))
    net(_x(2, 8))
    with pytest.raises(dn.ShapeError, match=r"layer 'reshape' \(Reshape\) .*target_shape needs a multiple of 4"):
        net(_x(2, 10))


@pytest.mark.parametrize("layer", [Flatten(), Reshape((1,))])
def test_scalar_input_is_a_shape_error(backend: str, layer: dn.nn.Module) -> None:
    with pytest.raises(dn.ShapeError, match=r"expects inputs with a batch axis \(rank >= 1\), got a scalar; add"):
        layer(np.float32(1.0))


@pytest.mark.parametrize("target", [(2, -1, -1), (0, 3), (2, -2), "abc", (2.0, 3), None, (True,)])
def test_bad_target_shape(backend: str, target: Any) -> None:
    with pytest.raises(dn.ArgumentError, match=r"Reshape\(target_shape=.*\): target_shape must be a tuple of positive"):
        Reshape(target)


def test_reshape_repr(backend: str) -> None:
    assert repr(Reshape([2, -1])) == "Reshape(target_shape=(2, -1))"
