"""Framework-free checks and result packing for ``unique``, shared by both backends."""

from __future__ import annotations

from typing import Any

from dualnet.errors import ArgumentError


def check_size(size: Any) -> int | None:
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ArgumentError(f"unique: size={size!r} must be a non-negative int (the static length) or None")
    return size


def pack(values: Any, index: Any, inverse: Any, counts: Any, flags: tuple[bool, bool, bool]) -> Any:
    """NumPy's return convention: the values alone, or a tuple with the results asked for, in order."""
    extra = [r for r, wanted in zip((index, inverse, counts), flags) if wanted]
    return (values, *extra) if extra else values
