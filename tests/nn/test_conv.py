"""Conv1D, Conv2D, DepthwiseConv2D, Conv2DTranspose: values vs NumPy, shapes, parity, errors naming the layer."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.conv import Conv1D, Conv2D, DepthwiseConv2D
from dualnet.nn.conv_transpose import Conv2DTranspose
from tests.helpers import assert_matches_numpy


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


# --- NumPy references (float64, channels-last) --------------------------------------------------------


def _ref_conv2d(x, kernel, strides=(1, 1), padding="valid", dilation=(1, 1), groups=1):  # type: ignore[no-untyped-def]
    x, kernel = np.asarray(x, "float64"), np.asarray(kernel, "float64")
    (kh, kw, c_in, c_out), (sh, sw), (dh, dw) = kernel.shape, strides, dilation
    if padding == "same":  # TensorFlow's rule: ceil(size / stride) outputs, an odd extra cell at the end
        pads = []
        for size, k, s, d in zip(x.shape[1:3], (kh, kw), strides, dilation):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0), *pads, (0, 0)])
    out_h = (x.shape[1] - (kh - 1) * dh - 1) // sh + 1
    out_w = (x.shape[2] - (kw - 1) * dw - 1) // sw + 1
    y = np.zeros((x.shape[0], out_h, out_w, c_out))
    per_group = c_out // groups
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, i * sh : i * sh + (kh - 1) * dh + 1 : dh, j * sw : j * sw + (kw - 1) * dw + 1 : dw]
            for o in range(c_out):
                g = o // per_group
                y[:, i, j, o] = np.einsum("nabc,abc->n", patch[..., g * c_in : (g + 1) * c_in], kernel[..., o])
    return y


def _ref_conv2d_transpose_valid(x, kernel, strides):  # type: ignore[no-untyped-def]
    """Scatter every input cell through the kernel; Keras' "valid" length is (size - 1) * s + max(k, s)."""
    (n, h, w, _), (kh, kw, _, c_out), (sh, sw) = x.shape, kernel.shape, strides
    y = np.zeros((n, (h - 1) * sh + max(kh, sh), (w - 1) * sw + max(kw, sw), c_out))
    for i in range(h):
        for j in range(w):
            y[:, i * sh : i * sh + kh, j * sw : j * sw + kw] += np.einsum("nc,abco->nabo", x[:, i, j], kernel)
    return y


# --- values ------------------------------------------------------------------------------------------

CONV2D_CASES = [
    {},
    {"strides": 2, "padding": "same"},
    {"strides": (1, 2), "padding": "same", "kernel_size": (2, 3)},
    {"dilation_rate": 2},
    {"groups": 2, "padding": "same"},
]


@pytest.mark.parametrize("kwargs", CONV2D_CASES, ids=str)
def test_conv2d_matches_numpy(backend: str, kwargs: dict[str, Any]) -> None:
    kwargs = {"kernel_size": 3, **kwargs}
    layer = Conv2D(4, activation="relu", bias_initializer="uniform", **kwargs)
    x = _x(2, 7, 6, 2)
    y = layer(x)
    state = layer.state_dict()
    groups = kwargs.get("groups", 1)
    strides = layer.strides
    expected = _ref_conv2d(x, state["kernel"], strides, layer.padding, layer.dilation_rate, groups) + state["bias"]
    assert_matches_numpy(y, np.maximum(expected, 0).astype("float32"), rtol=1e-5, atol=1e-5)


def test_conv1d_matches_numpy(backend: str) -> None:
    layer = Conv1D(3, 3, strides=2, padding="same", use_bias=False)
    x = _x(2, 9, 2)
    y = layer(x)
    kernel = layer.state_dict()["kernel"]
    assert kernel.shape == (3, 2, 3) and [n for n, _ in layer.named_parameters()] == ["kernel"]
    expected = _ref_conv2d(x[:, None], kernel[None], (1, 2), "same")[:, 0]
    assert_matches_numpy(y, expected.astype("float32"), rtol=1e-5, atol=1e-5)


