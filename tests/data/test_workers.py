"""DataLoader worker processes: the same batches for any num_workers and backend, faults that never hang or leak.

Worker start-up costs about a second per process here, so the tests share a few
loaders (persistent workers) and keep the datasets tiny.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.data import DataError, DataLoader, wire
from tests.data.worker_datasets import Counting, Noisy, Probe, Slow, not_numpy

BASE = np.arange(46, dtype="float32").reshape(23, 2)
SEED, BATCH, EPOCHS = 3, 4, 3


def _shm(prefix: str = "dn") -> list[str]:
    return sorted(name for name in os.listdir("/dev/shm") if name.startswith(prefix))


def _gone(pids: list[int]) -> bool:
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


def _digest(batches: list[Any]) -> list[str]:
    return [
        hashlib.sha256(np.ascontiguousarray(dn.ops.to_numpy(x)).tobytes() + dn.ops.to_numpy(y).tobytes()).hexdigest()
        for x, y in batches
    ]


def _reference() -> list[list[str]]:
    """What the batches must be, computed in NumPy from the documented seeding rules alone."""
    epochs = []
    for epoch in range(EPOCHS):
        order = np.random.default_rng([SEED, epoch]).permutation(len(BASE))
        batches = []
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            x = np.stack(
                [
                    BASE[i] + np.random.default_rng([SEED, epoch, start + k]).standard_normal(2).astype("float32")
                    for k, i in enumerate(rows)
                ]
            )
            batches.append((x, rows.astype(np.int64)))
        epochs.append(_digest(batches))
    return epochs


def test_batches_are_identical_for_any_num_workers(backend: str) -> None:
    expected = _reference()
    for workers in (0, 1, 2):
        options: dict[str, Any] = {"num_workers": workers}
        if workers:
            options["persistent_workers"] = True
        loader = DataLoader(Noisy(BASE), batch_size=BATCH, shuffle=True, seed=SEED, **options)
        try:
            for epoch in range(EPOCHS):
                batches = list(loader)
                assert type(batches[0][0]).__module__.split(".")[0] == backend
                assert _digest(batches) == expected[epoch], (workers, epoch)
        finally:
            loader.close()
    assert _shm() == []


@pytest.fixture(scope="module")
def probe() -> Any:
    loader = DataLoader(Probe(8), batch_size=2, num_workers=2, persistent_workers=True, prefetch_factor=1)
    yield loader
    pids = loader.worker_pids
    loader.close()
    assert _gone(pids)


def test_workers_never_import_a_framework(probe: DataLoader) -> None:
    batches = list(probe.numpy_batches(0))
    assert [bool(b["frameworks"].any()) for b in batches] == [False] * 4
    assert [int(b["worker"][0]) for b in batches] == [0, 1, 0, 1]  # batch b from worker b % 2, in order
    pids = {int(pid) for b in batches for pid in b["pid"]}
    assert pids == set(probe.worker_pids) and os.getpid() not in pids


def test_break_leaves_persistent_workers_clean(probe: DataLoader) -> None:
    pids = probe.worker_pids
    for _ in probe.numpy_batches(1):
        break
    assert len(list(probe.numpy_batches(2))) == 4  # the answers owed after the break were drained
    assert probe.worker_pids == pids


def test_large_batches_go_through_shared_memory_and_are_unlinked() -> None:
    big = np.random.default_rng(0).standard_normal((16, 2048)).astype("float32")  # 64 KiB+ per batch of 8
    loader = DataLoader(dn.data.ArrayDataset(big), batch_size=8, num_workers=1)
    frame = wire.pack("batch", {}, wire.encode(big[:8]), "dn_test_probe_segment")
    header, payload = wire.read_frame_bytes(frame)
    assert header["shm"] == "dn_test_probe_segment" and payload == b""
    np.testing.assert_array_equal(wire.unpack_arrays(header, payload)[0], big[:8])
    np.testing.assert_array_equal(np.concatenate(list(loader.numpy_batches(0))), big)
    assert _shm() == []


def test_item_error_is_raised_with_the_worker_traceback_and_index() -> None:
    loader = DataLoader(Noisy(BASE, fail_at=6), batch_size=BATCH, num_workers=2)
    with pytest.raises(
        DataError,
        match=r"(?s)failed reading item 6 of batch 1.*ValueError: item 6 is broken.*"
        r"Traceback in the worker.*worker_datasets.py",
    ):
        list(loader.numpy_batches(0))
    assert _shm() == []


def test_item_error_without_workers_names_the_item(backend: str) -> None:
    loader = DataLoader(Noisy(BASE, fail_at=2), batch_size=BATCH, prefetch=0)
    with pytest.raises(DataError, match=r"reading item 2 of batch 0 \(epoch 0\) failed with ValueError") as info:
        list(loader)
    assert isinstance(info.value.__cause__, ValueError)


def test_collate_fn_that_returns_no_numpy_structure() -> None:
    with pytest.raises(DataError, match=r"collate_fn.*not_numpy.*builtins.object, not a NumPy structure"):
        list(DataLoader(Probe(4), batch_size=2, collate_fn=not_numpy).numpy_batches(0))
    loader = DataLoader(Probe(4), batch_size=2, collate_fn=not_numpy, num_workers=1)
    with pytest.raises(DataError, match=r"collate_fn tests.data.worker_datasets:not_numpy.*not a NumPy structure"):
        list(loader.numpy_batches(0))
    assert _shm() == []


def test_a_killed_worker_is_a_data_error_not_a_hang() -> None:
    loader = DataLoader(Slow(), batch_size=2, num_workers=2, persistent_workers=True)
    batches = loader.numpy_batches(0)
    next(batches)
    pids = loader.worker_pids
    os.kill(pids[1], signal.SIGKILL)
    started = time.monotonic()
    with pytest.raises(DataError, match=r"worker 1 \(pid \d+\) was killed by SIGKILL while preparing batch"):
        list(batches)
    assert time.monotonic() - started < 10
    assert _gone(pids) and loader.worker_pids == []
    assert _shm() == []


def test_iterable_dataset_with_workers_is_split_and_round_robin() -> None:
    loader = DataLoader(Counting(10), batch_size=2, num_workers=2)
    batches = [b.tolist() for b in loader.numpy_batches(0)]
    # worker 0 reads 0, 2, 4, ...; worker 1 reads 1, 3, 5, ...; batches alternate between them (torch's order)
    assert batches == [[0, 2], [1, 3], [4, 6], [5, 7], [8], [9]]


def test_datasets_that_cannot_cross_are_refused_at_construction() -> None:
    class Local(dn.data.Dataset):
        def __len__(self) -> int:
            return 2

        def __getitem__(self, index: int) -> Any:
            return index

    with pytest.raises(dn.ArgumentError, match="cannot be rebuilt in a worker process: give its class a worker_spec"):
        DataLoader(Local(), batch_size=1, num_workers=1)
    with pytest.raises(dn.ArgumentError, match="cannot be named for a worker process"):
        DataLoader(dn.data.ArrayDataset(BASE).map(lambda item: item), batch_size=1, num_workers=1)
