"""dn.ops nn ops against NumPy references, on both backends: values, dtypes, gradients, graph mode, errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy

# ---------------------------------------------------------------- NumPy references (float64)

# erfc, not 1 + erf: no cancellation in the far negative tail, so it is a precise float64 reference.
_erfc = np.vectorize(math.erfc)
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def _log_softmax(z: np.ndarray, axis: Any = -1) -> np.ndarray:
    top = np.max(z, axis=axis, keepdims=True)
    return z - top - np.log(np.sum(np.exp(z - top), axis=axis, keepdims=True))


def _xent(z: np.ndarray, labels: np.ndarray, axis: int = -1) -> np.ndarray:
    logp = _log_softmax(z, axis)
    if labels.dtype.kind in "iu":
        return -np.take_along_axis(logp, np.expand_dims(labels, axis), axis).squeeze(axis)
    return -np.sum(labels * logp, axis=axis)


def _sigmoid_xent(z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0) - z * labels + np.log1p(np.exp(-np.abs(z)))


def _normalise(x: np.ndarray, axes: Any, eps: float) -> np.ndarray:
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)


def _group_norm(x: np.ndarray, groups: int, scale: Any, offset: Any, eps: float = 1e-5) -> np.ndarray:
    grouped = x.reshape(*x.shape[:-1], groups, x.shape[-1] // groups)
    y = _normalise(grouped, (*range(1, x.ndim - 1), x.ndim), eps).reshape(x.shape)
    return y * (1.0 if scale is None else scale) + (0.0 if offset is None else offset)


ACTIVATIONS: list[tuple[str, dict[str, Any], Callable[[np.ndarray], np.ndarray]]] = [
    ("relu", {}, lambda x: np.maximum(x, 0)),
    ("relu6", {}, lambda x: np.clip(x, 0, 6)),
    ("leaky_relu", {}, lambda x: np.where(x >= 0, x, 0.2 * x)),
    ("leaky_relu", {"negative_slope": 0.01}, lambda x: np.where(x >= 0, x, 0.01 * x)),
    ("elu", {}, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    ("selu", {}, lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(x))),
    ("gelu", {}, lambda x: 0.5 * x * _erfc(-x / math.sqrt(2))),
    (
        "gelu",
        {"approximate": True},
        lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    ),
    ("silu", {}, lambda x: x * _sigmoid(x)),
    ("sigmoid", {}, _sigmoid),
    ("hard_sigmoid", {}, lambda x: np.clip(x + 3, 0, 6) / 6),
    ("softplus", {}, lambda x: np.logaddexp(0.0, x)),
    ("softsign", {}, lambda x: x / (1 + np.abs(x))),
    ("log_sigmoid", {}, lambda x: -np.logaddexp(0.0, -x)),
]
ACTIVATIONS_BY_NAME = {name: ref for name, kw, ref in ACTIVATIONS if not kw}
_ACT_IDS = [f"{name}{'-' + '-'.join(map(str, kw.values())) if kw else ''}" for name, kw, _ in ACTIVATIONS]

# Spread over the interesting range without landing on a kink (0, -3, 3, 6); plus extremes for stability.
X_ACT = np.concatenate([np.linspace(-7.5, 7.5, 24), [-100.0, -30.0, 30.0, 100.0]]).reshape(4, 7).astype(np.float32)


# ---------------------------------------------------------------- gradient harness


def _numeric_grads(f: Callable[..., float], arrays: list[np.ndarray], eps: float = 1e-6) -> list[np.ndarray]:
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


def _head(y: Any) -> Any:
    """A scalar-shaped (1,) function of a 1-D or 2-D ``y`` built from the ops under test (no reductions needed)."""
    if dn.ops.ndim(y) == 2:
        n, c = dn.ops.shape(y)
        y = dn.ops.softmax_cross_entropy(y, np.arange(n) % c)
    w = np.linspace(-1.0, 1.5, dn.ops.shape(y)[0]).astype(np.float32)[:, None]
    return dn.ops.linear(y, w)


def _head_np(y: np.ndarray) -> float:
    if y.ndim == 2:
        y = _xent(y, np.arange(y.shape[0]) % y.shape[1])
    return float(y @ np.linspace(-1.0, 1.5, y.shape[0]))


def _check_grads(dn_fn: Callable[..., Any], np_fn: Callable[..., np.ndarray], arrays: list[np.ndarray]) -> None:
    inputs = [dn.ops.convert_to_tensor(a) for a in arrays]
    value, _, grads = B.value_and_grad(lambda ts: _head(dn_fn(*ts)), [], inputs, False)
    expected = _numeric_grads(lambda *a: _head_np(np_fn(*a)), arrays)
    want_value = _head_np(np_fn(*[a.astype(np.float64) for a in arrays]))
    np.testing.assert_allclose(dn.ops.to_numpy(value), [want_value], rtol=1e-5, atol=1e-5)
    for got, want in zip(grads, expected):
        assert dn.ops.shape(got) == want.shape
        np.testing.assert_allclose(dn.ops.to_numpy(got), want, rtol=1e-4, atol=2e-5)


def _rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


# ---------------------------------------------------------------- activations


@pytest.mark.parametrize(("name", "kwargs", "ref"), ACTIVATIONS, ids=_ACT_IDS)
def test_activation_matches_numpy(backend: str, name: str, kwargs: dict[str, Any], ref: Callable[..., Any]) -> None:
    expected = ref(X_ACT.astype(np.float64)).astype(np.float32)
    assert_matches_numpy(getattr(dn.ops, name)(X_ACT, **kwargs), expected, rtol=1e-5, atol=1e-6)
    assert_matches_numpy(getattr(dn.ops, name)(dn.ops.convert_to_tensor(X_ACT), **kwargs), expected, 1e-5, 1e-6)


@pytest.mark.parametrize(("name", "kwargs", "ref"), ACTIVATIONS, ids=_ACT_IDS)
def test_activation_gradient(backend: str, name: str, kwargs: dict[str, Any], ref: Callable[..., Any]) -> None:
    x = X_ACT.ravel()[:24:4].copy()  # 1-D, both signs, away from kinks
    _check_grads(lambda t: getattr(dn.ops, name)(t, **kwargs), ref, [x])


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("relu", {}, [0, 0, 1, 1]),
        ("relu6", {}, [0, 0, 1, 0]),
        ("leaky_relu", {}, [0.2, 0.2, 1, 1]),
        ("elu", {"alpha": 0.5}, [0.5 * math.exp(-3), 0.5, 1, 1]),
        ("selu", {}, [_SELU_SCALE * _SELU_ALPHA * math.exp(-3), _SELU_SCALE * _SELU_ALPHA, _SELU_SCALE, _SELU_SCALE]),
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
    assert_matches_numpy(dn.ops.gelu(x), 0.5 * x * _erfc(-x / math.sqrt(2)), 1e-6, 1e-12)
    assert_matches_numpy(dn.ops.sigmoid(x), _sigmoid(x), 1e-12, 1e-15)


@pytest.mark.parametrize(
    "fn",
    [dn.ops.gelu, dn.ops.softmax, dn.ops.log_sigmoid, dn.ops.layer_norm, lambda t: dn.ops.group_norm(t, 2)],
    ids=["gelu", "softmax", "log_sigmoid", "layer_norm", "group_norm"],
)
def test_float16_stays_float16(backend: str, fn: Callable[..., Any]) -> None:
    x = _rand(3, 4)
    expected = dn.ops.to_numpy(fn(x)).astype(np.float16)
    assert_matches_numpy(fn(dn.ops.convert_to_tensor(x, "float16")), expected, rtol=1e-2, atol=1e-2)


# ---------------------------------------------------------------- softmax


@pytest.mark.parametrize("axis", [-1, 0, 1, (0, 2), (-1, -2)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_matches_numpy(backend: str, name: str, axis: Any) -> None:
    x = _rand(2, 3, 4) * 3
    logp = _log_softmax(x.astype(np.float64), axis)
    expected = (np.exp(logp) if name == "softmax" else logp).astype(np.float32)
    assert_matches_numpy(getattr(dn.ops, name)(x, axis=axis), expected, 1e-5, 1e-6)


def test_softmax_is_stable_on_large_logits(backend: str) -> None:
    x = np.array([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 999.0]], dtype=np.float32)
    logp = _log_softmax(x.astype(np.float64))
    assert_matches_numpy(dn.ops.softmax(x), np.exp(logp).astype(np.float32), 1e-6, 1e-7)
    assert_matches_numpy(dn.ops.log_softmax(x), logp.astype(np.float32), 1e-6, 1e-5)


# ---------------------------------------------------------------- linear


@pytest.mark.parametrize("x_shape", [(4,), (3, 4), (2, 3, 4), (2, 1, 3, 4)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_matches_numpy(backend: str, x_shape: tuple[int, ...], with_bias: bool) -> None:
    x, kernel, bias = _rand(*x_shape), _rand(4, 5, seed=1), _rand(5, seed=2)
    expected = x.astype(np.float64) @ kernel + (bias if with_bias else 0)
    result = dn.ops.linear(x, kernel, bias if with_bias else None)
    assert_matches_numpy(result, expected.astype(np.float32), 1e-5, 1e-5)


@pytest.mark.parametrize(
    ("x_dtype", "k_dtype", "out_dtype"),
    [("int64", "float32", "float32"), ("float64", "float32", "float64"), ("float32", "float64", "float64")],
)
def test_linear_promotes_dtypes(backend: str, x_dtype: str, k_dtype: str, out_dtype: str) -> None:
    x = np.arange(6).reshape(2, 3).astype(x_dtype)
    kernel, bias = _rand(3, 2).astype(k_dtype), np.ones(2, np.float32)
    assert_matches_numpy(dn.ops.linear(x, kernel, bias), (x @ kernel + 1).astype(out_dtype), 1e-5, 1e-5)


def test_linear_with_variables_is_addmm_on_torch(backend: str) -> None:
    kernel = B.variable(_rand(4, 5), True, "kernel")
    bias = B.variable(_rand(5, seed=1), True, "bias")
    x = _rand(3, 4, seed=2)
    y = dn.ops.linear(x, kernel, bias)
    assert_matches_numpy(y, (x @ _rand(4, 5) + _rand(5, seed=1)).astype(np.float32), 1e-5, 1e-5)
    if backend == "torch":
        # One fused GEMM on the transposed view: no copy of the kernel, no separate bias add.
        assert type(y.grad_fn).__name__ == "AddmmBackward0"


def test_linear_gradients(backend: str) -> None:
    x, kernel, bias = _rand(3, 4), _rand(4, 5, seed=1), _rand(5, seed=2)
    _check_grads(dn.ops.linear, lambda a, k, b: a @ k + b, [x, kernel, bias])
    _check_grads(dn.ops.linear, lambda a, k, b: a @ k + b, [x[0], kernel, bias])


@pytest.mark.parametrize(("x_shape", "k_shape"), [((3, 4), (5, 2)), ((3, 4), (4,)), ((), (4, 2))])
def test_linear_shape_errors(backend: str, x_shape: tuple[int, ...], k_shape: tuple[int, ...]) -> None:
    with pytest.raises(dn.ShapeError, match=r"linear: .*kernel of shape \(in, out\)"):
        dn.ops.linear(np.ones(x_shape, np.float32), np.ones(k_shape, np.float32))


# ---------------------------------------------------------------- dropout


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "0.5", None, True])
def test_dropout_rejects_bad_rate(backend: str, rate: Any) -> None:
    with pytest.raises(dn.ArgumentError, match=r"dropout: rate must be a number in \[0, 1\)"):
        dn.ops.dropout(np.ones(3, np.float32), rate)


def test_dropout_identity_when_not_training_or_rate_zero(backend: str) -> None:
    x = _rand(3, 4)
    assert_matches_numpy(dn.ops.dropout(x, 0.5, training=False), x)
    assert_matches_numpy(dn.ops.dropout(x, 0.0), x)
    assert_matches_numpy(dn.ops.dropout(x, 0), x)


@pytest.mark.parametrize("seed", [None, 7])
@pytest.mark.parametrize("rate", [0.25, 0.6])
def test_dropout_statistics(backend: str, rate: float, seed: int | None) -> None:
    n = 4000
    out = dn.ops.to_numpy(dn.ops.dropout(np.ones((40, 100), np.float32), rate, seed=seed))
    kept = out != 0
    # Binomial(n, 1 - rate): 5 standard deviations is < 0.04 here.
    assert abs(kept.mean() - (1 - rate)) < 5 * math.sqrt(rate * (1 - rate) / n)
    np.testing.assert_allclose(out[kept], 1 / (1 - rate), rtol=1e-6)
    assert abs(out.mean() - 1.0) < 0.1


def test_dropout_seeds(backend: str) -> None:
    x = np.ones((8, 16), np.float32)
    a, b = (dn.ops.to_numpy(dn.ops.dropout(x, 0.5, seed=3)) for _ in range(2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, dn.ops.to_numpy(dn.ops.dropout(x, 0.5, seed=4)))
    dn.seed(11)
    c = dn.ops.to_numpy(dn.ops.dropout(x, 0.5))
    d = dn.ops.to_numpy(dn.ops.dropout(x, 0.5))
    dn.seed(11)
    np.testing.assert_array_equal(c, dn.ops.to_numpy(dn.ops.dropout(x, 0.5)))
    assert not np.array_equal(c, d)


def test_dropout_gradient_is_the_scaled_mask(backend: str) -> None:
    x = _rand(3, 4)
    mask = dn.ops.to_numpy(dn.ops.dropout(np.ones_like(x), 0.5, seed=5)) * 0.5
    _check_grads(lambda t: dn.ops.dropout(t, 0.5, seed=5), lambda a: a * mask / 0.5, [x])


# ---------------------------------------------------------------- embedding


@pytest.mark.parametrize("ids_dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("ids_shape", [(), (3,), (2, 4)])
def test_embedding_matches_numpy(backend: str, ids_shape: tuple[int, ...], ids_dtype: str) -> None:
    table = _rand(5, 3)
    ids = (np.arange(int(np.prod(ids_shape))) * 3 % 5).reshape(ids_shape).astype(ids_dtype)
    assert_matches_numpy(dn.ops.embedding(table, ids), table[ids])


def test_embedding_gradient_flows_to_table(backend: str) -> None:
    ids = np.array([1, 3, 1], dtype=np.int64)
    _check_grads(lambda t: dn.ops.embedding(t, ids), lambda t: t[ids], [_rand(5, 4)])
    table = B.variable(_rand(5, 4), True, "table")
    _, _, (grad,) = B.value_and_grad(lambda _: _head(dn.ops.embedding(table, ids)), [table], [], False)
    dense = dn.ops.to_numpy(grad)  # IndexedSlices on TensorFlow, densified by value_and_grad
    assert dense.shape == (5, 4)
    assert not dense[[0, 2, 4]].any() and dense[[1, 3]].all()


def test_embedding_errors(backend: str) -> None:
    table = _rand(5, 3)
    with pytest.raises(dn.DTypeError, match="embedding: ids must be integers"):
        dn.ops.embedding(table, np.array([1.0, 2.0]))
    with pytest.raises(dn.ArgumentError, match=r"embedding: ids must lie in \[0, 5\)"):
        dn.ops.embedding(table, np.array([1, 5]))
    with pytest.raises(dn.ShapeError, match=r"embedding: table must have shape \(vocab, dim\)"):
        dn.ops.embedding(np.ones(5, np.float32), np.array([1]))


# ---------------------------------------------------------------- moments and normalisation


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axes", [None, 0, -1, (0, 1), [0, 2]])
def test_moments_matches_numpy(backend: str, axes: Any, keepdims: bool) -> None:
    x = _rand(2, 3, 4) * 2 + 1
    np_axes = tuple(axes) if isinstance(axes, list) else axes
    mean, variance = dn.ops.moments(x, axes, keepdims=keepdims)
    x64 = x.astype(np.float64)
    assert_matches_numpy(mean, x64.mean(np_axes, keepdims=keepdims).astype(np.float32), 1e-5, 1e-6)
    assert_matches_numpy(variance, x64.var(np_axes, keepdims=keepdims).astype(np.float32), 1e-5, 1e-6)


def test_moments_of_integers_are_float32(backend: str) -> None:
    x = np.arange(12).reshape(3, 4)
    mean, variance = dn.ops.moments(x, 0)
    assert_matches_numpy(mean, x.mean(0).astype(np.float32))
    assert_matches_numpy(variance, x.var(0).astype(np.float32))


@pytest.mark.parametrize("affine", [(True, True), (False, True), (True, False), (False, False)])
def test_batch_norm_matches_numpy(backend: str, affine: tuple[bool, bool]) -> None:
    x, mean, variance = _rand(2, 3, 4), _rand(4, seed=1), np.abs(_rand(4, seed=2)) + 0.1
    offset = _rand(4, seed=3) if affine[0] else None
    scale = _rand(4, seed=4) if affine[1] else None
    expected = (x - mean) / np.sqrt(variance.astype(np.float64) + 1e-3)
    expected = expected * (1 if scale is None else scale) + (0 if offset is None else offset)
    result = dn.ops.batch_norm(x, mean, variance, offset=offset, scale=scale)
    assert_matches_numpy(result, expected.astype(np.float32), 1e-5, 1e-5)


def test_batch_norm_with_keepdims_moments(backend: str) -> None:
    x = _rand(3, 2, 4)
    mean, variance = dn.ops.moments(x, (0, 1), keepdims=True)
    expected = _normalise(x.astype(np.float64), (0, 1), 1e-5).astype(np.float32)
    assert_matches_numpy(dn.ops.batch_norm(x, mean, variance, epsilon=1e-5), expected, 1e-5, 1e-5)


@pytest.mark.parametrize(
    ("axis", "param_shape"),
    [(-1, (4,)), (2, (4,)), ((-2, -1), (3, 4)), ((1, 2), (4,)), (1, (3, 1)), ((0, 2), (4,)), (-1, None)],
)
def test_layer_norm_matches_numpy(backend: str, axis: Any, param_shape: tuple[int, ...] | None) -> None:
    x = _rand(2, 3, 4) * 3 + 2
    scale = None if param_shape is None else _rand(*param_shape, seed=1)
    offset = None if param_shape is None else _rand(*param_shape, seed=2)
    expected = _normalise(x.astype(np.float64), axis, 1e-5)
    expected = expected * (1 if scale is None else scale) + (0 if offset is None else offset)
    result = dn.ops.layer_norm(x, scale=scale, offset=offset, axis=axis)
    assert_matches_numpy(result, expected.astype(np.float32), 1e-5, 1e-5)


def test_layer_norm_gradients(backend: str) -> None:
    x, scale, offset = _rand(3, 4) * 2, _rand(4, seed=1), _rand(4, seed=2)

    def ref(a: np.ndarray, s: np.ndarray, o: np.ndarray) -> np.ndarray:
        return _normalise(a, -1, 1e-5) * s + o

    _check_grads(lambda a, s, o: dn.ops.layer_norm(a, s, o), ref, [x, scale, offset])
    _check_grads(lambda a, s, o: dn.ops.layer_norm(a, s, o), ref, [x[0], scale, offset])


@pytest.mark.parametrize(
    ("shape", "groups"),
    [((3, 4), 2), ((2, 3, 6), 3), ((2, 3, 6), 1), ((2, 2, 3, 4), 2), ((2, 2, 3, 4), 4), ((1, 2, 2, 2, 4), 2)],
)
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_numpy(backend: str, shape: tuple[int, ...], groups: int, affine: bool) -> None:
    x = _rand(*shape) * 2 + 1
    scale, offset = (_rand(shape[-1], seed=1), _rand(shape[-1], seed=2)) if affine else (None, None)
    expected = _group_norm(x.astype(np.float64), groups, scale, offset).astype(np.float32)
    assert_matches_numpy(dn.ops.group_norm(x, groups, scale, offset), expected, 1e-5, 1e-5)


def test_normalisation_gradients(backend: str) -> None:
    x, scale, offset = _rand(3, 4) * 2, _rand(4, seed=1), _rand(4, seed=2)
    mean, variance = _rand(4, seed=3), np.abs(_rand(4, seed=4)) + 0.5
    _check_grads(
        lambda a, s, o: dn.ops.group_norm(a, 2, s, o), lambda a, s, o: _group_norm(a, 2, s, o), [x, scale, offset]
    )
    _check_grads(
        lambda a, m, v: dn.ops.batch_norm(a, m, v, offset, scale),
        lambda a, m, v: (a - m) / np.sqrt(v + 1e-3) * scale + offset,
        [x, mean, variance],
    )
    _check_grads(lambda a: dn.ops.moments(a, 0)[1], lambda a: a.var(0), [x])


def test_normalisation_errors(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"group_norm: .*divisible by groups=3"):
        dn.ops.group_norm(np.ones((2, 4), np.float32), 3)
    with pytest.raises(dn.ArgumentError, match="group_norm: groups must be a positive int"):
        dn.ops.group_norm(np.ones((2, 4), np.float32), 0)
    with pytest.raises(dn.ShapeError, match="moments: axis 3 is out of range"):
        dn.ops.moments(np.ones((2, 4), np.float32), 3)
    with pytest.raises(dn.ShapeError, match="layer_norm: axis -3 is out of range"):
        dn.ops.layer_norm(np.ones((2, 4), np.float32), axis=-3)


# ---------------------------------------------------------------- cross-entropy


@pytest.mark.parametrize(
    ("logits_shape", "axis"), [((4,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((2, 3, 4), 0)]
)
@pytest.mark.parametrize("kind", ["int64", "int32", "probabilities"])
def test_softmax_cross_entropy_matches_numpy(backend: str, logits_shape: tuple[int, ...], axis: int, kind: str) -> None:
    logits = _rand(*logits_shape) * 3
    rng = np.random.default_rng(1)
    classes = logits_shape[axis]
    if kind == "probabilities":
        labels = np.exp(_log_softmax(rng.normal(size=logits_shape), axis)).astype(np.float32)
    else:
        reduced = logits_shape[: axis % len(logits_shape)] + logits_shape[axis % len(logits_shape) + 1 :]
        labels = rng.integers(0, classes, size=reduced).astype(kind)
    expected = _xent(logits.astype(np.float64), labels, axis).astype(np.float32)
    assert_matches_numpy(dn.ops.softmax_cross_entropy(logits, labels, axis=axis), expected, 1e-5, 1e-5)


def test_softmax_cross_entropy_is_stable_on_large_logits(backend: str) -> None:
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1000.0]], dtype=np.float32)
    labels = np.array([2, 0])
    expected = _xent(logits.astype(np.float64), labels).astype(np.float32)
    assert_matches_numpy(dn.ops.softmax_cross_entropy(logits, labels), expected, 1e-6, 1e-3)
    onehot = np.eye(3, dtype=np.float32)[labels]
    assert_matches_numpy(dn.ops.softmax_cross_entropy(logits, onehot), expected, 1e-6, 1e-3)


def test_softmax_cross_entropy_gradients(backend: str) -> None:
    logits, probs = _rand(3, 4), np.exp(_log_softmax(_rand(3, 4, seed=1))).astype(np.float32)
    _check_grads(dn.ops.softmax_cross_entropy, _xent, [logits, probs])
    labels = np.array([3, 0, 1])
    _check_grads(lambda z: dn.ops.softmax_cross_entropy(z, labels), lambda z: _xent(z, labels), [logits])
    _check_grads(lambda z: dn.ops.softmax_cross_entropy(z, labels, 0), lambda z: _xent(z, labels, 0), [logits.T])
    # Hand-derived: d/dz of sum_i w_i * xent_i is w_i * (softmax(z_i) - onehot_i).
    w = np.linspace(-1.0, 1.5, 3)
    _, _, (grad,) = B.value_and_grad(
        lambda ts: _head(dn.ops.softmax_cross_entropy(ts[0], labels)), [], [dn.ops.convert_to_tensor(logits)], False
    )
    hand = w[:, None] * (np.exp(_log_softmax(logits.astype(np.float64))) - np.eye(4)[labels])
    np.testing.assert_allclose(dn.ops.to_numpy(grad), hand, rtol=1e-5, atol=1e-6)


def test_sigmoid_cross_entropy_matches_numpy(backend: str) -> None:
    logits = np.array([[-100.0, -3.0, -0.5, 0.0], [0.5, 2.0, 30.0, 100.0]], dtype=np.float32)
    for labels in (np.array([[0, 1, 0, 1], [1, 0, 1, 0]]), np.linspace(0, 1, 8).reshape(2, 4).astype(np.float32)):
        expected = _sigmoid_xent(logits.astype(np.float64), labels).astype(np.float32)
        assert_matches_numpy(dn.ops.sigmoid_cross_entropy(logits, labels), expected, 1e-6, 1e-6)


def test_sigmoid_cross_entropy_gradients(backend: str) -> None:
    _check_grads(dn.ops.sigmoid_cross_entropy, _sigmoid_xent, [_rand(6) * 3, np.linspace(0, 1, 6).astype(np.float32)])


@pytest.mark.parametrize(
    ("logits_shape", "labels", "match"),
    [
        ((3, 4), np.array([0, 1]), r"integer class ids must have shape \(3,\)"),
        ((3, 4), np.ones((3, 3), np.float32), r"probabilities must have shape \(3, 4\)"),
        ((3, 4), np.array([0, 4, 1]), r"class ids must lie in \[0, 4\)"),
        ((3, 4), np.array([0, -100, 1]), r"class ids must lie in \[0, 4\)"),
        ((4, 3), np.array([0, 4, 1]), r"class ids must lie in \[0, 4\)"),
        ((4, 3), np.array([0, -1, 1]), r"class ids must lie in \[0, 4\)"),
    ],
)
def test_softmax_cross_entropy_errors(backend: str, logits_shape: tuple[int, ...], labels: Any, match: str) -> None:
    axis = 0 if logits_shape == (4, 3) else -1
    with pytest.raises(dn.DualnetError, match=match):
        dn.ops.softmax_cross_entropy(np.zeros(logits_shape, np.float32), labels, axis)


def test_sigmoid_cross_entropy_shape_error(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"sigmoid_cross_entropy: labels must have the logits' shape \(2, 3\)"):
        dn.ops.sigmoid_cross_entropy(np.zeros((2, 3), np.float32), np.zeros((3,), np.float32))


# ---------------------------------------------------------------- graph mode (tf.function on TensorFlow)

_GRAPH_CASES: list[tuple[str, Callable[..., Any], list[np.ndarray]]] = [
    ("gelu", lambda x: dn.ops.gelu(x), [X_ACT]),
    ("elu", lambda x: dn.ops.elu(x, 0.5), [X_ACT]),
    ("relu6-int", lambda x: dn.ops.relu6(x), [np.arange(-3, 9)]),
    ("softmax", lambda x: dn.ops.softmax(x, (0, 1)), [_rand(3, 4)]),
    ("linear-3d", dn.ops.linear, [_rand(2, 3, 4), _rand(4, 5), _rand(5)]),
    ("linear-1d", dn.ops.linear, [_rand(4), _rand(4, 5), _rand(5)]),
    ("dropout", lambda x: dn.ops.dropout(x, 0.5, seed=1), [_rand(3, 4)]),
    ("embedding", lambda t: dn.ops.embedding(t, np.array([[0, 2], [4, 4]])), [_rand(5, 3)]),
    ("moments", lambda x: dn.ops.moments(x, (0, 1)), [_rand(2, 3, 4)]),
    ("layer_norm", lambda x, s: dn.ops.layer_norm(x, s, None, (-2, -1)), [_rand(2, 3, 4), _rand(3, 4)]),
    ("group_norm-3d", lambda x: dn.ops.group_norm(x, 2), [_rand(2, 3, 4)]),
    ("group_norm-4d", lambda x: dn.ops.group_norm(x, 2), [_rand(2, 2, 3, 4)]),
    ("xent-sparse", lambda z: dn.ops.softmax_cross_entropy(z, np.array([[0, 1, 2], [3, 0, 1]])), [_rand(2, 3, 4)]),
    ("xent-axis", lambda z: dn.ops.softmax_cross_entropy(z, np.array([[0, 1, 2, 0]]), 1), [_rand(1, 3, 4)]),
    ("sigmoid-xent", dn.ops.sigmoid_cross_entropy, [_rand(3, 4), np.ones((3, 4), np.float32)]),
]


@pytest.mark.parametrize(("name", "fn", "args"), _GRAPH_CASES, ids=[c[0] for c in _GRAPH_CASES])
def test_graph_mode_matches_eager(backend: str, name: str, fn: Callable[..., Any], args: list[np.ndarray]) -> None:
    tensors = [dn.ops.convert_to_tensor(a) for a in args]
    eager, graph = fn(*tensors), B.function(fn, False)(*tensors)
    for e, g in zip(*((eager, graph) if isinstance(eager, tuple) else ((eager,), (graph,)))):
        assert dn.ops.dtype(g) == dn.ops.dtype(e)
        assert dn.ops.shape(g) == dn.ops.shape(e)
        np.testing.assert_allclose(dn.ops.to_numpy(g), dn.ops.to_numpy(e), rtol=1e-6, atol=1e-6)
