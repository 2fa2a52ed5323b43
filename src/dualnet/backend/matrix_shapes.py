"""Framework-free shape checks of the matrix ops (solvers, decompositions), shared by both backends.

Each raises the same ShapeError on both backends before a framework kernel
sees the operands, so a wrong shape never surfaces as a LAPACK or Eigen message.
Unknown sizes (``None`` inside a traced graph) pass.
"""

from __future__ import annotations

from typing import Any

from dualnet.errors import ShapeError


def check_matrix(op: str, shape: Any, square: bool = False) -> None:
    """``shape`` is ``(..., m, n)`` (``m == n`` when ``square``)."""
    shape = tuple(shape)
    if len(shape) < 2:
        raise ShapeError(f"{op}: expects a matrix or a batch of matrices (..., m, n), got shape {shape}")
    m, n = shape[-2:]
    if square and m is not None and n is not None and m != n:
        raise ShapeError(
            f"{op}: expects square matrices (..., n, n), got shape {shape}; use lstsq or pinv for rectangular systems"
        )


def check_system(op: str, a_shape: Any, b_shape: Any, square: bool = True) -> bool:
    """``a`` is ``(..., m, n)``, ``b`` is ``(..., m, k)`` or ``(..., m)``; True when ``b`` is a vector (per batch)."""
    check_matrix(op, a_shape, square)
    a_shape, b_shape = tuple(a_shape), tuple(b_shape)
    vector = len(b_shape) == len(a_shape) - 1
    if not vector and len(b_shape) != len(a_shape):
        raise ShapeError(
            f"{op}: b must have shape a.shape[:-1] (one right-hand side) or a.shape[:-1] + (k,), "
            f"got a {a_shape} and b {b_shape}"
        )
    rows = b_shape[-1] if vector else b_shape[-2]
    if rows is not None and a_shape[-2] is not None and rows != a_shape[-2]:
        raise ShapeError(
            f"{op}: b's rows ({rows}) must match a's rows ({a_shape[-2]}), got a {a_shape} and b {b_shape}"
        )
    return vector
