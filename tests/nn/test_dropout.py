"""Dropout: mask statistics and scaling in training, the identity in eval mode, seeds, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.dropout import Dropout
from tests.helpers import assert_matches_numpy


def _ones(shape: tuple[int, ...] = (100, 50)) -> np.ndarray:
    return np.ones(shape, "float32")


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_training_drops_a_fraction_rate_and_scales_the_rest(backend: str, rate: float) -> None:
    y = dn.ops.to_numpy(Dropout(rate)(_ones()))
    dropped = np.mean(y == 0.0)
    assert abs(dropped - rate) < 0.03  # 5000 draws: 4+ standard deviations
    np.testing.assert_allclose(y[y != 0.0], 1.0 / (1.0 - rate), rtol=1e-6)
    assert abs(y.mean() - 1.0) < 0.1  # the expected value is kept


def test_eval_mode_is_the_identity(backend: str) -> None:
    layer = Dropout(0.5)
    layer.eval()
    x = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    assert_matches_numpy(layer(x), x)  # a native tensor out, values untouched
    t = dn.ops.convert_to_tensor(x)
    assert layer(t) is t


def test_rate_zero_is_the_identity_in_training(backend: str) -> None:
    x = np.arange(6, dtype="float32").reshape(2, 3)
    assert_matches_numpy(Dropout(0.0)(x), x)


def test_masks_differ_per_call_and_repeat_after_dn_seed(backend: str) -> None:
    layer = Dropout(0.5)
    dn.seed(3)
    first, second = dn.ops.to_numpy(layer(_ones((20, 20)))), dn.ops.to_numpy(layer(_ones((20, 20))))
    assert not np.array_equal(first, second)
    dn.seed(3)
    np.testing.assert_array_equal(dn.ops.to_numpy(layer(_ones((20, 20)))), first)


def test_an_int_seed_fixes_the_mask(backend: str) -> None:
    a, b = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    masks = [dn.ops.to_numpy(layer(_ones((20, 20)))) for layer in (a, a, b)]
    np.testing.assert_array_equal(masks[0], masks[1])
    np.testing.assert_array_equal(masks[0], masks[2])
    assert 0.3 < np.mean(masks[0] == 0) < 0.7


def test_gradient_is_the_scaled_mask(backend: str) -> None:
    layer = Dropout(0.25, seed=1)
    x = dn.ops.convert_to_tensor(np.random.default_rng(0).standard_normal((10, 10)).astype("float32"))
    y = dn.ops.to_numpy(layer(x))
    grad = dn.grad(lambda t: dn.ops.sum(layer(t)))(x)
    kept = (y != 0).astype("float32")
    np.testing.assert_allclose(dn.ops.to_numpy(grad), kept / 0.75, rtol=1e-6)


def test_parity_where_both_backends_are_deterministic() -> None:
    x = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")
    dn.testing.module_parity(lambda: Dropout(0.5), [x], training=False)
    dn.testing.module_parity(lambda: Dropout(0.0), [x], training=True)


def test_model_eval_reaches_nested_dropout(backend: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.drop = Dropout(0.9)

        def forward(self, x):  # type: ignore[no-untyped-def]
            return self.drop(x)

    net = Net()
    assert np.mean(dn.ops.to_numpy(net(_ones())) == 0) > 0.8
    net.eval()
    assert_matches_numpy(net(_ones()), _ones())


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, "0.5", True, None])
def test_bad_rate_names_the_layer_and_the_argument(backend: str, rate: object) -> None:
    with pytest.raises(dn.ArgumentError, match=rf"Dropout\(rate={rate!r}\): rate must be a number in \[0, 1\)"):
        Dropout(rate)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [-1, 1.5, "1"])
def test_bad_seed(backend: str, seed: object) -> None:
    with pytest.raises(dn.ArgumentError, match=r"Dropout\(seed=.*\): seed must be an int >= 0 or None"):
        Dropout(0.5, seed=seed)  # type: ignore[arg-type]


def test_repr(backend: str) -> None:
    assert repr(Dropout(0.2)) == "Dropout(rate=0.2)" and repr(Dropout(0.2, seed=3)) == "Dropout(rate=0.2, seed=3)"
