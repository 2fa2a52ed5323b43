"""Iterable-style datasets: a stream of items, as ``torch.utils.data.IterableDataset``.

Subclasses define ``__iter__``. ``.map`` and ``.filter`` are lazy; ``.shuffle(buffer)``
shuffles within a sliding buffer (as ``tf.data.Dataset.shuffle``), seeded by
``(seed, epoch)``. With ``num_workers > 0`` every worker iterates its own copy: use
:func:`dualnet.data.get_worker_info` inside ``__iter__`` to give each worker its
share, as with torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from dualnet import seeding
from dualnet.arguments import check_int
from dualnet.errors import ArgumentError

__all__ = ["FilteredIterable", "IterableDataset", "MappedIterable", "ShuffledIterable"]


class IterableDataset:
    """Base of iterable-style datasets: subclasses define ``__iter__`` yielding NumPy-structured items.

    As :class:`~dualnet.data.Dataset`, a subclass crosses to worker processes through
    :meth:`worker_spec` (its constructor's keyword arguments).

    Raises:
        ArgumentError: (from :meth:`map`, :meth:`filter`, :meth:`shuffle`) a function that is not
            callable or a bad buffer size.
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")

    def worker_spec(self) -> dict[str, Any] | None:
        """Keyword arguments that rebuild this dataset in a worker process, or None (it cannot cross)."""
        return None

    @classmethod
    def from_worker_spec(cls, spec: dict[str, Any]) -> Any:
        """The dataset that :meth:`worker_spec` described: ``cls(**spec)``."""
        return cls(**spec)

    def set_epoch(self, epoch: int) -> None:
        """Passed down to the datasets this one wraps (a :class:`ShuffledIterable` reseeds)."""
        hook = getattr(getattr(self, "dataset", None), "set_epoch", None)
        if callable(hook):
            hook(epoch)

    def map(self, fn: Callable[[Any], Any]) -> MappedIterable:
        """``fn(item)`` for each item, lazily."""
        return MappedIterable(self, fn)

    def filter(self, predicate: Callable[[Any], bool]) -> FilteredIterable:
        """The items for which ``predicate(item)`` is true, lazily."""
        return FilteredIterable(self, predicate)

    def shuffle(self, buffer_size: int, seed: int | None = None) -> ShuffledIterable:
        """Items in a random order within a buffer of ``buffer_size`` (>= 1) items."""
        return ShuffledIterable(self, buffer_size, seed)


def _callable(where: str, fn: Any) -> None:
    if not callable(fn):
        raise ArgumentError(f"{where}: expected a function, got {type(fn).__name__}; pass a function of one item")


class MappedIterable(IterableDataset):
    """``fn(item)`` for each item of ``dataset``.

    Raises:
        ArgumentError: a ``fn`` that is not callable.
    """

    def __init__(self, dataset: Any, fn: Callable[[Any], Any]) -> None:
        _callable("IterableDataset.map", fn)
        self.dataset, self.fn = dataset, fn

    def __iter__(self) -> Iterator[Any]:
        return (self.fn(item) for item in self.dataset)

    def worker_spec(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "fn": self.fn}


class FilteredIterable(IterableDataset):
    """The items of ``dataset`` for which ``predicate`` is true.

    Raises:
        ArgumentError: a ``predicate`` that is not callable.
    """

    def __init__(self, dataset: Any, predicate: Callable[[Any], bool]) -> None:
        _callable("IterableDataset.filter", predicate)
        self.dataset, self.predicate = dataset, predicate

    def __iter__(self) -> Iterator[Any]:
        return (item for item in self.dataset if self.predicate(item))

    def worker_spec(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "predicate": self.predicate}


class ShuffledIterable(IterableDataset):
    """``dataset``'s items shuffled within a buffer: a new seeded order each pass (or each ``set_epoch``).

    Raises:
        ArgumentError: ``buffer_size < 1`` or a bad ``seed``.
    """

    def __init__(self, dataset: Any, buffer_size: int, seed: int | None = None) -> None:
        where = "IterableDataset.shuffle"
        self.dataset = dataset
        self.buffer_size = check_int(where, "buffer_size", buffer_size, low=1, example="shuffle(1000)")
        self.seed = seeding.current_seed() if seed is None else check_int(where, "seed", seed, low=0, example="0")
        self._epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self._epoch = check_int("ShuffledIterable.set_epoch", "epoch", epoch, low=0, example="set_epoch(0)")
        super().set_epoch(epoch)

    def __iter__(self) -> Iterator[Any]:
        rng = np.random.default_rng([self.seed, self._epoch])
        self._epoch += 1
        buffer: list[Any] = []
        for item in self.dataset:
            if len(buffer) < self.buffer_size:
                buffer.append(item)
                continue
            i = int(rng.integers(len(buffer)))
            yield buffer[i]
            buffer[i] = item
        order = rng.permutation(len(buffer))
        for i in order:
            yield buffer[i]

    def worker_spec(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "buffer_size": self.buffer_size, "seed": self.seed}
