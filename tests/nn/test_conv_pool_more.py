"""3-D and adaptive pools, Conv3D, DepthwiseConv1D, SeparableConv1D/2D, Conv1D/3DTranspose.

Each layer: cross-backend parity (dn.testing.module_parity, eval and train mode), then the torch run's outputs
and gradients against Keras 3's layer (on TF) and torch.nn.functional on the same weights and cotangents;
weights saved on one backend load on the other; bad inputs and arguments name the layer and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import nn


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _swap(a: np.ndarray) -> np.ndarray:
    """Our transposed-conv kernel (*k, in, out) <-> Keras's (*k, out, in)."""
    return np.swapaxes(a, -1, -2)


# --- torch references, channels-last in and out (torch.nn.functional wants channels-first) -------------------


def _cf(x: Any) -> Any:
    return x.movedim(-1, 1)


def _cl(y: Any) -> Any:
    return y.movedim(1, -1)


def _t_conv3d(p: dict[str, Any], x: Any) -> Any:
    import torch.nn.functional as F

    return _cl(F.conv3d(_cf(x), p["kernel"].permute(4, 3, 0, 1, 2), p["bias"], stride=(1, 2, 1)))


def _t_causal(p: dict[str, Any], x: Any) -> Any:
    import torch.nn.functional as F

    # PyTorch has no causal mode: pad (k - 1) * dilation zeros on the left of the time axis, then a valid conv.
    padded = F.pad(_cf(x), (4, 0))
    return _cl(F.conv1d(padded, p["kernel"].permute(2, 1, 0), p["bias"], dilation=2))


def _t_depthwise1d(p: dict[str, Any], x: Any) -> Any:
    import torch.nn.functional as F

    k, c, m = p["kernel"].shape
    weight = p["kernel"].reshape(k, 1, c * m).permute(2, 1, 0)
    return _cl(F.conv1d(_cf(x), weight, p["bias"], stride=2, groups=c))


def _t_separable(p: dict[str, Any], x: Any) -> Any:
    import torch.nn.functional as F

    dw = p["depthwise_kernel"]
    *k, c, m = dw.shape
    conv = F.conv1d if len(k) == 1 else F.conv2d
    depthwise = dw.reshape(*k, 1, c * m).movedim(-1, 0).movedim(-1, 1)
    pointwise = p["pointwise_kernel"].movedim(-1, 0).movedim(-1, 1)
    return _cl(conv(conv(_cf(x), depthwise, groups=c, dilation=1), pointwise, p["bias"]))


def _t_conv_transpose(p: dict[str, Any], x: Any) -> Any:
    import torch.nn.functional as F

    kernel = p["kernel"]
    rank = kernel.ndim - 2
    fn = F.conv_transpose1d if rank == 1 else F.conv_transpose3d
    return _cl(fn(_cf(x), kernel.movedim(-2, 0).movedim(-1, 1), p["bias"], stride=2))


def _t_pool(fn_name: str, *args: Any) -> Callable[[dict[str, Any], Any], Any]:
    def ref(p: dict[str, Any], x: Any) -> Any:
        import torch.nn.functional as F

        return _cl(getattr(F, fn_name)(_cf(x), *args))

    return ref


