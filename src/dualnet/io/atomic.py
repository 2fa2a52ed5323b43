"""Atomic file writes: a crash mid-write never leaves a half-written file at the target path.

Permissions are those ``open()`` would give: a new file gets ``0o666`` less the
process umask (so ``umask 022`` gives ``rw-r--r--``, readable by a service
account that serves the model), and a file that is overwritten keeps its
permission bits. The temporary file gets them before any byte is written, so the
data is never more readable than the final file.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from dualnet.errors import DualnetError

__all__ = ["WriteError", "write_atomic"]

_NEW_FILE_MODE = 0o666  # what open() asks for; the kernel takes the umask off it
_ATTEMPTS = 100  # temporary names tried before giving up (each is 32 random bits)


class WriteError(DualnetError, OSError):
    """A file could not be written (missing folder, no permission, disk full); nothing was replaced."""


def write_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync it, then rename.

    Readers see the old file or the new one, never a mix. On failure the old file
    is untouched and the temporary file is removed. A process killed
    before the rename leaves the old file and a ``.<name>.*.tmp`` file, which
    nothing reads and which can be deleted. A new file's mode is ``0o666 & ~umask``;
    an existing file keeps its permission bits (not its owner: the new file belongs to this user).

    Raises:
        WriteError: ``path`` is a folder, pipe or device; read-only location, missing folder, disk full or
            file-size limit (names the path and the fix).
    """

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    mode = _mode_for(target)
    try:
        fd, tmp = _create_temporary(folder, target.name, mode)
    except OSError as exc:
        raise WriteError(f"cannot write {str(target)!r}: {exc.strerror or exc}; {_advice(exc)}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)  # exactly the old file's bits, whatever the umask took off
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


def node_kind(mode: int) -> str:
    """What a file system node of ``mode`` that is neither a regular file nor a folder is, in words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _mode_for(target: Path) -> int | None:
    """The permission bits to keep (those of the file at ``target``), or None for a new file.

    Raises WriteError when ``target`` names a folder, a pipe or a device: renaming
    over it would fail (a folder) or silently replace the node with a file.
    """
    try:
        mode = target.stat().st_mode
    except OSError:
        return None  # nothing there (or unreadable): the write itself reports any real problem
    if stat.S_ISREG(mode):
        return stat.S_IMODE(mode) & 0o777
    if stat.S_ISDIR(mode):
        raise WriteError(
            f"cannot write {str(target)!r}: it is a directory; nothing was written; pass a file path inside it, "
            f"e.g. {str(target / 'model.safetensors')!r}"
        )
    raise WriteError(
        f"cannot write {str(target)!r}: it is {node_kind(mode)}, not a regular file; nothing was written; save "
        "to a regular file path"
    )


def _create_temporary(folder: Path, name: str, mode: int | None) -> tuple[int, str]:
    """Create ``folder/.<name>.<random>.tmp`` exclusively; the kernel applies the umask to its mode, as open() does.

    (``tempfile.mkstemp`` would make it 0600 whatever the umask, and the renamed file would keep that.)
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        tmp = str(folder / f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, _NEW_FILE_MODE if mode is None else mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, f"no free temporary name after {_ATTEMPTS} attempts in {str(folder)!r}")


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
    if exc.errno == errno.ENOTDIR:
        return "a part of the folder path is a file, not a folder: check the path"
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
