"""TimeDistributed: Keras 3 on the same weights, parity across backends, save and load, errors."""

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


_CASES = [
    ("Dense", lambda: nn.Dense(4, bias_initializer="uniform"), lambda k: k.layers.Dense(4), (2, 3, 5)),
    ("Dense-rank4", lambda: nn.Dense(2), lambda k: k.layers.Dense(2), (2, 3, 4, 5)),
    (
        "Conv2D",
        lambda: nn.Conv2D(3, 2, strides=2, padding="same", bias_initializer="uniform"),
        lambda k: k.layers.Conv2D(3, 2, strides=2, padding="same"),
        (2, 3, 5, 4, 2),
    ),
]


@pytest.mark.parametrize(("ours", "keras_layer", "shape"), [c[1:] for c in _CASES], ids=[c[0] for c in _CASES])
def test_matches_keras(backend: str, ours: Any, keras_layer: Any, shape: tuple[int, ...]) -> None:
    import keras

    x = _x(*shape)
    layer = nn.TimeDistributed(ours())
    cot = refs.cotangent(tuple(dn.ops.shape(layer(x))))
    mine = refs.ours(layer, x, cot)
    weights = {name.split(".")[-1]: value for name, value in layer.state_dict().items()}
    theirs = refs.keras(keras.layers.TimeDistributed(keras_layer(keras)), x, cot, weights)
    _close(mine[0], theirs[0])
    _close(mine[1], theirs[1])
    for name in weights:
        _close(mine[2][f"layer.{name}"], theirs[2][name])


def test_every_step_gets_the_same_layer(backend: str) -> None:
    layer = nn.TimeDistributed(nn.Conv1D(2, 3))
    x = _x(2, 4, 6, 3)
    y = dn.ops.to_numpy(layer(x))
    assert y.shape == (2, 4, 4, 2) and [n for n, _ in layer.named_parameters()] == ["layer.kernel", "layer.bias"]
    for t in range(4):
        _close(y[:, t], dn.ops.to_numpy(layer.layer(x[:, t])))


def test_parity() -> None:
    dn.testing.module_parity(
        lambda: nn.TimeDistributed(nn.Sequential([nn.Conv2D(2, 2), nn.Flatten(), nn.Dense(3)])),
        [_x(2, 3, 4, 4, 2)],
        training=True,
    )


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    x = _x(2, 3, 5)
    dn.set_backend(source)
    dn.seed(0)
    model = nn.Sequential([nn.TimeDistributed(nn.Dense(4)), nn.GRU(3)])
    y = dn.ops.to_numpy(model(x))
    path = dn.save(model, tmp_path / "td.safetensors")
    dn.set_backend(target)
    _close(dn.ops.to_numpy(dn.load(path)(x)), y)


def test_input_without_a_time_axis_names_the_layer_and_the_fix(backend: str) -> None:
    model = nn.Sequential([nn.Dense(3), nn.TimeDistributed(nn.Dense(2))])
    with pytest.raises(
        dn.ShapeError,
        match=r"layer '1' \(TimeDistributed\) expects inputs \(N, T, ...\) with a time axis .* got shape \(2, 3\); "
        r"add a time axis with dn.ops.expand_dims\(x, 1\)",
    ):
        model(_x(2, 4))


def test_a_step_the_layer_refuses_is_reported_by_the_inner_layer(backend: str) -> None:
    model = nn.Sequential([nn.TimeDistributed(nn.Conv2D(2, 3))])
    with pytest.raises(dn.ShapeError, match=r"layer '0.layer' \(Conv2D\) expects inputs of rank 4"):
        model(_x(2, 3, 4, 4))


def test_a_layer_that_is_not_a_module_is_refused() -> None:
    with pytest.raises(dn.ArgumentError, match=r"TimeDistributed\(layer='dense'\): layer must be a dn.nn.Module"):
        nn.TimeDistributed("dense")  # type: ignore[arg-type]
