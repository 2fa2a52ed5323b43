"""Linear algebra: products, contractions, norms, diagonals.

NumPy semantics. Operands of different dtypes are promoted to their common
dtype first (``dualnet.dtypes.result_type``). Mismatched shapes raise
ShapeError.
"""

from __future__ import annotations

import numbers
from collections import Counter
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, UnsupportedError

__all__ = ["matmul", "dot", "outer", "einsum", "tensordot", "norm", "trace", "diagonal"]

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


def norm(x: Any, ord: Any = None, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
    """Vector or Frobenius norm of ``x``.

    Over an int ``axis`` (or all entries of a 1-D ``x``), ``ord`` is a vector
    norm: None/2 Euclidean, 1, ``inf``, ``-inf``, 0 (count of non-zeros) or
    any real ``p`` (``sum(|x|**p)**(1/p)``). Over a 2-tuple ``axis`` (or a 2-D
    ``x`` with ``axis=None``) only the Frobenius norm (``ord`` None or
    ``"fro"``) is provided; other matrix norms raise UnsupportedError. With
    ``axis=None`` and ``ord=None`` it is the 2-norm of all entries, any rank.
    Integer inputs give float32. ``keepdims`` keeps reduced axes with size 1.

    Shape: ``x``'s shape without ``axis`` (size 1 when ``keepdims``); a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``ord`` is not a norm order, or does not suit ``axis``.
        UnsupportedError: a matrix norm other than Frobenius.
    """
    if ord is not None and ord not in ("fro", "nuc") and not isinstance(ord, numbers.Real):
        raise ArgumentError(f"norm: ord={ord!r} is not a valid norm order; use None, 'fro', a number or inf")
    if is_integer(axis):
        axis = int(axis)
    if axis is not None and not isinstance(axis, int):
        axis = tuple(axis)
        if len(axis) not in (1, 2):
            raise ArgumentError(f"norm: axis must be an int or a tuple of 1 or 2 ints, got {axis!r}")
        if len(axis) == 2 and ord not in (None, "fro"):
            raise UnsupportedError(
                f"norm: matrix norm ord={ord!r} is not supported by dualnet; use ord='fro' (or None)"
            )
    if isinstance(ord, str) and (isinstance(axis, int) or (isinstance(axis, tuple) and len(axis) == 1)):
        raise ArgumentError(f"norm: ord={ord!r} is a matrix norm, but axis={axis!r} selects vectors")
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
