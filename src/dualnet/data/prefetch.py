"""Run an iterator in a background thread, a bounded queue of ready items ahead of the consumer.

The thread is a daemon (it never holds up interpreter exit) and runs in a copy
of the consumer's context, so ``dn.device(...)`` scopes active when iteration
began also apply in the thread. It stops when the items run out, when the
consumer closes or drops the iterator (a ``break`` out of a ``for`` loop), and
on an error, which the consumer re-raises with the original as ``__cause__``.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from dualnet.errors import DualnetError

__all__: list[str] = []

_ITEM, _END, _ERROR = "item", "end", "error"
_POLL_S = 0.05  # how often a producer blocked on a full queue checks whether it should stop
_JOIN_S = 5.0


class Prefetcher(Iterator[Any]):
    """Iterate ``source`` in a thread, keeping up to ``depth`` items ready.

    ``describe(i)`` names item ``i`` in error messages (e.g. ``"batch 3 of 10"``).
    """

    def __init__(self, source: Iterator[Any], depth: int, describe: Callable[[int], str]) -> None:
        if depth < 1:
            raise ValueError("Prefetcher needs depth >= 1")
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._describe = describe
        self._index = 0
        self._done = False
        context = contextvars.copy_context()
        # The thread gets the queue, the event and the source, never ``self``: a reference
        # from the thread would keep an abandoned iterator alive and its thread running.
        self._thread = threading.Thread(
            target=context.run,
            args=(_produce, source, self._queue, self._stop),
            name="dualnet-prefetch",
            daemon=True,
        )
        self._thread.start()
        self._finalizer = weakref.finalize(self, _shutdown, self._stop, self._queue, self._thread)
        self._finalizer.atexit = False  # at exit the daemon thread just ends; joining could only delay it

    def __next__(self) -> Any:
        if self._done:
            raise StopIteration
        kind, value = self._queue.get()
        if kind == _ITEM:
            self._index += 1
            return value
        self.close()
        if kind == _END:
            raise StopIteration
        raise _rewrap(value, self._describe(self._index)) from value

    def close(self) -> None:
        """Stop the thread and wait for it; later ``next`` calls raise StopIteration."""
        self._done = True
        self._finalizer()

    @property
    def thread(self) -> threading.Thread:
        """The producer thread (for tests and debugging)."""
        return self._thread


def _produce(source: Iterator[Any], out: queue.Queue[tuple[str, Any]], stop: threading.Event) -> None:
    try:
        for item in source:
            if not _put(out, stop, (_ITEM, item)):
                return
    except BaseException as error:  # every error is handed to the consumer
        _put(out, stop, (_ERROR, error))
        return
    _put(out, stop, (_END, None))


def _put(out: queue.Queue[tuple[str, Any]], stop: threading.Event, message: tuple[str, Any]) -> bool:
    while not stop.is_set():
        try:
            out.put(message, timeout=_POLL_S)
            return True
        except queue.Full:
            continue
    return False


def _shutdown(stop: threading.Event, out: queue.Queue[tuple[str, Any]], thread: threading.Thread) -> None:
    stop.set()
    while True:  # free the queued items (device memory) at once
        try:
            out.get_nowait()
        except queue.Empty:
            break
    if thread is not threading.current_thread() and thread.is_alive():
        thread.join(_JOIN_S)


def _rewrap(error: BaseException, where: str) -> BaseException:
    """An error for the consumer, of the original's class where that class takes a message."""
    text = (
        f"dn.data.DataLoader: preparing {where} in the prefetch thread failed with "
        f"{type(error).__name__}: {error}; the original error and its traceback are chained above "
        "(set prefetch=0 to prepare batches in the calling thread)"
    )
    cls = type(error)
    if issubclass(cls, DualnetError) or cls.__module__ == "builtins":
        try:
            return cls(text)
        except Exception:  # a constructor that needs other arguments
            pass
    return DualnetError(text)
