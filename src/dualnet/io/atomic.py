"""Atomic file writes: a crash mid-write never leaves a half-written file at the target path."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from dualnet.errors import DualnetError

__all__ = ["WriteError", "write_atomic"]


class WriteError(DualnetError, OSError):
    """A file could not be written (missing folder, no permission, disk full); nothing was replaced."""


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync it, then rename.

    Readers see the old file or the new one, never a mix. On failure the old file
    is untouched and the temporary file is removed. A process killed
    before the rename leaves the old file and a ``.<name>.*.tmp`` file, which
    nothing reads and which can be deleted.

    Raises:
        WriteError: read-only location, missing folder, disk full or file-size limit (names the path and the fix).
    """

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write {str(target)!r}: {exc.strerror or exc}; {_advice(exc)}") from exc
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
            f"cannot write {str(target)!r}: {exc.strerror or exc}; the previous file, if any, is unchanged; "
            f"{_advice(exc)}"
        ) from exc
    return target


def _advice(exc: OSError) -> str:
    """How to fix the write failure ``exc``, by its errno."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free disk space (or raise the quota) and save again, or save to another disk"
    if exc.errno == errno.EFBIG:
        return "the file exceeds the size limit (ulimit -f or the file system's): raise it or save elsewhere"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the location is read-only or not writable by this user: save to a writable folder"
    if exc.errno == errno.ENOENT:
        return "check that the folder exists, and create it first"
    return "check that the folder exists, is writable and has free space"


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
