"""Linear algebra: products, contractions, norms, diagonals.

NumPy semantics. Operands of different dtypes are promoted to their common
dtype first (``dualnet.dtypes.result_type``). Mismatched shapes raise
ShapeError.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_choice, check_float, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError

__all__ = [
    "matmul",
    "dot",
    "outer",
    "einsum",
    "tensordot",
    "norm",
    "trace",
    "diagonal",
    "inv",
    "solve",
    "solve_triangular",
    "lstsq",
    "pinv",
    "svd",
    "qr",
    "cholesky",
    "cholesky_inverse",
    "det",
    "slogdet",
    "logdet",
    "eig",
    "eigh",
    "lu_factor",
    "matrix_rank",
]

Tensor = Any


def matmul(x1: Any, x2: Any) -> Tensor:
    """Matrix product with NumPy's rules.

    ``(..., n, k) @ (..., k, m) -> (..., n, m)`` with batch axes broadcast; a
    1-D left operand ``(k,)`` acts as a row and a 1-D right operand as a
    column, and that axis is dropped from the result. Scalars are not allowed.

    Raises:
        ShapeError: the inner sizes differ, batch axes do not broadcast, or an operand is a scalar.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.matmul(x1, x2)


def dot(a: Any, b: Any) -> Tensor:
    """NumPy's ``dot``: inner product of vectors, matmul of matrices, multiply with a scalar.

    For N-D ``a`` and M-D ``b`` (M >= 2) it sums over the last axis of ``a``
    and the second-to-last of ``b``: shape ``a.shape[:-1] + b.shape[:-2] + b.shape[-1:]``.

    Raises:
        ShapeError: the operands' shapes do not fit together.
        DTypeError: an operand is not numeric or boolean.
    """
    return B.dot(a, b)


def outer(a: Any, b: Any) -> Tensor:
    """Outer product of ``a`` and ``b`` flattened: shape ``(a.size, b.size)``, ``out[i, j] = a[i] * b[j]``.

    Raises:
        DTypeError: an operand is not numeric or boolean.
    """
    return B.outer(a, b)


def _explicit(subscripts: str) -> str:
    """``subscripts`` with its output spelled out (NumPy's implicit rule; tf.einsum needs it with ``...``)."""
    subscripts = subscripts.replace(" ", "")
    if "->" in subscripts:
        return subscripts
    counts = Counter(c for c in subscripts if c.isalpha())
    once = "".join(sorted(c for c, n in counts.items() if n == 1))
    return f"{subscripts}->{'...' if '...' in subscripts else ''}{once}"


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation over ``operands`` as described by ``subscripts`` (e.g. ``"bij,bjk->bik"``).

    Without ``->`` the output holds the labels used once, sorted (NumPy's
    implicit mode); ``...`` stands for broadcast axes.

    Shape: one axis per output label.

    Raises:
        ShapeError: the operands' shapes do not fit together ``subscripts``.
        ArgumentError: ``subscripts`` is not a string.
    """
    if not isinstance(subscripts, str):
        raise ArgumentError(f"einsum: subscripts must be a string such as 'ij,jk->ik', got {type(subscripts).__name__}")
    return B.einsum(_explicit(subscripts), *operands)


def tensordot(a: Any, b: Any, axes: int | Sequence[Any] = 2) -> Tensor:
    """Sum of products over axes: an int ``n`` pairs the last ``n`` axes of ``a`` with the first ``n`` of ``b``.

    A pair ``(axes_a, axes_b)`` names the axes explicitly. The output has
    ``a``'s free axes followed by ``b``'s.

    Shape: ``a``'s free axes then ``b``'s.

    Raises:
        ShapeError: the paired axes have different sizes.
        ArgumentError: ``axes`` is not a non-negative int or a pair of axis lists.
    """
    if not ((is_integer(axes) and axes >= 0) or (isinstance(axes, Sequence) and len(axes) == 2)):
        raise ArgumentError(f"tensordot: axes must be a non-negative int or a pair (axes_a, axes_b), got {axes!r}")
    return B.tensordot(a, b, axes)


_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def norm(x: Any, ord: Any = None, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
    """Vector or matrix norm of ``x``, NumPy's ``linalg.norm``.

    Over an int ``axis`` (or all entries of a 1-D ``x``), ``ord`` is a vector
    norm: None/2 Euclidean, 1, ``inf``, ``-inf``, 0 (count of non-zeros) or
    any real ``p`` (``sum(|x|**p)**(1/p)``). Over a 2-tuple ``axis`` (or a 2-D
    ``x`` with ``axis=None``) it is a matrix norm: None/``"fro"`` Frobenius,
    ``"nuc"`` (sum of singular values), 2 / -2 (largest / smallest singular
    value), 1 / -1 (max / min column sum of ``|x|``), ``inf`` / ``-inf`` (max /
    min row sum). With ``axis=None`` and ``ord=None`` it is the 2-norm of all
    entries, any rank. Integer inputs give float32. ``keepdims`` keeps reduced
    axes with size 1.

    Shape: ``x``'s shape without ``axis`` (size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``ord`` is not a norm order, or does not suit ``axis``.
    """
    if ord is not None and ord not in ("fro", "nuc") and not isinstance(ord, numbers.Real):
        raise ArgumentError(f"norm: ord={ord!r} is not a valid norm order; use None, 'fro', 'nuc', a number or inf")
    if is_integer(axis):
        axis = int(axis)
    if axis is not None and not isinstance(axis, int):
        axis = tuple(axis)
        if len(axis) not in (1, 2):
            raise ArgumentError(f"norm: axis must be an int or a tuple of 1 or 2 ints, got {axis!r}")
    matrix = (isinstance(axis, tuple) and len(axis) == 2) or (axis is None and ord is not None and B.ndim(x) == 2)
    if matrix and ord not in _MATRIX_ORDS:
        raise ArgumentError(
            f"norm: ord={ord!r} is not a matrix norm; use one of None, 'fro', 'nuc', 1, -1, 2, -2, inf, -inf"
        )
    if isinstance(ord, str) and not matrix:
        raise ArgumentError(f"norm: ord={ord!r} is a matrix norm, but axis={axis!r} selects vectors; pass two axes")
    return B.norm(x, ord, axis, keepdims)


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """Sum of the diagonal over axes ``axis1``, ``axis2``: shape of ``x`` without them.

    Integer and bool inputs sum to int64, as NumPy.

    Raises:
        ShapeError: ``x`` has fewer than 2 dimensions.
        ArgumentError: ``axis1`` and ``axis2`` are the same axis.
    """
    return B.trace(x, offset, axis1, axis2)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The diagonal ``x[..., i, i + offset]`` over axes ``axis1``, ``axis2``, appended as the last axis.

    Output shape: ``x``'s shape without ``axis1`` and ``axis2``, plus the diagonal's length.

    Raises:
        ShapeError: ``x`` has fewer than 2 dimensions.
        ArgumentError: ``axis1`` and ``axis2`` are the same axis.
    """
    return B.diagonal(x, offset, axis1, axis2)


