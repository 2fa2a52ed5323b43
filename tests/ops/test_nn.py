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
from tests.ops.nn_reference import (
    X_ACT,
    check_grads,
    group_norm,
    head,
    log_softmax,
    normalise,
    rand,
    sigmoid_xent,
    xent,
)

# ---------------------------------------------------------------- linear


@pytest.mark.parametrize("x_shape", [(4,), (3, 4), (2, 3, 4), (2, 1, 3, 4)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_matches_numpy(backend: str, x_shape: tuple[int, ...], with_bias: bool) -> None:
    x, kernel, bias = rand(*x_shape), rand(4, 5, seed=1), rand(5, seed=2)
    expected = x.astype(np.float64) @ kernel + (bias if with_bias else 0)
    result = dn.ops.linear(x, kernel, bias if with_bias else None)
    assert_matches_numpy(result, expected.astype(np.float32), 1e-5, 1e-5)


@pytest.mark.parametrize(
    ("x_dtype", "k_dtype", "out_dtype"),
    [("int64", "float32", "float32"), ("float64", "float32", "float64"), ("float32", "float64", "float64")],
)
def test_linear_promotes_dtypes(backend: str, x_dtype: str, k_dtype: str, out_dtype: str) -> None:
    x = np.arange(6).reshape(2, 3).astype(x_dtype)
    kernel, bias = rand(3, 2).astype(k_dtype), np.ones(2, np.float32)
    assert_matches_numpy(dn.ops.linear(x, kernel, bias), (x @ kernel + 1).astype(out_dtype), 1e-5, 1e-5)


def test_linear_with_variables_is_addmm_on_torch(backend: str) -> None:
    kernel = B.variable(rand(4, 5), True, "kernel")
    bias = B.variable(rand(5, seed=1), True, "bias")
    x = rand(3, 4, seed=2)
    y = dn.ops.linear(x, kernel, bias)
    assert_matches_numpy(y, (x @ rand(4, 5) + rand(5, seed=1)).astype(np.float32), 1e-5, 1e-5)
    if backend == "torch":
        # One fused GEMM on the transposed view: no copy of the kernel, no separate bias add.
        assert type(y.grad_fn).__name__ == "AddmmBackward0"


def test_linear_gradients(backend: str) -> None:
    x, kernel, bias = rand(3, 4), rand(4, 5, seed=1), rand(5, seed=2)
    check_grads(dn.ops.linear, lambda a, k, b: a @ k + b, [x, kernel, bias])
    check_grads(dn.ops.linear, lambda a, k, b: a @ k + b, [x[0], kernel, bias])


@pytest.mark.parametrize(("x_shape", "k_shape"), [((3, 4), (5, 2)), ((3, 4), (4,)), ((), (4, 2))])
def test_linear_shape_errors(backend: str, x_shape: tuple[int, ...], k_shape: tuple[int, ...]) -> None:
    with pytest.raises(dn.ShapeError, match=r"linear: .*kernel of shape \(in, out\)"):
        dn.ops.linear(np.ones(x_shape, np.float32), np.ones(k_shape, np.float32))


# ---------------------------------------------------------------- dropout


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "0.5", None, True])
def test_dropout_rejects_bad_rate(backend: str, rate: Any) -> None:
    with pytest.raises(dn.ArgumentError, match=r"dropout\(rate=.*\): rate must be a number in \[0, 1\)"):
        dn.ops.dropout(np.ones(3, np.float32), rate)


def test_dropout_identity_when_not_training_or_rate_zero(backend: str) -> None:
    x = rand(3, 4)
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
    x = rand(3, 4)
    mask = dn.ops.to_numpy(dn.ops.dropout(np.ones_like(x), 0.5, seed=5)) * 0.5
    check_grads(lambda t: dn.ops.dropout(t, 0.5, seed=5), lambda a: a * mask / 0.5, [x])


# ---------------------------------------------------------------- embedding


