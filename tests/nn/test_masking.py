"""Masking: outputs and mask vs Keras, gradients vs NumPy, use with LSTM's mask argument, parity, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy


def _x() -> np.ndarray:
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32")
    x[0, 1] = 0.0
    x[1, 3:] = 0.0
    x[1, 0, 1] = 0.0  # one zero feature alone does not mask the step
    return x


@pytest.fixture(scope="module")
def keras_reference() -> tuple[np.ndarray, np.ndarray]:
    import keras

    layer = keras.layers.Masking(0.0)
    x = _x()
    return np.asarray(layer(x)), np.asarray(layer.compute_mask(x))


def test_matches_keras_outputs_and_mask(backend: str, keras_reference: tuple[np.ndarray, np.ndarray]) -> None:
    layer, x = dn.nn.Masking(0.0), _x()
    outputs, mask = keras_reference
    assert_matches_numpy(layer(x), outputs, rtol=0, atol=0)
    assert_matches_numpy(layer.compute_mask(x), mask)
    assert layer.parameters() == [] and layer.state_dict() == {}


def test_other_mask_values_and_gradients_match_numpy(backend: str) -> None:
    x = _x() + 1.5  # the masked steps are now 1.5
    cot = np.random.default_rng(1).standard_normal(x.shape).astype("float32")
    layer = dn.nn.Masking(mask_value=1.5)
    keep = np.any(x != 1.5, axis=-1, keepdims=True)
    assert_matches_numpy(layer(x), np.where(keep, x, 0))

    def loss(t: Any) -> Any:
        return dn.ops.sum(layer(t) * dn.ops.convert_to_tensor(cot))

    grad = dn.value_and_grad(loss)(dn.ops.convert_to_tensor(x))[1]
    np.testing.assert_array_equal(dn.ops.to_numpy(grad), np.where(keep, cot, 0))


def test_mask_is_passed_by_hand_to_an_lstm(backend: str) -> None:
    x = _x()
    masking = dn.nn.Masking()
    dn.seed(0)
    lstm = dn.nn.LSTM(4)
    h = lstm(masking(x), mask=masking.compute_mask(x))
    h_short = lstm(x[1:, :3])  # sample 1 has 3 real steps, its last two are masked
    np.testing.assert_allclose(dn.ops.to_numpy(h)[1:], dn.ops.to_numpy(h_short), rtol=1e-5, atol=1e-6)


def test_parity_and_inside_dn_function(backend: str) -> None:
    runs = dn.testing.module_parity(lambda: dn.nn.Masking(), [_x()], training=True)
    assert runs[0].input_grads[0] is not None
    layer = dn.nn.Masking()
    traced = dn.function(lambda t: layer(t))
    np.testing.assert_array_equal(dn.ops.to_numpy(traced(_x())), dn.ops.to_numpy(layer(_x())))


class _Net(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.mask = dn.nn.Masking()

    def forward(self, x: Any) -> Any:
        return self.mask(x)


def test_errors(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"layer 'mask' \(Masking\) expects inputs \(N, T, features\) with a "):
        _Net()(np.zeros(3, "float32"))
    with pytest.raises(dn.ArgumentError, match=r"Masking\(mask_value='0'\)"):
        dn.nn.Masking("0")  # type: ignore[arg-type]
