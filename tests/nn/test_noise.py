"""Noise layers and Dropout(noise_shape): statistics over many draws, masks, eval identity, seeds, graphs, errors.

The two backends draw from different generators, so the noise itself is not compared across them (as for
Dropout); its distribution is, on each backend, against the formula Keras 3 uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import nn

_ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _np(t: Any) -> np.ndarray:
    return dn.ops.to_numpy(t)


_ALL = [
    lambda: nn.GaussianNoise(0.5),
    lambda: nn.GaussianDropout(0.3),
    lambda: nn.AlphaDropout(0.3),
    lambda: nn.SpatialDropout1D(0.5),
    lambda: nn.Dropout(0.5, noise_shape=(None, 1, None)),
]


@pytest.mark.parametrize("make", _ALL)
def test_eval_mode_is_the_identity_and_training_is_not(backend: str, make: Any) -> None:
    layer = make()
    x = _x(4, 5, 6)
    assert not np.array_equal(_np(layer(x)), x)
    layer.eval()
    np.testing.assert_array_equal(_np(layer(x)), x)
    assert layer.parameters() == []


def test_gaussian_noise_statistics(backend: str) -> None:
    x = _x(200, 50)
    noise = _np(nn.GaussianNoise(0.5)(x)) - x
    assert abs(noise.mean()) < 0.03 and abs(noise.std() - 0.5) < 0.02  # 10_000 draws: > 4 standard errors


def test_gaussian_dropout_statistics_and_gradient(backend: str) -> None:
    layer = nn.GaussianDropout(0.3, seed=5)
    x = np.full((200, 50), 2.0, "float32")
    factor = _np(layer(x)) / 2.0
    assert abs(factor.mean() - 1.0) < 0.03 and abs(factor.var() - 0.3 / 0.7) < 0.03
    grad = _np(dn.grad(lambda t: dn.ops.sum(layer(t)))(dn.ops.convert_to_tensor(x)))
    np.testing.assert_allclose(grad, factor, rtol=1e-6)  # an int seed repeats the noise


def test_alpha_dropout_keeps_zero_mean_unit_variance_and_drops_to_the_saturation(backend: str) -> None:
    rate = 0.3
    x = _x(200, 50)
    y = _np(nn.AlphaDropout(rate)(x))
    a = ((1 - rate) * (1 + rate * _ALPHA_P**2)) ** -0.5
    b = -a * _ALPHA_P * rate
    kept = np.isclose(y, a * x + b, atol=1e-6)
    dropped = np.isclose(y, a * _ALPHA_P + b, atol=1e-6)
    assert np.all(kept | dropped) and abs(dropped.mean() - rate) < 0.03
    assert abs(y.mean()) < 0.05 and abs(y.std() - 1.0) < 0.05


def test_alpha_dropout_noise_shape_shares_the_mask(backend: str) -> None:
    y = _np(nn.AlphaDropout(0.5, noise_shape=(None, 1, None), seed=2)(np.zeros((8, 5, 6), "float32")))
    assert np.all(y == y[:, :1]) and len(np.unique(y)) == 2


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (lambda: nn.SpatialDropout1D(0.4, seed=4), (50, 3, 40)),
        (lambda: nn.SpatialDropout2D(0.4, seed=4), (50, 2, 3, 40)),
        (lambda: nn.SpatialDropout3D(0.4, seed=4), (50, 2, 2, 2, 40)),
        (lambda: nn.Dropout(0.4, seed=4, noise_shape=(None, 1, None)), (50, 3, 40)),
    ],
)
def test_spatial_dropout_drops_whole_channels(backend: str, make: Any, shape: tuple[int, ...]) -> None:
    layer = make()
    x = np.ones(shape, "float32")
    y = _np(layer(x))
    spatial = tuple(range(1, len(shape) - 1))
    np.testing.assert_array_equal(y, np.broadcast_to(y[(slice(None), *[slice(0, 1)] * len(spatial))], shape))
    assert abs(np.mean(y == 0) - 0.4) < 0.06  # 2000 (example, channel) draws
    np.testing.assert_allclose(y[y != 0], 1 / 0.6, rtol=1e-6)
    grad = _np(dn.grad(lambda t: dn.ops.sum(layer(t)))(dn.ops.convert_to_tensor(x)))
    np.testing.assert_array_equal(grad, y)  # x is ones and the seed fixes the mask: the gradient is the scaled mask


@pytest.mark.parametrize("make", [lambda: nn.GaussianNoise(1.0), lambda: nn.SpatialDropout2D(0.5)])
def test_noise_repeats_after_dn_seed_and_int_seeds_fix_it(backend: str, make: Any) -> None:
    layer, x = make(), _x(4, 3, 3, 8)
    dn.seed(3)
    first, second = _np(layer(x)), _np(layer(x))
    assert not np.array_equal(first, second)
    dn.seed(3)
    np.testing.assert_array_equal(_np(layer(x)), first)
    seeded = type(layer)(layer.stddev if isinstance(layer, nn.GaussianNoise) else layer.rate, seed=7)
    np.testing.assert_array_equal(_np(seeded(x)), _np(seeded(x)))


def _traced_noise(jit: bool) -> None:
    model = nn.Sequential([nn.GaussianNoise(0.1), nn.SpatialDropout1D(0.5), nn.AlphaDropout(0.2)])
    x = np.ones((64, 3, 16), "float32")
    y = _np(dn.function(lambda t: model(t), jit=jit)(x))
    assert y.shape == x.shape and np.all(np.isfinite(y)) and 0.2 < np.mean(np.abs(y) < 0.5) < 0.8
    model.eval()
    np.testing.assert_array_equal(_np(dn.function(lambda t: model(t), jit=jit)(x)), x)


def test_inside_dn_function(backend: str) -> None:
    _traced_noise(jit=False)


def test_inside_xla() -> None:
    # jit=True on torch is torch.compile, which traces these layers like any torch code (and takes ~30 s here);
    # TensorFlow's XLA path is the one with rules of its own for random ops.
    dn.set_backend("tensorflow")
    _traced_noise(jit=True)


@pytest.mark.parametrize("make", [*_ALL, lambda: nn.AlphaDropout(0.3, noise_shape=(None, 1, None), seed=1)])
def test_an_unknown_batch_axis_under_tf_function(make: Any) -> None:
    # The compiled train step traces with relaxed shapes: the batch axis is then None inside the layers.
    dn.set_backend("tensorflow")
    import tensorflow as tf

    layer = make()
    fn = tf.function(lambda t: layer(t), input_signature=[tf.TensorSpec((None, 3, 40), tf.float32)])
    x = _x(50, 3, 40)
    y = fn(x).numpy()
    assert y.shape == x.shape and np.all(np.isfinite(y)) and abs(y.mean() - x.mean()) < 0.1  # each keeps the mean
    assert not np.array_equal(y, x)


def test_parity_in_eval_mode() -> None:
    dn.testing.module_parity(lambda: nn.AlphaDropout(0.5), [_x(2, 3)], training=False)
    dn.testing.module_parity(lambda: nn.SpatialDropout1D(0.5), [_x(2, 3, 4)], training=False)


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    dn.set_backend(source)
    model = nn.Sequential(
        [nn.Dense(4), nn.GaussianNoise(0.2, seed=1), nn.AlphaDropout(0.1, noise_shape=(None, 1)), nn.Dropout(0.2)]
    )
    x = _x(3, 5)
    model(x)
    model.eval()
    got, state = _np(model(x)), model.state_dict()
    np.testing.assert_allclose(got, x @ state["0.kernel"] + state["0.bias"], rtol=1e-5, atol=1e-6)
    path = dn.save(model, tmp_path / "m.safetensors")
    dn.set_backend(target)
    loaded = dn.load(path)
    loaded.eval()
    np.testing.assert_allclose(_np(loaded(x)), got, rtol=1e-6, atol=1e-6)
    assert repr(loaded[2]) == "AlphaDropout(rate=0.1)" and loaded[2].noise_shape == (None, 1)


class _Net(dn.nn.Module):
    def __init__(self, layer: dn.nn.Module) -> None:
        super().__init__()
        self.drop = layer

    def forward(self, x: Any) -> Any:
        return self.drop(x)


@pytest.mark.parametrize(
    ("make", "shape", "error", "match"),
    [
        (
            lambda: nn.SpatialDropout2D(0.5),
            (2, 4, 3),
            dn.ShapeError,
            r"layer 'drop' \(SpatialDropout2D\) expects inputs of rank 4 \(N, H, W, C\), got shape \(2, 4, 3\); "
            r"use SpatialDropout1D",
        ),
        (
            lambda: nn.Dropout(0.5, noise_shape=(None, 2)),
            (2, 4),
            dn.ShapeError,
            r"layer 'drop' \(Dropout\) has noise_shape \(None, 2\), which does not fit inputs of shape \(2, 4\)",
        ),
        (lambda: nn.AlphaDropout(0.5, noise_shape=(None,)), (2, 4), dn.ShapeError, r"give one entry per input axis"),
        (lambda: nn.GaussianNoise(0.5), (2, 4), dn.DTypeError, r"GaussianNoise\) expects floating-point inputs"),
    ],
)
def test_bad_inputs_name_the_layer(backend: str, make: Any, shape: Any, error: Any, match: str) -> None:
    x = np.ones(shape, "int64") if error is dn.DTypeError else _x(*shape)
    with pytest.raises(error, match=match):
        _Net(make())(x)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: nn.GaussianNoise(-0.1), r"GaussianNoise\(stddev=-0.1\)"),
        (lambda: nn.GaussianDropout(1.0), r"GaussianDropout\(rate=1.0\): rate must be a number in \[0, 1\)"),
        (lambda: nn.AlphaDropout(0.1, noise_shape=(0, 1)), r"AlphaDropout\(noise_shape=\(0, 1\)\): noise_shape must"),
        (lambda: nn.Dropout(0.1, noise_shape="x"), r"Dropout\(noise_shape='x'\)"),
        (lambda: nn.SpatialDropout3D(0.1, seed=-1), r"SpatialDropout3D\(seed=-1\)"),
    ],
)
def test_bad_arguments_at_construction(backend: str, make: Any, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        make()
