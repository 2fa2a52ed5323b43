"""dn.ops activations and softmax against NumPy references, on both backends: values, dtypes, gradients."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy
from tests.ops.nn_reference import (
    ACTIVATION_IDS,
    ACTIVATIONS,
    ACTIVATIONS_BY_NAME,
    SELU_ALPHA,
    SELU_SCALE,
    X_ACT,
    check_grads,
    erfc,
    log_softmax,
    rand,
    sigmoid,
)

# ---------------------------------------------------------------- activations


@pytest.mark.parametrize(("name", "kwargs", "ref"), ACTIVATIONS, ids=ACTIVATION_IDS)
def test_activation_matches_numpy(backend: str, name: str, kwargs: dict[str, Any], ref: Callable[..., Any]) -> None:
    expected = ref(X_ACT.astype(np.float64)).astype(np.float32)
    assert_matches_numpy(getattr(dn.ops, name)(X_ACT, **kwargs), expected, rtol=1e-5, atol=1e-6)
    assert_matches_numpy(getattr(dn.ops, name)(dn.ops.convert_to_tensor(X_ACT), **kwargs), expected, 1e-5, 1e-6)


@pytest.mark.parametrize(("name", "kwargs", "ref"), ACTIVATIONS, ids=ACTIVATION_IDS)
def test_activation_gradient(backend: str, name: str, kwargs: dict[str, Any], ref: Callable[..., Any]) -> None:
    x = X_ACT.ravel()[:24:4].copy()  # 1-D, both signs, away from kinks
    check_grads(lambda t: getattr(dn.ops, name)(t, **kwargs), ref, [x])


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("relu", {}, [0, 0, 1, 1]),
        ("relu6", {}, [0, 0, 1, 0]),
        ("leaky_relu", {}, [0.2, 0.2, 1, 1]),
        ("elu", {"alpha": 0.5}, [0.5 * math.exp(-3), 0.5, 1, 1]),
        ("selu", {}, [SELU_SCALE * SELU_ALPHA * math.exp(-3), SELU_SCALE * SELU_ALPHA, SELU_SCALE, SELU_SCALE]),
        ("hard_sigmoid", {}, [0, 1 / 6, 0, 0]),
    ],
)
def test_gradient_at_kinks_is_the_same_on_both_backends(
    backend: str, name: str, kwargs: dict[str, Any], expected: list[float]
) -> None:
    # Exact zeros are common (padding, zero bias), so the one-sided choice at a kink must not depend on the backend.
    x = dn.ops.convert_to_tensor(np.array([-3.0, 0.0, 3.0, 6.0], np.float32))
    ones = np.ones((4, 1), np.float32)
    _, _, (grad,) = B.value_and_grad(
        lambda ts: dn.ops.linear(getattr(dn.ops, name)(ts[0], **kwargs), ones), [], [x], False
    )
    np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("name", "expected_dtype"), [("relu", "int64"), ("relu6", "int64"), ("sigmoid", "float32"), ("gelu", "float32")]
)
def test_activation_of_integers(backend: str, name: str, expected_dtype: str) -> None:
    x = np.array([-3, 0, 2, 9], dtype=np.int64)
    ref = ACTIVATIONS_BY_NAME[name]
    assert_matches_numpy(getattr(dn.ops, name)(x), ref(x.astype(np.float64)).astype(expected_dtype), 1e-6, 1e-6)


def test_activation_keeps_float64(backend: str) -> None:
    x = X_ACT.astype(np.float64)
    # TensorFlow's float64 erfc (inside its gelu) has a relative error of ~4e-7, float32 round-off.
    assert_matches_numpy(dn.ops.gelu(x), 0.5 * x * erfc(-x / math.sqrt(2)), 1e-6, 1e-12)
    assert_matches_numpy(dn.ops.sigmoid(x), sigmoid(x), 1e-12, 1e-15)


@pytest.mark.parametrize(
    "fn",
    [dn.ops.gelu, dn.ops.softmax, dn.ops.log_sigmoid, dn.ops.layer_norm, lambda t: dn.ops.group_norm(t, 2)],
    ids=["gelu", "softmax", "log_sigmoid", "layer_norm", "group_norm"],
)
def test_float16_stays_float16(backend: str, fn: Callable[..., Any]) -> None:
    x = rand(3, 4)
    expected = dn.ops.to_numpy(fn(x)).astype(np.float16)
    assert_matches_numpy(fn(dn.ops.convert_to_tensor(x, "float16")), expected, rtol=1e-2, atol=1e-2)


# ---------------------------------------------------------------- softmax


@pytest.mark.parametrize("axis", [-1, 0, 1, (0, 2), (-1, -2)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_matches_numpy(backend: str, name: str, axis: Any) -> None:
    x = rand(2, 3, 4) * 3
    logp = log_softmax(x.astype(np.float64), axis)
    expected = (np.exp(logp) if name == "softmax" else logp).astype(np.float32)
    assert_matches_numpy(getattr(dn.ops, name)(x, axis=axis), expected, 1e-5, 1e-6)


def test_softmax_is_stable_on_large_logits(backend: str) -> None:
    x = np.array([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 999.0]], dtype=np.float32)
    logp = log_softmax(x.astype(np.float64))
    assert_matches_numpy(dn.ops.softmax(x), np.exp(logp).astype(np.float32), 1e-6, 1e-7)
    assert_matches_numpy(dn.ops.log_softmax(x), logp.astype(np.float32), 1e-6, 1e-5)