# ---------------------------------------------------------------- solvers and decompositions
# Inputs are (..., m, n): leading axes are a batch. Integer inputs are computed in float32. Singular or
# not positive-definite inputs raise NumericsError eagerly; inside a compiled function they give NaN or inf.


def inv(x: Any) -> Tensor:
    """Inverse of square ``x``: ``(..., n, n) -> (..., n, n)``.

    Raises:
        ShapeError: ``x`` is not a (batch of) square matrix.
        NumericsError: ``x`` is singular (eagerly).
    """
    return B.inv(x)


def solve(a: Any, b: Any) -> Tensor:
    """``x`` with ``a @ x = b``: ``a`` (..., n, n), ``b`` (..., n) or (..., n, k); ``x`` has ``b``'s shape.

    Raises:
        ShapeError: ``a`` is not square, or ``b``'s rows differ from ``a``'s.
        NumericsError: ``a`` is singular (eagerly).
    """
    return B.solve(a, b)


def solve_triangular(a: Any, b: Any, lower: bool = False) -> Tensor:
    """``solve`` for a triangular ``a``: only its upper triangle (its lower one with ``lower=True``) is read.

    Shapes as :func:`solve`.

    Raises:
        ShapeError: as :func:`solve`.
        ArgumentError: ``lower`` is not a bool.
    """
    return B.solve_triangular(a, b, check_bool("solve_triangular", "lower", lower))


def lstsq(a: Any, b: Any, rcond: float | None = None) -> Tensor:
    """Least-squares solution ``x`` minimising ``|a @ x - b|``: ``a`` (..., m, n), ``b`` (..., m) or (..., m, k).

    Returns ``x`` (..., n) or (..., n, k), NumPy's ``lstsq(...)[0]``: singular
    values below ``rcond * s.max()`` are dropped (default ``max(m, n) * eps``).

    Raises:
        ShapeError: ``b``'s rows differ from ``a``'s.
        ArgumentError: ``rcond`` is negative.
    """
    return B.lstsq(a, b, check_float("lstsq", "rcond", rcond, low=0.0, or_none=True, example="rcond=1e-6"))


def pinv(x: Any, rcond: float | None = None) -> Tensor:
    """Moore-Penrose pseudo-inverse: ``(..., m, n) -> (..., n, m)``.

    Singular values below ``rcond * s.max()`` count as zero; the default
    ``max(m, n) * eps`` is NumPy 2's and torch's (TensorFlow's own is 10x larger).

    Raises:
        ShapeError: ``x`` has fewer than 2 dimensions.
        ArgumentError: ``rcond`` is negative.
    """
    return B.pinv(x, check_float("pinv", "rcond", rcond, low=0.0, or_none=True, example="rcond=1e-6"))


