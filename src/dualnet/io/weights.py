"""Weights files: safetensors, keys = ``state_dict()`` names, canonical layouts. No pickle.

A file written on one backend loads on the other: both store the same NumPy
arrays under the same dotted names.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load, save

from dualnet.errors import DualnetError, WeightsFileError
from dualnet.io.atomic import write_atomic

if TYPE_CHECKING:
    from dualnet.nn.module import Module


class WeightsNotFoundError(DualnetError, FileNotFoundError):
    """The weights file does not exist."""


def save_state(
    state: dict[str, np.ndarray], path: str | os.PathLike[str], metadata: dict[str, str] | None = None
) -> Path:
    """Write ``state`` (name -> array) to ``path`` as safetensors, atomically."""
    arrays = {name: np.array(value, order="C", copy=None) for name, value in state.items()}
    return write_atomic(path, save(arrays, metadata={"format": "dualnet", **(metadata or {})}))


def load_state(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read a safetensors file into name -> NumPy array; dualnet errors for missing or unreadable files."""
    source = Path(path)
    if not source.is_file():
        raise WeightsNotFoundError(f"weights file {str(source)!r} does not exist; check the path")
    data = source.read_bytes()
    try:
        return dict(load(data))
    except (SafetensorError, ValueError, OSError) as exc:
        raise WeightsFileError(
            f"weights file {str(source)!r} is not a readable safetensors file ({exc}); "
            "it may be truncated or corrupt: load an earlier copy"
        ) from exc


def save_weights(module: Module, path: str | os.PathLike[str]) -> Path:
    """Save ``module.state_dict()`` to ``path`` (safetensors, atomic)."""
    return save_state(module.state_dict(), path)


def load_weights(module: Module, path: str | os.PathLike[str], strict: bool = True) -> Any:
    """Load a safetensors file into ``module``; all-or-nothing, errors name the keys."""
    module.load_state_dict(load_state(path), strict=strict)
