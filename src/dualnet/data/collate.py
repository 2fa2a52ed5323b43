"""``default_collate``: a list of NumPy-structured items as one batch, as ``torch.utils.data.default_collate``.

Rules, applied recursively: arrays (and NumPy scalars) are stacked on a new first
axis; Python ints, floats and bools become int64/float64/bool arrays; strings (and
bytes) become a list; dicts collate per key; tuples and lists collate per position;
None items stay None. One deliberate difference from torch: a tuple of items
collates to a *tuple* (torch returns a list), so ``(x, y)`` items give the
``(x, y)`` batches the Trainer expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.errors import DataError

__all__ = ["default_collate"]


def default_collate(items: Sequence[Any]) -> Any:
    """Stack ``items`` (each a NumPy structure of the same layout) into one batch.

    Shapes: ``n`` items whose arrays are ``(...)`` give arrays ``(n, ...)``.

    Raises:
        DataError: items whose structures, keys, lengths or array shapes differ, or a leaf that is not
            an array, number, string or None.
    """
    if not items:
        raise DataError("default_collate: got no items; a batch needs at least one item")
    return _collate(list(items), "item")


def _collate(items: list[Any], path: str) -> Any:
    first = items[0]
    if isinstance(first, np.ndarray | np.generic):
        shapes = {np.shape(item) for item in items}
        if len(shapes) > 1:
            raise DataError(
                f"default_collate: {path} has shapes {sorted(shapes)} across the items of one batch; "
                "every item must have the same shape (pad or resize them, or pass a collate_fn)"
            )
        return np.stack([np.asarray(item) for item in items])
    if isinstance(first, bool):
        return np.asarray(items, dtype=bool)
    if isinstance(first, int):
        return np.asarray(items, dtype=np.int64)
    if isinstance(first, float):
        return np.asarray(items, dtype=np.float64)
    if isinstance(first, str | bytes):
        return list(items)
    if first is None:
        return None
    if isinstance(first, dict):
        keys = list(first)
        for item in items:
            if not isinstance(item, dict) or list(item) != keys:
                raise DataError(f"default_collate: {path} is a dict with keys {keys} in one item but not in another")
        return {key: _collate([item[key] for item in items], f"{path}[{key!r}]") for key in keys}
    if isinstance(first, tuple | list):
        for item in items:
            if type(item) is not type(first) or len(item) != len(first):
                raise DataError(
                    f"default_collate: {path} is a {type(first).__name__} of {len(first)} in one item and "
                    f"a {type(item).__name__} of {len(item) if isinstance(item, Sequence) else '?'} in another"
                )
        columns = [_collate([item[i] for item in items], f"{path}[{i}]") for i in range(len(first))]
        if isinstance(first, list):
            return columns
        return type(first)(*columns) if hasattr(first, "_fields") else tuple(columns)
    raise DataError(
        f"default_collate: {path} is a {type(first).__module__}.{type(first).__qualname__}; items must be "
        "NumPy arrays, numbers, strings, None, or tuples/lists/dicts of them (convert it, or pass a collate_fn)"
    )
