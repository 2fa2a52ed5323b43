"""Tensor conversion, dtypes, shapes and placement."""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.backend.selection import canonical_device
from dualnet.dtypes import standardize

__all__ = [
    "convert_to_tensor",
    "to_numpy",
    "is_tensor",
    "cast",
    "dtype",
    "shape",
    "ndim",
    "size",
    "to_device",
    "device_of",
]

Tensor = Any


def convert_to_tensor(x: Any, dtype: Any = None) -> Tensor:
    """A native tensor of the active backend on the current device.

    NumPy arrays keep their dtype unless ``dtype`` is given; Python floats and
    lists of floats become float32, Python ints int64. Tensors pass through
    (cast when ``dtype`` differs).

    Shape: that of ``x`` (a nested list gives its nesting).

    Raises:
        DTypeError: ``x`` is not numbers or booleans, or ``dtype`` is not a known dtype name.
    """
    return B.convert_to_tensor(x, None if dtype is None else standardize(dtype))


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy of tensor ``x`` (bfloat16 comes back as float32).

    Shape: that of ``x``.
    """
    return B.to_numpy(x)


def is_tensor(x: Any) -> bool:
    """True if ``x`` is a native tensor or variable of the active backend."""
    return bool(B.is_tensor(x))


def cast(x: Any, dtype: Any) -> Tensor:
    """``x`` converted to ``dtype`` (a name such as ``"float32"``); same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object), or ``dtype`` is not a known dtype name.
    """
    return B.cast(x, standardize(dtype))


def dtype(x: Any) -> str:
    """The dtype name of ``x``: ``"float32"``, ``"int64"``, ``"bool"`` ...

    ``x`` may have any shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return str(B.dtype(x))


def shape(x: Any) -> tuple[int | None, ...]:
    """The static shape of ``x`` as a tuple (None for sizes unknown while tracing).

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return tuple(B.shape(x))


def ndim(x: Any) -> int:
    """The number of dimensions of ``x``.

    The length of ``shape(x)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return int(B.ndim(x))


def size(x: Any) -> int:
    """The number of elements of ``x``.

    The product of ``shape(x)``.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return int(B.size(x))


def to_device(x: Any, device: str) -> Tensor:
    """A copy of ``x`` on ``device`` (``"cpu"``, ``"cuda:0"``); raises DeviceError if absent.

    Same shape as ``x``.

    Raises:
        DeviceError: ``device`` is not a device of the active backend on this machine.
    """
    return B.to_device(x, canonical_device(device))


def device_of(x: Any) -> str:
    """The neutral name of the device holding ``x``.

    ``x`` may have any shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return str(B.device_of(x))