@pytest.mark.parametrize("ids_dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("ids_shape", [(), (3,), (2, 4)])
def test_embedding_matches_numpy(backend: str, ids_shape: tuple[int, ...], ids_dtype: str) -> None:
    table = rand(5, 3)
    ids = (np.arange(int(np.prod(ids_shape))) * 3 % 5).reshape(ids_shape).astype(ids_dtype)
    assert_matches_numpy(dn.ops.embedding(table, ids), table[ids])


def test_embedding_gradient_flows_to_table(backend: str) -> None:
    ids = np.array([1, 3, 1], dtype=np.int64)
    check_grads(lambda t: dn.ops.embedding(t, ids), lambda t: t[ids], [rand(5, 4)])
    table = B.variable(rand(5, 4), True, "table")
    _, _, (grad,) = B.value_and_grad(lambda _: head(dn.ops.embedding(table, ids)), [table], [], False)
    dense = dn.ops.to_numpy(grad)  # IndexedSlices on TensorFlow, densified by value_and_grad
    assert dense.shape == (5, 4)
    assert not dense[[0, 2, 4]].any() and dense[[1, 3]].all()


def test_embedding_errors(backend: str) -> None:
    table = rand(5, 3)
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
    x = rand(2, 3, 4) * 2 + 1
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
    x, mean, variance = rand(2, 3, 4), rand(4, seed=1), np.abs(rand(4, seed=2)) + 0.1
    offset = rand(4, seed=3) if affine[0] else None
    scale = rand(4, seed=4) if affine[1] else None
    expected = (x - mean) / np.sqrt(variance.astype(np.float64) + 1e-3)
    expected = expected * (1 if scale is None else scale) + (0 if offset is None else offset)
    result = dn.ops.batch_norm(x, mean, variance, offset=offset, scale=scale)
    assert_matches_numpy(result, expected.astype(np.float32), 1e-5, 1e-5)


def test_batch_norm_with_keepdims_moments(backend: str) -> None:
    x = rand(3, 2, 4)
    mean, variance = dn.ops.moments(x, (0, 1), keepdims=True)
    expected = normalise(x.astype(np.float64), (0, 1), 1e-5).astype(np.float32)
    assert_matches_numpy(dn.ops.batch_norm(x, mean, variance, epsilon=1e-5), expected, 1e-5, 1e-5)


@pytest.mark.parametrize(
    ("axis", "param_shape"),
    [(-1, (4,)), (2, (4,)), ((-2, -1), (3, 4)), ((1, 2), (4,)), (1, (3, 1)), ((0, 2), (4,)), (-1, None)],
)
def test_layer_norm_matches_numpy(backend: str, axis: Any, param_shape: tuple[int, ...] | None) -> None:
    x = rand(2, 3, 4) * 3 + 2
    scale = None if param_shape is None else rand(*param_shape, seed=1)
    offset = None if param_shape is None else rand(*param_shape, seed=2)
    expected = normalise(x.astype(np.float64), axis, 1e-5)
    expected = expected * (1 if scale is None else scale) + (0 if offset is None else offset)
    result = dn.ops.layer_norm(x, scale=scale, offset=offset, axis=axis)
    assert_matches_numpy(result, expected.astype(np.float32), 1e-5, 1e-5)


def test_layer_norm_gradients(backend: str) -> None:
    x, scale, offset = rand(3, 4) * 2, rand(4, seed=1), rand(4, seed=2)

    def ref(a: np.ndarray, s: np.ndarray, o: np.ndarray) -> np.ndarray:
        return normalise(a, -1, 1e-5) * s + o

    check_grads(lambda a, s, o: dn.ops.layer_norm(a, scale=s, offset=o), ref, [x, scale, offset])
    check_grads(lambda a, s, o: dn.ops.layer_norm(a, scale=s, offset=o), ref, [x[0], scale, offset])


@pytest.mark.parametrize(
    ("shape", "groups"),
    [((3, 4), 2), ((2, 3, 6), 3), ((2, 3, 6), 1), ((2, 2, 3, 4), 2), ((2, 2, 3, 4), 4), ((1, 2, 2, 2, 4), 2)],
)
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_numpy(backend: str, shape: tuple[int, ...], groups: int, affine: bool) -> None:
    x = rand(*shape) * 2 + 1
    scale, offset = (rand(shape[-1], seed=1), rand(shape[-1], seed=2)) if affine else (None, None)
    expected = group_norm(x.astype(np.float64), groups, scale, offset).astype(np.float32)
    assert_matches_numpy(dn.ops.group_norm(x, groups, scale=scale, offset=offset), expected, 1e-5, 1e-5)


def test_normalisation_gradients(backend: str) -> None:
    x, scale, offset = rand(3, 4) * 2, rand(4, seed=1), rand(4, seed=2)
    mean, variance = rand(4, seed=3), np.abs(rand(4, seed=4)) + 0.5
    check_grads(
        lambda a, s, o: dn.ops.group_norm(a, 2, scale=s, offset=o),
        lambda a, s, o: group_norm(a, 2, s, o),
        [x, scale, offset],
    )
    check_grads(
        lambda a, m, v: dn.ops.batch_norm(a, m, v, scale=scale, offset=offset),
        lambda a, m, v: (a - m) / np.sqrt(v + 1e-3) * scale + offset,
        [x, mean, variance],
    )
    check_grads(lambda a: dn.ops.moments(a, 0)[1], lambda a: a.var(0), [x])


def test_normalisation_errors(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"group_norm: .*divisible by groups=3"):
        dn.ops.group_norm(np.ones((2, 4), np.float32), 3)
    with pytest.raises(dn.ArgumentError, match=r"group_norm\(groups=0\): groups must be a positive int"):
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
    logits = rand(*logits_shape) * 3
    rng = np.random.default_rng(1)
    classes = logits_shape[axis]
    if kind == "probabilities":
        labels = np.exp(log_softmax(rng.normal(size=logits_shape), axis)).astype(np.float32)
    else:
        reduced = logits_shape[: axis % len(logits_shape)] + logits_shape[axis % len(logits_shape) + 1 :]
        labels = rng.integers(0, classes, size=reduced).astype(kind)
    expected = xent(logits.astype(np.float64), labels, axis).astype(np.float32)
    assert_matches_numpy(dn.ops.softmax_cross_entropy(logits, labels, axis=axis), expected, 1e-5, 1e-5)


def test_softmax_cross_entropy_is_stable_on_large_logits(backend: str) -> None:
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1000.0]], dtype=np.float32)
    labels = np.array([2, 0])
    expected = xent(logits.astype(np.float64), labels).astype(np.float32)
    assert_matches_numpy(dn.ops.softmax_cross_entropy(logits, labels), expected, 1e-6, 1e-3)
    onehot = np.eye(3, dtype=np.float32)[labels]
    assert_matches_numpy(dn.ops.softmax_cross_entropy(logits, onehot), expected, 1e-6, 1e-3)


