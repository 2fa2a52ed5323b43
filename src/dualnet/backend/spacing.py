"""Framework-free argument checks for the building ops (geomspace, diag, vander, diff)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.errors import ArgumentError, ShapeError


def check_geomspace(start: Any, stop: Any) -> None:
    """ArgumentError for a zero bound or bounds of different signs (where they are known: not tensors)."""
    if hasattr(start, "dtype") and not isinstance(start, np.ndarray | np.generic):
        return
    if hasattr(stop, "dtype") and not isinstance(stop, np.ndarray | np.generic):
        return
    s, e = np.asarray(start, dtype=np.float64), np.asarray(stop, dtype=np.float64)
    if (s == 0).any() or (e == 0).any():
        raise ArgumentError("geomspace: start and stop must be nonzero (a geometric sequence cannot reach 0)")
    if (np.sign(s) != np.sign(e)).any():
        raise ArgumentError("geomspace: start and stop must have the same sign; use linspace to cross zero")


def check_count(op: str, name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ArgumentError(f"{op}: {name}={value!r} must be a non-negative int")
    return int(value)


def check_vector(op: str, rank: int | None, allowed: tuple[int, ...]) -> None:
    if rank not in allowed:
        wanted = " or ".join(f"{r}-D" for r in allowed)
        raise ShapeError(f"{op}: expects a {wanted} input, got rank {rank}")


def cross_dims(a: Any, b: Any) -> None:
    if a not in (2, 3) or b not in (2, 3):
        raise ShapeError(
            f"cross: the vector axes have sizes {a} and {b}; each must be 2 or 3 (pick them with axisa / axisb)"
        )