def test_depthwise_conv2d_matches_numpy(backend: str) -> None:
    layer = DepthwiseConv2D(3, padding="same", depth_multiplier=2, bias_initializer="uniform")
    x = _x(2, 5, 5, 3)
    y = layer(x)
    state = layer.state_dict()
    assert state["kernel"].shape == (3, 3, 3, 2) and state["bias"].shape == (6,)
    # A depthwise kernel (kh, kw, C, M) is a grouped conv with C groups and output channel c * M + m.
    grouped = state["kernel"].reshape(3, 3, 1, 6)
    expected = _ref_conv2d(x, grouped, padding="same", groups=3) + state["bias"]
    assert_matches_numpy(y, expected.astype("float32"), rtol=1e-5, atol=1e-5)


def test_conv2d_transpose_matches_numpy(backend: str) -> None:
    layer = Conv2DTranspose(3, 3, strides=2, bias_initializer="uniform")
    x = _x(2, 3, 4, 2)
    y = layer(x)
    state = layer.state_dict()
    assert state["kernel"].shape == (3, 3, 2, 3)  # canonical (kh, kw, in, out)
    expected = _ref_conv2d_transpose_valid(x, state["kernel"], (2, 2)) + state["bias"]
    assert_matches_numpy(y, expected.astype("float32"), rtol=1e-5, atol=1e-5)


# --- shapes --------------------------------------------------------------------------------------------

SHAPES: list[tuple[Callable[[], dn.nn.Module], tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = [
    # (factory, input shape, output shape, kernel shape)
    (lambda: Conv1D(4, 3), (2, 10, 3), (2, 8, 4), (3, 3, 4)),
    (lambda: Conv1D(4, 3, strides=2, padding="same"), (2, 9, 3), (2, 5, 4), (3, 3, 4)),
    (lambda: Conv1D(4, 2, dilation_rate=3, groups=2), (2, 10, 6), (2, 7, 4), (2, 3, 4)),
    (lambda: Conv2D(5, (3, 2)), (1, 6, 7, 2), (1, 4, 6, 5), (3, 2, 2, 5)),
    (lambda: Conv2D(4, 3, strides=(2, 3), padding="same"), (1, 7, 7, 2), (1, 4, 3, 4), (3, 3, 2, 4)),
    (lambda: Conv2D(6, 1, groups=3), (1, 2, 2, 3), (1, 2, 2, 6), (1, 1, 1, 6)),
    (lambda: DepthwiseConv2D(3, depth_multiplier=3), (1, 5, 6, 2), (1, 3, 4, 6), (3, 3, 2, 3)),
    (lambda: DepthwiseConv2D(3, strides=2, padding="same"), (1, 5, 6, 2), (1, 3, 3, 2), (3, 3, 2, 1)),
    (lambda: Conv2DTranspose(4, 3), (1, 3, 5, 2), (1, 5, 7, 4), (3, 3, 2, 4)),
    (lambda: Conv2DTranspose(4, 3, strides=2), (1, 3, 5, 2), (1, 7, 11, 4), (3, 3, 2, 4)),
    (lambda: Conv2DTranspose(4, 2, strides=3), (1, 3, 5, 2), (1, 9, 15, 4), (2, 2, 2, 4)),
    (lambda: Conv2DTranspose(4, 3, strides=2, padding="same"), (1, 3, 5, 2), (1, 6, 10, 4), (3, 3, 2, 4)),
    (lambda: Conv2DTranspose(4, 3, strides=2, output_padding=1), (1, 3, 5, 2), (1, 8, 12, 4), (3, 3, 2, 4)),
    (lambda: Conv2DTranspose(4, 4, 2, "same", output_padding=(0, 1)), (1, 3, 5, 2), (1, 4, 9, 4), (4, 4, 2, 4)),
]


@pytest.mark.parametrize(("factory", "in_shape", "out_shape", "kernel_shape"), SHAPES)
def test_output_and_kernel_shapes(backend: str, factory: Any, in_shape: Any, out_shape: Any, kernel_shape: Any) -> None:
    layer = factory()
    assert not layer.built
    assert dn.ops.shape(layer(_x(*in_shape))) == out_shape
    state = layer.state_dict()
    assert state["kernel"].shape == kernel_shape and state["bias"].shape == (out_shape[-1],)


@pytest.mark.parametrize(
    "factory",
    [
        lambda: Conv1D(4, 3, in_channels=2),
        lambda: Conv2D(4, 3, groups=2, in_channels=2),
        lambda: DepthwiseConv2D(3, depth_multiplier=2, in_channels=2),
        lambda: Conv2DTranspose(4, 3, in_channels=2),
    ],
)
def test_in_channels_builds_at_construction(backend: str, factory: Any) -> None:
    layer = factory()
    assert layer.built and layer.in_channels == 2
    assert [name for name, _ in layer.named_parameters()] == ["kernel", "bias"]
    before = layer.state_dict()
    assert np.any(before["kernel"] != 0)  # drawn from the seed, not left at zero
    layer(_x(1, 5, 2) if isinstance(layer, Conv1D) else _x(1, 5, 5, 2))
    np.testing.assert_array_equal(layer.state_dict()["kernel"], before["kernel"])


def test_bias_keeps_torch_channels_last_output_contiguous(torch_backend: str) -> None:
    y = Conv2D(8, 3, padding="same", activation="relu")(_x(2, 6, 6, 3))
    assert y.is_contiguous() and tuple(y.shape) == (2, 6, 6, 8)


# --- parity across backends ------------------------------------------------------------------------------

PARITY: list[tuple[Callable[[], dn.nn.Module], tuple[int, ...]]] = [
    (lambda: Conv1D(3, 3, activation="tanh"), (2, 8, 2)),
    (lambda: Conv1D(4, 3, strides=2, padding="same", dilation_rate=2, groups=2), (2, 9, 4)),
    (lambda: Conv2D(3, 3), (2, 6, 5, 2)),
    (lambda: Conv2D(4, (3, 2), strides=2, padding="same", activation="relu"), (2, 7, 6, 3)),
    (lambda: Conv2D(4, 3, strides=2, dilation_rate=2, kernel_initializer="he_normal"), (1, 9, 9, 2)),
    (lambda: Conv2D(6, 3, padding="same", groups=3, use_bias=False), (1, 5, 5, 3)),
    (lambda: DepthwiseConv2D(3), (2, 5, 5, 2)),
    (lambda: DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, dilation_rate=1), (1, 6, 5, 3)),
    (lambda: DepthwiseConv2D(2, padding="same", depth_multiplier=3, dilation_rate=2), (1, 5, 5, 2)),
    (lambda: Conv2DTranspose(3, 3), (2, 4, 3, 2)),
    (lambda: Conv2DTranspose(3, 3, strides=2, activation="sigmoid"), (1, 4, 3, 2)),
    (lambda: Conv2DTranspose(2, 4, strides=2, padding="same"), (1, 3, 4, 3)),
    (lambda: Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1), (1, 3, 4, 2)),
    (lambda: Conv2DTranspose(2, 3, dilation_rate=2, padding="same"), (1, 4, 4, 2)),
]