def test_softmax_cross_entropy_gradients(backend: str) -> None:
    logits, probs = rand(3, 4), np.exp(log_softmax(rand(3, 4, seed=1))).astype(np.float32)
    check_grads(dn.ops.softmax_cross_entropy, xent, [logits, probs])
    labels = np.array([3, 0, 1])
    check_grads(lambda z: dn.ops.softmax_cross_entropy(z, labels), lambda z: xent(z, labels), [logits])
    check_grads(lambda z: dn.ops.softmax_cross_entropy(z, labels, 0), lambda z: xent(z, labels, 0), [logits.T])
    # Hand-derived: d/dz of sum_i w_i * xent_i is w_i * (softmax(z_i) - onehot_i).
    w = np.linspace(-1.0, 1.5, 3)
    _, _, (grad,) = B.value_and_grad(
        lambda ts: head(dn.ops.softmax_cross_entropy(ts[0], labels)), [], [dn.ops.convert_to_tensor(logits)], False
    )
    hand = w[:, None] * (np.exp(log_softmax(logits.astype(np.float64))) - np.eye(4)[labels])
    np.testing.assert_allclose(dn.ops.to_numpy(grad), hand, rtol=1e-5, atol=1e-6)


def test_sigmoid_cross_entropy_matches_numpy(backend: str) -> None:
    logits = np.array([[-100.0, -3.0, -0.5, 0.0], [0.5, 2.0, 30.0, 100.0]], dtype=np.float32)
    for labels in (np.array([[0, 1, 0, 1], [1, 0, 1, 0]]), np.linspace(0, 1, 8).reshape(2, 4).astype(np.float32)):
        expected = sigmoid_xent(logits.astype(np.float64), labels).astype(np.float32)
        assert_matches_numpy(dn.ops.sigmoid_cross_entropy(logits, labels), expected, 1e-6, 1e-6)


