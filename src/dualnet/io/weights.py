"""Weights files: safetensors, keys = ``state_dict()`` names, canonical layouts. No pickle.

A file written on one backend loads on the other: both store the same NumPy
arrays under the same dotted names.
"""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from safetensors.numpy import save

from dualnet.errors import DualnetError, WeightsFileError
from dualnet.io.atomic import node_kind, write_atomic
from dualnet.io.header import read_tensors

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__ = ["WeightsNotFoundError", "load_state", "load_weights", "save_state", "save_weights"]

_LISTED = 5  # safetensors files named when a folder is given instead of a file


class WeightsNotFoundError(DualnetError, FileNotFoundError):
    """The weights file does not exist."""


def source_file(path: str | os.PathLike[str], kind: str = "weights file") -> Path:
    """``path`` when it names a regular file; otherwise a dualnet error that says what it names.

    ``kind`` names the file in messages ("weights file", "checkpoint", "saved model").
    Every loader calls this first, so a folder, a pipe or a device is named as
    such instead of being reported as missing (and a pipe is never opened, which would block).

    Raises:
        WeightsNotFoundError: nothing at ``path`` (or a symbolic link to nothing).
        WeightsFileError: ``path`` is a folder, a FIFO, a device or a socket.
    """
    source = Path(path)
    try:
        mode = source.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        if source.is_symlink():
            target = os.readlink(source)
            raise WeightsNotFoundError(
                f"{kind} {str(source)!r} is a symbolic link to {target!r}, which does not exist; check the path "
                "or the link"
            ) from None
        raise WeightsNotFoundError(f"{kind} {str(source)!r} does not exist; check the path") from None
    except OSError as exc:
        raise WeightsFileError(
            f"{kind} {str(source)!r} cannot be read: {exc.strerror or exc}; check that it is a readable file"
        ) from exc
    if stat.S_ISREG(mode):
        return source
    if stat.S_ISDIR(mode):
        inside = sorted(itertools.islice((p.name for p in source.glob("*.safetensors") if p.is_file()), 100))
        held = f" (it holds {', '.join(inside[:_LISTED])}{', ...' if len(inside) > _LISTED else ''})" if inside else ""
        raise WeightsFileError(
            f"{kind} {str(source)!r} is a directory, not a file{held}; pass the path of a file inside it, "
            f"e.g. {str(source / (inside[0] if inside else 'model.safetensors'))!r}"
        )
    raise WeightsFileError(
        f"{kind} {str(source)!r} is {node_kind(mode)}, not a regular file; dualnet reads weights only from regular "
        "files: save to a file and pass its path"
    )


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
        WeightsFileError: ``path`` is a folder, pipe or device, or the file is unreadable, truncated or not
            safetensors (names the tensor and the defect).
    """
    return read_tensors(source_file(path))[1]


def save_weights(module: Module, path: str | os.PathLike[str]) -> Path:
    """Save ``module.state_dict()`` to ``path`` (safetensors, atomic).

    Raises:
        WriteError: the file cannot be written (missing folder, no permission, disk full).
    """
    return save_state(module.state_dict(), path)


def load_weights(module: Module, path: str | os.PathLike[str], strict: bool = True, cast: bool = False) -> Any:
    """Load a safetensors file into ``module``; all-or-nothing, errors name the keys.

    A tensor of another dtype than its variable loads only when the conversion is
    exact (see :mod:`dualnet.nn.state`: e.g. float16 into float32); ``cast=True``
    converts also where it rounds or changes the kind (an I32 tensor into a float32 variable).

    Raises:
        WeightsNotFoundError: no file at ``path``.
        WeightsFileError: the file is unreadable, truncated or not safetensors.
        StateDictError: missing, unexpected (with ``strict``), mis-shaped entries, or entries whose dtype
            converts only with ``cast=True``.
    """

    module.load_state_dict(load_state(path), strict=strict, cast=cast)
