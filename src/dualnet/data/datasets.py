"""Map-style datasets: items by index, as ``torch.utils.data.Dataset`` and its helpers.

A map-style dataset is any object with ``__getitem__(index)`` and ``__len__()``
(duck-typed: it need not derive from :class:`Dataset`); items are NumPy
structures (arrays, numbers, strings, tuples/lists/dicts of them). The classes
here add composition (``.map``, ``.filter``, ``.cache``, ``+``) and can be rebuilt
in a loader's worker processes from their :meth:`Dataset.worker_spec` (see
:mod:`dualnet.data.portable`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dualnet import tree
from dualnet.data import structure
from dualnet.data.convert import as_numpy
from dualnet.errors import ArgumentError

__all__ = ["ArrayDataset", "CachedDataset", "ConcatDataset", "Dataset", "MappedDataset", "Subset", "TensorDataset"]


class Dataset:
    """Base of map-style datasets: subclasses define ``__getitem__(index)`` and ``__len__()``.

    To be used with ``num_workers > 0``, a subclass defined in an importable module
    returns its constructor's keyword arguments (JSON values, NumPy arrays, other
    datasets, importable functions) from :meth:`worker_spec`; each worker then
    rebuilds it as ``type(self).from_worker_spec(spec)``.

    Raises:
        ArgumentError: (from :meth:`map`) a ``fn`` that is not callable.
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")

    def worker_spec(self) -> dict[str, Any] | None:
        """Keyword arguments that rebuild this dataset in a worker process, or None (it cannot cross)."""
        return None

    @classmethod
    def from_worker_spec(cls, spec: dict[str, Any]) -> Any:
        """The dataset that :meth:`worker_spec` described: ``cls(**spec)``."""
        return cls(**spec)

    def map(self, fn: Callable[[Any], Any]) -> MappedDataset:
        """A dataset whose item ``i`` is ``fn(self[i])`` (``fn`` importable by name to cross to workers)."""
        return MappedDataset(self, fn)

    def filter(self, predicate: Callable[[Any], bool]) -> Subset:
        """The items for which ``predicate(item)`` is true, as a :class:`Subset`.

        Evaluated once, now, over every item (a map-style dataset must know its length).
        """
        keep = [i for i in range(len(self)) if predicate(self[i])]
        return Subset(self, np.asarray(keep, dtype=np.int64))

    def cache(self) -> CachedDataset:
        """This dataset with each item kept after its first read (per process: each worker has its own)."""
        return CachedDataset(self)

    def __add__(self, other: Any) -> ConcatDataset:
        return ConcatDataset([self, other])


def _index(where: str, index: Any, n: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int | np.integer):
        raise ArgumentError(f"{where}: index must be an int, got {type(index).__name__}; index one item at a time")
    i = int(index)
    if not -n <= i < n:
        raise IndexError(f"{where}: index {i} is out of range for {n} items")
    return i + n if i < 0 else i


class ArrayDataset(Dataset):
    """Rows of arrays: ``data`` is an array or a tuple/list/dict of arrays of shape ``(n, ...)`` each.

    Item ``i`` has ``data``'s structure with leaf ``a[i]`` (shape ``(...)``).

    Raises:
        ShapeError: arrays with different first dimensions, or a scalar leaf.
        ArgumentError: no arrays, or leaves that are not numeric arrays.
    """

    def __init__(self, data: Any, *, name: tree.Names = "data") -> None:
        leaves, self.paths, self._treedef = tree.flatten(data, name)
        self._leaves = [as_numpy(leaf, path) for leaf, path in zip(leaves, self.paths)]
        self._n = structure.num_samples(self._leaves, self.paths)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: int) -> Any:
        i = _index("ArrayDataset", index, self._n)
        return tree.unflatten(self._treedef, [leaf[i] for leaf in self._leaves])

    def batch(self, indices: np.ndarray) -> Any:
        """The rows ``indices`` at once, each leaf ``(len(indices), ...)`` (what default_collate would give)."""
        return tree.unflatten(self._treedef, [leaf[indices] for leaf in self._leaves])

    def worker_spec(self) -> dict[str, Any]:
        return {"data": tree.unflatten(self._treedef, self._leaves)}


class TensorDataset(ArrayDataset):
    """``TensorDataset(*arrays)``: item ``i`` is ``tuple(a[i] for a in arrays)``, as torch's ``TensorDataset``.

    Raises:
        ShapeError: arrays with different first dimensions.
        ArgumentError: no arrays.
    """

    def __init__(self, *arrays: Any) -> None:
        super().__init__(tuple(arrays))

    @classmethod
    def from_worker_spec(cls, spec: dict[str, Any]) -> Any:
        return cls(*spec["data"])


class Subset(Dataset):
    """Items ``indices`` of ``dataset``: item ``i`` is ``dataset[indices[i]]``.

    An index outside ``dataset`` raises IndexError on access (as a sequence does).

    Raises:
        ArgumentError: (on access) an index that is not an int.
    """

    def __init__(self, dataset: Any, indices: Sequence[int] | np.ndarray) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[_index("Subset", index, len(self.indices))])]

    def batch(self, indices: np.ndarray) -> Any:
        """Rows at once when the underlying dataset has ``batch`` (an :class:`ArrayDataset`)."""
        return self.dataset.batch(self.indices[indices])

    def worker_spec(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "indices": self.indices}


class ConcatDataset(Dataset):
    """The items of ``datasets`` one after the other, as torch's ``ConcatDataset``.

    Raises:
        ArgumentError: no datasets.
    """

    def __init__(self, datasets: Sequence[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ArgumentError("ConcatDataset: got no datasets; pass a list of at least one dataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return int(self.cumulative_sizes[-1])

    def __getitem__(self, index: int) -> Any:
        i = _index("ConcatDataset", index, len(self))
        which = bisect.bisect_right(self.cumulative_sizes, i)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][i - start]

    def worker_spec(self) -> dict[str, Any]:
        return {"datasets": self.datasets}


class MappedDataset(Dataset):
    """``fn(dataset[i])`` for each item (from :meth:`Dataset.map`).

    Raises:
        ArgumentError: a ``fn`` that is not callable.
    """

    def __init__(self, dataset: Any, fn: Callable[[Any], Any]) -> None:
        if not callable(fn):
            raise ArgumentError(f"Dataset.map: fn must be callable, got {type(fn).__name__}; pass a function")
        self.dataset, self.fn = dataset, fn

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> Any:
        return self.fn(self.dataset[index])

    def worker_spec(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "fn": self.fn}


class CachedDataset(Dataset):
    """``dataset`` with each item kept after its first read (from :meth:`Dataset.cache`; per process).

    Raises:
        ArgumentError: (on access) an index that is not an int.
    """

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset
        self._items: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> Any:
        i = _index("CachedDataset", index, len(self))
        if i not in self._items:
            self._items[i] = self.dataset[i]
        return self._items[i]

    def worker_spec(self) -> dict[str, Any]:
        return {"dataset": self.dataset}
