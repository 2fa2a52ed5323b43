"""nonzero, unique, searchsorted, digitize, isin, argpartition, unravel_index and select against NumPy / Keras."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy

RNG = np.random.default_rng(5)
INTS = RNG.integers(0, 4, (3, 4)).astype(np.int32)
X = RNG.standard_normal((3, 5)).astype(np.float32)
ROWS = np.array([[1, 2], [0, 1], [1, 2], [0, 0]], np.int64)
EDGES = np.array([-1.0, 0.0, 0.5, 2.0], np.float32)


def _results(got: Any) -> list[Any]:
    return list(got) if isinstance(got, tuple) else [got]


def _np_unique(x: np.ndarray, **kw: Any) -> list[np.ndarray]:
    out = np.unique(x, **kw)
    out = list(out) if isinstance(out, tuple) else [out]
    return [o if i == 0 else o.astype(np.int64) for i, o in enumerate(out)]


FLAGS = {"return_index": True, "return_inverse": True, "return_counts": True}


@pytest.mark.parametrize(
    ("x", "kw"),
    [
        pytest.param(INTS, {}, id="ints"),
        pytest.param(INTS, FLAGS, id="ints_flags"),
        pytest.param(np.round(X), FLAGS, id="floats_flags"),
        pytest.param(ROWS, {"axis": 0, **FLAGS}, id="rows"),
        pytest.param(ROWS.T, {"axis": -1, **FLAGS}, id="columns"),
        pytest.param(INTS > 1, {"return_counts": True}, id="bool"),
    ],
)
def test_unique_matches_numpy(backend: str, x: np.ndarray, kw: dict[str, Any]) -> None:
    for got, want in zip(_results(dn.ops.unique(x, **kw)), _np_unique(x, **kw), strict=True):
        assert_matches_numpy(got, want)


def test_unique_unsorted_is_first_appearance_order(backend: str) -> None:
    x = np.array([3, 1, 3, 2, 1, 5], np.int64)
    values, index, inverse, counts = dn.ops.unique(x, sorted=False, **FLAGS)
    assert_matches_numpy(values, np.array([3, 1, 2, 5]))
    assert_matches_numpy(index, np.array([0, 1, 3, 5]))
    assert_matches_numpy(inverse, np.array([0, 1, 0, 2, 1, 3]))
    assert_matches_numpy(counts, np.array([2, 2, 1, 1]))


@pytest.mark.parametrize("size", [2, 7])
def test_unique_with_size_pads_or_truncates(backend: str, size: int) -> None:
    values, index, counts = dn.ops.unique(INTS, return_index=True, return_counts=True, size=size, fill_value=-1)
    want_v, want_i, want_c = _np_unique(INTS, return_index=True, return_counts=True)
    pad = max(0, size - want_v.size)
    assert_matches_numpy(values, np.concatenate([want_v, np.full(pad, -1, np.int32)])[:size])
    assert_matches_numpy(index, np.concatenate([want_i, np.zeros(pad, np.int64)])[:size])
    assert_matches_numpy(counts, np.concatenate([want_c, np.zeros(pad, np.int64)])[:size])


def test_unique_matches_keras(backend: str) -> None:
    ours = dn.ops.unique(INTS, return_counts=True, size=6)
    theirs = keras.ops.unique(INTS, return_counts=True, size=6)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(dn.ops.to_numpy(a), keras.ops.convert_to_numpy(b))


CASES: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
    ("searchsorted_left", lambda: dn.ops.searchsorted(EDGES, X), lambda: np.searchsorted(EDGES, X)),
    (
        "searchsorted_right",
        lambda: dn.ops.searchsorted([1, 2, 2, 3], [[2, 0], [3, 4]], side="right"),
        lambda: np.searchsorted([1, 2, 2, 3], [[2, 0], [3, 4]], side="right"),
    ),
    ("digitize", lambda: dn.ops.digitize(X, EDGES), lambda: np.digitize(X, EDGES)),
    ("digitize_falling", lambda: dn.ops.digitize(X, EDGES[::-1].copy()), lambda: np.digitize(X, EDGES[::-1])),
    ("digitize_ties", lambda: dn.ops.digitize(EDGES, EDGES), lambda: np.digitize(EDGES, EDGES)),
    ("isin", lambda: dn.ops.isin(INTS, [3, 0, 7]), lambda: np.isin(INTS, [3, 0, 7])),
    ("isin_invert", lambda: dn.ops.isin(INTS, [[1], [2]], invert=True), lambda: np.isin(INTS, [[1], [2]], invert=True)),
    ("isin_empty", lambda: dn.ops.isin(INTS, np.zeros(0, np.int32)), lambda: np.isin(INTS, np.zeros(0, np.int32))),
    (
        "unravel_index",
        lambda: dn.ops.unravel_index(np.array([[0, 7], [11, 5]]), (3, 4)),
        lambda: tuple(i.astype(np.int64) for i in np.unravel_index(np.array([[0, 7], [11, 5]]), (3, 4))),
    ),
    (
        "select",
        lambda: dn.ops.select([X > 0.5, X < -0.5], [X, -X], default=9.0),
        lambda: np.select([X > 0.5, X < -0.5], [X, -X], default=9.0),
    ),
    (
        "select_broadcast",
        lambda: dn.ops.select([INTS > 2, INTS[:1] == 0], [INTS, np.int32(-1)]),
        lambda: np.select([INTS > 2, INTS[:1] == 0], [INTS, np.int32(-1)]),
    ),
    (
        "nonzero",
        lambda: dn.ops.nonzero(INTS),
        lambda: tuple(i.astype(np.int64) for i in np.nonzero(INTS)),
    ),
    ("nonzero_bool", lambda: dn.ops.nonzero(X > 0), lambda: tuple(i.astype(np.int64) for i in np.nonzero(X > 0))),
]


@pytest.mark.parametrize(("name", "op", "ref"), CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(backend: str, name: str, op: Callable[[], Any], ref: Callable[[], Any]) -> None:
    got, want = op(), ref()
    if isinstance(want, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_matches_numpy(g, w)
    else:
        assert_matches_numpy(got, want.astype(np.int64) if want.dtype == np.intp else want)


@pytest.mark.parametrize(("kth", "axis"), [(2, -1), (-1, 0), (0, 1)])
def test_argpartition_partitions(backend: str, kth: int, axis: int) -> None:
    idx = dn.ops.to_numpy(dn.ops.argpartition(X, kth, axis=axis))
    assert idx.dtype == np.int64
    parted = np.take_along_axis(X, idx, axis)
    want = np.take_along_axis(X, np.argpartition(X, kth, axis=axis), axis)
    n = X.shape[axis]
    k = kth % n
    pivot = np.take(parted, [k], axis=axis)
    np.testing.assert_array_equal(pivot, np.take(want, [k], axis=axis))
    assert (np.take(parted, range(k), axis=axis) <= pivot).all()
    assert (np.take(parted, range(k + 1, n), axis=axis) >= pivot).all()
    np.testing.assert_array_equal(np.sort(idx, axis=axis), np.sort(np.argsort(X, axis=axis), axis=axis))


def test_matches_keras(backend: str) -> None:
    pairs = [
        (dn.ops.searchsorted(EDGES, X[0]), keras.ops.searchsorted(EDGES, X[0])),
        (dn.ops.digitize(X, EDGES), keras.ops.digitize(X, EDGES)),
        (dn.ops.isin(INTS, [3, 0]), keras.ops.isin(INTS, [3, 0])),
    ]
    for ours, theirs in pairs:
        np.testing.assert_array_equal(dn.ops.to_numpy(ours), keras.ops.convert_to_numpy(theirs))


def test_graph_mode(backend: str) -> None:
    """The ops whose shapes do not depend on values, inside dn.function (tf.function on tensorflow)."""

    def step(x: Any) -> Any:
        return (
            dn.ops.digitize(x, EDGES),
            dn.ops.isin(dn.ops.round(x), [0.0, 1.0]),
            dn.ops.argpartition(x, 1),
            dn.ops.unique(dn.ops.round(x), sorted=False),  # no size: on tensorflow a trace of unknown length
            dn.ops.nonzero(x > 0),
        )

    got = dn.function(step)(dn.ops.convert_to_tensor(X))
    assert_matches_numpy(got[0], np.digitize(X, EDGES).astype(np.int64))
    assert_matches_numpy(got[1], np.isin(np.round(X), [0.0, 1.0]))
    assert_matches_numpy(got[2], np.argsort(X, kind="stable").astype(np.int64))
    flat = np.round(X).ravel()
    assert_matches_numpy(got[3], flat[np.sort(np.unique(flat, return_index=True)[1])])
    for g, w in zip(got[4], np.nonzero(X > 0), strict=True):
        assert_matches_numpy(g, w.astype(np.int64))


@pytest.mark.parametrize("axis", [None, 0])
def test_unique_of_an_empty_input(backend: str, axis: int | None) -> None:
    x = np.zeros((0, 2), np.float32)
    for got, want in zip(dn.ops.unique(x, axis=axis, **FLAGS), _np_unique(x, axis=axis, **FLAGS), strict=True):
        assert_matches_numpy(got, want)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        pytest.param(lambda: dn.ops.unique(INTS, size=-1), dn.ArgumentError, "unique: size", id="unique_size"),
        pytest.param(lambda: dn.ops.unique(INTS, axis=2), dn.ArgumentError, "unique", id="unique_axis"),
        pytest.param(lambda: dn.ops.unique(INTS, sorted="yes"), dn.ArgumentError, "sorted", id="unique_sorted"),
        pytest.param(lambda: dn.ops.searchsorted(ROWS, [1]), dn.ShapeError, "1-D", id="searchsorted_2d"),
        pytest.param(lambda: dn.ops.searchsorted(EDGES, [1], side="up"), dn.ArgumentError, "side", id="side"),
        pytest.param(lambda: dn.ops.digitize(X, ROWS), dn.ShapeError, "digitize", id="digitize_2d"),
        pytest.param(lambda: dn.ops.argpartition(X, 5), dn.ArgumentError, "kth=5", id="kth"),
        pytest.param(lambda: dn.ops.argpartition(np.float32(1), 0), dn.ShapeError, "scalar", id="kth_scalar"),
        pytest.param(lambda: dn.ops.unravel_index([0.5], (2, 2)), dn.ArgumentError, "integers", id="unravel"),
        pytest.param(lambda: dn.ops.select([X > 0], [X, X]), dn.ArgumentError, "one choice", id="select"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
