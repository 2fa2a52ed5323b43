"""array, empty, identity, tri, diag, diagflat, geomspace, logspace and vander against NumPy / Keras."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy
from tests.ops.gradcheck import check_gradients

RNG = np.random.default_rng(9)
V = RNG.standard_normal(4).astype(np.float32)
M = RNG.standard_normal((3, 4)).astype(np.float32)

CASES: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
    ("array", lambda: dn.ops.array([[1, 2], [3, 4]]), lambda: np.array([[1, 2], [3, 4]])),
    ("array_dtype", lambda: dn.ops.array(M, dtype="float16"), lambda: M.astype(np.float16)),
    ("empty", lambda: dn.ops.empty((2, 3)), lambda: np.zeros((2, 3), np.float32)),
    ("empty_like", lambda: dn.ops.empty_like(np.ones((2, 1), np.int32)), lambda: np.zeros((2, 1), np.int32)),
    ("empty_like_dtype", lambda: dn.ops.empty_like(M, "bool"), lambda: np.zeros((3, 4), bool)),
    ("identity", lambda: dn.ops.identity(3), lambda: np.identity(3, np.float32)),
    ("identity_int", lambda: dn.ops.identity(2, "int32"), lambda: np.identity(2, np.int32)),
    ("tri", lambda: dn.ops.tri(3, 5, 1), lambda: np.tri(3, 5, 1, np.float32)),
    ("tri_neg", lambda: dn.ops.tri(4, k=-2, dtype="int64"), lambda: np.tri(4, k=-2, dtype=np.int64)),
    ("diag_vector", lambda: dn.ops.diag(V, k=-1), lambda: np.diag(V, k=-1)),
    ("diag_matrix", lambda: dn.ops.diag(M, k=1), lambda: np.diag(M, k=1)),
    ("diag_outside", lambda: dn.ops.diag(M, k=5), lambda: np.diag(M, k=5)),
    ("diagflat", lambda: dn.ops.diagflat(M[:2, :2], k=2), lambda: np.diagflat(M[:2, :2], k=2)),
    ("logspace", lambda: dn.ops.logspace(0, 3, 7), lambda: np.logspace(0, 3, 7).astype(np.float32)),
    (
        "logspace_array",
        lambda: dn.ops.logspace([0.0, 1.0], [2.0, -1.0], 5, endpoint=False, base=2, axis=-1, dtype="float64"),
        lambda: np.logspace([0.0, 1.0], [2.0, -1.0], 5, endpoint=False, base=2, axis=-1),
    ),
    ("geomspace", lambda: dn.ops.geomspace(1, 1000, 4), lambda: np.geomspace(1, 1000, 4).astype(np.float32)),
    (
        "geomspace_negative",
        lambda: dn.ops.geomspace(-2.0, [-8.0, -32.0], 3, dtype="float64", axis=1),
        lambda: np.geomspace(-2.0, [-8.0, -32.0], 3, axis=1),
    ),
    (
        "geomspace_open",
        lambda: dn.ops.geomspace(1, 16, 4, endpoint=False),
        lambda: np.geomspace(1, 16, 4, False).astype(np.float32),
    ),
    ("vander", lambda: dn.ops.vander(V), lambda: np.vander(V).astype(np.float32)),  # x's dtype, as Keras
    ("vander_int", lambda: dn.ops.vander(np.arange(3), 4, increasing=True), lambda: np.vander(np.arange(3), 4, True)),
]


@pytest.mark.parametrize(("name", "op", "ref"), CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(backend: str, name: str, op: Callable[[], Any], ref: Callable[[], Any]) -> None:
    assert_matches_numpy(op(), ref(), rtol=1e-5)


def test_array_copies(backend: str) -> None:
    t = dn.ops.convert_to_tensor(M)
    copy = dn.ops.array(t)
    assert copy is not t
    assert_matches_numpy(copy, M)


def test_matches_keras(backend: str) -> None:
    for ours, theirs in [
        (dn.ops.tri(3, 4, -1), keras.ops.tri(3, 4, -1)),
        (dn.ops.vander(V, 3), keras.ops.vander(V, 3)),
        (dn.ops.logspace(0.0, 2.0, 5), keras.ops.logspace(0.0, 2.0, 5)),
        (dn.ops.diag(M, -1), keras.ops.diag(M, -1)),
    ]:
        assert_matches_numpy(ours, keras.ops.convert_to_numpy(theirs), rtol=1e-5)


def test_gradients(backend: str) -> None:
    check_gradients(lambda x: dn.ops.vander(x, 4), lambda x: np.vander(x, 4), [V])
    check_gradients(lambda x: dn.ops.diag(x, 1), lambda x: np.diag(x, 1), [M])
    check_gradients(lambda x: dn.ops.diagflat(x, -1), lambda x: np.diagflat(x, -1), [V[:3]])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        pytest.param(lambda: dn.ops.identity(-1), dn.ArgumentError, "identity", id="identity"),
        pytest.param(lambda: dn.ops.tri(2, -3), dn.ArgumentError, "tri", id="tri"),
        pytest.param(lambda: dn.ops.diag(np.zeros((2, 2, 2))), dn.ShapeError, "diag", id="diag_rank"),
        pytest.param(lambda: dn.ops.geomspace(0, 10), dn.ArgumentError, "nonzero", id="geomspace_zero"),
        pytest.param(lambda: dn.ops.geomspace(-1, 10), dn.ArgumentError, "same sign", id="geomspace_sign"),
        pytest.param(lambda: dn.ops.logspace(0, 1, -2), dn.ArgumentError, "num", id="logspace_num"),
        pytest.param(lambda: dn.ops.vander(M), dn.ShapeError, "vander", id="vander_rank"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
