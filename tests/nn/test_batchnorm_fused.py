"""BatchNorm on the fused kernels (``B.batch_norm_train`` / ``B.batch_norm_infer``) against the composite path,
torch.nn.BatchNorm2d and Keras's BatchNormalization: outputs, gradients w.r.t. x, gamma, beta, moving statistics."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.nn import layer_references as refs

_SHAPES = [(4, 5, 6, 3), (6, 3), (2, 7, 3)]  # the kernels' 4-D layout, and ranks reshaped to it


def _x(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(shape) * 2.0 + 0.5).astype("float32")


def _close(a: Any, b: Any, tol: float = 1e-5) -> None:
    np.testing.assert_allclose(np.asarray(a, "float32"), np.asarray(b, "float32"), rtol=tol, atol=tol)


_GAMMA = np.array([0.5, 1.0, 1.5], "float32")
_BETA = np.array([-1.0, 0.0, 1.0], "float32")


def _composite_train(x: Any, gamma: Any, beta: Any, eps: float) -> tuple[Any, Any, Any]:
    mean, variance = B.moments(x, tuple(range(B.ndim(x) - 1)))
    return B.batch_norm(x, mean, variance, scale=gamma, offset=beta, epsilon=eps), mean, variance


def _grads(fn: Any, x: np.ndarray, dtype: str) -> list[np.ndarray]:
    """The output of ``fn(x, gamma, beta)`` and the gradients of ``sum(y * cot)`` w.r.t. x, gamma, beta."""
    cot = dn.ops.convert_to_tensor(refs.cotangent(x.shape))
    xt = dn.ops.cast(dn.ops.convert_to_tensor(x), dtype)

    def loss(t: Any, gamma: Any, beta: Any) -> Any:
        return dn.ops.sum(dn.ops.multiply(dn.ops.cast(fn(t, gamma, beta), "float32"), cot))

    gamma, beta = dn.ops.convert_to_tensor(_GAMMA), dn.ops.convert_to_tensor(_BETA)
    _, grads = dn.value_and_grad(loss, wrt=(0, 1, 2))(xt, gamma, beta)
    y = dn.ops.cast(fn(xt, gamma, beta), "float32")
    return [dn.ops.to_numpy(v) for v in (y, *(dn.ops.cast(g, "float32") for g in grads))]


@pytest.mark.parametrize("shape", _SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float16"])
def test_train_op_matches_the_composite_path(backend: str, shape: tuple[int, ...], dtype: str) -> None:
    x = _x(shape)
    fused = _grads(lambda t, g, b: B.batch_norm_train(t, scale=g, offset=b, epsilon=1e-3)[0], x, dtype)
    composite = _grads(lambda t, g, b: _composite_train(B.cast(t, "float32"), g, b, 1e-3)[0], x, dtype)
    # 16-bit inputs: both paths normalise the same rounded input in float32; the output is rounded again.
    tol = 1e-5 if dtype == "float32" else 1e-2
    for ours, theirs in zip(fused, composite):
        _close(ours, theirs, tol)
    _, mean, variance = B.batch_norm_train(x, scale=_GAMMA, offset=_BETA, epsilon=1e-3)
    axes = tuple(range(len(shape) - 1))
    _close(dn.ops.to_numpy(mean), x.mean(axes))
    _close(dn.ops.to_numpy(variance), x.var(axes))  # biased, as the composite path and Keras


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_infer_op_matches_the_composite_path(backend: str, dtype: str) -> None:
    x = _x((3, 4, 5, 3))
    mean, var = np.array([0.5, -1.0, 2.0], "float32"), np.array([1.0, 4.0, 0.5], "float32")
    fused = _grads(lambda t, g, b: B.batch_norm_infer(t, mean, var, scale=g, offset=b, epsilon=1e-3), x, dtype)
    composite = _grads(
        lambda t, g, b: B.batch_norm(B.cast(t, "float32"), mean, var, scale=g, offset=b, epsilon=1e-3), x, dtype
    )
    for ours, theirs in zip(fused, composite):
        _close(ours, theirs, 1e-5 if dtype == "float32" else 1e-2)


def test_single_value_per_channel_has_zero_variance(backend: str) -> None:
    # The kernels' Bessel-corrected variance is 0 / 0 here; the biased one is 0, as the composite path says.
    x = _x((1, 3))
    y, mean, variance = B.batch_norm_train(x, epsilon=1e-3)
    _close(dn.ops.to_numpy(mean), x[0])
    _close(dn.ops.to_numpy(variance), np.zeros(3))
    _close(dn.ops.to_numpy(y), np.zeros((1, 3)))


def _torch_bn(state: dict[str, np.ndarray], channels: int, momentum: float) -> Any:
    import torch

    module = torch.nn.BatchNorm2d(channels, eps=1e-3, momentum=1.0 - momentum)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(state["gamma"]))
        module.bias.copy_(torch.tensor(state["beta"]))
        module.running_mean.copy_(torch.tensor(state["moving_mean"]))
        module.running_var.copy_(torch.tensor(state["moving_variance"]))
    return module


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_layer_matches_torch_and_keras(backend: str, training: bool) -> None:
    import keras

    x = _x((4, 5, 6, 3))
    cot = refs.cotangent(x.shape)
    layer = dn.nn.BatchNorm(num_features=3, momentum=0.9)
    layer.load_state_dict(
        {
            "gamma": _GAMMA,
            "beta": _BETA,
            "moving_mean": np.array([0.2, -0.3, 0.1], "float32"),
            "moving_variance": np.array([1.5, 0.7, 2.0], "float32"),
        }
    )
    state = {k: np.array(dn.ops.to_numpy(v)) for k, v in layer.state_dict().items()}
    layer.train(training)
    ours = refs.ours(layer, x, cot)
    module = _torch_bn(state, 3, 0.9).train(training)
    theirs = refs.torch(module, x, cot, lambda a: a.transpose(0, 3, 1, 2), lambda a: a.transpose(0, 2, 3, 1))
    for a, b in zip(ours[:2], theirs[:2]):
        _close(a, b)
    _close(ours[2]["gamma"], theirs[2]["weight"])
    _close(ours[2]["beta"], theirs[2]["bias"])
    kept = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    theirs = refs.keras(kept, x, cot, state, training=training)
    for a, b in zip(ours[:2], theirs[:2]):
        _close(a, b)
    _close(ours[2]["gamma"], theirs[2]["gamma"])
    _close(ours[2]["beta"], theirs[2]["beta"])


def test_moving_statistics_follow_keras(backend: str) -> None:
    import keras

    layer = dn.nn.BatchNorm(momentum=0.8)
    kept = keras.layers.BatchNormalization(momentum=0.8, epsilon=1e-3)
    for seed in range(3):
        x = _x((4, 3, 2, 3), seed)
        layer(x)
        kept(x, training=True)
    state = layer.state_dict()
    _close(dn.ops.to_numpy(state["moving_mean"]), kept.moving_mean.numpy())
    _close(dn.ops.to_numpy(state["moving_variance"]), kept.moving_variance.numpy())


def test_training_step_inside_dn_function(backend: str) -> None:
    # Compiled (tf.function / eager torch): the fused op and the moving update run in the traced step.
    layer = dn.nn.BatchNorm(momentum=0.5, num_features=3)
    x = _x((2, 3, 3, 3))
    step = dn.function(lambda t: layer(t))
    step(x)
    _close(dn.ops.to_numpy(layer.state_dict()["moving_mean"]), 0.5 * x.mean((0, 1, 2)))
    _close(dn.ops.to_numpy(layer.state_dict()["moving_variance"]), 0.5 + 0.5 * x.var((0, 1, 2)))
