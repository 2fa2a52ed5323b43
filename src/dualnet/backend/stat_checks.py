"""Argument checks of the statistics ops, shared by both backends (plain Python and NumPy, no framework)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dualnet.errors import ArgumentError

QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")
CORRELATE_MODES = ("valid", "same", "full")


def check_method(op: str, method: Any) -> None:
    if method not in QUANTILE_METHODS:
        raise ArgumentError(f"{op}: unknown method {method!r}; use one of {', '.join(map(repr, QUANTILE_METHODS))}")


def check_q(op: str, q: Any, scale: float) -> np.ndarray:
    """Concrete ``q`` as float64 in [0, 1] (``q / scale``); ArgumentError naming the range otherwise."""
    values = np.asarray(q, dtype=np.float64)
    if not np.all((values >= 0) & (values <= scale)):  # nan fails both comparisons
        raise ArgumentError(f"{op}: q must lie in [0, {scale:g}], got {q!r}; rescale q into that range")
    return values / scale


def check_mode(op: str, mode: Any) -> None:
    if mode not in CORRELATE_MODES:
        raise ArgumentError(f"{op}: unknown mode {mode!r}; use one of {', '.join(map(repr, CORRELATE_MODES))}")


def check_bins(op: str, bins: Any, value_range: Any) -> None:
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ArgumentError(f"{op}: bins must be a positive int, got {bins!r}; pass e.g. bins=10")
    if value_range is not None:
        ok = isinstance(value_range, tuple | list) and len(value_range) == 2
        if not ok or not all(math.isfinite(float(v)) for v in value_range) or value_range[0] > value_range[1]:
            raise ArgumentError(
                f"{op}: range must be a pair (low, high) of finite numbers with low <= high, got {value_range!r}"
            )


def check_bincount(op: str, minlength: Any, sparse: Any) -> None:
    if isinstance(minlength, bool) or not isinstance(minlength, int | np.integer) or minlength < 0:
        raise ArgumentError(f"{op}: minlength must be a non-negative int, got {minlength!r}")
    if sparse:
        raise ArgumentError(f"{op}: sparse=True is not supported (dualnet has no sparse tensors); use sparse=False")


def correlate_window(m: int, n: int, mode: str) -> tuple[int, int]:
    """``(start, length)`` of ``mode``'s part of the full correlation (length ``m + n - 1``), as NumPy cuts it."""
    if mode == "full":
        return 0, m + n - 1
    if mode == "same":
        length, extra = max(m, n), min(m, n) - 1
        # NumPy swaps the operands when x2 is longer, which moves the window's rounding to the other side.
        return (extra if m >= n else extra + 1) // 2, length
    return min(m, n) - 1, max(m, n) - min(m, n) + 1
