"""Leaves of a batch: NumPy on the host, native tensors on the device.

NumPy ``float64`` becomes ``float32`` on the way to the device (as Keras does):
weights are float32, and a float64 batch would otherwise fail or promote every
layer. Native tensors keep their dtype; they only move to the current device.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.backend.placement import current_device
from dualnet.errors import ArgumentError

__all__: list[str] = []

# NumPy kinds a tensor can hold: bool, signed/unsigned int, float, complex.
_NUMERIC_KINDS = frozenset("biufc")


def as_numpy(leaf: Any, path: str) -> np.ndarray:
    """``leaf`` (an array, a native tensor, anything with ``__array__``) as a NumPy array.

    Raises ArgumentError naming ``path`` for objects that are not arrays (generators,
    strings, sets...) and for non-numeric arrays (strings, Python objects).
    """
    if isinstance(leaf, np.ndarray):
        array = leaf
    elif B.is_tensor(leaf):
        array = B.to_numpy(leaf)
    elif hasattr(leaf, "__array__") or isinstance(leaf, int | float | bool | np.generic):
        array = np.asarray(leaf)
    else:
        raise ArgumentError(
            f"{path}: expected a NumPy array (or a tuple/list/dict of arrays), got {type(leaf).__name__}; "
            "convert it with np.asarray(...), or pass a generator of batches or a native data loader as the whole data"
        )
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise ArgumentError(
            f"{path}: expected numbers or booleans, got an array of dtype {array.dtype}; "
            "encode strings or objects as numbers (e.g. integer labels) first"
        )
    return array


def numpy_to_native(array: np.ndarray) -> Any:
    """A native tensor on the current device with ``array``'s values (float64 becomes float32)."""
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    return B.convert_to_tensor(array)


def leaf_to_native(leaf: Any, path: str = "batch") -> Any:
    """One leaf of a user-made batch as a native tensor on the current device.

    Native tensors of the active framework keep their dtype and move only when on
    another device; NumPy arrays and Python numbers go through :func:`numpy_to_native`;
    None stays None (e.g. no sample weights in ``(x, y, None)``).
    """
    if leaf is None:
        return None
    if B.is_tensor(leaf):
        device = current_device()
        return leaf if B.device_of(leaf) == device else B.to_device(leaf, device)
    return numpy_to_native(as_numpy(leaf, path))
