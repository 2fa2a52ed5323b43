"""Weights files: safetensors, keys = ``state_dict()`` names, canonical layouts. No pickle.

A file written on one backend loads on the other: both store the same NumPy
arrays under the same dotted names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from safetensors.numpy import save

from dualnet.errors import DualnetError
from dualnet.io.atomic import write_atomic
from dualnet.io.header import read_tensors

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__ = ["WeightsNotFoundError", "load_state", "load_weights", "save_state", "save_weights"]


class WeightsNotFoundError(DualnetError, FileNotFoundError):
    """The weights file does not exist."""


def save_state(
    state: dict[str, np.ndarray], path: str | os.PathLike[str], metadata: dict[str, str] | None = None
) -> Path:
    """Write ``state`` (name -> array) to ``path`` as safetensors, atomically.

    Raises:
        WriteError: the file cannot be written (missing folder, no permission, disk full).
    """
    arrays = {name: np.array(value, order="C", copy=None) for name, value in state.items()}
    return write_atomic(path, save(arrays, metadata={"format": "dualnet", **(metadata or {})}))


def load_state(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read a safetensors file into name -> NumPy array; dualnet errors for missing or bad files.

    The header is validated in full (:mod:`dualnet.io.header`) before the body is read.

    Raises:
        WeightsNotFoundError: no file at ``path``.
        WeightsFileError: the file is unreadable, truncated or not safetensors (names the tensor and the defect).
    """
    source = Path(path)
    if not source.is_file():
        raise WeightsNotFoundError(f"weights file {str(source)!r} does not exist; check the path")
    return read_tensors(source)[1]


def save_weights(module: Module, path: str | os.PathLike[str]) -> Path:
    """Save ``module.state_dict()`` to ``path`` (safetensors, atomic).

    Raises:
        WriteError: the file cannot be written (missing folder, no permission, disk full).
    """
    return save_state(module.state_dict(), path)


def load_weights(module: Module, path: str | os.PathLike[str], strict: bool = True) -> Any:
    """Load a safetensors file into ``module``; all-or-nothing, errors name the keys.

    Raises:
        WeightsNotFoundError: no file at ``path``.
        WeightsFileError: the file is unreadable, truncated or not safetensors.
        StateDictError: missing, unexpected (with ``strict``) or mis-shaped entries.
    """

    module.load_state_dict(load_state(path), strict=strict)
