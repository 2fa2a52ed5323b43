"""Solvers, decompositions and determinants on tensorflow (``tf.linalg``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet import dtypes
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.matrix_shapes import check_matrix, check_system
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.errors import NumericsError, ShapeError


def _floating(*xs: ArrayLike) -> list[tf.Tensor]:
    """Tensors of one floating dtype: ints and bools are computed in float32, as on torch."""
    tensors = [convert_to_tensor(x) for x in xs]
    common = dtypes.result_type(*(t.dtype.name for t in tensors))
    if not (tf.as_dtype(common).is_floating or tf.as_dtype(common).is_complex):
        common = "float32"
    return [t if t.dtype.name == common else tf.cast(t, common) for t in tensors]


def _numerics(op: str, run: Callable[[], Any]) -> Any:
    """``run()``, with Eigen's failure (singular / not positive-definite input) as a NumericsError."""
    try:
        return run()
    except tf.errors.InvalidArgumentError as exc:
        raise NumericsError(
            f"{op}: {exc.message}; check the input (a singular matrix has no inverse, try pinv)"
        ) from exc


def _default_rcond(x: tf.Tensor) -> float:
    """NumPy 2's cutoff ``max(m, n) * eps``, the same number on both backends."""
    return float(max(x.shape[-2:]) * np.finfo(x.dtype.as_numpy_dtype).eps)


def _as_matrix_rhs(vector: bool, b: tf.Tensor) -> tf.Tensor:
    return tf.expand_dims(b, -1) if vector else b


def inv(x: ArrayLike) -> tf.Tensor:
    (x,) = _floating(x)
    check_matrix("inv", x.shape, square=True)
    return _numerics("inv", lambda: tf.linalg.inv(x))


def solve(a: ArrayLike, b: ArrayLike) -> tf.Tensor:
    a, b = _floating(a, b)
    vector = check_system("solve", a.shape, b.shape)
    out = _numerics("solve", lambda: tf.linalg.solve(a, _as_matrix_rhs(vector, b)))
    return tf.squeeze(out, -1) if vector else out


def solve_triangular(a: ArrayLike, b: ArrayLike, lower: bool = False) -> tf.Tensor:
    a, b = _floating(a, b)
    vector = check_system("solve_triangular", a.shape, b.shape)
    out = tf.linalg.triangular_solve(a, _as_matrix_rhs(vector, b), lower=lower)
    return tf.squeeze(out, -1) if vector else out


def lstsq(a: ArrayLike, b: ArrayLike, rcond: float | None = None) -> tf.Tensor:
    a, b = _floating(a, b)
    vector = check_system("lstsq", a.shape, b.shape, square=False)
    # The SVD pseudo-inverse, as NumPy's gelsd and the torch backend.
    out = tf.matmul(pinv(a, rcond), _as_matrix_rhs(vector, b))
    return tf.squeeze(out, -1) if vector else out


def pinv(x: ArrayLike, rcond: float | None = None) -> tf.Tensor:
    (x,) = _floating(x)
    check_matrix("pinv", x.shape)
    return tf.linalg.pinv(x, rcond=_default_rcond(x) if rcond is None else rcond)


def svd(x: ArrayLike, full_matrices: bool = True, compute_uv: bool = True) -> tf.Tensor | tuple[tf.Tensor, ...]:
    (x,) = _floating(x)
    check_matrix("svd", x.shape)
    if not compute_uv:
        return tf.linalg.svd(x, full_matrices=full_matrices, compute_uv=False)
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
    return u, s, tf.linalg.adjoint(v)


def qr(x: ArrayLike, mode: str = "reduced") -> tuple[tf.Tensor, tf.Tensor]:
    (x,) = _floating(x)
    check_matrix("qr", x.shape)
    q, r = tf.linalg.qr(x, full_matrices=mode == "complete")
    return q, r


def cholesky(x: ArrayLike, upper: bool = False) -> tf.Tensor:
    (x,) = _floating(x)
    check_matrix("cholesky", x.shape, square=True)
    lower = _numerics("cholesky", lambda: tf.linalg.cholesky(x))
    if tf.executing_eagerly() and bool(tf.reduce_any(tf.math.is_nan(lower))):
        # Eigen's CPU kernel gives NaN where torch raises: the same error on both backends, eagerly.
        raise NumericsError("cholesky: the input is not positive-definite; check it is symmetric with eigenvalues > 0")
    return tf.linalg.adjoint(lower) if upper else lower


def cholesky_inverse(x: ArrayLike, upper: bool = False) -> tf.Tensor:
    (x,) = _floating(x)
    check_matrix("cholesky_inverse", x.shape, square=True)
    # The product of the whole factor, inverted: torch reads (and differentiates) every entry of the factor,
    # where a triangular solve would read one triangle only and give zero gradients to the other.
    product = tf.matmul(x, x, adjoint_a=True) if upper else tf.matmul(x, x, adjoint_b=True)
    return tf.linalg.inv(product)


def det(x: ArrayLike) -> tf.Tensor:
    (x,) = _floating(x)
    check_matrix("det", x.shape, square=True)
    return tf.linalg.det(x)


def slogdet(x: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    (x,) = _floating(x)
    check_matrix("slogdet", x.shape, square=True)
    sign, logabsdet = tf.linalg.slogdet(x)
    return sign, logabsdet


def logdet(x: ArrayLike) -> tf.Tensor:
    sign, logabsdet = slogdet(x)
    # torch.logdet's rule: NaN for a negative determinant, -inf for a zero one.
    nan = tf.constant(np.nan, logabsdet.dtype)
    return tf.where(sign > 0, logabsdet, tf.where(sign < 0, nan, tf.constant(-np.inf, logabsdet.dtype)))


def eig(x: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    (x,) = _floating(x)
    check_matrix("eig", x.shape, square=True)
    w, v = tf.linalg.eig(x)
    return w, v


def eigh(x: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    (x,) = _floating(x)
    check_matrix("eigh", x.shape, square=True)
    w, v = tf.linalg.eigh(x)
    return w, v


def lu_factor(x: ArrayLike) -> tuple[tf.Tensor, tf.Tensor]:
    (x,) = _floating(x)
    check_matrix("lu_factor", x.shape, square=True)
    n = x.shape[-1]
    if n is None:
        raise ShapeError("lu_factor: needs the matrix size known when traced; give the input a static shape")
    lu, perm = tf.linalg.lu(x)
    # tf gives the row permutation; SciPy's pivots are the row swaps that build it, one per row.
    perm = tf.cast(perm, tf.int32)
    current = tf.broadcast_to(tf.range(n, dtype=tf.int32), tf.shape(perm))
    swaps = []
    for i in range(n):
        j = tf.argmax(tf.cast(tf.equal(current, perm[..., i : i + 1]), tf.int32), axis=-1, output_type=tf.int32)
        swaps.append(j)
        at_i, at_j = current[..., i : i + 1], tf.gather(current, j[..., None], batch_dims=perm.shape.rank - 1)
        positions = tf.range(n, dtype=tf.int32)
        current = tf.where(positions == i, at_j, tf.where(positions == j[..., None], at_i, current))
    return lu, tf.stack(swaps, axis=-1)


def matrix_rank(x: ArrayLike, tol: float | None = None) -> tf.Tensor:
    (x,) = _floating(x)
    check_matrix("matrix_rank", x.shape)
    return tf.cast(tf.linalg.matrix_rank(x, tol=tol), tf.int32)
