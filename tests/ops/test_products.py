"""kron, inner, vdot, cross and diff against NumPy / Keras, with float64 gradients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy
from tests.ops.gradcheck import check_gradients

RNG = np.random.default_rng(11)
A = RNG.standard_normal((2, 3)).astype(np.float32)
B3 = RNG.standard_normal((4, 1, 3)).astype(np.float32)
C = RNG.standard_normal((3, 2)).astype(np.float32)
INTS = np.arange(6, dtype=np.int32).reshape(2, 3)

CASES: list[tuple[str, Callable[..., Any], Callable[..., Any], list[np.ndarray]]] = [
    ("kron", dn.ops.kron, np.kron, [A, C]),
    ("kron_ranks", dn.ops.kron, np.kron, [A[0], B3]),
    ("inner", dn.ops.inner, np.inner, [A, B3]),
    ("vdot", dn.ops.vdot, np.vdot, [A, C]),
    ("cross", dn.ops.cross, np.cross, [A, B3]),
    (
        "cross_axes",
        lambda x, y: dn.ops.cross(x, y, axisa=0, axisb=-1, axisc=0),
        lambda x, y: np.cross(x, y, 0, -1, 0),
        [C, A],
    ),
    (
        "cross_axis",
        lambda x, y: dn.ops.cross(x, y, axis=0),
        lambda x, y: np.cross(x, y, axis=0),
        [C[:, :1].repeat(3, 1), C.T[:, :1].repeat(3, 1)],
    ),
    ("cross_2d", dn.ops.cross, np.cross, [A[:, :2], C[:2]]),
    ("cross_23", dn.ops.cross, np.cross, [C, B3]),
    ("diff", dn.ops.diff, np.diff, [B3]),
    ("diff_n", lambda x: dn.ops.diff(x, 2, axis=0), lambda x: np.diff(x, 2, axis=0), [B3]),
    ("diff_past", lambda x: dn.ops.diff(x, 5), lambda x: np.diff(x, 5), [A]),
]
SMALL_INTS: list[tuple[str, Callable[..., Any], Callable[..., Any], list[np.ndarray]]] = [
    ("kron_int", dn.ops.kron, np.kron, [INTS, INTS[:1]]),
    ("inner_int", dn.ops.inner, np.inner, [INTS, INTS]),
    ("cross_int", dn.ops.cross, np.cross, [INTS, INTS[::-1].copy()]),
    ("diff_int", dn.ops.diff, np.diff, [INTS]),
    ("diff_bool", dn.ops.diff, np.diff, [INTS > 2]),
    ("vdot_int", dn.ops.vdot, np.vdot, [INTS, INTS]),
]


@pytest.mark.parametrize(("name", "op", "ref", "xs"), CASES + SMALL_INTS, ids=[c[0] for c in CASES + SMALL_INTS])
def test_matches_numpy(backend: str, name: str, op: Callable[..., Any], ref: Callable[..., Any], xs: list[Any]) -> None:
    want = ref(*xs)
    assert_matches_numpy(op(*xs), want.astype(xs[0].dtype) if want.dtype == np.int64 else want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("name", "op", "ref", "xs"), CASES, ids=[c[0] for c in CASES])
def test_gradients_match_finite_differences(
    backend: str, name: str, op: Callable[..., Any], ref: Callable[..., Any], xs: list[Any]
) -> None:
    check_gradients(op, ref, xs)


def test_matches_keras(backend: str) -> None:
    for ours, theirs in [
        (dn.ops.kron(A, C), keras.ops.kron(A, C)),
        (dn.ops.cross(A, B3), keras.ops.cross(A, B3)),
        (dn.ops.diff(B3, 2, axis=0), keras.ops.diff(B3, 2, axis=0)),
        (dn.ops.inner(A, B3), keras.ops.inner(A, B3)),
    ]:
        assert_matches_numpy(ours, keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        pytest.param(lambda: dn.ops.inner(A, C), dn.ShapeError, "inner: last axes", id="inner"),
        pytest.param(lambda: dn.ops.vdot(A, A[0]), dn.ShapeError, "vdot: sizes", id="vdot"),
        pytest.param(lambda: dn.ops.cross(A, A[:, :1]), dn.ShapeError, "cross: the vector axes", id="cross"),
        pytest.param(lambda: dn.ops.diff(A, -1), dn.ArgumentError, "diff", id="diff_n"),
        pytest.param(lambda: dn.ops.diff(np.float32(1)), dn.ShapeError, "scalar", id="diff_scalar"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
