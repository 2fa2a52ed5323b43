"""Solvers, decompositions and determinants on torch (``torch.linalg``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.matrix_shapes import check_matrix, check_system
from dualnet.backend.torch.core import convert_to_tensor
from dualnet.errors import NumericsError


def _floating(*xs: ArrayLike) -> list[torch.Tensor]:
    """Tensors of one floating dtype: ints and bools are computed in float32, as dualnet's norms are."""
    tensors = [convert_to_tensor(x) for x in xs]
    common = tensors[0].dtype
    for t in tensors[1:]:
        common = torch.promote_types(common, t.dtype)
    if not (common.is_floating_point or common.is_complex):
        common = torch.float32
    return [t if t.dtype == common else t.to(common) for t in tensors]


def _numerics(op: str, run: Callable[[], Any]) -> Any:
    """``run()``, with LAPACK's failure (singular / not positive-definite input) as a NumericsError."""
    try:
        return run()
    except torch.linalg.LinAlgError as exc:
        raise NumericsError(f"{op}: {exc}; check the input (a singular matrix has no inverse, try pinv)") from exc


def _default_rcond(x: torch.Tensor) -> float:
    """NumPy 2's cutoff ``max(m, n) * eps``, the same number on both backends."""
    return float(max(x.shape[-2:]) * torch.finfo(x.dtype).eps)


def inv(x: ArrayLike) -> torch.Tensor:
    (x,) = _floating(x)
    check_matrix("inv", x.shape, square=True)
    return _numerics("inv", lambda: torch.linalg.inv(x))


def solve(a: ArrayLike, b: ArrayLike) -> torch.Tensor:
    a, b = _floating(a, b)
    if check_system("solve", a.shape, b.shape):
        return _numerics("solve", lambda: torch.linalg.solve(a, b.unsqueeze(-1))).squeeze(-1)
    return _numerics("solve", lambda: torch.linalg.solve(a, b))


def solve_triangular(a: ArrayLike, b: ArrayLike, lower: bool = False) -> torch.Tensor:
    a, b = _floating(a, b)
    if check_system("solve_triangular", a.shape, b.shape):
        return torch.linalg.solve_triangular(a, b.unsqueeze(-1), upper=not lower).squeeze(-1)
    return torch.linalg.solve_triangular(a, b, upper=not lower)


def lstsq(a: ArrayLike, b: ArrayLike, rcond: float | None = None) -> torch.Tensor:
    a, b = _floating(a, b)
    vector = check_system("lstsq", a.shape, b.shape, square=False)
    # Through the SVD pseudo-inverse, as NumPy's gelsd does: torch's default CPU driver (gelsy) reads
    # rcond differently, and the same expression runs on tensorflow.
    solution = pinv(a, rcond) @ (b.unsqueeze(-1) if vector else b)
    return solution.squeeze(-1) if vector else solution


def pinv(x: ArrayLike, rcond: float | None = None) -> torch.Tensor:
    (x,) = _floating(x)
    check_matrix("pinv", x.shape)
    return torch.linalg.pinv(x, rtol=_default_rcond(x) if rcond is None else rcond)


def svd(x: ArrayLike, full_matrices: bool = True, compute_uv: bool = True) -> torch.Tensor | tuple[torch.Tensor, ...]:
    (x,) = _floating(x)
    check_matrix("svd", x.shape)
    if not compute_uv:
        return torch.linalg.svdvals(x)
    u, s, vh = torch.linalg.svd(x, full_matrices=full_matrices)
    return u, s, vh


def qr(x: ArrayLike, mode: str = "reduced") -> tuple[torch.Tensor, torch.Tensor]:
    (x,) = _floating(x)
    check_matrix("qr", x.shape)
    q, r = torch.linalg.qr(x, mode=mode)
    return q, r


def cholesky(x: ArrayLike, upper: bool = False) -> torch.Tensor:
    (x,) = _floating(x)
    check_matrix("cholesky", x.shape, square=True)
    return _numerics("cholesky", lambda: torch.linalg.cholesky(x, upper=upper))


def cholesky_inverse(x: ArrayLike, upper: bool = False) -> torch.Tensor:
    (x,) = _floating(x)
    check_matrix("cholesky_inverse", x.shape, square=True)
    return torch.cholesky_inverse(x, upper=upper)


def det(x: ArrayLike) -> torch.Tensor:
    (x,) = _floating(x)
    check_matrix("det", x.shape, square=True)
    return torch.linalg.det(x)


def slogdet(x: ArrayLike) -> tuple[torch.Tensor, torch.Tensor]:
    (x,) = _floating(x)
    check_matrix("slogdet", x.shape, square=True)
    sign, logabsdet = torch.linalg.slogdet(x)
    return sign, logabsdet


def logdet(x: ArrayLike) -> torch.Tensor:
    (x,) = _floating(x)
    check_matrix("logdet", x.shape, square=True)
    return torch.logdet(x)


def eig(x: ArrayLike) -> tuple[torch.Tensor, torch.Tensor]:
    (x,) = _floating(x)
    check_matrix("eig", x.shape, square=True)
    w, v = torch.linalg.eig(x)
    return w, v


def eigh(x: ArrayLike) -> tuple[torch.Tensor, torch.Tensor]:
    (x,) = _floating(x)
    check_matrix("eigh", x.shape, square=True)
    w, v = torch.linalg.eigh(x)
    return w, v


def lu_factor(x: ArrayLike) -> tuple[torch.Tensor, torch.Tensor]:
    (x,) = _floating(x)
    check_matrix("lu_factor", x.shape, square=True)
    lu, pivots = torch.linalg.lu_factor(x)
    return lu, (pivots - 1).to(torch.int32)  # LAPACK's pivots count from 1, SciPy's from 0


def matrix_rank(x: ArrayLike, tol: float | None = None) -> torch.Tensor:
    (x,) = _floating(x)
    check_matrix("matrix_rank", x.shape)
    # An absolute tol as NumPy's; without one torch's default rtol is NumPy's max(m, n) * eps.
    rank = torch.linalg.matrix_rank(x) if tol is None else torch.linalg.matrix_rank(x, atol=tol, rtol=0.0)
    return rank.to(torch.int32)
