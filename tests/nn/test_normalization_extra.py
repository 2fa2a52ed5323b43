"""RMSNorm, InstanceNorm1D/2D/3D, UnitNormalization: Keras 3 and torch.nn on the same weights, parity, save, errors."""

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


def _close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def _compare(ours: Any, theirs: Any, names: dict[str, str]) -> None:
    """Outputs, input gradients and weight gradients (``names``: our weight -> theirs) agree within 1e-5."""
    _close(ours[0], theirs[0])
    _close(ours[1], theirs[1])
    for mine, other in names.items():
        _close(ours[2][mine], theirs[2][other])


# --- RMSNorm ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, (1, 2)], ids=str)
def test_rms_norm_matches_keras_and_torch(backend: str, axis: Any) -> None:
    import keras
    import torch

    x = _x(2, 3, 4)
    cot = refs.cotangent(x.shape)
    layer = nn.RMSNorm(axis=axis, gamma_initializer="uniform")
    ours = refs.ours(layer, x, cot)
    gamma = layer.state_dict()["gamma"]
    _compare(
        ours,
        refs.keras(keras.layers.RMSNormalization(axis=axis, epsilon=1e-6), x, cot, {"scale": gamma}),
        {"gamma": "scale"},
    )
    module = torch.nn.RMSNorm(gamma.shape, eps=1e-6)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(gamma))
    _compare(ours, refs.torch(module, x, cot), {"gamma": "weight"})


def test_rms_norm_on_a_middle_axis_matches_numpy(backend: str) -> None:
    x = _x(2, 5, 3)
    layer = nn.RMSNorm(axis=1, epsilon=1e-3, gamma_initializer="uniform")
    y = dn.ops.to_numpy(layer(x))
    gamma = layer.state_dict()["gamma"]
    assert gamma.shape == (5,)
    x64 = x.astype("float64")
    expected = x64 / np.sqrt(np.mean(x64**2, axis=1, keepdims=True) + 1e-3) * gamma[:, None]
    _close(y, expected)


def test_rms_norm_without_scale_has_no_weights(backend: str) -> None:
    layer = nn.RMSNorm(scale=False)
    x = _x(2, 4)
    y = dn.ops.to_numpy(layer(x))
    assert layer.parameters() == []
    _close(y, x / np.sqrt(np.mean(x.astype("float64") ** 2, -1, keepdims=True) + 1e-6))


# --- InstanceNorm -------------------------------------------------------------------------------------

_INSTANCE = [(nn.InstanceNorm1D, (2, 6, 3)), (nn.InstanceNorm2D, (2, 4, 3, 3)), (nn.InstanceNorm3D, (1, 3, 2, 3, 2))]


@pytest.mark.parametrize(("cls", "shape"), _INSTANCE, ids=lambda v: getattr(v, "__name__", str(v)))
def test_instance_norm_matches_torch_and_keras_group_norm(backend: str, cls: Any, shape: tuple[int, ...]) -> None:
    import keras
    import torch

    x = _x(*shape)
    cot = refs.cotangent(shape)
    layer = cls(affine=True, gamma_initializer="uniform", beta_initializer="uniform")
    ours = refs.ours(layer, x, cot)
    state = layer.state_dict()
    channels = shape[-1]
    module = getattr(torch.nn, f"InstanceNorm{len(shape) - 2}d")(channels, affine=True)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(state["gamma"]))
        module.bias.copy_(torch.tensor(state["beta"]))
    first, last = (0, len(shape) - 1, *range(1, len(shape) - 1)), (0, *range(2, len(shape)), 1)
    theirs = refs.torch(module, x, cot, lambda a: a.transpose(first), lambda a: a.transpose(last))
    _compare(ours, theirs, {"gamma": "weight", "beta": "bias"})
    group = keras.layers.GroupNormalization(groups=channels, epsilon=1e-5)
    _compare(ours, refs.keras(group, x, cot, state), {"gamma": "gamma", "beta": "beta"})


def test_instance_norm_defaults_are_torch_and_eval_uses_the_input(backend: str) -> None:
    layer = nn.InstanceNorm2D()
    x = _x(2, 3, 4, 2)
    y_train = dn.ops.to_numpy(layer(x))
    layer.eval()
    np.testing.assert_array_equal(dn.ops.to_numpy(layer(x)), y_train)
    assert layer.parameters() == [] and layer.epsilon == 1e-5
    x64 = x.astype("float64")
    mean, var = x64.mean((1, 2), keepdims=True), x64.var((1, 2), keepdims=True)
    _close(y_train, (x64 - mean) / np.sqrt(var + 1e-5))


