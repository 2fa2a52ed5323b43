"""The main process's side of a loader's worker processes: start, talk, detect death, clean up.

Workers are fresh interpreters (``subprocess``, like multiprocessing's ``spawn``;
never ``fork``, which would copy the main process's framework state and threads)
running :mod:`dualnet.data.worker_main`. They talk over two pipes of bytes each
(:mod:`dualnet.data.wire` frames, no pickle). Every wait polls the worker, so a
worker that dies (a crash, a SIGKILL, the OOM killer) is a :class:`DataError`
naming it, never a hang. :meth:`WorkerPool.close` stops the workers, kills the ones
that do not stop, and unlinks every shared-memory segment of the pool's prefix.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
import uuid
import weakref
from multiprocessing import shared_memory
from typing import Any

from dualnet.data import wire
from dualnet.errors import DataError

__all__: list[str] = []

_POLL_S = 0.1
_STOP_S = 2.0
_SHM_DIR = "/dev/shm"


class WorkerPool:
    """``num_workers`` workers, each holding a rebuilt copy of the dataset ``spec`` (a :func:`portable.describe`)."""

    def __init__(self, spec: wire.Encoded, num_workers: int, options: dict[str, Any], timeout: float) -> None:
        self.num_workers, self.timeout = num_workers, timeout
        self.prefix = f"dn{os.getpid()}_{uuid.uuid4().hex[:10]}"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.commands: list[int] = []
        self.results: list[int] = []
        self.outstanding = [0] * num_workers
        self._finalizer = weakref.finalize(self, _close, self.procs, self.commands, self.results, self.prefix)
        info = {"sys_path": list(sys.path), "num_workers": num_workers, "shm_prefix": self.prefix, **options}
        try:
            spec_frame = wire.pack("init", info, spec, f"{self.prefix}_spec")
            for worker_id in range(num_workers):
                self._start(worker_id, spec_frame)
            for worker_id in range(num_workers):
                header, _ = self.receive(worker_id, "starting up")
                if header["kind"] == "error":
                    raise worker_error(header, worker_id, "while rebuilding the dataset (or in worker_init_fn)")
        except BaseException:
            self.close()
            raise

    def _start(self, worker_id: int, spec_frame: bytes) -> None:
        command_read, command_write = os.pipe()
        result_read, result_write = os.pipe()
        proc = subprocess.Popen(
            [sys.executable, "-m", "dualnet.data.worker_main", str(command_read), str(result_write)],
            pass_fds=(command_read, result_write),
            stdin=subprocess.DEVNULL,
        )
        os.close(command_read)
        os.close(result_write)
        self.procs.append(proc)
        self.commands.append(command_write)
        self.results.append(result_read)
        frame = _with_worker_id(spec_frame, worker_id)
        wire.write_frame(command_write, frame)

    @property
    def pids(self) -> list[int]:
        """The workers' process ids."""
        return [proc.pid for proc in self.procs]

    def send(self, worker_id: int, kind: str, info: dict[str, Any]) -> None:
        try:
            wire.write_frame(self.commands[worker_id], wire.pack(kind, info, None, None))
        except (BrokenPipeError, OSError):
            raise self._dead(worker_id, f"receiving the {kind} request") from None
        if kind == "fetch":
            self.outstanding[worker_id] += 1

    def receive(self, worker_id: int, doing: str) -> tuple[dict[str, Any], bytes]:
        """The next frame from ``worker_id``; DataError when it died or (``timeout > 0``) took too long."""
        fd, proc = self.results[worker_id], self.procs[worker_id]
        started = time.monotonic()
        while True:
            ready, _, _ = select.select([fd], [], [], _POLL_S)
            if ready:
                try:
                    header, payload = wire.read_frame(fd)
                except EOFError:
                    raise self._dead(worker_id, doing) from None
                if header["kind"] in ("batch", "error", "end") and self.outstanding[worker_id]:
                    self.outstanding[worker_id] -= 1
                return header, payload
            if proc.poll() is not None:
                raise self._dead(worker_id, doing)
            if self.timeout > 0 and time.monotonic() - started > self.timeout:
                raise DataError(
                    f"dn.data.DataLoader: worker {worker_id} (pid {proc.pid}) gave nothing for {self.timeout:g} s "
                    f"while {doing}; raise timeout= (0 waits forever) or make the dataset faster"
                )

    def drain(self) -> None:
        """Read and drop the answers still owed (after a ``break``), so a persistent pool starts clean."""
        for worker_id, owed in enumerate(self.outstanding):
            for _ in range(owed):
                header, payload = self.receive(worker_id, "finishing the last epoch's requests")
                if header.get("shm"):
                    wire.unpack_arrays(header, payload)

    def _dead(self, worker_id: int, doing: str) -> DataError:
        proc = self.procs[worker_id]
        try:
            code = proc.wait(_STOP_S)
        except subprocess.TimeoutExpired:
            code = None
        how = f"was killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exited ({code})"
        self.close()
        return DataError(
            f"dn.data.DataLoader: worker {worker_id} (pid {proc.pid}) {how} while {doing}; a worker that is "
            "killed (out of memory, a crash in native code) cannot be recovered: the pool was shut down. "
            "Check the dataset's memory use, or use num_workers=0 to see the error in this process"
        )

    def close(self) -> None:
        """Stop every worker (killing those that do not stop) and unlink the pool's shared memory."""
        self._finalizer()


def _with_worker_id(frame: bytes, worker_id: int) -> bytes:
    """The init frame with this worker's id in its header (the payload is shared by all)."""
    header_len, payload_len = wire._FRAME.unpack(frame[: wire._FRAME.size])
    start = wire._FRAME.size
    header = json.loads(frame[start : start + header_len])
    header["worker_id"] = worker_id
    text = json.dumps(header).encode()
    return wire._FRAME.pack(len(text), payload_len) + text + frame[start + header_len :]


def worker_error(header: dict[str, Any], worker_id: int, doing: str) -> DataError:
    """The DataError for an ``error`` frame, with the worker's traceback."""
    index = header.get("index")
    item = f"item {index}" if index is not None else "a batch"
    return DataError(
        f"dn.data.DataLoader: worker {worker_id} failed reading {item} of batch {header.get('batch')} {doing}: "
        f"{header.get('type')}: {header.get('message')}\n\nTraceback in the worker:\n{header.get('traceback', '')}"
        "\nFix the dataset (or collate_fn) for that item; num_workers=0 reproduces it in this process"
    )


def _close(procs: list[Any], commands: list[int], results: list[int], prefix: str) -> None:
    # Results first: a worker blocked writing a batch nobody will read gets BrokenPipeError and exits;
    # then a worker waiting for its next command sees EOF and exits.
    for fd in results:
        _close_fd(fd)
    for fd in commands:
        _close_fd(fd)
    deadline = time.monotonic() + _STOP_S
    for proc in procs:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    commands.clear()
    results.clear()
    _sweep(prefix)


def _close_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _sweep(prefix: str) -> None:
    """Unlink the pool's segments: batches never read (a break, a dead worker) and the dataset spec."""
    try:
        names = [name for name in os.listdir(_SHM_DIR) if name.startswith(prefix)]
    except OSError:  # no /dev/shm (not Linux): the spec is the one segment known by name
        names = [f"{prefix}_spec"]
    for name in names:
        try:
            segment = shared_memory.SharedMemory(name=name)
        except (FileNotFoundError, OSError):
            continue
        segment.close()
        segment.unlink()
