"""The Keras 3 activations of dn.ops.activations on both backends: NumPy, keras.ops and torch.nn.functional agree.

Each activation is checked in float64 NumPy (the definition), against
``keras.ops`` (Keras on TensorFlow) and against ``torch.nn.functional`` where
torch has it, on the same inputs; then its gradient against finite differences.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy
from tests.ops.nn_reference import X_ACT, check_grads, rand, sigmoid


def _sparsemax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Sparsemax by its definition: tau is where the sorted values' running mean (less 1/k) crosses them."""
    z = np.moveaxis(z, axis, -1)
    ordered = -np.sort(-z, axis=-1)
    total = np.cumsum(ordered, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    support = (1 + k * ordered) > total
    count = support.sum(-1, keepdims=True)
    tau = (np.take_along_axis(total, count - 1, -1) - 1) / count
    return np.moveaxis(np.maximum(z - tau, 0), -1, axis)


def _glu(x: np.ndarray, axis: int = -1) -> np.ndarray:
    a, b = np.split(x, 2, axis=axis)
    return a * sigmoid(b)


def _torch(fn: Callable[..., Any], **kw: Any) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: fn(torch.from_numpy(x), **kw).numpy()


def _keras(name: str) -> Callable[..., Any]:
    # keras.ops lacks mish; keras.activations has every one.
    return getattr(keras.ops, name, None) or getattr(keras.activations, name)


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


# name, kwargs, NumPy float64 reference, the torch.nn.functional counterpart (or None)
CASES: list[tuple[str, dict[str, Any], Callable[..., np.ndarray], Callable[..., np.ndarray] | None]] = [
    ("celu", {}, lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))), _torch(F.celu)),
    (
        "celu",
        {"alpha": 0.5},
        lambda x: np.where(x > 0, x, 0.5 * np.expm1(np.minimum(x, 0) / 0.5)),
        _torch(F.celu, alpha=0.5),
    ),
    ("glu", {}, _glu, _torch(F.glu, dim=-1)),
    ("glu", {"axis": 0}, lambda x: _glu(x, 0), _torch(F.glu, dim=0)),
    ("hard_silu", {}, lambda x: x * np.clip(x + 3, 0, 6) / 6, _torch(F.hardswish)),
    ("hard_swish", {}, lambda x: x * np.clip(x + 3, 0, 6) / 6, _torch(F.hardswish)),
    ("hard_tanh", {}, lambda x: np.clip(x, -1, 1), _torch(F.hardtanh)),
    ("hard_shrink", {}, lambda x: np.where(np.abs(x) > 0.5, x, 0), _torch(F.hardshrink)),
    ("hard_shrink", {"threshold": 2.0}, lambda x: np.where(np.abs(x) > 2, x, 0), _torch(F.hardshrink, lambd=2.0)),
    ("soft_shrink", {}, lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0), _torch(F.softshrink)),
    (
        "soft_shrink",
        {"threshold": 2.0},
        lambda x: np.sign(x) * np.maximum(np.abs(x) - 2, 0),
        _torch(F.softshrink, lambd=2.0),
    ),
    ("tanh_shrink", {}, lambda x: x - np.tanh(x), _torch(F.tanhshrink)),
    ("sparse_plus", {}, lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)), None),
    ("sparse_sigmoid", {}, lambda x: np.clip((x + 1) / 2, 0, 1), None),
    ("sparsemax", {}, _sparsemax, None),
    ("sparsemax", {"axis": 0}, lambda x: _sparsemax(x, 0), None),
    ("squareplus", {}, lambda x: (x + np.sqrt(x * x + 4)) / 2, None),
    ("squareplus", {"b": 1.0}, lambda x: (x + np.sqrt(x * x + 1)) / 2, None),
    (
        "threshold",
        {"threshold": 0.5, "default_value": -2.0},
        lambda x: np.where(x > 0.5, x, -2.0),
        _torch(F.threshold, threshold=0.5, value=-2.0),
    ),
    ("swish", {}, lambda x: x * sigmoid(x), _torch(F.silu)),
    ("mish", {}, lambda x: x * np.tanh(_softplus(x)), _torch(F.mish)),
]
IDS = [f"{name}{'-' + '-'.join(map(str, kw.values())) if kw else ''}" for name, kw, _, _ in CASES]
# The shrink functions divide their inputs at 0.5 and 2, sparse ones at -1 and 1: X_ACT misses all of them.
X = np.concatenate([X_ACT.ravel(), np.linspace(-1.9, 1.9, 8)]).reshape(4, 9).astype(np.float32)