def test_instance_norm_num_features_builds_at_construction(backend: str) -> None:
    layer = nn.InstanceNorm1D(num_features=3, affine=True)
    assert layer.built and [n for n, _ in layer.named_parameters()] == ["gamma", "beta"]


# --- UnitNormalization ---------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, (1, 2)], ids=str)
def test_unit_normalization_matches_keras_and_torch(backend: str, axis: Any) -> None:
    import keras
    import torch

    x = _x(2, 3, 4)
    cot = refs.cotangent(x.shape)
    ours = refs.ours(nn.UnitNormalization(axis), x, cot)
    _compare(ours, refs.keras(keras.layers.UnitNormalization(axis), x, cot, {}), {})
    dims = axis if isinstance(axis, int) else tuple(axis)
    t = torch.tensor(x, requires_grad=True)
    y = torch.nn.functional.normalize(t, dim=dims, eps=1e-12)
    (y * torch.tensor(cot)).sum().backward()
    _compare(ours, (y.detach().numpy(), t.grad.numpy(), {}), {})


# --- across backends -------------------------------------------------------------------------------------

_PARITY = [
    (lambda: nn.RMSNorm(gamma_initializer="uniform"), (2, 3, 4)),
    (lambda: nn.RMSNorm(axis=1, gamma_initializer="uniform"), (2, 3, 4)),
    (lambda: nn.InstanceNorm1D(affine=True, gamma_initializer="uniform"), (2, 5, 3)),
    (lambda: nn.InstanceNorm2D(), (2, 3, 3, 2)),
    (lambda: nn.UnitNormalization(), (2, 4)),
]


