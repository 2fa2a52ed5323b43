"""What a dataset sees while a loader makes a batch: the worker it runs in and a per-item random stream.

:func:`get_worker_info` is torch's: None in the main process, a :class:`WorkerInfo`
in a worker. :func:`rng` is dualnet's answer to random augmentation that must not
depend on the worker count: a NumPy Generator seeded from ``(seed, epoch, position)``,
where ``position`` is the item's place in the epoch's sample order, so the same
item of the same epoch draws the same numbers with 0, 1 or 8 workers, on either
backend. (Global ``random``/``np.random`` in a worker are seeded from
``WorkerInfo.seed``, as torch does; those streams depend on the worker count.)
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dualnet.errors import DataError, StateError

__all__ = ["WorkerInfo", "get_worker_info", "rng"]


@dataclass(frozen=True)
class WorkerInfo:
    """The worker process a dataset runs in: ``id`` in ``[0, num_workers)``, its ``seed``, its ``dataset`` copy."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker: list[WorkerInfo] = []
_item: contextvars.ContextVar[tuple[tuple[int, int, int], list[np.random.Generator]] | None] = contextvars.ContextVar(
    "dualnet_data_item", default=None
)


def get_worker_info() -> WorkerInfo | None:
    """This worker's :class:`WorkerInfo`, or None in the main process."""
    return _worker[-1] if _worker else None


def set_worker_info(info: WorkerInfo) -> None:
    _worker[:] = [info]


def worker_seed(seed: int, epoch: int, worker_id: int) -> int:
    """The seed of worker ``worker_id`` in ``epoch``: a 63-bit number derived from all three."""
    return int(np.random.SeedSequence([seed, epoch, worker_id]).generate_state(2, np.uint64)[0] >> np.uint64(1))


def rng() -> np.random.Generator:
    """The random stream of the item being read (the same Generator for every call while it is read).

    Raises:
        StateError: called outside a DataLoader's reading of an item.
    """
    current = _item.get()
    if current is None:
        raise StateError(
            "dn.data.rng: no item is being read; call it inside a dataset's __getitem__ while a DataLoader reads it"
        )
    key, cache = current
    if not cache:
        cache.append(np.random.default_rng(list(key)))
    return cache[0]


def fetch(
    dataset: Any, indices: Sequence[int], collate: Callable[[list[Any]], Any] | None, key: tuple[int, int, int]
) -> Any:
    """One batch: ``dataset[i]`` for each index (seeding :func:`rng` per item), collated.

    ``key`` is ``(seed, epoch, position of the batch's first item)``; ``collate`` None
    means the default, with the whole-batch shortcut of datasets that have ``batch``.

    Raises:
        ItemError: an item that raised (carrying the item's index).
    """
    from dualnet.data.collate import default_collate

    seed, epoch, start = key
    batch_rows = getattr(dataset, "batch", None)
    if collate is None and callable(batch_rows):
        try:
            return batch_rows(np.asarray(indices, dtype=np.int64))
        except Exception as error:
            raise ItemError(int(indices[0]) if len(indices) == 1 else None, error) from error
    items = []
    for position, index in enumerate(indices):
        token = _item.set(((seed, epoch, start + position), []))
        try:
            items.append(dataset[index])
        except Exception as error:
            raise ItemError(int(index), error) from error
        finally:
            _item.reset(token)
    return (collate or default_collate)(items)


class ItemError(DataError):
    """Reading one item failed: ``index`` (None when a whole-batch read failed) and the original ``error``."""

    def __init__(self, index: int | None, error: BaseException) -> None:
        super().__init__(f"item {index}: {type(error).__name__}: {error}")
        self.index, self.error = index, error
