"""Weights files: safetensors, keys = ``state_dict()`` names, canonical layouts. No pickle.

A file written on one backend loads on the other: both store the same NumPy
arrays under the same dotted names.
"""

from __future__ import annotations

import json
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
            f"weights file {str(source)!r} is not a readable safetensors file: {defect(data) or exc}; "
            "it may be truncated or corrupt: load an earlier copy"
        ) from exc


def defect(data: bytes) -> str | None:
    """What is wrong with safetensors bytes, in words (None when the layout looks right)."""
    if len(data) < 8:
        return f"the file has {len(data)} bytes, fewer than the 8-byte header length (truncated or empty)"
    size = int.from_bytes(data[:8], "little")
    if size > len(data) - 8:
        return f"corrupt header: its length field says {size} bytes but only {len(data) - 8} follow"
    try:
        header = json.loads(data[8 : 8 + size])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return f"corrupt header: not valid JSON ({exc})"
    if not isinstance(header, dict):
        return "corrupt header: not a JSON object"
    ends = [
        entry["data_offsets"][1] for key, entry in header.items() if key != "__metadata__" and "data_offsets" in entry
    ]
    body = len(data) - 8 - size
    if ends and max(ends) != body:
        return f"truncated body: the tensors need {max(ends)} bytes after the header, the file has {body}"
    return None


def save_weights(module: Module, path: str | os.PathLike[str]) -> Path:
    """Save ``module.state_dict()`` to ``path`` (safetensors, atomic)."""
    return save_state(module.state_dict(), path)


def load_weights(module: Module, path: str | os.PathLike[str], strict: bool = True) -> Any:
    """Load a safetensors file into ``module``; all-or-nothing, errors name the keys."""
    module.load_state_dict(load_state(path), strict=strict)