def test_sigmoid_cross_entropy_gradients(backend: str) -> None:
    check_grads(dn.ops.sigmoid_cross_entropy, sigmoid_xent, [rand(6) * 3, np.linspace(0, 1, 6).astype(np.float32)])


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
    ("softmax", lambda x: dn.ops.softmax(x, (0, 1)), [rand(3, 4)]),
    ("linear-3d", dn.ops.linear, [rand(2, 3, 4), rand(4, 5), rand(5)]),
    ("linear-1d", dn.ops.linear, [rand(4), rand(4, 5), rand(5)]),
    ("dropout", lambda x: dn.ops.dropout(x, 0.5, seed=1), [rand(3, 4)]),
    ("embedding", lambda t: dn.ops.embedding(t, np.array([[0, 2], [4, 4]])), [rand(5, 3)]),
    ("moments", lambda x: dn.ops.moments(x, (0, 1)), [rand(2, 3, 4)]),
    ("layer_norm", lambda x, s: dn.ops.layer_norm(x, (-2, -1), scale=s), [rand(2, 3, 4), rand(3, 4)]),
    ("group_norm-3d", lambda x: dn.ops.group_norm(x, 2), [rand(2, 3, 4)]),
    ("group_norm-4d", lambda x: dn.ops.group_norm(x, 2), [rand(2, 2, 3, 4)]),
    ("xent-sparse", lambda z: dn.ops.softmax_cross_entropy(z, np.array([[0, 1, 2], [3, 0, 1]])), [rand(2, 3, 4)]),
    ("xent-axis", lambda z: dn.ops.softmax_cross_entropy(z, np.array([[0, 1, 2, 0]]), 1), [rand(1, 3, 4)]),
    ("sigmoid-xent", dn.ops.sigmoid_cross_entropy, [rand(3, 4), np.ones((3, 4), np.float32)]),
]


@pytest.mark.parametrize(("name", "fn", "args"), _GRAPH_CASES, ids=[c[0] for c in _GRAPH_CASES])
def test_graph_mode_matches_eager(backend: str, name: str, fn: Callable[..., Any], args: list[np.ndarray]) -> None:
    tensors = [dn.ops.convert_to_tensor(a) for a in args]
    eager, graph = fn(*tensors), B.function(fn, False)(*tensors)
    for e, g in zip(*((eager, graph) if isinstance(eager, tuple) else ((eager,), (graph,)))):
        assert dn.ops.dtype(g) == dn.ops.dtype(e)
        assert dn.ops.shape(g) == dn.ops.shape(e)
        np.testing.assert_allclose(dn.ops.to_numpy(g), dn.ops.to_numpy(e), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_over_several_axes_keeps_precision_at_large_logits(backend: str, name: str) -> None:
    # x - logsumexp(x) rounds log(4) away next to 1e4 in float32; the max must be taken out first.
    x = np.full((1, 2, 2), 1e4, np.float32)
    x[0, 0, 0] = -np.inf
    expected = np.log(np.array([0.0, 1, 1, 1]) / 3).reshape(1, 2, 2)
    result = getattr(dn.ops, name)(x, axis=(1, 2))
    got = dn.ops.to_numpy(result)
    np.testing.assert_allclose(got, np.exp(expected) if name == "softmax" else expected, rtol=1e-6, atol=1e-7)