@pytest.mark.parametrize(("factory", "in_shape"), PARITY)
def test_parity_across_backends(factory: Any, in_shape: tuple[int, ...]) -> None:
    runs = dn.testing.module_parity(factory, [_x(*in_shape)], rtol=1e-5, atol=1e-5)
    assert set(runs[0].param_grads) >= {"kernel"}


def test_parity_in_training_mode() -> None:
    dn.testing.module_parity(lambda: Conv2D(3, 3, padding="same"), [_x(2, 4, 4, 2)], training=True, atol=1e-5)


# --- errors --------------------------------------------------------------------------------------------


class _Net(dn.nn.Module):
    def __init__(self, layer: dn.nn.Module) -> None:
        super().__init__()
        self.conv = layer

    def forward(self, x: Any) -> Any:
        return self.conv(x)


def test_missing_channel_axis_names_layer_and_fix(backend: str) -> None:
    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'conv' \(Conv2D\) expects inputs of rank 4 \(N, H, W, C\), got shape \(2, 5, 5\); "
        r"for single-channel data add the channel axis with dn\.ops\.expand_dims\(x, -1\)",
    ):
        _Net(Conv2D(2, 3))(_x(2, 5, 5))


@pytest.mark.parametrize(
    ("make", "shape", "match"),
    [
        (lambda: Conv1D(2, 3), (2, 5, 5, 1), r"Conv1D expects inputs of rank 3 \(N, W, C\), got shape \(2, 5, 5, 1\)"),
        (lambda: DepthwiseConv2D(3), (5, 5), r"DepthwiseConv2D expects inputs of rank 4 \(N, H, W, C\), got shape"),
        (lambda: Conv2DTranspose(2, 3), (2, 5, 5), r"Conv2DTranspose expects inputs of rank 4 .*expand_dims\(x, -1\)"),
        (lambda: Conv2D(2, 3), (1, 2, 6, 1), r"spatial sizes of at least \(3, 3\) with padding='valid', got shape"),
        (lambda: Conv1D(2, 3, dilation_rate=3), (1, 6, 1), r"at least \(7,\) .*; use padding='same' or larger inputs"),
        (lambda: Conv2D(4, 1, groups=2), (1, 3, 3, 3), r"expects a channel count divisible by groups=2, got shape"),
    ],
)
def test_bad_input_shapes(backend: str, make: Callable[[], Any], shape: tuple[int, ...], match: str) -> None:
    with pytest.raises(dn.ShapeError, match=match):
        make()(_x(*shape))


