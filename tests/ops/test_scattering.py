"""slice, slice_update, scatter, scatter_update, segment_* and get_item against NumPy / Keras on both backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy
from tests.ops.gradcheck import check_gradients

RNG = np.random.default_rng(3)
X = RNG.standard_normal((4, 5)).astype(np.float32)
CUBE = RNG.standard_normal((3, 4, 2)).astype(np.float32)
ROWS = np.array([[1, 2], [0, 4], [3, 0]])
SEG = np.array([0, 2, 2, 0, 3])


def _slice_update(x: np.ndarray, starts: tuple[int, ...], u: np.ndarray) -> np.ndarray:
    out = x.copy()
    out[tuple(slice(s, s + n) for s, n in zip(starts, u.shape))] = u
    return out


def _scatter(indices: np.ndarray, values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, values.dtype)
    np.add.at(out, tuple(indices.T), values)
    return out


def _update(x: np.ndarray, indices: np.ndarray, u: np.ndarray, ufunc: Any) -> np.ndarray:
    out = x.copy()
    if ufunc is None:
        out[tuple(indices.T)] = u
    else:
        ufunc.at(out, tuple(indices.T), u)
    return out


def _segments(data: np.ndarray, ids: np.ndarray, n: int, ufunc: Any, empty: Any) -> np.ndarray:
    out = np.full((n, *data.shape[1:]), empty, data.dtype)
    for i in range(n):
        if (ids == i).any():
            out[i] = ufunc.reduce(data[ids == i], axis=0)
    return out


LOW, HIGH = np.finfo(np.float32).min, np.finfo(np.float32).max
UPDATES = np.array([10.0, -20.0, 30.0], np.float32)
CASES: list[tuple[str, Callable[[Any], Any], Callable[[np.ndarray], Any]]] = [
    ("slice", lambda x: dn.ops.slice(x, (1, 2), (2, 3)), lambda x: x[1:3, 2:5]),
    ("slice_rest", lambda x: dn.ops.slice(x, [2, 0], [-1, 2]), lambda x: x[2:, :2]),
    (
        "slice_update",
        lambda x: dn.ops.slice_update(x, (1, 1), np.ones((2, 3), np.float32)),
        lambda x: _slice_update(x, (1, 1), np.ones((2, 3), np.float32)),
    ),
    ("scatter_update", lambda x: dn.ops.scatter_update(x, ROWS, UPDATES), lambda x: _update(x, ROWS, UPDATES, None)),
    (
        "scatter_update_rows",
        lambda x: dn.ops.scatter_update(x, [[3], [0]], np.ones((2, 5))),
        lambda x: _update(x, np.array([[3], [0]]), np.ones((2, 5)), None),
    ),
    (
        "scatter_add_dup",
        lambda x: dn.ops.scatter_update(x, [[1, 1], [1, 1], [-1, 0]], UPDATES, reduction="add"),
        lambda x: _update(x, np.array([[1, 1], [1, 1], [3, 0]]), UPDATES, np.add),
    ),
    (
        "scatter_max",
        lambda x: dn.ops.scatter_update(x, [[1, 1], [1, 1], [2, 0]], UPDATES / 20, reduction="max"),
        lambda x: _update(x, np.array([[1, 1], [1, 1], [2, 0]]), UPDATES / 20, np.maximum),
    ),
    (
        "scatter_min",
        lambda x: dn.ops.scatter_update(x, [[1, 1], [0, 1], [2, 0]], UPDATES / 20, reduction="min"),
        lambda x: _update(x, np.array([[1, 1], [0, 1], [2, 0]]), UPDATES / 20, np.minimum),
    ),
    (
        "scatter_mul",
        lambda x: dn.ops.scatter_update(x, [[1, 1], [1, 1], [2, 0]], UPDATES / 10, reduction="mul"),
        lambda x: _update(x, np.array([[1, 1], [1, 1], [2, 0]]), UPDATES / 10, np.multiply),
    ),
    ("segment_max", lambda x: dn.ops.segment_max(x, SEG[:4], 5), lambda x: _segments(x, SEG[:4], 5, np.maximum, LOW)),
    ("segment_min", lambda x: dn.ops.segment_min(x, SEG[:4], 5), lambda x: _segments(x, SEG[:4], 5, np.minimum, HIGH)),
    ("segment_prod", lambda x: dn.ops.segment_prod(x, SEG[:4]), lambda x: _segments(x, SEG[:4], 3, np.multiply, 1)),
    ("segment_sum_none", lambda x: dn.ops.segment_sum(x, SEG[:4]), lambda x: _segments(x, SEG[:4], 3, np.add, 0)),
    ("get_item_basic", lambda x: dn.ops.get_item(x, (slice(1, None, 2), -1)), lambda x: x[1::2, -1]),
    ("get_item_ellipsis", lambda x: dn.ops.get_item(x, (None, ..., 2)), lambda x: x[None, ..., 2]),
    ("get_item_ints", lambda x: dn.ops.get_item(x, (slice(None), [4, -1, 0])), lambda x: x[:, [4, -1, 0]]),
    ("get_item_after_int", lambda x: dn.ops.get_item(x, (1, [0, 2])), lambda x: x[1, [0, 2]]),
    ("get_item_mask", lambda x: dn.ops.get_item(x, x > 0), lambda x: x[x > 0]),
    ("get_item_row_mask", lambda x: dn.ops.get_item(x, np.array([1, 0, 1, 1], bool)), lambda x: x[[0, 2, 3]]),
]
DIFFERENTIABLE = [c for c in CASES if not c[0].startswith(("segment_max", "segment_min", "scatter_max", "scatter_min"))]


@pytest.mark.parametrize(("name", "op", "ref"), CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(backend: str, name: str, op: Callable[[Any], Any], ref: Callable[..., Any]) -> None:
    assert_matches_numpy(op(X), ref(X))


@pytest.mark.parametrize(("name", "op", "ref"), DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_gradients_match_finite_differences(
    backend: str, name: str, op: Callable[[Any], Any], ref: Callable[..., Any]
) -> None:
    check_gradients(op, ref, [X[:, :5]])


def test_gradients_reach_updates_and_values(backend: str) -> None:
    u = RNG.standard_normal((2, 2))
    check_gradients(lambda x, v: dn.ops.slice_update(x, (2, 3), v), lambda x, v: _slice_update(x, (2, 3), v), [X, u])
    rows = np.array([[1, 1], [1, 1], [2, 0]])
    check_gradients(lambda v: dn.ops.scatter(rows, v, (4, 5)), lambda v: _scatter(rows, v, (4, 5)), [UPDATES])
    check_gradients(
        lambda x, v: dn.ops.scatter_update(x, rows, v, reduction="mul"),
        lambda x, v: _update(x, rows, v, np.multiply),
        [X, UPDATES / 10],
    )


def test_segment_max_gradient_reaches_the_maximum(backend: str) -> None:
    # Keras/TF route the gradient to the arg-max row of each segment; X has no ties.
    check_gradients(lambda x: dn.ops.segment_max(x, SEG[:4], 4), lambda x: _segments(x, SEG[:4], 4, np.maximum, 0), [X])


def test_matches_keras(backend: str) -> None:
    """The same calls on keras.ops (the TensorFlow backend here): values and dtypes."""
    ids = SEG[:4]
    for ours, theirs in [
        (dn.ops.scatter(ROWS, UPDATES, (4, 5)), keras.ops.scatter(ROWS, UPDATES, (4, 5))),
        (dn.ops.segment_max(X, ids, 5), keras.ops.segment_max(X, ids, 5)),
        (dn.ops.segment_min(X, ids, 5), keras.ops.segment_min(X, ids, 5)),
        (dn.ops.segment_prod(X, ids, 5), keras.ops.segment_prod(X, ids, 5)),
        (dn.ops.slice(CUBE, (1, 0, 1), (2, 3, 1)), keras.ops.slice(CUBE, (1, 0, 1), (2, 3, 1))),
        (dn.ops.scatter_update(X, ROWS, UPDATES, "max"), keras.ops.scatter_update(X, ROWS, UPDATES, "max")),
    ]:
        assert_matches_numpy(ours, keras.ops.convert_to_numpy(theirs))


@pytest.mark.parametrize("dtype", ["int32", "int64", "float64"])
def test_dtypes_follow_the_inputs(backend: str, dtype: str) -> None:
    data = np.arange(20).reshape(4, 5).astype(dtype)
    assert_matches_numpy(
        dn.ops.scatter(ROWS, np.array([1, 2, 3], dtype), (4, 5)), _scatter(ROWS, np.array([1, 2, 3], dtype), (4, 5))
    )
    assert_matches_numpy(dn.ops.scatter_update(data, ROWS, [7, 8, 9]), _update(data, ROWS, np.array([7, 8, 9]), None))
    low = np.iinfo(dtype).min if dtype.startswith("int") else np.finfo(dtype).min
    assert_matches_numpy(dn.ops.segment_max(data, SEG[:4], 5), _segments(data, SEG[:4], 5, np.maximum, low))
    assert_matches_numpy(
        dn.ops.slice_update(data, (0, 0), np.ones((1, 2), dtype)), _slice_update(data, (0, 0), np.ones((1, 2), dtype))
    )


def test_compiled_with_jit(backend: str) -> None:
    """One function under dn.function(jit=True) (torch.compile / XLA): the scatters, slice_update, unique(size=).

    One small function, since each torch.compile costs seconds; slice and segment_max run traced in the graph test.
    """

    def step(x: Any, v: Any) -> Any:
        a = dn.ops.scatter(ROWS, v, (4, 5))
        b = dn.ops.scatter_update(x, ROWS, v, reduction="add")
        c = dn.ops.slice_update(x, (1, 2), v[None, :])
        e = dn.ops.unique(dn.ops.round(x[0] * 2), size=6, fill_value=-9.0, return_counts=True)
        return a, b, c, *e

    out = dn.function(step, jit=True)(dn.ops.convert_to_tensor(X), dn.ops.convert_to_tensor(UPDATES))
    values, counts = np.unique(np.round(X[0] * 2), return_counts=True)
    pad = 6 - values.size
    expected = (
        _scatter(ROWS, UPDATES, (4, 5)),
        _update(X, ROWS, UPDATES, np.add),
        _slice_update(X, (1, 2), UPDATES[None, :]),
        np.concatenate([values, np.full(pad, -9.0, np.float32)]),
        np.concatenate([counts, np.zeros(pad, np.int64)]),
    )
    for got, want in zip(out, expected):
        assert_matches_numpy(got, want)


def test_graph_mode_with_tensor_starts_and_keys(backend: str) -> None:
    """Inside dn.function (tf.function on tensorflow): starts given as a tensor, get_item's keys, segment counts."""

    def step(x: Any, starts: Any) -> Any:
        a = dn.ops.slice(x, starts, (2, 2))
        b = dn.ops.slice_update(x, starts, dn.ops.ones((2, 2)))
        c = dn.ops.get_item(x, (slice(None), [4, -1, 0]))
        d = dn.ops.get_item(x, (None, ..., 1))
        e = dn.ops.segment_sum(x, SEG[:4])
        f = dn.ops.segment_max(x, SEG[:4], 4)
        return a, b, c, d, e, f

    got = dn.function(step)(dn.ops.convert_to_tensor(X), dn.ops.convert_to_tensor(np.array([1, 2])))
    want = (X[1:3, 2:4], _slice_update(X, (1, 2), np.ones((2, 2), np.float32)), X[:, [4, -1, 0]], X[None, ..., 1])
    segments = (_segments(X, SEG[:4], 3, np.add, 0), _segments(X, SEG[:4], 4, np.maximum, LOW))
    for g, w in zip(got, (*want, *segments), strict=True):
        assert_matches_numpy(g, w)


