"""dn.ops indexing, scatter and sorting against NumPy on both backends: values, dtypes, gradients, graph mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy

RNG = np.random.default_rng(1)
X = RNG.permutation(24).reshape(4, 6).astype(np.float32) / 4  # distinct values: sort orders are unique
IDX = np.array([[0, -1], [3, 2], [-2, 1]])
ALONG = np.array([[5, 0, -1], [2, 2, 3], [0, 1, 4], [-6, 3, 1]])
ALONG0 = np.array([[3, 0, -1, 2, 1, 0], [0, -4, 2, 3, 3, 1]])
SEG = np.array([2, 0, 2, 3])
SCATTER = np.array([[1, 2], [0, 5], [1, 2], [-1, -1]])
TIES = np.array([[3, 1, 2, 1, 3, 1], [0, 0, 0, 1, 0, 1]], dtype=np.int32)


def _one_hot(indices: np.ndarray, n: int, dtype: Any = np.float32) -> np.ndarray:
    return (indices[..., None] == np.arange(n)).astype(dtype)


def _segment_sum(data: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((n, *data.shape[1:]), data.dtype)
    np.add.at(out, ids, data)
    return out


def _scatter_add(x: np.ndarray, indices: np.ndarray, updates: np.ndarray) -> np.ndarray:
    out = x.copy()
    np.add.at(out, tuple(indices.T), updates.astype(x.dtype))
    return out


def _top_k(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, order, -1), order.astype(np.int64)


# (id, op on dualnet, NumPy reference, input); every input is float32 so gradients can be checked.
CASES: list[tuple[str, Callable[[Any], Any], Callable[[np.ndarray], Any], np.ndarray]] = [
    ("take_flat", lambda x: dn.ops.take(x, IDX), lambda x: np.take(x, IDX), X),
    ("take_axis0", lambda x: dn.ops.take(x, IDX, axis=0), lambda x: np.take(x, IDX, axis=0), X),
    ("take_axis_neg", lambda x: dn.ops.take(x, [4, -6, 0], axis=-1), lambda x: np.take(x, [4, -6, 0], axis=-1), X),
    ("take_scalar", lambda x: dn.ops.take(x, -1, axis=1), lambda x: np.take(x, -1, axis=1), X),
    ("take_along_last", lambda x: dn.ops.take_along_axis(x, ALONG, -1), lambda x: np.take_along_axis(x, ALONG, -1), X),
    ("take_along_0", lambda x: dn.ops.take_along_axis(x, ALONG0, 0), lambda x: np.take_along_axis(x, ALONG0, 0), X),
    (
        "take_along_broadcast",
        lambda x: dn.ops.take_along_axis(x, ALONG[:1], 1),
        lambda x: np.take_along_axis(x, ALONG[:1], 1),
        X,
    ),
    (
        "take_along_none",
        lambda x: dn.ops.take_along_axis(x, ALONG.ravel(), None),
        lambda x: np.take_along_axis(x, ALONG.ravel(), None),
        X,
    ),
    ("segment_sum", lambda x: dn.ops.segment_sum(x, SEG, 5), lambda x: _segment_sum(x, SEG, 5), X),
    (
        "scatter_add_elems",
        lambda x: dn.ops.scatter_add(x, SCATTER, np.arange(4.0)),
        lambda x: _scatter_add(x, SCATTER, np.arange(4.0)),
        X,
    ),
    (
        "scatter_add_rows",
        lambda x: dn.ops.scatter_add(x, SCATTER[:, :1], np.ones((4, 6))),
        lambda x: _scatter_add(x, SCATTER[:, :1], np.ones((4, 6))),
        X,
    ),
    ("top_k_values", lambda x: dn.ops.top_k(x, 3)[0], lambda x: _top_k(x, 3)[0], X),
    ("top_k_indices", lambda x: dn.ops.top_k(x, 3)[1], lambda x: _top_k(x, 3)[1], X),
    ("sort_last", lambda x: dn.ops.sort(x), lambda x: np.sort(x), X),
    ("sort_axis0", lambda x: dn.ops.sort(x, axis=0), lambda x: np.sort(x, axis=0), X),
    ("sort_none", lambda x: dn.ops.sort(x, axis=None), lambda x: np.sort(x, axis=None), X),
    ("argsort_last", lambda x: dn.ops.argsort(x), lambda x: np.argsort(x, kind="stable"), X),
    ("argsort_none", lambda x: dn.ops.argsort(x, axis=None), lambda x: np.argsort(x, axis=None, kind="stable"), X),
]
GRAPH = {"take_flat", "take_axis_neg", "take_along_0", "take_along_broadcast", "segment_sum", "scatter_add_elems"}
GRAPH |= {"top_k_indices", "sort_axis0", "argsort_last"}
DIFFERENTIABLE = [c for c in CASES if not c[0].startswith(("argsort", "top_k_indices"))]


@pytest.mark.parametrize(("name", "op", "ref", "x"), CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(backend: str, name: str, op: Callable[[Any], Any], ref: Callable[..., Any], x: Any) -> None:
    expected = ref(x)
    assert_matches_numpy(op(x), expected)
    assert_matches_numpy(op(dn.ops.convert_to_tensor(x)), expected)
    if name in GRAPH:
        assert_matches_numpy(B.function(op, False)(dn.ops.convert_to_tensor(x)), expected)


@pytest.mark.parametrize(("name", "op", "ref", "x"), DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_gradients_match_finite_differences(
    backend: str, name: str, op: Callable[[Any], Any], ref: Callable[..., Any], x: np.ndarray
) -> None:
    w = RNG.standard_normal(np.shape(ref(x))).astype(np.float32)
    _, _, (grad,) = B.value_and_grad(
        lambda t: dn.ops.tensordot(op(t[0]), w, axes=w.ndim), [], [dn.ops.convert_to_tensor(x)], False
    )
    # Every op here is piecewise linear and X has no ties, so central differences are exact.
    x64, expected, eps = x.astype(np.float64), np.zeros(x.shape), 1e-3
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x64)
        step[i] = eps
        expected[i] = (np.sum(w * ref(x64 + step)) - np.sum(w * ref(x64 - step))) / (2 * eps)
    np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-4, atol=1e-4)


def test_scatter_add_gradient_reaches_updates(backend: str) -> None:
    updates = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    w = RNG.standard_normal(X.shape).astype(np.float32)
    _, _, (gx, gu) = B.value_and_grad(
        lambda t: dn.ops.tensordot(dn.ops.scatter_add(t[0], SCATTER, t[1]), w, axes=2),
        [],
        [dn.ops.convert_to_tensor(X), dn.ops.convert_to_tensor(updates)],
        False,
    )
    np.testing.assert_allclose(dn.ops.to_numpy(gx), w, rtol=1e-6)
    np.testing.assert_allclose(dn.ops.to_numpy(gu), w[tuple(SCATTER.T)], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_one_hot_out_of_range_rows_are_zero(backend: str, dtype: str) -> None:
    ids = np.array([[0, 3, -1], [4, 2, 7]])
    assert_matches_numpy(dn.ops.one_hot(ids, 4, dtype=dtype), _one_hot(ids, 4, dtype))
    assert_matches_numpy(B.function(lambda t: dn.ops.one_hot(t, 4), False)(ids.astype(np.int32)), _one_hot(ids, 4))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32])
def test_sort_and_argsort_are_stable_with_ties(backend: str, dtype: Any) -> None:
    x = TIES.astype(dtype)
    for axis in (-1, 0, None):
        assert_matches_numpy(dn.ops.sort(x, axis=axis), np.sort(x, axis=axis))
        assert_matches_numpy(dn.ops.argsort(x, axis=axis), np.argsort(x, axis=axis, kind="stable"))


def test_sort_bool(backend: str) -> None:
    mask = TIES.astype(bool)
    assert_matches_numpy(dn.ops.sort(mask), np.sort(mask))
    assert_matches_numpy(dn.ops.argsort(mask), np.argsort(mask, kind="stable"))


def test_top_k_unsorted_and_int_input(backend: str) -> None:
    values, indices = dn.ops.top_k(X, 4, sorted=False)
    got = np.sort(dn.ops.to_numpy(values), -1)
    np.testing.assert_array_equal(got, np.sort(_top_k(X, 4)[0], -1))
    np.testing.assert_array_equal(np.take_along_axis(X, dn.ops.to_numpy(indices), -1), dn.ops.to_numpy(values))
    assert dn.ops.dtype(indices) == "int64"
    ints = (X * 4).astype(np.int64)
    values, indices = dn.ops.top_k(ints, 2)
    assert_matches_numpy(values, _top_k(ints, 2)[0])
    assert_matches_numpy(indices, _top_k(ints, 2)[1])


def test_integer_data_keeps_dtype(backend: str) -> None:
    data = np.arange(12, dtype=np.int32).reshape(4, 3)
    assert_matches_numpy(dn.ops.segment_sum(data, SEG, 4), _segment_sum(data, SEG, 4))
    assert_matches_numpy(dn.ops.take(data, [2, 0], axis=0), np.take(data, [2, 0], axis=0))
    out = dn.ops.scatter_add(data, [[0, 0], [0, 0]], [5, 6])
    assert_matches_numpy(out, _scatter_add(data, np.array([[0, 0], [0, 0]]), np.array([5, 6])))


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda: dn.ops.take(X, [0.5]), dn.ArgumentError, id="float_indices"),
        pytest.param(lambda: dn.ops.take(X, 1, axis=2), dn.ArgumentError, id="take_axis"),
        pytest.param(lambda: dn.ops.take_along_axis(X, [0, 1], 1), dn.ShapeError, id="along_rank"),
        pytest.param(lambda: dn.ops.one_hot([1], -2), dn.ArgumentError, id="one_hot_classes"),
        pytest.param(lambda: dn.ops.segment_sum(X, [0, 1], 2), dn.ShapeError, id="segment_ids"),
        pytest.param(lambda: dn.ops.scatter_add(X, [[0, 0, 0]], [1.0]), dn.ShapeError, id="scatter_depth"),
        pytest.param(lambda: dn.ops.top_k(X, 7), dn.ArgumentError, id="top_k_large"),
        pytest.param(lambda: dn.ops.sort(X, axis=2), dn.ArgumentError, id="sort_axis"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        call()
