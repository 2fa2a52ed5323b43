"""Datasets, collate functions and init functions that worker processes import by name (tests only)."""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

import dualnet as dn


class Noisy(dn.data.Dataset):
    """Item ``i``: ``(x, y)`` with ``x`` a row of ``base`` plus noise from ``dn.data.rng()``, ``y = i``."""

    def __init__(self, base: np.ndarray, fail_at: int = -1) -> None:
        self.base, self.fail_at = base, fail_at

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, index: int) -> Any:
        if index == self.fail_at:
            raise ValueError(f"item {index} is broken on purpose")
        noise = dn.data.rng().standard_normal(self.base.shape[1:]).astype("float32")
        return self.base[index] + noise, index

    def worker_spec(self) -> dict[str, Any]:
        return {"base": self.base, "fail_at": self.fail_at}


class Probe(dn.data.Dataset):
    """Item ``i``: which frameworks the reading process has imported, its pid, and the worker id."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> Any:
        info = dn.data.get_worker_info()
        frameworks = any(name in sys.modules for name in ("torch", "tensorflow"))
        return {"frameworks": frameworks, "pid": os.getpid(), "worker": -1 if info is None else info.id}

    def worker_spec(self) -> dict[str, Any]:
        return {"n": self.n}


class Slow(dn.data.Dataset):
    """Items that block, so a test can kill the worker while it reads one."""

    def __len__(self) -> int:
        return 100

    def __getitem__(self, index: int) -> Any:
        import time

        time.sleep(0.05)
        return np.zeros(3, "float32")

    def worker_spec(self) -> dict[str, Any]:
        return {}


class Counting(dn.data.IterableDataset):
    """``0 .. n-1``, split between workers by ``get_worker_info`` (torch's pattern)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self) -> Any:
        info = dn.data.get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(np.arange(start, self.n, step))

    def worker_spec(self) -> dict[str, Any]:
        return {"n": self.n}


def not_numpy(items: list[Any]) -> Any:
    return object()


def double(item: Any) -> Any:
    return item * 2
