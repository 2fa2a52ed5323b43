"""dn.ops solvers, decompositions and determinants against NumPy / SciPy on both backends.

Values (float32 and float64, batched), gradients against finite differences in
float64, the graph-mode path, and bad shapes. Decompositions whose factors are
unique only up to sign or order (svd, qr, eig, eigh) are checked by what
defines them: reconstruction, orthonormality, sorted spectra.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.linalg as sl

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy

RNG = np.random.default_rng(5)


def _f(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


def _spd(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    a = _f(*shape, dtype=dtype)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


SQ, SQ64, BATCH = _f(3, 3), _f(4, 4, dtype=np.float64), _f(2, 3, 3)
TALL, WIDE, RHS, RHS_M = _f(5, 3), _f(2, 4), _f(2, 3), _f(2, 3, 2)
SPD, SPD64 = _spd(2, 3, 3), _spd(4, 4, dtype=np.float64)
UPPER = np.triu(SQ) + 3 * np.eye(3, dtype=np.float32)
L_FACTOR = np.linalg.cholesky(SPD)
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)


def _tol(x: np.ndarray) -> float:
    return 1e-10 if x.dtype == np.float64 else 2e-5


# (id, dn call, NumPy/SciPy reference, operands)
CASES: list[tuple[str, Callable[..., Any], Callable[..., Any], tuple[np.ndarray, ...]]] = [
    ("inv", dn.ops.inv, np.linalg.inv, (SQ,)),
    ("inv_batch_f64", dn.ops.inv, np.linalg.inv, (SQ64,)),
    ("solve_vector", dn.ops.solve, lambda a, b: np.linalg.solve(a, b[..., None])[..., 0], (BATCH, RHS)),
    ("solve_matrix", dn.ops.solve, np.linalg.solve, (BATCH, RHS_M)),
    ("solve_triangular", dn.ops.solve_triangular, lambda a, b: sl.solve_triangular(a, b), (UPPER, RHS[0])),
    (
        "solve_triangular_lower",
        lambda a, b: dn.ops.solve_triangular(a, b, lower=True),
        lambda a, b: sl.solve_triangular(a, b, lower=True),
        (UPPER.T.copy(), RHS_M[0]),
    ),
    ("lstsq", dn.ops.lstsq, lambda a, b: np.linalg.lstsq(a, b)[0], (TALL, _f(5, 2))),
    ("lstsq_vector", dn.ops.lstsq, lambda a, b: np.linalg.lstsq(a, b)[0], (TALL, _f(5))),
    ("pinv_tall", dn.ops.pinv, np.linalg.pinv, (TALL,)),
    ("pinv_wide_batch", dn.ops.pinv, np.linalg.pinv, (_f(2, 2, 4),)),
    ("pinv_rcond", lambda x: dn.ops.pinv(x, rcond=0.5), lambda x: np.linalg.pinv(x, rcond=0.5), (TALL,)),
    ("svd_values", lambda x: dn.ops.svd(x, compute_uv=False), lambda x: np.linalg.svd(x, compute_uv=False), (TALL,)),
    ("cholesky", dn.ops.cholesky, np.linalg.cholesky, (SPD,)),
    ("cholesky_upper", lambda x: dn.ops.cholesky(x, upper=True), lambda x: sl.cholesky(x), (SPD64,)),
    ("cholesky_inverse", dn.ops.cholesky_inverse, lambda c: np.linalg.inv(c @ np.swapaxes(c, -1, -2)), (L_FACTOR,)),
    (
        "cholesky_inverse_upper",
        lambda u: dn.ops.cholesky_inverse(u, upper=True),
        lambda u: np.linalg.inv(u.T @ u),
        (sl.cholesky(SPD64),),
    ),
    ("det", dn.ops.det, np.linalg.det, (BATCH,)),
    ("det_f64", dn.ops.det, np.linalg.det, (SQ64,)),
    ("slogdet_sign", lambda x: dn.ops.slogdet(x)[0], lambda x: np.linalg.slogdet(x)[0], (BATCH,)),
    ("slogdet_log", lambda x: dn.ops.slogdet(x)[1], lambda x: np.linalg.slogdet(x)[1], (BATCH,)),
    ("logdet", dn.ops.logdet, lambda x: np.linalg.slogdet(x)[1], (SPD,)),
    ("eigh_values", lambda x: dn.ops.eigh(x)[0], lambda x: np.linalg.eigh(x)[0], (SPD,)),
    ("lu_factor_lu", lambda x: dn.ops.lu_factor(x)[0], lambda x: sl.lu_factor(x)[0], (SQ64,)),
    ("lu_factor_piv", lambda x: dn.ops.lu_factor(x)[1], lambda x: sl.lu_factor(x)[1].astype(np.int32), (SQ64,)),
    ("matrix_rank", dn.ops.matrix_rank, lambda x: np.linalg.matrix_rank(x).astype(np.int32), (SINGULAR,)),
    ("matrix_rank_batch", dn.ops.matrix_rank, lambda x: np.linalg.matrix_rank(x).astype(np.int32), (BATCH,)),
    (
        "matrix_rank_tol",
        lambda x: dn.ops.matrix_rank(x, tol=10.0),
        lambda x: np.linalg.matrix_rank(x, tol=10.0).astype(np.int32),
        (SPD64,),
    ),
    ("inv_int", dn.ops.inv, lambda x: np.linalg.inv(x).astype(np.float32), (np.array([[2, 1], [1, 3]]),)),
]
GRAPH = {"inv", "solve_vector", "solve_triangular", "lstsq", "pinv_tall", "cholesky_upper", "cholesky_inverse"}
GRAPH |= {"det", "slogdet_log", "logdet", "eigh_values", "lu_factor_piv", "matrix_rank_batch"}


@pytest.mark.parametrize(("name", "fn", "ref", "operands"), CASES, ids=[c[0] for c in CASES])
def test_matches_numpy(
    backend: str, name: str, fn: Callable[..., Any], ref: Callable[..., Any], operands: tuple[np.ndarray, ...]
) -> None:
    expected = np.asarray(ref(*operands))
    if expected.dtype.kind == "f":
        expected = expected.astype(np.float64 if any(x.dtype == np.float64 for x in operands) else np.float32)
    tol = _tol(expected)
    assert_matches_numpy(fn(*operands), expected, rtol=tol, atol=tol)
    if name in GRAPH:
        graph = B.function(lambda *ts: fn(*ts), False)(*(dn.ops.convert_to_tensor(x) for x in operands))
        assert_matches_numpy(graph, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("full_matrices", [True, False])
@pytest.mark.parametrize("x", [TALL, WIDE, SQ64], ids=["tall", "wide", "square64"])
def test_svd_reconstructs_with_numpys_shapes(backend: str, full_matrices: bool, x: np.ndarray) -> None:
    u, s, vh = (dn.ops.to_numpy(t) for t in dn.ops.svd(x, full_matrices=full_matrices))
    nu, ns, nvh = np.linalg.svd(x, full_matrices=full_matrices)
    assert (u.shape, s.shape, vh.shape) == (nu.shape, ns.shape, nvh.shape)
    k = min(x.shape)
    np.testing.assert_allclose(s, ns, rtol=_tol(x), atol=_tol(x))
    np.testing.assert_allclose((u[:, :k] * s) @ vh[:k], x, rtol=_tol(x), atol=10 * _tol(x))
    np.testing.assert_allclose(u.T @ u, np.eye(u.shape[1]), atol=10 * _tol(x))


@pytest.mark.parametrize("mode", ["reduced", "complete"])
@pytest.mark.parametrize("x", [TALL, WIDE, _f(2, 4, 3)], ids=["tall", "wide", "batch"])
def test_qr_reconstructs_with_numpys_shapes(backend: str, mode: str, x: np.ndarray) -> None:
    q, r = (dn.ops.to_numpy(t) for t in dn.ops.qr(x, mode=mode))
    nq, nr = np.linalg.qr(x, mode=mode)
    assert (q.shape, r.shape) == (nq.shape, nr.shape)
    np.testing.assert_allclose(q @ r, x, atol=1e-5)
    np.testing.assert_allclose(
        np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(q.shape[-1]), q.shape[:-2] + (q.shape[-1],) * 2), atol=1e-5
    )
    np.testing.assert_array_equal(np.tril(r, -1), 0)


def test_eig_and_eigh_satisfy_their_definitions(backend: str) -> None:
    w, v = dn.ops.eig(SQ64)
    assert (dn.ops.dtype(w), dn.ops.dtype(v)) == ("complex128", "complex128")
    w, v = dn.ops.to_numpy(w), dn.ops.to_numpy(v)
    np.testing.assert_allclose(SQ64 @ v, v * w, atol=1e-10)
    np.testing.assert_allclose(np.sort_complex(w), np.sort_complex(np.linalg.eigvals(SQ64)), atol=1e-10)
    assert dn.ops.dtype(dn.ops.eig(SQ)[0]) == "complex64"
    w, v = (dn.ops.to_numpy(t) for t in dn.ops.eigh(SPD64))
    np.testing.assert_allclose(SPD64 @ v, v * w, atol=1e-10)
    np.testing.assert_allclose(v.T @ v, np.eye(4), atol=1e-10)


def test_singular_and_indefinite_inputs(backend: str) -> None:
    with pytest.raises(dn.NumericsError, match="inv:"):
        dn.ops.inv(SINGULAR)
    with pytest.raises(dn.NumericsError, match="cholesky:"):
        dn.ops.cholesky(-SPD64)
    sign, logabs = (dn.ops.to_numpy(t) for t in dn.ops.slogdet(SINGULAR))
    assert sign == 0 and logabs == -np.inf
    assert np.isnan(dn.ops.to_numpy(dn.ops.logdet(-np.eye(3))))


# (id, dn function of float64 operands, NumPy reference, operands): gradients against central differences.
GRADS: list[tuple[str, Callable[..., Any], Callable[..., Any], tuple[np.ndarray, ...]]] = [
    ("inv", dn.ops.inv, np.linalg.inv, (SQ64[:3, :3],)),
    ("solve", dn.ops.solve, np.linalg.solve, (SQ64[:3, :3], _f(3, 2, dtype=np.float64))),
    (
        "solve_triangular",
        dn.ops.solve_triangular,
        sl.solve_triangular,
        (np.triu(SPD64[:3, :3]), _f(3, dtype=np.float64)),
    ),
    ("lstsq", dn.ops.lstsq, lambda a, b: np.linalg.lstsq(a, b)[0], (TALL.astype(np.float64), _f(5, dtype=np.float64))),
    ("pinv", dn.ops.pinv, np.linalg.pinv, (WIDE.astype(np.float64),)),
    ("det", dn.ops.det, np.linalg.det, (SQ64[:3, :3],)),
    ("slogdet", lambda x: dn.ops.slogdet(x)[1], lambda x: np.linalg.slogdet(x)[1], (SQ64[:3, :3],)),
    ("logdet", dn.ops.logdet, lambda x: np.linalg.slogdet(x)[1], (SPD64[:3, :3],)),
    ("cholesky", dn.ops.cholesky, np.linalg.cholesky, (SPD64[:3, :3],)),
    (
        "cholesky_inverse",
        dn.ops.cholesky_inverse,
        lambda c: np.linalg.inv(c @ c.T),
        (np.linalg.cholesky(SPD64[:3, :3]),),
    ),
    (
        "svd_values",
        lambda x: dn.ops.svd(x, compute_uv=False),
        lambda x: np.linalg.svd(x, compute_uv=False),
        (TALL.astype(np.float64),),
    ),
    ("eigh_values", lambda x: dn.ops.eigh(x)[0], lambda x: np.linalg.eigh(x)[0], (SPD64[:3, :3],)),
]


@pytest.mark.parametrize(("name", "fn", "ref", "operands"), GRADS, ids=[c[0] for c in GRADS])
def test_gradients_match_finite_differences(
    backend: str, name: str, fn: Callable[..., Any], ref: Callable[..., Any], operands: tuple[np.ndarray, ...]
) -> None:
    # Symmetric-input ops (cholesky, eigh, logdet) read one triangle: perturb symmetrically, as their gradients assume.
    symmetric = name in ("cholesky", "eigh_values")
    w = RNG.standard_normal(np.shape(ref(*operands)))

    def sym(x: Any) -> Any:
        return (x + (x.T if isinstance(x, np.ndarray) else dn.ops.transpose(x))) / 2 if symmetric else x

    _, _, grads = B.value_and_grad(
        lambda ts: dn.ops.sum(dn.ops.multiply(fn(sym(ts[0]), *ts[1:]), w)),
        [],
        [dn.ops.convert_to_tensor(x) for x in operands],
        False,
    )
    for k, grad in enumerate(grads):
        expected, eps = np.zeros(operands[k].shape), 1e-6
        for i in np.ndindex(operands[k].shape):
            up, down = [x.copy() for x in operands], [x.copy() for x in operands]
            up[k][i] += eps
            down[k][i] -= eps
            expected[i] = (np.sum(w * ref(sym(up[0]), *up[1:])) - np.sum(w * ref(sym(down[0]), *down[1:]))) / (2 * eps)
        np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        pytest.param(lambda: dn.ops.inv(TALL), dn.ShapeError, "square", id="inv_rect"),
        pytest.param(lambda: dn.ops.det(_f(3)), dn.ShapeError, "matrix", id="det_vector"),
        pytest.param(lambda: dn.ops.solve(SQ, _f(4)), dn.ShapeError, "rows", id="solve_rows"),
        pytest.param(lambda: dn.ops.solve(SQ, _f(1, 2, 3, 1)), dn.ShapeError, "b must", id="solve_rank"),
        pytest.param(lambda: dn.ops.lstsq(TALL, _f(4)), dn.ShapeError, "rows", id="lstsq_rows"),
        pytest.param(lambda: dn.ops.qr(SQ, mode="r"), dn.ArgumentError, "mode", id="qr_mode"),
        pytest.param(lambda: dn.ops.svd(SQ, compute_uv=1), dn.ArgumentError, "compute_uv", id="svd_flag"),
        pytest.param(lambda: dn.ops.pinv(SQ, rcond=-1.0), dn.ArgumentError, "rcond", id="pinv_rcond"),
        pytest.param(lambda: dn.ops.matrix_rank(SQ, tol=np.nan), dn.ArgumentError, "tol", id="rank_tol"),
        pytest.param(lambda: dn.ops.cholesky(SQ, upper="yes"), dn.ArgumentError, "upper", id="cholesky_flag"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
