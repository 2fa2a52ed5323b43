"""dn.ops linear algebra against NumPy on both backends: values, dtypes, gradients, graph mode, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy

RNG = np.random.default_rng(2)


def _f(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


A23, B34, V3, V4 = _f(2, 3), _f(3, 4), _f(3), _f(4)
BATCH = _f(2, 1, 2, 3)
CUBE = _f(2, 3, 4)
SQ = _f(3, 3)

# (id, op written once for `m` = dn.ops or numpy, operands). NumPy's linalg.norm is reached as m.norm below.
CASES: list[tuple[str, Callable[..., Any], tuple[np.ndarray, ...]]] = [
    ("matmul_2d", lambda m, a, b: m.matmul(a, b), (A23, B34)),
    ("matmul_vec_mat", lambda m, a, b: m.matmul(a, b), (V3, B34)),
    ("matmul_mat_vec", lambda m, a, b: m.matmul(a, b), (B34, V4)),
    ("matmul_vec_vec", lambda m, a, b: m.matmul(a, b), (V3, V3)),
    ("matmul_broadcast", lambda m, a, b: m.matmul(a, b), (BATCH, _f(4, 3, 5))),
    ("matmul_batch_vec", lambda m, a, b: m.matmul(a, b), (CUBE, V4)),
    ("matmul_vec_batch", lambda m, a, b: m.matmul(a, b), (V3, CUBE)),
    ("dot_vec", lambda m, a, b: m.dot(a, b), (V3, V3)),
    ("dot_mat", lambda m, a, b: m.dot(a, b), (A23, B34)),
    ("dot_nd_vec", lambda m, a, b: m.dot(a, b), (CUBE, V4)),
    ("dot_nd_nd", lambda m, a, b: m.dot(a, b), (A23, CUBE)),
    ("dot_nd_mat", lambda m, a, b: m.dot(a, b), (CUBE, _f(4, 2))),
    ("dot_scalar", lambda m, a, b: m.dot(a, b), (np.float32(2.5), A23)),
    ("outer", lambda m, a, b: m.outer(a, b), (V3, V4)),
    ("outer_flattens", lambda m, a, b: m.outer(a, b), (A23, V4)),
    ("einsum_matmul", lambda m, a, b: m.einsum("ij,jk->ik", a, b), (A23, B34)),
    ("einsum_implicit", lambda m, a, b: m.einsum("ij,jk", a, b), (A23, B34)),
    ("einsum_implicit_order", lambda m, a: m.einsum("ba", a), (A23,)),
    ("einsum_ellipsis", lambda m, a, b: m.einsum("...ij,jk", a, b), (CUBE, _f(4, 2))),
    ("einsum_ellipsis_out", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b), (CUBE, _f(2, 4, 5))),
    ("einsum_trace", lambda m, a: m.einsum("ii", a), (SQ,)),
    ("einsum_three", lambda m, a, b, c: m.einsum("i,ij,j->", a, b, c), (V3, B34, V4)),
    ("tensordot_int", lambda m, a, b: m.tensordot(a, b, 2), (CUBE, _f(3, 4, 2))),
    ("tensordot_default", lambda m, a, b: m.tensordot(a, b), (CUBE, _f(3, 4))),
    ("tensordot_zero", lambda m, a, b: m.tensordot(a, b, 0), (V3, V4)),
    ("tensordot_pairs", lambda m, a, b: m.tensordot(a, b, ([0, 2], [1, 0])), (CUBE, _f(4, 2, 5))),
    ("tensordot_scalars", lambda m, a, b: m.tensordot(a, b, (-1, 0)), (CUBE, _f(4, 2))),
    ("trace", lambda m, a: m.trace(a), (SQ,)),
    ("trace_offset_axes", lambda m, a: m.trace(a, 1, 1, 2), (CUBE,)),
    ("diagonal", lambda m, a: m.diagonal(a), (A23,)),
    ("diagonal_offset", lambda m, a: m.diagonal(a, -1), (SQ,)),
    ("diagonal_axes", lambda m, a: m.diagonal(a, 1, 2, 0), (CUBE,)),
    ("diagonal_past_corner", lambda m, a: m.diagonal(a, 5), (A23,)),
]
GRAPH = {"matmul_vec_mat", "matmul_broadcast", "dot_nd_nd", "outer", "einsum_implicit", "einsum_ellipsis"}
GRAPH |= {"tensordot_pairs", "trace_offset_axes", "diagonal_axes"}

NORMS: list[tuple[str, dict[str, Any], np.ndarray]] = [
    ("all", {}, CUBE),
    ("all_keepdims", {"keepdims": True}, CUBE),
    ("vec_l1", {"ord": 1}, V4),
    ("vec_inf", {"ord": np.inf}, V4),
    ("vec_neginf", {"ord": -np.inf}, V4),
    ("vec_l0", {"ord": 0}, np.array([0.0, 2.0, 0.0, -1.0], np.float32)),
    ("vec_l3", {"ord": 3}, V4),
    ("vec_half", {"ord": 0.5}, V4),
    ("axis_l2", {"axis": 1}, CUBE),
    ("axis_l1_keep", {"ord": 1, "axis": -1, "keepdims": True}, CUBE),
    ("axis_inf_tuple1", {"ord": np.inf, "axis": (0,)}, CUBE),
    ("fro_axes", {"ord": "fro", "axis": (0, 2)}, CUBE),
    ("fro_none_axes_keep", {"axis": (1, 2), "keepdims": True}, CUBE),
    ("fro_2d", {"ord": "fro"}, A23),
    *[(f"matrix_{o}", {"ord": o, "axis": (0, 2)}, CUBE) for o in (1, -1, 2, -2, np.inf, -np.inf, "nuc")],
    *[(f"matrix_{o}_keep", {"ord": o, "axis": (2, 1), "keepdims": True}, CUBE) for o in (1, np.inf, 2, "nuc")],
    ("matrix_2_none_axis", {"ord": 2}, A23),
]


def _np(fn: Callable[..., Any]) -> Callable[..., Any]:
    return lambda *xs: fn(np, *xs)


def _graph(fn: Callable[..., Any], operands: tuple[np.ndarray, ...]) -> Any:
    return B.function(lambda *ts: fn(dn.ops, *ts), False)(*(dn.ops.convert_to_tensor(x) for x in operands))


@pytest.mark.parametrize(("name", "fn", "operands"), CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(backend: str, name: str, fn: Callable[..., Any], operands: tuple[np.ndarray, ...]) -> None:
    expected = fn(np, *operands)
    assert_matches_numpy(fn(dn.ops, *operands), expected, rtol=1e-5, atol=1e-5)
    if name in GRAPH:
        assert_matches_numpy(_graph(fn, operands), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("name", "kwargs", "x"), NORMS, ids=[c[0] for c in NORMS])
def test_norm_matches_numpy(backend: str, name: str, kwargs: dict[str, Any], x: np.ndarray) -> None:
    expected = np.linalg.norm(x, **kwargs)
    assert_matches_numpy(dn.ops.norm(x, **kwargs), expected, rtol=1e-5, atol=1e-6)
    assert_matches_numpy(B.function(lambda t: dn.ops.norm(t, **kwargs), False)(x), expected, rtol=1e-5, atol=1e-6)


def test_integer_inputs(backend: str) -> None:
    a, b = np.arange(6, dtype=np.int32).reshape(2, 3), np.arange(12, dtype=np.int64).reshape(3, 4)
    assert_matches_numpy(dn.ops.matmul(a, b), a @ b)
    assert_matches_numpy(dn.ops.matmul(a, b.astype(np.float32)), (a @ b).astype(np.float32))
    assert_matches_numpy(dn.ops.einsum("ij,jk", a, a.T.astype(np.int64)), np.einsum("ij,jk", a, a.T.astype(np.int64)))
    assert_matches_numpy(dn.ops.trace(a), np.trace(a))  # int64, as NumPy
    assert_matches_numpy(dn.ops.trace(a > 2), np.trace(a > 2))
    # Norms of ints are float32 here (NumPy: float64).
    assert_matches_numpy(dn.ops.norm(a), np.linalg.norm(a).astype(np.float32))
    assert_matches_numpy(dn.ops.norm(a, 1, axis=0), np.linalg.norm(a, 1, axis=0).astype(np.float32))


GRADS: list[tuple[str, Callable[..., Any], tuple[np.ndarray, ...]]] = [
    *[c for c in CASES if c[0] in ("matmul_broadcast", "matmul_vec_mat", "dot_nd_nd", "outer", "einsum_ellipsis")],
    *[c for c in CASES if c[0] in ("tensordot_pairs", "trace_offset_axes", "diagonal_axes")],
    ("norm_axis", lambda m, a: (m.linalg if m is np else m).norm(a, axis=-1), (CUBE,)),
    ("norm_l3", lambda m, a: (m.linalg if m is np else m).norm(a, 3, axis=0), (CUBE,)),
    ("norm_fro", lambda m, a: (m.linalg if m is np else m).norm(a, "fro", (0, 1)), (CUBE,)),
    ("norm_nuc", lambda m, a: (m.linalg if m is np else m).norm(a, "nuc", (1, 2)), (CUBE,)),
    ("norm_inf_matrix", lambda m, a: (m.linalg if m is np else m).norm(a, np.inf, (0, 2)), (CUBE,)),
]


@pytest.mark.parametrize(("name", "fn", "operands"), GRADS, ids=[c[0] for c in GRADS])
def test_gradients_match_finite_differences(
    backend: str, name: str, fn: Callable[..., Any], operands: tuple[np.ndarray, ...]
) -> None:
    w = RNG.standard_normal(np.shape(fn(np, *operands))).astype(np.float32)
    _, _, grads = B.value_and_grad(
        lambda ts: dn.ops.tensordot(fn(dn.ops, *ts), w, axes=w.ndim),
        [],
        [dn.ops.convert_to_tensor(x) for x in operands],
        False,
    )
    wide = [x.astype(np.float64) for x in operands]
    for k, grad in enumerate(grads):
        expected, eps = np.zeros(wide[k].shape), 1e-6
        for i in np.ndindex(wide[k].shape):
            up, down = [x.copy() for x in wide], [x.copy() for x in wide]
            up[k][i] += eps
            down[k][i] -= eps
            expected[i] = (np.sum(w * fn(np, *up)) - np.sum(w * fn(np, *down))) / (2 * eps)
        np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-4, atol=1e-4)


def test_norm_gradient_at_zero_is_zero_on_both_backends(backend: str) -> None:
    _, _, (grad,) = B.value_and_grad(
        lambda t: dn.ops.norm(t[0]), [], [dn.ops.convert_to_tensor(np.zeros(3, np.float32))], False
    )
    np.testing.assert_array_equal(dn.ops.to_numpy(grad), np.zeros(3))


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda: dn.ops.matmul(A23, A23), dn.ShapeError, id="matmul_inner"),
        pytest.param(lambda: dn.ops.matmul(A23, np.float32(1)), dn.ShapeError, id="matmul_scalar"),
        pytest.param(lambda: dn.ops.matmul(_f(2, 2, 3), _f(3, 3, 4)), dn.ShapeError, id="matmul_batch"),
        pytest.param(lambda: dn.ops.dot(CUBE, _f(3, 2, 2)), dn.ShapeError, id="dot"),
        pytest.param(lambda: dn.ops.einsum("ij,jk->ik", A23, A23), dn.ShapeError, id="einsum"),
        pytest.param(lambda: dn.ops.einsum(1, A23), dn.ArgumentError, id="einsum_type"),
        pytest.param(lambda: dn.ops.tensordot(A23, A23, 1), dn.ShapeError, id="tensordot"),
        pytest.param(lambda: dn.ops.tensordot(A23, A23, -1), dn.ArgumentError, id="tensordot_axes"),
        pytest.param(lambda: dn.ops.norm(SQ, 3), dn.ArgumentError, id="matrix_ord3"),
        pytest.param(lambda: dn.ops.norm(CUBE, 0.5, (0, 1)), dn.ArgumentError, id="matrix_ord_half"),
        pytest.param(lambda: dn.ops.norm(CUBE, 1), dn.ShapeError, id="ord_needs_axis"),
        pytest.param(lambda: dn.ops.norm(V3, "fro"), dn.ArgumentError, id="fro_vector"),
        pytest.param(lambda: dn.ops.norm(CUBE, "fro", 0), dn.ArgumentError, id="fro_int_axis"),
        pytest.param(lambda: dn.ops.norm(CUBE, axis=(0, 1, 2)), dn.ArgumentError, id="three_axes"),
        pytest.param(lambda: dn.ops.norm(CUBE, "max"), dn.ArgumentError, id="bad_ord"),
        pytest.param(lambda: dn.ops.diagonal(V3), dn.ShapeError, id="diagonal_1d"),
        pytest.param(lambda: dn.ops.diagonal(SQ, 0, 1, -1), dn.ArgumentError, id="diagonal_same_axis"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        call()