def test_take_along_axis_defaults_to_the_flattened_input(backend: str) -> None:
    indices = np.array([19, 0, -1, 7])
    assert_matches_numpy(dn.ops.take_along_axis(X, indices), np.take_along_axis(X, indices, None))
    ours = dn.ops.take_along_axis(X, np.argsort(X, 0), axis=0)
    assert_matches_numpy(ours, keras.ops.convert_to_numpy(keras.ops.take_along_axis(X, np.argsort(X, 0), axis=0)))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        pytest.param(lambda: dn.ops.slice(X, (3, 0), (2, 2)), dn.ShapeError, "slice: a block", id="slice_outside"),
        pytest.param(lambda: dn.ops.slice(X, (0,), (2, 2)), dn.ShapeError, "one start", id="slice_rank"),
        pytest.param(
            lambda: dn.ops.slice(X, dn.ops.convert_to_tensor(np.array([3, 4])), (2, 2)),
            dn.ShapeError,
            "slice: a block",
            id="slice_tensor_starts_outside",
        ),
        pytest.param(
            lambda: dn.ops.slice_update(X, (0, 4), np.ones((1, 2))), dn.ShapeError, "slice_update", id="update_outside"
        ),
        pytest.param(
            lambda: dn.ops.slice_update(X, (0, 0), np.ones(2)), dn.ShapeError, "match ranks", id="update_rank"
        ),
        pytest.param(
            lambda: dn.ops.scatter([[0, 0, 0]], [1.0], (2, 2)), dn.ShapeError, "scatter: indices", id="scatter_depth"
        ),
        pytest.param(
            lambda: dn.ops.scatter([[0, 0]], [1.0, 2.0], (2, 2)), dn.ShapeError, "expected updates", id="scatter_values"
        ),
        pytest.param(
            lambda: dn.ops.scatter([[0.5, 0]], [1.0], (2, 2)), dn.ArgumentError, "integers", id="scatter_floats"
        ),
        pytest.param(lambda: dn.ops.scatter_update(X, ROWS, UPDATES, "sum"), dn.ArgumentError, "'add'", id="reduction"),
        pytest.param(lambda: dn.ops.segment_max(X, [0, 1], 2), dn.ShapeError, "segment_max", id="segment_ids"),
        pytest.param(lambda: dn.ops.segment_min(X, SEG[:4], -1), dn.ArgumentError, "num_segments", id="segment_count"),
        pytest.param(lambda: dn.ops.segment_prod(X > 0, SEG[:4], 4), dn.ArgumentError, "bool", id="segment_bool"),
        pytest.param(lambda: dn.ops.get_item(X, ([0], [1])), dn.ArgumentError, "one integer", id="get_two_arrays"),
        pytest.param(lambda: dn.ops.get_item(X, (0, 0, 0)), dn.ArgumentError, "rank 2", id="get_too_many"),
        pytest.param(lambda: dn.ops.get_item(X, "a"), dn.ArgumentError, "get_item", id="get_string"),
        pytest.param(lambda: dn.ops.get_item(X, [0.5]), dn.ArgumentError, "integers or bools", id="get_floats"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