@pytest.mark.parametrize(("factory", "shape"), _PARITY)
@pytest.mark.parametrize("training", [False, True])
def test_parity_across_backends(factory: Any, shape: tuple[int, ...], training: bool) -> None:
    dn.testing.module_parity(factory, [_x(*shape)], training=training, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    x = _x(2, 4, 3)
    dn.set_backend(source)
    dn.seed(0)
    model = nn.Sequential(
        [nn.RMSNorm(gamma_initializer="uniform"), nn.InstanceNorm1D(affine=True, beta_initializer="uniform")]
    )
    got = dn.ops.to_numpy(model(x))
    path = dn.save(model, tmp_path / "m.safetensors")
    dn.set_backend(target)
    np.testing.assert_allclose(dn.ops.to_numpy(dn.load(path)(x)), got, rtol=1e-6, atol=1e-6)


# --- errors --------------------------------------------------------------------------------------------


class _Net(dn.nn.Module):
    def __init__(self, layer: dn.nn.Module) -> None:
        super().__init__()
        self.norm = layer

    def forward(self, x: Any) -> Any:
        return self.norm(x)


@pytest.mark.parametrize(
    ("make", "shapes", "match"),
    [
        (
            nn.InstanceNorm2D,
            [(2, 4, 3)],
            r"layer 'norm' \(InstanceNorm2D\) expects inputs of rank 4 \(N, H, W, C\), "
            r"got shape \(2, 4, 3\); add the missing batch axis",
        ),
        (nn.InstanceNorm1D, [(2, 4, 3, 3)], r"InstanceNorm1D\) expects inputs of rank 3 .*use InstanceNorm2D"),
        (lambda: nn.InstanceNorm1D(num_features=3), [(2, 4, 2)], r"expects 3 channels \(last axis\), got shape"),
        (nn.RMSNorm, [(2, 4), (2, 5)], r"layer 'norm' \(RMSNorm\) expects sizes \(4,\) on axes \(-1,\), got shape"),
        (lambda: nn.RMSNorm(axis=1), [(2, 4, 3), (2, 4)], r"built for inputs of rank 3 \(axis=\(1,\)\)"),
        (lambda: nn.RMSNorm(axis=2), [(2, 4)], r"normalises axis 2, which inputs of shape \(2, 4\) do not have"),
        (lambda: nn.UnitNormalization(3), [(2, 4)], r"UnitNormalization\) normalises axis 3"),
    ],
)
def test_bad_inputs_name_the_layer_and_the_fix(backend: str, make: Any, shapes: Any, match: str) -> None:
    net = _Net(make())
    for shape in shapes[:-1]:
        net(_x(*shape))
    with pytest.raises(dn.ShapeError, match=match):
        net(_x(*shapes[-1]))


def test_integer_inputs_are_a_dtype_error(backend: str) -> None:
    with pytest.raises(dn.DTypeError, match=r"RMSNorm expects floating-point inputs, got int64"):
        nn.RMSNorm()(np.ones((2, 3), "int64"))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: nn.RMSNorm(epsilon=0), r"RMSNorm\(epsilon=0\): epsilon must be"),
        (lambda: nn.RMSNorm(axis=()), r"RMSNorm\(axis=\(\)\): give at least one axis"),
        (lambda: nn.RMSNorm(scale=1), r"RMSNorm\(scale=1\)"),
        (lambda: nn.InstanceNorm2D(num_features=0), r"InstanceNorm2D\(num_features=0\): num_features must be"),
        (lambda: nn.InstanceNorm3D(affine="yes"), r"InstanceNorm3D\(affine='yes'\)"),
        (lambda: nn.InstanceNorm2D(momentum=1.5), r"InstanceNorm2D\(momentum=1.5\)"),
        (lambda: nn.InstanceNorm2D(track_running_stats=1), r"InstanceNorm2D\(track_running_stats=1\)"),
        (lambda: nn.RMSNorm(gamma_initializer="x"), r"RMSNorm\(gamma_initializer='x'\): unknown initializer"),
        (lambda: nn.InstanceNorm1D(beta_initializer="x"), r"InstanceNorm1D\(beta_initializer='x'\)"),
        (lambda: nn.UnitNormalization(axis=1.5), r"UnitNormalization\(axis=1.5\)"),
    ],
)
def test_bad_arguments_at_construction(backend: str, make: Any, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        make()


def test_instance_norm_running_stats_match_torch(backend: str) -> None:
    import torch

    x1, x2 = _x(3, 4, 5, 2), _x(3, 4, 5, 2)[::-1] * 2 + 1
    layer = nn.InstanceNorm2D(affine=True, track_running_stats=True, momentum=0.9, gamma_initializer="uniform")
    module = torch.nn.InstanceNorm2d(2, affine=True, track_running_stats=True, momentum=0.1)
    to_nchw = (0, 3, 1, 2)
    for x in (x1, x2):
        y = dn.ops.to_numpy(layer(np.ascontiguousarray(x)))
        with torch.no_grad():
            module.weight.copy_(torch.tensor(layer.state_dict()["gamma"]))
            expected = module(torch.tensor(np.ascontiguousarray(x.transpose(to_nchw)))).numpy().transpose(0, 2, 3, 1)
        _close(y, expected)
    state = layer.state_dict()
    _close(state["moving_mean"], module.running_mean.numpy())
    _close(state["moving_variance"], module.running_var.numpy())
    layer.eval()
    module.eval()
    with torch.no_grad():
        expected = module(torch.tensor(np.ascontiguousarray(x1.transpose(to_nchw)))).numpy().transpose(0, 2, 3, 1)
    _close(dn.ops.to_numpy(layer(x1)), expected)


def test_instance_norm_running_stats_parity_and_under_dn_function(backend: str) -> None:
    make = lambda: nn.InstanceNorm1D(track_running_stats=True, momentum=0.5)  # noqa: E731
    dn.testing.module_parity(make, [_x(2, 5, 3)], training=True, rtol=1e-5, atol=1e-5)
    eager, traced = make(), make()
    step = dn.function(lambda t: traced(t))
    for x in (_x(2, 5, 3), _x(2, 5, 3) * 3):
        _close(dn.ops.to_numpy(step(x)), dn.ops.to_numpy(eager(x)))
    _close(traced.state_dict()["moving_variance"], eager.state_dict()["moving_variance"])


@pytest.mark.parametrize("make", [nn.RMSNorm, lambda: nn.InstanceNorm1D(affine=True), nn.UnitNormalization])
def test_half_precision_is_computed_in_float32(backend: str, make: Any) -> None:
    x = _x(2, 4, 3)
    y16 = make()(dn.ops.cast(x, "bfloat16"))
    assert dn.ops.dtype(y16) == "bfloat16"
    y32 = dn.ops.to_numpy(make()(x))
    np.testing.assert_allclose(dn.ops.to_numpy(dn.ops.cast(y16, "float32")), y32, rtol=2e-2, atol=2e-2)