# (id, dualnet factory, input shape, Keras layer name and kwargs, Keras weights as (our name, swap), torch ref)
Case = tuple[str, Callable[[], nn.Module], tuple[int, ...], str, dict[str, Any], list[tuple[str, bool]], Any]
CASES: list[Case] = [
    (
        "maxpool3d",
        lambda: nn.MaxPool3D(2),
        (1, 4, 4, 4, 2),
        "MaxPooling3D",
        {"pool_size": 2},
        [],
        _t_pool("max_pool3d", 2),
    ),
    (
        "maxpool3d-same",
        lambda: nn.MaxPool3D((3, 2, 2), strides=(2, 1, 2), padding="same"),
        (1, 5, 4, 4, 2),
        "MaxPooling3D",
        {"pool_size": (3, 2, 2), "strides": (2, 1, 2), "padding": "same"},
        [],
        None,
    ),
    (
        "avgpool3d",
        lambda: nn.AvgPool3D(2, strides=1),
        (1, 4, 4, 3, 2),
        "AveragePooling3D",
        {"pool_size": 2, "strides": 1},
        [],
        _t_pool("avg_pool3d", 2, 1),
    ),
    (
        "avgpool3d-same",
        lambda: nn.AvgPool3D(3, strides=2, padding="same"),
        (1, 4, 5, 4, 2),
        "AveragePooling3D",
        {"pool_size": 3, "strides": 2, "padding": "same"},
        [],
        None,
    ),
    ("gmax3d", lambda: nn.GlobalMaxPool3D(), (2, 3, 4, 2, 3), "GlobalMaxPooling3D", {}, [], None),
    (
        "gavg3d-keepdims",
        lambda: nn.GlobalAvgPool3D(keepdims=True),
        (2, 3, 4, 2, 3),
        "GlobalAveragePooling3D",
        {"keepdims": True},
        [],
        None,
    ),
    (
        "adaptive-avg1d",
        lambda: nn.AdaptiveAvgPool1D(3),
        (2, 7, 3),
        "AdaptiveAveragePooling1D",
        {"output_size": 3},
        [],
        _t_pool("adaptive_avg_pool1d", 3),
    ),
    (
        "adaptive-max1d",
        lambda: nn.AdaptiveMaxPool1D(4),
        (2, 9, 2),
        "AdaptiveMaxPooling1D",
        {"output_size": 4},
        [],
        _t_pool("adaptive_max_pool1d", 4),
    ),
    (
        "adaptive-avg2d",
        lambda: nn.AdaptiveAvgPool2D((2, 3)),
        (2, 5, 7, 2),
        "AdaptiveAveragePooling2D",
        {"output_size": (2, 3)},
        [],
        _t_pool("adaptive_avg_pool2d", (2, 3)),
    ),
    (
        "adaptive-max2d",
        lambda: nn.AdaptiveMaxPool2D(3),
        (1, 7, 5, 2),
        "AdaptiveMaxPooling2D",
        {"output_size": 3},
        [],
        _t_pool("adaptive_max_pool2d", 3),
    ),
    (
        "adaptive-avg3d",
        lambda: nn.AdaptiveAvgPool3D((2, 3, 4)),
        (2, 5, 6, 7, 2),
        "AdaptiveAveragePooling3D",
        {"output_size": (2, 3, 4)},
        [],
        _t_pool("adaptive_avg_pool3d", (2, 3, 4)),
    ),
    (
        "adaptive-max3d",
        lambda: nn.AdaptiveMaxPool3D(3),
        (1, 7, 5, 6, 2),
        "AdaptiveMaxPooling3D",
        {"output_size": 3},
        [],
        _t_pool("adaptive_max_pool3d", 3),
    ),
    (
        "conv3d",
        lambda: nn.Conv3D(3, 2, strides=(1, 2, 1), bias_initializer="uniform"),
        (1, 4, 4, 4, 2),
        "Conv3D",
        {"filters": 3, "kernel_size": 2, "strides": (1, 2, 1)},
        [("kernel", False), ("bias", False)],
        _t_conv3d,
    ),
    (
        "conv3d-same",
        lambda: nn.Conv3D(2, (3, 2, 3), padding="same", dilation_rate=(1, 2, 1), activation="tanh"),
        (1, 4, 4, 3, 2),
        "Conv3D",
        {"filters": 2, "kernel_size": (3, 2, 3), "padding": "same", "dilation_rate": (1, 2, 1), "activation": "tanh"},
        [("kernel", False), ("bias", False)],
        None,
    ),
    (
        "conv1d-causal",
        lambda: nn.Conv1D(3, 3, padding="causal", dilation_rate=2, bias_initializer="uniform"),
        (2, 9, 2),
        "Conv1D",
        {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
        [("kernel", False), ("bias", False)],
        _t_causal,
    ),
    (
        "conv1d-causal-groups",
        lambda: nn.Conv1D(4, 2, strides=2, padding="CAUSAL", groups=2, activation="relu"),
        (1, 5, 4),
        "Conv1D",
        {"filters": 4, "kernel_size": 2, "strides": 2, "padding": "causal", "groups": 2, "activation": "relu"},
        [("kernel", False), ("bias", False)],
        None,
    ),
    (
        "depthwise1d",
        lambda: nn.DepthwiseConv1D(3, strides=2, depth_multiplier=2, bias_initializer="uniform"),
        (2, 9, 3),
        "DepthwiseConv1D",
        {"kernel_size": 3, "strides": 2, "depth_multiplier": 2},
        [("kernel", False), ("bias", False)],
        _t_depthwise1d,
    ),
    (
        "separable1d",
        lambda: nn.SeparableConv1D(4, 3, depth_multiplier=2, bias_initializer="uniform"),
        (2, 8, 3),
        "SeparableConv1D",
        {"filters": 4, "kernel_size": 3, "depth_multiplier": 2},
        [("depthwise_kernel", False), ("pointwise_kernel", False), ("bias", False)],
        _t_separable,
    ),
    (
        "separable2d",
        lambda: nn.SeparableConv2D(3, (3, 2), bias_initializer="uniform"),
        (2, 5, 4, 2),
        "SeparableConv2D",
        {"filters": 3, "kernel_size": (3, 2)},
        [("depthwise_kernel", False), ("pointwise_kernel", False), ("bias", False)],
        _t_separable,
    ),
    (
        "separable2d-same",
        lambda: nn.SeparableConv2D(3, 3, strides=2, padding="same", depth_multiplier=2, activation="relu"),
        (1, 5, 6, 2),
        "SeparableConv2D",
        {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2, "activation": "relu"},
        [("depthwise_kernel", False), ("pointwise_kernel", False), ("bias", False)],
        None,
    ),
    (
        "conv1d-transpose",
        lambda: nn.Conv1DTranspose(3, 3, strides=2, bias_initializer="uniform"),
        (2, 5, 2),
        "Conv1DTranspose",
        {"filters": 3, "kernel_size": 3, "strides": 2},
        [("kernel", True), ("bias", False)],
        _t_conv_transpose,
    ),
    (
        "conv1d-transpose-same",
        lambda: nn.Conv1DTranspose(2, 4, strides=2, padding="same", output_padding=1),
        (1, 5, 3),
        "Conv1DTranspose",
        {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same", "output_padding": 1},
        [("kernel", True), ("bias", False)],
        None,
    ),
    (
        "conv3d-transpose",
        lambda: nn.Conv3DTranspose(2, 2, strides=2, bias_initializer="uniform"),
        (1, 2, 3, 2, 2),
        "Conv3DTranspose",
        {"filters": 2, "kernel_size": 2, "strides": 2},
        [("kernel", True), ("bias", False)],
        _t_conv_transpose,
    ),
    (
        "conv3d-transpose-same",
        lambda: nn.Conv3DTranspose(2, 3, strides=(1, 2, 2), padding="same"),
        (1, 2, 3, 2, 2),
        "Conv3DTranspose",
        {"filters": 2, "kernel_size": 3, "strides": (1, 2, 2), "padding": "same"},
        [("kernel", True), ("bias", False)],
        None,
    ),
]


def _keras_run(
    name: str,
    kwargs: dict[str, Any],
    weights: list[tuple[str, bool]],
    state: dict[str, np.ndarray],
    x: np.ndarray,
    cot: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    import keras
    import tensorflow as tf

    layer = getattr(keras.layers, name)(**kwargs)
    layer.build(x.shape)
    if weights:
        layer.set_weights([_swap(state[n]) if swap else state[n] for n, swap in weights])
    tx = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tx)
        y = layer(tx)
        loss = tf.reduce_sum(y * cot)
    grads = tape.gradient(loss, [tx, *layer.trainable_weights])
    params = {n: (_swap(g.numpy()) if swap else g.numpy()) for (n, swap), g in zip(weights, grads[1:])}
    return y.numpy(), grads[0].numpy(), params


def _torch_run(
    ref: Any, state: dict[str, np.ndarray], x: np.ndarray, cot: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    import torch

    params = {n: torch.tensor(v, requires_grad=True) for n, v in state.items()}
    tx = torch.tensor(x, requires_grad=True)
    y = ref(params, tx)
    (y * torch.tensor(cot)).sum().backward()
    return y.detach().numpy(), tx.grad.numpy(), {n: p.grad.numpy() for n, p in params.items()}


def _close(actual: np.ndarray, expected: np.ndarray) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("case_id", "factory", "shape", "keras_name", "keras_kwargs", "weights", "torch_ref"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_parity_and_references(
    case_id: str, factory: Any, shape: Any, keras_name: str, keras_kwargs: Any, weights: Any, torch_ref: Any
) -> None:
    x = _x(*shape)
    runs = dn.testing.module_parity(factory, [x], rtol=1e-5, atol=1e-5)
    dn.testing.module_parity(factory, [x], training=True, rtol=1e-5, atol=1e-5)
    run = runs[0]
    y, dx = run.outputs[0], run.input_grads[0]
    assert dx is not None and set(run.param_grads) == {n for n, _ in weights}
    cot = np.random.default_rng(1234).standard_normal(y.shape).astype("float32")  # module_parity's cotangent
    refs = [_keras_run(keras_name, keras_kwargs, weights, run.initial_state, x, cot)]
    if torch_ref is not None:
        refs.append(_torch_run(torch_ref, run.initial_state, x, cot))
    for ref_y, ref_dx, ref_params in refs:
        assert ref_y.shape == y.shape
        _close(y, ref_y)
        _close(dx, ref_dx)
        for name, grad in run.param_grads.items():
            _close(grad, ref_params[name])


def test_causal_output_ignores_the_future(backend: str) -> None:
    layer = nn.Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = _x(1, 8, 2)
    changed = x.copy()
    changed[:, 5:] += 1.0
    y, y_changed = (dn.ops.to_numpy(layer(v)) for v in (x, changed))
    assert y.shape == (1, 8, 2) and layer.padding == "causal"
    np.testing.assert_array_equal(y[:, :5], y_changed[:, :5])
    assert not np.allclose(y[:, 5:], y_changed[:, 5:])


def test_canonical_weight_layouts(backend: str) -> None:
    layers = [
        nn.Conv3D(4, (3, 2, 1), in_channels=2),
        nn.DepthwiseConv1D(3, depth_multiplier=2, in_channels=5),
        nn.SeparableConv2D(4, 3, depth_multiplier=3, in_channels=2),
        nn.Conv1DTranspose(4, 3, in_channels=2),
        nn.Conv3DTranspose(4, 3, in_channels=2),
    ]
    shapes = {f"{type(layer).__name__}.{k}": v.shape for layer in layers for k, v in layer.state_dict().items()}
    assert shapes == {
        "Conv3D.kernel": (3, 2, 1, 2, 4),
        "Conv3D.bias": (4,),
        "DepthwiseConv1D.kernel": (3, 5, 2),
        "DepthwiseConv1D.bias": (10,),
        "SeparableConv2D.depthwise_kernel": (3, 3, 2, 3),
        "SeparableConv2D.pointwise_kernel": (1, 1, 6, 4),
        "SeparableConv2D.bias": (4,),
        "Conv1DTranspose.kernel": (3, 2, 4),
        "Conv1DTranspose.bias": (4,),
        "Conv3DTranspose.kernel": (3, 3, 3, 2, 4),
        "Conv3DTranspose.bias": (4,),
    }


def _tower() -> nn.Module:
    return nn.Sequential(
        [
            nn.Conv3D(3, 2, padding="same"),
            nn.MaxPool3D(2),
            nn.Conv3DTranspose(2, 2, strides=2),
            nn.GlobalAvgPool3D(keepdims=True),
        ]
    )


def _line() -> nn.Module:
    return nn.Sequential(
        [
            nn.SeparableConv1D(4, 3, depth_multiplier=2),
            nn.DepthwiseConv1D(2),
            nn.Conv1DTranspose(3, 3, strides=2),
            nn.AdaptiveMaxPool1D(3),
            nn.AdaptiveAvgPool1D(2),
        ]
    )


def _chain_1d(adaptive: bool) -> nn.Module:
    layers = [
        nn.Conv1D(3, 3, padding="causal"),
        nn.SeparableConv1D(4, 3),
        nn.DepthwiseConv1D(2),
        nn.Conv1DTranspose(3, 3, 2),
    ]
    return nn.Sequential(layers + ([nn.AdaptiveMaxPool1D(3), nn.AdaptiveAvgPool1D(2)] if adaptive else []))


# jit=True on torch is torch.compile of the same generic ops (no layer here has a torch graph path), and its
# first compile costs ~20 s of this file's budget; on TensorFlow jit=True is XLA and cheap.
# Inductor (torch 2.13) also fails lowering F.adaptive_avg_pool2d on symbolic sizes.
@pytest.mark.parametrize(("name", "jit"), [("torch", False), ("tensorflow", False), ("tensorflow", True)])
def test_traced_calls_match_eager(name: str, jit: bool) -> None:
    dn.set_backend(name)
    dn.seed(0)
    for make, x in [(lambda: _chain_1d(adaptive=True), _x(2, 9, 3)), (_tower, _x(1, 4, 4, 4, 2))]:
        model = make()
        eager = dn.ops.to_numpy(model(x))
        traced = dn.function(lambda t, m=model: m(t), jit=jit)
        _close(dn.ops.to_numpy(traced(x)), eager)


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    inputs = [(_tower, _x(1, 4, 4, 4, 2)), (_line, _x(2, 9, 3))]
    dn.set_backend(source)
    dn.seed(0)
    saved = []
    for i, (make, x) in enumerate(inputs):
        model = make()
        y = dn.ops.to_numpy(model(x))
        saved.append((dn.save(model, tmp_path / f"m{i}.safetensors"), model.state_dict(), y))
    dn.set_backend(target)
    for (path, state, y), (_, x) in zip(saved, inputs):
        loaded = dn.load(path)
        assert list(loaded.state_dict()) == list(state)
        for key, value in loaded.state_dict().items():
            np.testing.assert_array_equal(value, state[key])
        _close(dn.ops.to_numpy(loaded(x)), y)


# --- errors ------------------------------------------------------------------------------------------------


class _Net(nn.Module):
    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.block = layer

    def forward(self, x: Any) -> Any:
        return self.block(x)


@pytest.mark.parametrize(
    ("make", "shape", "match"),
    [
        (
            lambda: nn.MaxPool3D(),
            (1, 4, 4, 2),
            r"'block' \(MaxPool3D\) expects inputs of rank 5 \(N, D, H, W, C\), got shape",
        ),
        (
            lambda: nn.GlobalAvgPool3D(),
            (4, 4, 4, 2),
            r"'block' \(GlobalAvgPool3D\) expects inputs of rank 5.*expand_dims",
        ),
        (
            lambda: nn.AdaptiveAvgPool2D(2),
            (2, 5, 3),
            r"'block' \(AdaptiveAvgPool2D\) expects inputs of rank 4 \(N, H, W, C\)",
        ),
        (lambda: nn.AdaptiveMaxPool1D(2), (2, 0, 3), r"AdaptiveMaxPool1D\) expects spatial sizes of at least \(1,\)"),
        (lambda: nn.Conv3D(2, 3), (1, 4, 4, 2), r"'block' \(Conv3D\) expects inputs of rank 5 .*expand_dims\(x, -1\)"),
        (lambda: nn.Conv3D(2, 3), (1, 2, 4, 4, 1), r"Conv3D\) expects spatial sizes of at least \(3, 3, 3\)"),
        (
            lambda: nn.DepthwiseConv1D(3),
            (1, 5, 5, 1),
            r"'block' \(DepthwiseConv1D\) expects inputs of rank 3 \(N, W, C\)",
        ),
        (lambda: nn.SeparableConv2D(2, 3), (2, 5, 5), r"'block' \(SeparableConv2D\) expects inputs of rank 4"),
        (lambda: nn.Conv1DTranspose(2, 3), (2, 5), r"'block' \(Conv1DTranspose\) expects inputs of rank 3"),
        (
            lambda: nn.Conv3DTranspose(2, 3, in_channels=2),
            (1, 2, 2, 2, 3),
            r"Conv3DTranspose\) expects inputs with 2 channels",
        ),
        (
            lambda: nn.SeparableConv1D(2, 3, in_channels=4),
            (1, 5, 3),
            r"SeparableConv1D\) expects inputs with 4 channels",
        ),
    ],
)
def test_bad_inputs_name_the_layer_and_fix(backend: str, make: Callable[[], nn.Module], shape: Any, match: str) -> None:
    with pytest.raises(dn.ShapeError, match=match):
        _Net(make())(_x(*shape))


def test_changed_channel_count_after_build(backend: str) -> None:
    net = _Net(nn.SeparableConv1D(2, 3, padding="same"))
    net(_x(1, 4, 3))
    with pytest.raises(dn.ShapeError, match=r"'block' \(SeparableConv1D\) expects inputs with 3 channels.*new layer"):
        net(_x(1, 4, 2))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: nn.AdaptiveAvgPool2D(0), r"AdaptiveAvgPool2D\(output_size=0\): output_size must be an int >= 1"),
        (lambda: nn.AdaptiveMaxPool1D((2, 2)), r"AdaptiveMaxPool1D\(output_size=\(2, 2\)\)"),
        (lambda: nn.MaxPool3D((2, 2)), r"MaxPool3D\(pool_size=\(2, 2\)\).*tuple of 3 such ints"),
        (lambda: nn.Conv3D(2, 3, padding="causal"), r"Conv3D\(padding='causal'\): padding must be one of"),
        (lambda: nn.SeparableConv2D(2, 3, depth_multiplier=0), r"depth_multiplier must be a positive int"),
        (lambda: nn.SeparableConv1D(2, 3, pointwise_initializer="x"), r"SeparableConv1D\(pointwise_initializer='x'\)"),
        (lambda: nn.DepthwiseConv1D(3, depthwise_initializer="x"), r"DepthwiseConv1D\(depthwise_initializer='x'\)"),
        (lambda: nn.Conv1DTranspose(2, 3, strides=2, output_padding=2), r"output_padding must be smaller"),
        (lambda: nn.Conv3DTranspose(2, 3, output_padding=(0, 0)), r"Conv3DTranspose\(output_padding=\(0, 0\)\)"),
    ],
)
def test_bad_arguments_at_construction(backend: str, make: Callable[[], Any], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        make()


def test_repr(backend: str) -> None:
    assert repr(nn.AdaptiveAvgPool2D(3)) == "AdaptiveAvgPool2D(output_size=(3, 3))"
    assert repr(nn.SeparableConv1D(2, 3)) == (
        "SeparableConv1D(filters=2, kernel_size=(3,), strides=(1,), padding='valid', depth_multiplier=1, "
        "in_channels=None)"
    )
    assert repr(nn.MaxPool3D()) == "MaxPool3D(pool_size=(2, 2, 2), strides=(2, 2, 2), padding='valid')"
