"""The prefetch thread: errors reach the consumer, threads end with the epoch, on a break, and never leak."""

from __future__ import annotations

import contextvars
import gc
import subprocess
import sys
import threading

import numpy as np
import pytest

import dualnet as dn
from dualnet.data import DataLoader, loader as loader_module
from dualnet.data.prefetch import Prefetcher
from tests.helpers import HANG_LIMIT_S


def _prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dualnet-prefetch"]


def _wait_for_no_prefetch_threads() -> None:
    for thread in _prefetch_threads():
        thread.join(HANG_LIMIT_S)  # returns as soon as the thread ends; the limit only stops a hang
    assert not _prefetch_threads()


def test_no_threads_leak_across_epochs(backend: str) -> None:
    loader = DataLoader(np.arange(50, dtype="float32"), batch_size=4, shuffle=True, seed=0, prefetch=2)
    _wait_for_no_prefetch_threads()
    before = threading.active_count()
    for _ in range(5):
        assert sum(1 for _ in loader) == len(loader)
        assert threading.active_count() == before
    assert not _prefetch_threads()


def test_break_out_of_a_loop_stops_the_thread(backend: str) -> None:
    loader = DataLoader(np.arange(400, dtype="float32"), batch_size=2, prefetch=3)
    before = threading.active_count()
    for i, _ in enumerate(loader):
        if i == 2:
            break
    gc.collect()  # CPython frees the iterator at the break already; this covers other interpreters
    _wait_for_no_prefetch_threads()
    assert threading.active_count() == before


def test_close_stops_the_thread_and_ends_iteration(backend: str) -> None:
    iterator = iter(DataLoader(np.arange(100), batch_size=1, prefetch=2))
    assert isinstance(iterator, Prefetcher)
    next(iterator)
    iterator.close()
    assert not iterator.thread.is_alive()
    with pytest.raises(StopIteration):
        next(iterator)


def test_prefetch_thread_is_a_daemon(backend: str) -> None:
    iterator = iter(DataLoader(np.arange(100), batch_size=1, prefetch=1))
    assert isinstance(iterator, Prefetcher)
    assert iterator.thread.daemon
    iterator.close()


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (dn.DTypeError("bad dtype"), dn.DTypeError),  # dualnet errors keep their class
        (ValueError("bad value"), ValueError),  # so do builtin ones
        (type("FrameworkError", (Exception,), {})("opaque"), dn.DualnetError),  # others become dualnet errors
    ],
)
def test_errors_in_the_thread_reach_the_consumer(
    backend: str, monkeypatch: pytest.MonkeyPatch, raised: Exception, expected: type[Exception]
) -> None:
    real = loader_module.numpy_to_native
    calls = []

    def failing(array: np.ndarray) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise raised
        return real(array)

    monkeypatch.setattr(loader_module, "numpy_to_native", failing)
    loader = DataLoader(np.arange(10), batch_size=2, prefetch=2)
    seen = 0
    with pytest.raises(expected, match=r"preparing batch 2 of 5 \(epoch 0\) in the prefetch thread") as info:
        for _ in loader:
            seen += 1
    assert seen == 2
    assert info.value.__cause__ is raised
    _wait_for_no_prefetch_threads()


def test_errors_without_prefetch_are_raised_as_they_are(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    error = ValueError("boom")

    def failing(array: np.ndarray) -> object:
        raise error

    monkeypatch.setattr(loader_module, "numpy_to_native", failing)
    with pytest.raises(ValueError) as info:
        next(iter(DataLoader(np.arange(4), batch_size=2, prefetch=0)))
    assert info.value is error


def test_the_thread_sees_the_consumers_context() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("probe", default="unset")
    var.set("consumer")
    seen = list(Prefetcher((var.get() for _ in range(3)), 1, str))
    assert seen == ["consumer"] * 3


def test_device_scope_applies_in_the_thread(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    devices = []
    real = loader_module.numpy_to_native

    def probe(array: np.ndarray) -> object:
        devices.append((dn.current_device(), threading.current_thread().name))
        return real(array)

    monkeypatch.setattr(loader_module, "numpy_to_native", probe)
    with dn.device("cpu"):
        iterator = iter(DataLoader(np.arange(4), batch_size=2, prefetch=1))
    list(iterator)
    assert devices == [("cpu", "dualnet-prefetch")] * 2


EXIT_WITH_A_LIVE_ITERATOR = """
import itertools
from dualnet.data.prefetch import Prefetcher
held = Prefetcher(itertools.count(), 2, str)  # endless, never closed, still referenced at exit
print(next(held), next(held))
"""


def test_interpreter_exits_with_a_live_prefetch_thread() -> None:
    result = subprocess.run(
        [sys.executable, "-c", EXIT_WITH_A_LIVE_ITERATOR], capture_output=True, text=True, timeout=HANG_LIMIT_S
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "1"]
