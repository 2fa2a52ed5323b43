"""Atomic file writes: a crash mid-write never leaves a half-written file at the target path."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dualnet.errors import DualnetError


class WriteError(DualnetError, OSError):
    """A file could not be written (missing folder, no permission, disk full); nothing was replaced."""


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync it, then rename.

    Readers see the old file or the new one, never a mix; on failure the old
    file is untouched and the temporary file is removed.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(
            f"cannot write {str(target)!r}: {exc.strerror or exc}; check that the folder exists and is writable"
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        _fsync_folder(folder)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(
            f"cannot write {str(target)!r}: {exc.strerror or exc}; the previous file, if any, is unchanged"
        ) from exc
    return target


def _fsync_folder(folder: Path) -> None:
    # The rename itself must reach the disk, or a power cut could undo it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
