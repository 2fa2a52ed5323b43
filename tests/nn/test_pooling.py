"""Max/avg pools and global pools, 1-D and 2-D: values vs NumPy, shapes, parity, errors naming the layer."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.pooling import (
    AvgPool1D,
    AvgPool2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    MaxPool1D,
    MaxPool2D,
)
from tests.helpers import assert_matches_numpy


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _ref_pool2d(x: np.ndarray, pool: tuple[int, int], strides: tuple[int, int], padding: str, op: str) -> np.ndarray:
    """Windows over (H, W); "same" pads TensorFlow's way and ignores the padded cells."""
    pads = [(0, 0), (0, 0)]
    if padding == "same":
        for axis, (size, k, s) in enumerate(zip(x.shape[1:3], pool, strides)):
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads[axis] = (total // 2, total - total // 2)
    xp = np.pad(x.astype("float64"), [(0, 0), *pads, (0, 0)], constant_values=np.nan)
    out_h, out_w = ((xp.shape[i + 1] - pool[i]) // strides[i] + 1 for i in range(2))
    reduce = np.nanmax if op == "max" else np.nanmean
    y = np.empty((x.shape[0], out_h, out_w, x.shape[-1]))
    for i in range(out_h):
        for j in range(out_w):
            window = xp[:, i * strides[0] : i * strides[0] + pool[0], j * strides[1] : j * strides[1] + pool[1]]
            y[:, i, j] = reduce(window, axis=(1, 2))
    return y.astype("float32")


@pytest.mark.parametrize("op", ["max", "avg"])
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"pool_size": 3, "strides": 2}, {"pool_size": (2, 3), "padding": "same"}, {"pool_size": 3, "padding": "same"}],
    ids=str,
)
def test_pool2d_matches_numpy(backend: str, op: str, kwargs: dict[str, Any]) -> None:
    layer = (MaxPool2D if op == "max" else AvgPool2D)(**kwargs)
    x = _x(2, 7, 6, 3)
    expected = _ref_pool2d(x, layer.pool_size, layer.strides, layer.padding, op)
    assert_matches_numpy(layer(x), expected, rtol=1e-5, atol=1e-6)
    assert layer.parameters() == []


@pytest.mark.parametrize("op", ["max", "avg"])
def test_pool1d_matches_numpy(backend: str, op: str) -> None:
    layer = (MaxPool1D if op == "max" else AvgPool1D)(pool_size=3, strides=2, padding="same")
    x = _x(2, 8, 3)
    expected = _ref_pool2d(x[:, None], (1, 3), (1, 2), "same", op)[:, 0]
    assert_matches_numpy(layer(x), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("cls", "reduce", "axes"),
    [
        (GlobalMaxPool1D, np.max, (1,)),
        (GlobalMaxPool2D, np.max, (1, 2)),
        (GlobalAvgPool1D, np.mean, (1,)),
        (GlobalAvgPool2D, np.mean, (1, 2)),
    ],
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pools_match_numpy(backend: str, cls: Any, reduce: Any, axes: tuple[int, ...], keepdims: bool) -> None:
    x = _x(2, *(4,) * len(axes), 3)
    expected = reduce(x, axis=axes, keepdims=keepdims)
    assert_matches_numpy(cls(keepdims=keepdims)(x), expected, rtol=1e-5, atol=1e-6)


def test_global_pools_take_integers_like_numpy(backend: str) -> None:
    x = np.arange(24, dtype="int64").reshape(2, 3, 4)
    assert_matches_numpy(GlobalMaxPool1D()(x), x.max(axis=1))
    assert_matches_numpy(GlobalAvgPool1D()(x), x.mean(axis=1).astype("float32"))


@pytest.mark.parametrize(
    ("layer", "in_shape", "out_shape"),
    [
        (MaxPool1D(), (2, 9, 3), (2, 4, 3)),
        (MaxPool1D(3, strides=1, padding="same"), (2, 9, 3), (2, 9, 3)),
        (AvgPool1D(2, padding="same"), (2, 9, 3), (2, 5, 3)),
        (MaxPool2D(), (1, 7, 6, 2), (1, 3, 3, 2)),
        (MaxPool2D((3, 2), strides=(1, 2)), (1, 7, 6, 2), (1, 5, 3, 2)),
        (AvgPool2D(3, padding="same"), (1, 7, 6, 2), (1, 3, 2, 2)),
        (GlobalMaxPool2D(), (1, 7, 6, 2), (1, 2)),
        (GlobalAvgPool2D(keepdims=True), (1, 7, 6, 2), (1, 1, 1, 2)),
        (GlobalAvgPool1D(keepdims=True), (3, 7, 2), (3, 1, 2)),
    ],
)
def test_output_shapes(backend: str, layer: dn.nn.Module, in_shape: tuple[int, ...], out_shape: Any) -> None:
    assert dn.ops.shape(layer(_x(*in_shape))) == out_shape


# --- parity ------------------------------------------------------------------------------------------------

PARITY: list[tuple[Any, tuple[int, ...]]] = [
    (lambda: MaxPool1D(), (2, 8, 3)),
    (lambda: MaxPool1D(3, strides=2, padding="same"), (2, 9, 3)),
    (lambda: AvgPool1D(3, strides=1), (2, 7, 2)),
    (lambda: AvgPool1D(2, padding="same"), (2, 7, 2)),
    (lambda: MaxPool2D(), (2, 6, 6, 2)),
    (lambda: MaxPool2D((3, 2), strides=(2, 1), padding="same"), (1, 7, 5, 3)),
    (lambda: AvgPool2D(), (2, 6, 4, 2)),
    (lambda: AvgPool2D(3, strides=2, padding="same"), (1, 6, 7, 2)),
    (lambda: GlobalMaxPool1D(), (2, 5, 3)),
    (lambda: GlobalAvgPool1D(keepdims=True), (2, 5, 3)),
    (lambda: GlobalMaxPool2D(keepdims=True), (2, 4, 3, 3)),
    (lambda: GlobalAvgPool2D(), (2, 4, 3, 3)),
]


@pytest.mark.parametrize(("factory", "in_shape"), PARITY)
def test_parity_across_backends(factory: Any, in_shape: tuple[int, ...]) -> None:
    # Continuous random inputs have no ties, so max-pool gradients go to a single cell on both backends.
    runs = dn.testing.module_parity(factory, [_x(*in_shape)])
    assert runs[0].input_grads[0] is not None and runs[0].param_grads == {}


# --- errors ------------------------------------------------------------------------------------------------


class _Net(dn.nn.Module):
    def __init__(self, layer: dn.nn.Module) -> None:
        super().__init__()
        self.pool = layer

    def forward(self, x: Any) -> Any:
        return self.pool(x)


def test_missing_channel_axis_names_layer_and_fix(backend: str) -> None:
    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'pool' \(MaxPool2D\) expects inputs of rank 4 \(N, H, W, C\), got shape \(2, 6, 6\); "
        r"for single-channel data add the channel axis with dn\.ops\.expand_dims\(x, -1\)",
    ):
        _Net(MaxPool2D())(_x(2, 6, 6))