def test_changed_channel_count_after_build(backend: str) -> None:
    net = _Net(Conv2D(2, 3, padding="same"))
    net(_x(1, 4, 4, 3))
    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'conv' \(Conv2D\) expects inputs with 3 channels \(last axis\), got shape \(1, 4, 4, 1\); "
        "the channel count is fixed",
    ):
        net(_x(1, 4, 4, 1))


def test_in_channels_given_then_other_channels(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"DepthwiseConv2D expects inputs with 2 channels"):
        DepthwiseConv2D(3, in_channels=2)(_x(1, 4, 4, 3))


@pytest.mark.parametrize("factory", [lambda: Conv2D(2, 3), lambda: Conv2DTranspose(2, 3), lambda: Conv1D(2, 1)])
def test_integer_inputs_are_a_dtype_error(backend: str, factory: Any) -> None:
    layer = factory()
    shape = (1, 4, 2) if isinstance(layer, Conv1D) else (1, 4, 4, 2)
    with pytest.raises(dn.DTypeError, match=r"expects floating-point inputs, got int64; cast first"):
        layer(np.ones(shape, "int64"))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Conv2D(2, 3, padding="full"), r"Conv2D\(padding='full'\): padding must be one of 'valid', 'same'"),
        (lambda: Conv2D(2, 3, padding="causal"), r"Conv2D\(padding='causal'\): padding must be one of 'valid', 'same'"),
        (lambda: DepthwiseConv2D(3, padding=1), r"DepthwiseConv2D\(padding=1\)"),
        (lambda: Conv2DTranspose(2, 3, padding="SAMEISH"), r"padding must be one of"),
        (lambda: Conv2D(0, 3), r"Conv2D\(filters=0\): filters must be a positive int; pass e.g. filters=32"),
        (lambda: Conv2D(2, (3, 3, 3)), r"kernel_size must be an int >= 1 or a tuple of 2 such ints"),
        (lambda: Conv1D(2, 3, strides=0), r"Conv1D\(strides=0\)"),
        (lambda: Conv2D(3, 3, groups=2), r"filters must be divisible by groups"),
        (lambda: Conv2D(4, 3, groups=2, in_channels=3), r"in_channels must be divisible by groups"),
        (lambda: Conv2D(4, 3, in_channels=0), r"in_channels must be a positive int or None"),
        (lambda: Conv2D(4, 3, activation="relux"), r"unknown activation 'relux'"),
        (lambda: Conv2D(4, 3, kernel_initializer="nope"), r"unknown initializer 'nope'"),
        (lambda: DepthwiseConv2D(3, depth_multiplier=0), r"depth_multiplier must be a positive int"),
        (lambda: DepthwiseConv2D(3, depthwise_initializer="x"), r"depthwise_initializer='x'"),
        (lambda: Conv2DTranspose(2, 3, strides=2, output_padding=2), r"output_padding must be smaller than its stride"),
        (lambda: Conv2DTranspose(2, 3, output_padding=-1), r"output_padding must be an int >= 0"),
    ],
)
def test_bad_arguments_at_construction(backend: str, make: Callable[[], Any], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        make()


def test_padding_is_case_insensitive_and_repr(backend: str) -> None:
    layer = Conv2D(4, 3, strides=2, padding="SAME", groups=2)
    assert layer.padding == "same"
    assert repr(layer) == (
        "Conv2D(filters=4, kernel_size=(3, 3), strides=(2, 2), padding='same', groups=2, in_channels=None)"
    )
    assert "output_padding=(1, 1)" in repr(Conv2DTranspose(2, 3, strides=2, output_padding=1))
    assert "depth_multiplier=2" in repr(DepthwiseConv2D(3, dilation_rate=2, depth_multiplier=2))