def svd(x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """Singular value decomposition ``x = u @ diag(s) @ vh``, NumPy's order ``(u, s, vh)``.

    ``x`` (..., m, n), k = min(m, n): ``s`` (..., k) descending; ``u`` (..., m, m)
    and ``vh`` (..., n, n), or (..., m, k) and (..., k, n) when not
    ``full_matrices``. With ``compute_uv=False`` only ``s``. Singular vectors
    are unique up to sign, which may differ between backends.

    Raises:
        ShapeError: ``x`` has fewer than 2 dimensions.
        ArgumentError: a flag is not a bool.
    """
    full = check_bool("svd", "full_matrices", full_matrices)
    return B.svd(x, full, check_bool("svd", "compute_uv", compute_uv))


def qr(x: Any, mode: str = "reduced") -> tuple[Tensor, Tensor]:
    """QR decomposition ``x = q @ r`` with orthonormal ``q`` and upper-triangular ``r``.

    ``x`` (..., m, n): ``q`` (..., m, k), ``r`` (..., k, n) with k = min(m, n)
    for ``mode="reduced"``, k = m for ``"complete"``.

    Raises:
        ShapeError: ``x`` has fewer than 2 dimensions.
        ArgumentError: ``mode`` is not "reduced" or "complete".
    """
    return B.qr(x, check_choice("qr", "mode", mode, ("reduced", "complete")))


def cholesky(x: Any, upper: bool = False) -> Tensor:
    """Cholesky factor of a symmetric positive-definite ``x``: lower ``l`` with ``x = l @ l^H`` (upper ``u`` = ``l^H``).

    Shape: ``(..., n, n)``, as ``x``; only ``x``'s lower triangle is read.

    Raises:
        ShapeError: ``x`` is not square.
        NumericsError: ``x`` is not positive-definite (eagerly).
    """
    return B.cholesky(x, check_bool("cholesky", "upper", upper))


def cholesky_inverse(x: Any, upper: bool = False) -> Tensor:
    """Inverse of ``a = l @ l^H`` given its Cholesky factor ``x = l`` (``x = u``, ``a = u^H @ u``, if ``upper``).

    Shape: ``(..., n, n)``, as ``x``. torch's ``cholesky_inverse``.

    Raises:
        ShapeError: ``x`` is not square.
    """
    return B.cholesky_inverse(x, check_bool("cholesky_inverse", "upper", upper))


def det(x: Any) -> Tensor:
    """Determinant of square ``x``: ``(..., n, n) -> (...)``.

    Raises:
        ShapeError: ``x`` is not square.
    """
    return B.det(x)


def slogdet(x: Any) -> tuple[Tensor, Tensor]:
    """``(sign, logabsdet)`` with ``det(x) = sign * exp(logabsdet)``: ``(..., n, n) -> (...), (...)``.

    A singular ``x`` gives sign 0 and ``-inf``.

    Raises:
        ShapeError: ``x`` is not square.
    """
    return B.slogdet(x)


def logdet(x: Any) -> Tensor:
    """``log(det(x))``: ``(..., n, n) -> (...)``; NaN where the determinant is negative, ``-inf`` where it is 0.

    Raises:
        ShapeError: ``x`` is not square.
    """
    return B.logdet(x)


def eig(x: Any) -> tuple[Tensor, Tensor]:
    """Eigenvalues and right eigenvectors of a general square ``x``, complex: ``x @ v = v * w[..., None, :]``.

    ``w`` (..., n), ``v`` (..., n, n), complex64 for float32 input (complex128
    for float64). The order of the eigenvalues is not defined (as NumPy's)
    and may differ between backends; eig is not differentiable here.

    Raises:
        ShapeError: ``x`` is not square.
    """
    return B.eig(x)


def eigh(x: Any) -> tuple[Tensor, Tensor]:
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric ``x``; its lower triangle is read.

    ``w`` (..., n), ``v`` (..., n, n) with ``x @ v = v * w``; each vector's
    sign may differ between backends.

    Raises:
        ShapeError: ``x`` is not square.
    """
    return B.eigh(x)


def lu_factor(x: Any) -> tuple[Tensor, Tensor]:
    """LU decomposition with partial pivoting, SciPy's ``lu_factor``: ``(lu, piv)``.

    ``lu`` (..., n, n) holds U and the strictly lower part of the unit lower
    L; ``piv`` (..., n) int32: row ``i`` was swapped with row ``piv[i]``
    (0-based). Not differentiable here.

    Raises:
        ShapeError: ``x`` is not square.
    """
    return B.lu_factor(x)


def matrix_rank(x: Any, tol: float | None = None) -> Tensor:
    """Number of singular values above ``tol``: ``(..., m, n) -> (...)``, int32.

    ``tol`` defaults to NumPy's ``s.max() * max(m, n) * eps``. Not differentiable.

    Raises:
        ShapeError: ``x`` has fewer than 2 dimensions.
        ArgumentError: ``tol`` is negative.
    """
    return B.matrix_rank(x, check_float("matrix_rank", "tol", tol, low=0.0, or_none=True, example="tol=1e-5"))