@pytest.mark.parametrize(
    ("layer", "shape", "match"),
    [
        (AvgPool1D(), (2, 6, 6, 1), r"AvgPool1D expects inputs of rank 3 \(N, W, C\), got shape \(2, 6, 6, 1\)"),
        (GlobalAvgPool2D(), (2, 6), r"GlobalAvgPool2D expects inputs of rank 4 \(N, H, W, C\), got shape \(2, 6\)"),
        (GlobalMaxPool1D(), (4,), r"GlobalMaxPool1D expects inputs of rank 3"),
        (MaxPool2D(3), (1, 2, 6, 1), r"spatial sizes of at least \(3, 3\) with padding='valid'.*use padding='same'"),
        (GlobalMaxPool2D(), (1, 0, 3, 2), r"GlobalMaxPool2D expects non-empty spatial axes, got shape \(1, 0, 3, 2\)"),
    ],
)
def test_bad_input_shapes(backend: str, layer: dn.nn.Module, shape: tuple[int, ...], match: str) -> None:
    with pytest.raises(dn.ShapeError, match=match):
        layer(_x(*shape))


def test_bad_input_after_first_call_still_names_the_layer(backend: str) -> None:
    net = _Net(AvgPool2D())
    net(_x(1, 4, 4, 2))
    with pytest.raises(dn.ShapeError, match=r"layer 'pool' \(AvgPool2D\) expects inputs of rank 4"):
        net(_x(1, 4, 4))


@pytest.mark.parametrize("layer", [MaxPool2D(), AvgPool1D()])
def test_integer_inputs_are_a_dtype_error(backend: str, layer: dn.nn.Module) -> None:
    shape = (1, 4, 2) if isinstance(layer, AvgPool1D) else (1, 4, 4, 2)
    with pytest.raises(dn.DTypeError, match=r"expects floating-point inputs, got int32; cast first"):
        layer(np.ones(shape, "int32"))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: MaxPool2D(padding="full"), r"MaxPool2D\(padding='full'\): padding must be one of 'valid', 'same'"),
        (lambda: AvgPool1D(padding=None), r"AvgPool1D\(padding=None\): padding must be one of"),
        (lambda: MaxPool2D(0), r"MaxPool2D\(pool_size=0\): pool_size must be an int >= 1"),
        (lambda: AvgPool2D((2, 2, 2)), r"pool_size must be an int >= 1 or a tuple of 2 such ints"),
        (lambda: MaxPool1D(2, strides=(1, 1)), r"MaxPool1D\(strides=\(1, 1\)\)"),
        (lambda: GlobalAvgPool2D(keepdims="yes"), r"keepdims must be True or False"),
    ],
)
def test_bad_arguments_at_construction(backend: str, make: Any, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        make()


def test_defaults_and_repr(backend: str) -> None:
    layer = MaxPool2D()
    assert layer.pool_size == (2, 2) and layer.strides == (2, 2) and layer.padding == "valid"
    assert repr(AvgPool1D(3, padding="SAME")) == "AvgPool1D(pool_size=(3,), strides=(3,), padding='same')"
    assert repr(GlobalMaxPool2D(keepdims=True)) == "GlobalMaxPool2D(keepdims=True)"