@pytest.mark.parametrize(("name", "kwargs", "ref", "torch_ref"), CASES, ids=IDS)
def test_matches_numpy_keras_and_torch(
    backend: str, name: str, kwargs: dict[str, Any], ref: Callable[..., Any], torch_ref: Callable[..., Any] | None
) -> None:
    x = X[:, :8] if name == "glu" else X
    expected = ref(x.astype(np.float64)).astype(np.float32)
    got = getattr(dn.ops, name)(x, **kwargs)
    assert_matches_numpy(got, expected, rtol=1e-5, atol=1e-6)
    keras_kwargs = {"alpha": 1.0, **kwargs} if name == "celu" else kwargs
    if name != "sparsemax":  # Keras's sparsemax is wrong when the support has 2+ entries
        np.testing.assert_allclose(
            dn.ops.to_numpy(got), np.asarray(_keras(name)(x, **keras_kwargs)), rtol=1e-5, atol=2e-6
        )
    if torch_ref is not None:
        np.testing.assert_allclose(dn.ops.to_numpy(got), torch_ref(x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("name", "kwargs", "ref", "torch_ref"), CASES, ids=IDS)
def test_gradient(backend: str, name: str, kwargs: dict[str, Any], ref: Callable[..., Any], torch_ref: Any) -> None:
    if name == "glu":
        x = rand(4, 4, seed=1).astype(np.float64)
    elif name == "sparsemax":
        x = rand(3, 5, seed=2).astype(np.float64)
    else:  # 1-D, both signs, away from every kink
        x = np.array([-3.3, -1.7, -0.8, -0.2, 0.3, 0.7, 1.3, 2.6])
    check_grads(lambda t: getattr(dn.ops, name)(t, **kwargs), ref, [x])


def test_sparsemax_is_a_sparse_distribution(backend: str) -> None:
    x = np.array([[3.0, 1.0, 0.2, -1.0], [0.1, 0.1, 0.1, 0.1]], np.float32)
    y = dn.ops.to_numpy(dn.ops.sparsemax(x))
    np.testing.assert_allclose(y, [[1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]], atol=1e-6)
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-6)
    # Keras 3.15 (TensorFlow) gives all zeros for this row; the definition gives:
    np.testing.assert_allclose(
        dn.ops.to_numpy(dn.ops.sparsemax([0.5, 0.4, 0.3, 0.1])), [0.425, 0.325, 0.225, 0.025], atol=1e-6
    )


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("hard_tanh", {}, [0, 1, 1, 1, 0]),
        ("hard_shrink", {}, [1, 0, 0, 0, 1]),
        ("soft_shrink", {}, [1, 0, 0, 0, 1]),
        ("sparse_sigmoid", {}, [0.5, 0.5, 0.5, 0.5, 0.5]),
        ("sparse_plus", {}, [0, 0.25, 0.5, 0.75, 1]),
        ("threshold", {"threshold": 0.0, "default_value": 0.0}, [0, 0, 0, 1, 1]),
        ("celu", {}, [math.exp(-1), math.exp(-0.5), 1, 1, 1]),
        ("hard_silu", {}, [1 / 6, 1 / 3, 0.5, 2 / 3, 5 / 6]),
    ],
)
def test_gradient_at_kinks_is_the_same_on_both_backends(
    backend: str, name: str, kwargs: dict[str, Any], expected: list[float]
) -> None:
    x = dn.ops.convert_to_tensor(np.array([-1.0, -0.5, 0.0, 0.5, 1.0], np.float32))
    ones = np.ones((5, 1), np.float32)
    _, _, (grad,) = B.value_and_grad(
        lambda ts: dn.ops.linear(getattr(dn.ops, name)(ts[0], **kwargs), ones), [], [x], False
    )
    np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-6, atol=1e-7)


def test_integers_give_float32_and_float64_stays(backend: str) -> None:
    assert dn.ops.dtype(dn.ops.mish(np.array([-2, 0, 3]))) == "float32"
    assert dn.ops.dtype(dn.ops.sparsemax(np.array([[1.0, 2.0]]))) == "float64"
    assert dn.ops.dtype(dn.ops.threshold(np.array([1.0, 2.0]), 1.5, 0)) == "float64"


def test_compiled(backend: str) -> None:
    fn = dn.function(lambda t: dn.ops.sparsemax(dn.ops.glu(t)) + dn.ops.celu(dn.ops.hard_tanh(t[..., :2])))
    x = rand(3, 4)
    ht = np.clip(x[..., :2].astype(np.float64), -1, 1)
    expected = _sparsemax(_glu(x.astype(np.float64))) + np.where(ht > 0, ht, np.expm1(np.minimum(ht, 0)))
    np.testing.assert_allclose(dn.ops.to_numpy(fn(dn.ops.convert_to_tensor(x))), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: dn.ops.glu(np.ones((2, 3), np.float32)), dn.ShapeError, r"glu: axis -1 .* even size"),
        (lambda: dn.ops.glu(np.ones((2, 4), np.float32), axis=2), dn.ShapeError, r"glu: axis 2 is out of range"),
        (
            lambda: dn.ops.sparsemax(np.ones((2, 4)), axis=1.5),
            dn.ArgumentError,
            r"sparsemax\(axis=1.5\): axis must be an int",
        ),
        (
            lambda: dn.ops.hard_shrink(np.ones(2), threshold=-1.0),
            dn.ArgumentError,
            r"hard_shrink\(threshold=-1.0\): threshold must be a number >= 0",
        ),
        (
            lambda: dn.ops.celu(np.ones(2), alpha=0.0),
            dn.ArgumentError,
            r"celu\(alpha=0.0\): alpha must be a number > 0",
        ),
        (lambda: dn.ops.squareplus(np.ones(2), b=-1), dn.ArgumentError, r"squareplus\(b=-1\): b must be a number >= 0"),
        (
            lambda: dn.ops.threshold(np.ones(2), "a", 0.0),
            dn.ArgumentError,
            r"threshold\(threshold='a'\): threshold must be a number",
        ),
    ],
)
def test_bad_arguments(backend: str, call: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
