"""Solvers, decompositions and determinants of (batches of) matrices, NumPy/SciPy's semantics.

Inputs are ``(..., m, n)``: leading axes are a batch. Integer inputs are
computed in float32; float64 stays float64.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class DecompositionsAPI(Protocol):
    """``numpy.linalg`` and ``scipy.linalg``'s matrix functions, Keras 3's names and defaults."""

    def inv(self, x: ArrayLike) -> Tensor:
        """Inverse of square ``x`` (..., n, n), same shape."""

    def solve(self, a: ArrayLike, b: ArrayLike) -> Tensor:
        """``x`` with ``a @ x = b``: a (..., n, n), b (..., n) or (..., n, k); shape of ``b``."""

    def solve_triangular(self, a: ArrayLike, b: ArrayLike, lower: bool = False) -> Tensor:
        """``solve`` for triangular ``a`` (upper unless ``lower``): shape of ``b``."""

    def lstsq(self, a: ArrayLike, b: ArrayLike, rcond: float | None = None) -> Tensor:
        """Least-squares ``x`` minimising ``|a @ x - b|``: a (m, n), b (m,) or (m, k) -> (n,) or (n, k)."""

    def pinv(self, x: ArrayLike, rcond: float | None = None) -> Tensor:
        """Moore-Penrose pseudo-inverse of ``x`` (..., m, n): shape (..., n, m)."""

    def svd(self, x: ArrayLike, full_matrices: bool = True, compute_uv: bool = True) -> Tensor | tuple[Tensor, ...]:
        """``(u, s, vh)`` with ``x = u @ diag(s) @ vh``, ``s`` descending (..., k); ``s`` alone without uv."""

    def qr(self, x: ArrayLike, mode: str = "reduced") -> tuple[Tensor, Tensor]:
        """``(q, r)``, ``x = q @ r``: q (..., m, k), r (..., k, n), k = min(m, n) ("reduced") or m ("complete")."""

    def cholesky(self, x: ArrayLike, upper: bool = False) -> Tensor:
        """Cholesky factor of positive-definite ``x`` (..., n, n): lower ``l`` (``x = l @ l^H``) or upper."""

    def cholesky_inverse(self, x: ArrayLike, upper: bool = False) -> Tensor:
        """Inverse of ``l @ l^H`` (``u^H @ u`` if ``upper``) from its Cholesky factor (..., n, n), same shape."""

    def det(self, x: ArrayLike) -> Tensor:
        """Determinant of square ``x`` (..., n, n): shape (...)."""

    def slogdet(self, x: ArrayLike) -> tuple[Tensor, Tensor]:
        """``(sign, log|det|)`` of square ``x`` (..., n, n), each of shape (...)."""

    def logdet(self, x: ArrayLike) -> Tensor:
        """``log(det(x))`` of square ``x`` (..., n, n): shape (...); NaN where det < 0, -inf where det = 0."""

    def eig(self, x: ArrayLike) -> tuple[Tensor, Tensor]:
        """Complex ``(w, v)`` of square ``x`` with ``x @ v = v * w``: w (..., n), v (..., n, n)."""

    def eigh(self, x: ArrayLike) -> tuple[Tensor, Tensor]:
        """``(w, v)`` of symmetric ``x`` (lower triangle read), ``w`` ascending (..., n), v (..., n, n)."""

    def lu_factor(self, x: ArrayLike) -> tuple[Tensor, Tensor]:
        """SciPy's ``(lu, piv)``: L (unit) and U packed in lu (..., n, n), 0-based int32 row swaps piv (..., n)."""

    def matrix_rank(self, x: ArrayLike, tol: float | None = None) -> Tensor:
        """int32 count of singular values above ``tol`` (default ``s.max() * max(m, n) * eps``): shape (...)."""
