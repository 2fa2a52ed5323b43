"""``DataLoader``: batches of a dataset (or of NumPy arrays) as native tensors, with torch's options.

What it reads: NumPy arrays (any nesting of tuples/lists/dicts; wrapped in an
:class:`~dualnet.data.ArrayDataset`), a map-style dataset (anything with
``__getitem__`` and ``__len__``) or an iterable-style one (``__iter__``).

The order of a map-style dataset comes from a sampler (torch's semantics: ``shuffle``
means a :class:`~dualnet.data.RandomSampler`, ``sampler`` and ``batch_sampler``
replace it), seeded by ``(seed, epoch)``: with ``shuffle`` the order of epoch ``e`` is
``np.random.default_rng([seed, e]).permutation(n)``, the same on every backend.
Items are read and collated in NumPy, in the calling process (in a background
thread when ``prefetch > 0``) or in ``num_workers`` worker processes
(:mod:`dualnet.data.pool`): the batches are the same for any ``num_workers`` and on
both backends, and they come back in order. Only the main process converts a
batch to native tensors on ``dn.current_device()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from dualnet import seeding, tree
from dualnet.arguments import check_bool, check_float, check_int
from dualnet.backend.dispatch import B
from dualnet.data import context, portable, wire
from dualnet.data.convert import numpy_to_native
from dualnet.data.datasets import ArrayDataset
from dualnet.data.iterable import IterableDataset
from dualnet.data.pool import WorkerPool, worker_error
from dualnet.data.prefetch import Prefetcher
from dualnet.data.samplers import BatchSampler, RandomSampler, SequentialSampler
from dualnet.errors import ArgumentError, DataError

__all__ = ["DataLoader"]


class DataLoader:
    """Batches of ``data`` as native tensors (NumPy float64 becomes float32; other dtypes are kept).

    With arrays (shape ``(n, ...)`` each), each batch has their structure with leaves
    ``(batch_size, ...)``. With a dataset, each batch is ``collate_fn`` of a list of
    items (by default :func:`~dualnet.data.default_collate`: stacked arrays). String
    leaves stay Python lists; numeric arrays become tensors.

    Args:
        data: arrays (native tensors and array-likes are copied to NumPy once), or a dataset.
        batch_size: items per batch, > 0 (ignored when ``batch_sampler`` is given).
        shuffle: a new seeded order each epoch (map-style only; not with ``sampler``).
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        seed: the seed of the shuffle, of :func:`~dualnet.data.rng` and of the workers;
            None takes ``dn.seed``'s value at construction.
        prefetch: with ``num_workers=0``, batches prepared ahead in a background thread
            (0: in the calling thread).
        name: how error messages name array ``data`` (``"x"``, or ``("x", "y")``).
        sampler: an iterable of indices (e.g. a :class:`~dualnet.data.WeightedRandomSampler`).
        batch_sampler: an iterable of lists of indices; excludes ``shuffle``, ``sampler``, ``drop_last``.
        num_workers: worker processes reading items (0: none). The dataset must be
            rebuildable in them (see :mod:`dualnet.data.portable`).
        collate_fn: a function of a list of items returning a NumPy structure (importable
            by name when ``num_workers > 0``).
        prefetch_factor: batches requested ahead per worker (default 2; only with workers).
        persistent_workers: keep the workers between epochs (only with workers).
        pin_memory: accepted for torch compatibility; batches are converted in the main
            process straight to the current device, so it changes nothing.
        worker_init_fn: called as ``fn(worker_id)`` in each worker after it starts
            (importable by name).
        timeout: seconds to wait for a worker's batch before a DataError (0: forever; a dead
            worker is detected either way).

    Each pass uses the current epoch and then advances it; :meth:`set_epoch` pins the
    next pass's epoch (the Trainer calls it). Samplers with ``set_epoch`` get it too.

    Raises:
        ShapeError: arrays with different numbers of samples, or a scalar leaf.
        ArgumentError: empty data, bad or conflicting arguments (as torch's), a dataset
            that cannot cross to workers, or ``drop_last`` with fewer items than one batch.
        DataError: while iterating, an item or ``collate_fn`` that failed (with the item's
            index and, from a worker, its traceback), a result that is not a NumPy structure,
            or a worker that died or timed out.
    """

    def __init__(
        self,
        data: Any,
        batch_size: int = 32,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
        prefetch: int = 2,
        *,
        name: tree.Names = "data",
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory: bool = False,
        worker_init_fn: Callable[[int], None] | None = None,
        timeout: float = 0.0,
    ) -> None:
        where = "DataLoader"
        self._batch_size = check_batch_size(where, batch_size)
        self._prefetch = check_int(where, "prefetch", prefetch, low=0, example="prefetch=2, or 0 to turn it off")
        self._seed = seeding.current_seed() if seed is None else check_int(where, "seed", seed, low=0, example="seed=0")
        self._shuffle = check_bool(where, "shuffle", shuffle)
        self._drop_last = check_bool(where, "drop_last", drop_last)
        self._num_workers = check_int(where, "num_workers", num_workers, low=0, example="num_workers=2")
        self._persistent = check_bool(where, "persistent_workers", persistent_workers)
        self.pin_memory = check_bool(where, "pin_memory", pin_memory)
        self._timeout = check_float(where, "timeout", timeout, low=0.0, example="timeout=60 (seconds), or 0")
        if self._num_workers == 0 and (prefetch_factor is not None or self._persistent):
            raise ArgumentError(
                "dn.data.DataLoader: prefetch_factor and persistent_workers apply to worker processes only; "
                "set num_workers > 0, or leave them at their defaults"
            )
        self._prefetch_factor = (
            2 if prefetch_factor is None else check_int(where, "prefetch_factor", prefetch_factor, low=1, example="2")
        )
        for arg, fn in (("collate_fn", collate_fn), ("worker_init_fn", worker_init_fn)):
            if fn is not None and not callable(fn):
                raise ArgumentError(f"dn.data.DataLoader: {arg} must be a function, got {type(fn).__name__}")
        self._collate, self._init_fn = collate_fn, worker_init_fn
        self._dataset, self._iterable = _as_dataset(data, name)
        self._batch_sampler = self._make_batch_sampler(sampler, batch_sampler)
        self._check_not_empty()
        self._spec: wire.Encoded | None = None
        if self._num_workers:
            self._spec = portable.describe(self._dataset)  # fail now, not in the first epoch
            for fn in (collate_fn, worker_init_fn):
                if fn is not None:
                    portable.reference(fn, "collate_fn/worker_init_fn")
        self._pool: WorkerPool | None = None
        self._epoch = 0

    def _make_batch_sampler(self, sampler: Any, batch_sampler: Any) -> Any:
        if self._iterable:
            if self._shuffle or sampler is not None or batch_sampler is not None:
                raise ArgumentError(
                    "dn.data.DataLoader: an iterable-style dataset has no indices, so shuffle, sampler and "
                    "batch_sampler do not apply; shuffle it with dataset.shuffle(buffer_size) instead"
                )
            return None
        if batch_sampler is not None:
            if self._shuffle or sampler is not None or self._drop_last:
                raise ArgumentError(
                    "dn.data.DataLoader: batch_sampler makes the batches itself, so it excludes shuffle, sampler "
                    "and drop_last; give those to the batch sampler instead"
                )
            return batch_sampler
        if sampler is not None and self._shuffle:
            raise ArgumentError(
                "dn.data.DataLoader: sampler gives the order, so it excludes shuffle=True; "
                "use a RandomSampler as the sampler, or leave shuffle=False"
            )
        if sampler is None:
            sampler = (
                RandomSampler(self._dataset, seed=self._seed) if self._shuffle else SequentialSampler(self._dataset)
            )
        return BatchSampler(sampler, self._batch_size, self._drop_last)

    def _check_not_empty(self) -> None:
        n = _length(self._dataset)
        what = self._what()
        if n == 0:
            raise ArgumentError(f"dn.data.DataLoader: {what} holds 0 samples; pass at least one sample")
        if self._drop_last and n is not None and n < self._batch_size:
            raise ArgumentError(
                f"dn.data.DataLoader: {what} holds {n} samples, fewer than batch_size={self._batch_size}, "
                "and drop_last=True would leave no batch; lower batch_size or set drop_last=False"
            )

    def _what(self) -> str:
        paths = getattr(self._dataset, "paths", None)
        if paths:
            return paths[0] if len(paths) == 1 else ", ".join(paths)
        return f"the {type(self._dataset).__name__}"

    def __len__(self) -> int:
        """Batches per epoch (TypeError for an iterable dataset without ``len``)."""
        if self._batch_sampler is not None:
            return len(self._batch_sampler)
        n = _length(self._dataset)
        if n is None:
            raise TypeError(f"the number of batches of {self._what()} is unknown; pass steps_per_epoch")
        return n // self._batch_size if self._drop_last else math.ceil(n / self._batch_size)

    @property
    def dataset(self) -> Any:
        """What the batches are read from (an :class:`~dualnet.data.ArrayDataset` for arrays)."""
        return self._dataset

    @property
    def num_samples(self) -> int:
        """Items per epoch (for arrays, their first dimension)."""
        sampler = getattr(self._batch_sampler, "sampler", None)
        n = _length(sampler) if sampler is not None else _length(self._dataset)
        if n is None:
            raise TypeError(f"the number of samples of {self._what()} is unknown")
        return n

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def shuffle(self) -> bool:
        return self._shuffle

    @property
    def drop_last(self) -> bool:
        return self._drop_last

    @property
    def num_workers(self) -> int:
        return self._num_workers

    @property
    def seed(self) -> int:
        """The seed in use."""
        return self._seed

    @property
    def epoch(self) -> int:
        """The epoch the next pass will use."""
        return self._epoch

    @property
    def worker_pids(self) -> list[int]:
        """The process ids of the live persistent workers (empty when none are running)."""
        return self._pool.pids if self._pool is not None else []

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass use the order of ``epoch`` (>= 0)."""
        self._epoch = check_int("DataLoader.set_epoch", "epoch", epoch, low=0, example="set_epoch(0)")

    def _plan(self, epoch: int) -> list[list[int]]:
        hook = getattr(self._batch_sampler, "set_epoch", None)
        if callable(hook):
            hook(epoch)
        return [list(batch) for batch in self._batch_sampler]

    def order(self, epoch: int | None = None) -> np.ndarray:
        """The item indices of one epoch's pass, in order (a permutation when shuffling, else ``arange``)."""
        epoch = (
            self._epoch if epoch is None else check_int("DataLoader.order", "epoch", epoch, low=0, example="order(0)")
        )
        if self._batch_sampler is None:
            raise TypeError("an iterable-style dataset has no indices")
        plan = self._plan(epoch)
        return np.asarray([i for batch in plan for i in batch], dtype=np.int64)

    def numpy_batches(self, epoch: int | None = None) -> Iterator[Any]:
        """One epoch's batches as NumPy structures (no conversion, no thread); does not advance the epoch."""
        epoch = self._epoch if epoch is None else epoch
        self._set_dataset_epoch(epoch)
        if self._num_workers:
            return self._worker_batches(epoch)
        return self._local_batches(epoch)

    def __iter__(self) -> Iterator[Any]:
        epoch = self._epoch
        self._epoch += 1
        if self._num_workers:
            return (_to_native(batch) for batch in self.numpy_batches(epoch))
        batches = (_to_native(batch) for batch in self.numpy_batches(epoch))
        if self._prefetch == 0:
            return batches
        total = _length_or_none(self)
        of = f" of {total}" if total is not None else ""
        return Prefetcher(batches, self._prefetch, lambda i: f"batch {i}{of} (epoch {epoch})")

    def _set_dataset_epoch(self, epoch: int) -> None:
        hook = getattr(self._dataset, "set_epoch", None)
        if callable(hook):
            hook(epoch)

    def _collated(self, items: list[Any]) -> Any:
        batch = (self._collate or _default_collate)(items)
        _check_structure(batch, self._collate)
        return batch

    def _local_batches(self, epoch: int) -> Iterator[Any]:
        if self._iterable:
            yield from self._local_stream()
            return
        position = 0
        for b, indices in enumerate(self._plan(epoch)):
            try:
                batch = context.fetch(self._dataset, indices, self._collate, (self._seed, epoch, position))
            except context.ItemError as error:
                item = "a batch read" if error.index is None else f"item {error.index}"
                raise DataError(
                    f"dn.data.DataLoader: reading {item} of batch {b} (epoch {epoch}) failed with "
                    f"{type(error.error).__name__}: {error.error}; the original error and its traceback are chained "
                    "above"
                ) from error.error
            _check_structure(batch, self._collate)
            position += len(indices)
            yield batch

    def _local_stream(self) -> Iterator[Any]:
        items: list[Any] = []
        for item in self._dataset:
            items.append(item)
            if len(items) == self._batch_size:
                yield self._collated(items)
                items = []
        if items and not self._drop_last:
            yield self._collated(items)

    def _start_pool(self) -> WorkerPool:
        if self._pool is not None:
            return self._pool
        assert self._spec is not None
        options = {
            "seed": self._seed,
            "collate_fn": portable.reference(self._collate, "collate_fn") if self._collate else None,
            "init_fn": portable.reference(self._init_fn, "worker_init_fn") if self._init_fn else None,
            "iterable": self._iterable,
            "batch_size": self._batch_size,
            "drop_last": self._drop_last,
        }
        pool = WorkerPool(self._spec, self._num_workers, options, self._timeout)
        if self._persistent:
            self._pool = pool
        return pool

    def _worker_batches(self, epoch: int) -> Iterator[Any]:
        pool = self._start_pool()
        try:
            pool.drain()
            for worker_id in range(self._num_workers):
                pool.send(worker_id, "epoch", {"epoch": epoch})
            if self._iterable:
                yield from _worker_stream(pool, self._prefetch_factor)
            else:
                yield from _worker_plan(pool, self._plan(epoch), self._prefetch_factor, epoch)
        except GeneratorExit:  # a break: a persistent pool stays, its owed answers are drained next epoch
            raise
        except BaseException:
            self._drop_pool(pool)
            raise
        finally:
            if not self._persistent:
                pool.close()

    def _drop_pool(self, pool: WorkerPool) -> None:
        pool.close()
        if self._pool is pool:
            self._pool = None

    def close(self) -> None:
        """Stop the persistent workers now (they also stop when the loader is garbage-collected)."""
        if self._pool is not None:
            self._drop_pool(self._pool)

    def __repr__(self) -> str:
        size = _length(self._dataset)
        return (
            f"DataLoader({size if size is not None else '?'} samples, batch_size={self._batch_size}, "
            f"shuffle={self._shuffle}, drop_last={self._drop_last}, seed={self._seed}, prefetch={self._prefetch}"
            + (f", num_workers={self._num_workers})" if self._num_workers else ")")
        )


def _worker_plan(pool: WorkerPool, plan: list[list[int]], factor: int, epoch: int) -> Iterator[Any]:
    """Batches of a map-style dataset: batch ``b`` goes to worker ``b % W``, which answers in order."""
    workers, total = pool.num_workers, len(plan)
    starts = np.concatenate([[0], np.cumsum([len(batch) for batch in plan])]).tolist()
    sent = 0

    def dispatch() -> None:
        nonlocal sent
        pool.send(sent % workers, "fetch", {"batch": sent, "indices": plan[sent], "start": starts[sent]})
        sent += 1

    while sent < min(total, factor * workers):
        dispatch()
    for b in range(total):
        header, payload = pool.receive(b % workers, f"preparing batch {b} of {total} (epoch {epoch})")
        if sent < total:
            dispatch()
        if header["kind"] == "error":
            raise worker_error(header, b % workers, f"(epoch {epoch})")
        yield wire.decode(header["tree"], wire.unpack_arrays(header, payload))


def _worker_stream(pool: WorkerPool, factor: int) -> Iterator[Any]:
    """Batches of an iterable dataset: each worker batches its own items; taken round-robin, as torch."""
    active = list(range(pool.num_workers))
    count = 0
    for worker_id in active:
        for _ in range(factor):
            pool.send(worker_id, "fetch", {"batch": count})
    turn = 0
    while active:
        worker_id = active[turn % len(active)]
        header, payload = pool.receive(worker_id, f"preparing batch {count}")
        if header["kind"] == "end":
            active.remove(worker_id)
            continue
        if header["kind"] == "error":
            raise worker_error(header, worker_id, "")
        pool.send(worker_id, "fetch", {"batch": count})
        count += 1
        turn += 1
        yield wire.decode(header["tree"], wire.unpack_arrays(header, payload))


def _default_collate(items: list[Any]) -> Any:
    from dualnet.data.collate import default_collate

    return default_collate(items)


def _check_structure(batch: Any, collate: Any) -> None:
    where = f"the batch from collate_fn {getattr(collate, '__qualname__', collate)!r}" if collate else "the batch"
    wire.encode(batch, f"dn.data.DataLoader: {where}")


def _to_native(batch: Any) -> Any:
    return tree.map_structure(_leaf_to_native, batch)


def _leaf_to_native(leaf: Any) -> Any:
    if isinstance(leaf, np.ndarray | np.generic) and leaf.dtype.kind in "biufc":
        return numpy_to_native(np.asarray(leaf))
    return leaf


def _length(obj: Any) -> int | None:
    try:
        return len(obj)
    except TypeError:
        return None


def _length_or_none(loader: DataLoader) -> int | None:
    try:
        return len(loader)
    except TypeError:
        return None


def _as_dataset(data: Any, name: tree.Names) -> tuple[Any, bool]:
    """``(dataset, is_iterable)``: arrays become an ArrayDataset; datasets are duck-typed."""
    if isinstance(data, IterableDataset):
        return data, True
    is_structure = isinstance(data, np.ndarray | tuple | list | dict | str | bytes) or hasattr(data, "__array__")
    if not is_structure and hasattr(data, "__getitem__") and hasattr(data, "__len__") and not B.is_tensor(data):
        return data, False
    if not is_structure and hasattr(data, "__iter__") and not B.is_tensor(data):
        return data, True
    return ArrayDataset(data, name=name), False


def check_batch_size(where: str, batch_size: Any) -> int:
    """``batch_size`` as an int > 0, else ArgumentError naming ``where`` (the call that took it)."""
    return check_int(where, "batch_size", batch_size, low=1, example="batch_size=32")
