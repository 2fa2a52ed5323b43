"""NumPy float64 references and a finite-difference harness shared by the nn-op tests."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import dualnet as dn
from dualnet.backend.dispatch import B

# ---------------------------------------------------------------- NumPy references (float64)

# erfc, not 1 + erf: no cancellation in the far negative tail, so it is a precise float64 reference.
erfc = np.vectorize(math.erfc)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def log_softmax(z: np.ndarray, axis: Any = -1) -> np.ndarray:
    top = np.max(z, axis=axis, keepdims=True)
    return z - top - np.log(np.sum(np.exp(z - top), axis=axis, keepdims=True))


def xent(z: np.ndarray, labels: np.ndarray, axis: int = -1) -> np.ndarray:
    logp = log_softmax(z, axis)
    if labels.dtype.kind in "iu":
        return -np.take_along_axis(logp, np.expand_dims(labels, axis), axis).squeeze(axis)
    return -np.sum(labels * logp, axis=axis)


def sigmoid_xent(z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0) - z * labels + np.log1p(np.exp(-np.abs(z)))


def normalise(x: np.ndarray, axes: Any, eps: float) -> np.ndarray:
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)


def group_norm(x: np.ndarray, groups: int, scale: Any, offset: Any, eps: float = 1e-5) -> np.ndarray:
    grouped = x.reshape(*x.shape[:-1], groups, x.shape[-1] // groups)
    y = normalise(grouped, (*range(1, x.ndim - 1), x.ndim), eps).reshape(x.shape)
    return y * (1.0 if scale is None else scale) + (0.0 if offset is None else offset)


ACTIVATIONS: list[tuple[str, dict[str, Any], Callable[[np.ndarray], np.ndarray]]] = [
    ("relu", {}, lambda x: np.maximum(x, 0)),
    ("relu6", {}, lambda x: np.clip(x, 0, 6)),
    ("leaky_relu", {}, lambda x: np.where(x >= 0, x, 0.2 * x)),
    ("leaky_relu", {"negative_slope": 0.01}, lambda x: np.where(x >= 0, x, 0.01 * x)),
    ("elu", {}, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    ("selu", {}, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    ("gelu", {}, lambda x: 0.5 * x * erfc(-x / math.sqrt(2))),
    (
        "gelu",
        {"approximate": True},
        lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    ),
    ("silu", {}, lambda x: x * sigmoid(x)),
    ("sigmoid", {}, sigmoid),
    ("hard_sigmoid", {}, lambda x: np.clip(x + 3, 0, 6) / 6),
    ("softplus", {}, lambda x: np.logaddexp(0.0, x)),
    ("softsign", {}, lambda x: x / (1 + np.abs(x))),
    ("log_sigmoid", {}, lambda x: -np.logaddexp(0.0, -x)),
]
ACTIVATIONS_BY_NAME = {name: ref for name, kw, ref in ACTIVATIONS if not kw}
ACTIVATION_IDS = [f"{name}{'-' + '-'.join(map(str, kw.values())) if kw else ''}" for name, kw, _ in ACTIVATIONS]

# Spread over the interesting range without landing on a kink (0, -3, 3, 6); plus extremes for stability.
X_ACT = np.concatenate([np.linspace(-7.5, 7.5, 24), [-100.0, -30.0, 30.0, 100.0]]).reshape(4, 7).astype(np.float32)


# ---------------------------------------------------------------- gradient harness


def numeric_grads(f: Callable[..., float], arrays: list[np.ndarray], eps: float = 1e-6) -> list[np.ndarray]:
    """Central finite differences of scalar ``f`` in float64."""
    arrays = [a.astype(np.float64) for a in arrays]
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            keep = a[i]
            a[i] = keep + eps
            up = f(*arrays)
            a[i] = keep - eps
            down = f(*arrays)
            a[i] = keep
            g[i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def head(y: Any) -> Any:
    """A scalar-shaped (1,) function of a 1-D or 2-D ``y`` built from the ops under test (no reductions needed)."""
    if dn.ops.ndim(y) == 2:
        n, c = dn.ops.shape(y)
        y = dn.ops.softmax_cross_entropy(y, np.arange(n) % c)
    w = np.linspace(-1.0, 1.5, dn.ops.shape(y)[0]).astype(np.float32)[:, None]
    return dn.ops.linear(y, w)


def head_np(y: np.ndarray) -> float:
    if y.ndim == 2:
        y = xent(y, np.arange(y.shape[0]) % y.shape[1])
    return float(y @ np.linspace(-1.0, 1.5, y.shape[0]))


def check_grads(dn_fn: Callable[..., Any], np_fn: Callable[..., np.ndarray], arrays: list[np.ndarray]) -> None:
    inputs = [dn.ops.convert_to_tensor(a) for a in arrays]
    value, _, grads = B.value_and_grad(lambda ts: head(dn_fn(*ts)), [], inputs, False)
    expected = numeric_grads(lambda *a: head_np(np_fn(*a)), arrays)
    want_value = head_np(np_fn(*[a.astype(np.float64) for a in arrays]))
    np.testing.assert_allclose(dn.ops.to_numpy(value), [want_value], rtol=1e-5, atol=1e-5)
    for got, want in zip(grads, expected):
        assert dn.ops.shape(got) == want.shape
        np.testing.assert_allclose(dn.ops.to_numpy(got), want, rtol=1e-4, atol=2e-5)


def rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)
