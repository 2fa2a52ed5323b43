"""``DataLoader``: batches of NumPy arrays as native tensors, seeded shuffling, background prefetch.

Shuffling is NumPy's: the order of epoch ``e`` is
``np.random.default_rng([seed, e]).permutation(n)``, so the same seed gives the
same batches on every backend. Slicing and conversion to native tensors run in
a background thread that keeps ``prefetch`` batches ready.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from dualnet import seeding, tree
from dualnet.arguments import check_bool, check_int
from dualnet.data import structure
from dualnet.data.convert import as_numpy, numpy_to_native
from dualnet.data.prefetch import Prefetcher
from dualnet.errors import ArgumentError

__all__ = ["DataLoader"]


class DataLoader:
    """Batches of ``data`` (an array, or any nesting of tuples/lists/dicts of arrays) as native tensors.

    Every array has one row per sample: shape ``(n, ...)`` with the same ``n``.
    Iterating yields ``len(loader)`` batches shaped like ``data``, each leaf of shape
    ``(batch_size, ...)`` (the last one smaller unless ``drop_last``), as native
    tensors on ``dn.current_device()`` as it is when iteration starts. NumPy float64
    becomes float32; other dtypes are kept.

    Args:
        data: the arrays; native tensors and array-likes are copied to NumPy once.
        batch_size: samples per batch, > 0.
        shuffle: visit the samples in a new seeded order each epoch.
        drop_last: drop the last batch when it is smaller than ``batch_size``.
        seed: the shuffle seed; None takes ``dn.seed``'s value at construction.
        prefetch: batches prepared ahead in a background thread; 0 prepares them
            in the calling thread.
        name: how error messages name ``data`` (``"x"``), or one name per item of a
            top-level tuple (``("x", "y")``).

    Each pass uses the current epoch and then advances it, so a plain
    ``for epoch ...: for batch in loader`` loop reshuffles every pass;
    :meth:`set_epoch` pins the next pass to a given epoch (the Trainer calls it).

    Raises:
        ShapeError: arrays with different numbers of samples, or a scalar leaf.
        ArgumentError: empty data, ``batch_size <= 0``, a bad ``prefetch`` or ``seed``,
            non-array leaves, or ``drop_last`` with fewer samples than one batch.
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
    ) -> None:
        where = "DataLoader"
        self._batch_size = check_batch_size(where, batch_size)
        self._prefetch = check_int(where, "prefetch", prefetch, low=0, example="prefetch=2, or 0 to turn it off")
        self._seed = seeding.current_seed() if seed is None else check_int(where, "seed", seed, low=0, example="seed=0")
        self._shuffle = check_bool(where, "shuffle", shuffle)
        self._drop_last = check_bool(where, "drop_last", drop_last)
        leaves, self._paths, self._treedef = tree.flatten(data, name)
        self._leaves = [as_numpy(leaf, path) for leaf, path in zip(leaves, self._paths)]
        self._n = structure.num_samples(self._leaves, self._paths)
        where = self._paths[0] if len(self._paths) == 1 else ", ".join(self._paths)
        if self._n == 0:
            raise ArgumentError(f"dn.data.DataLoader: {where} holds 0 samples; pass at least one sample")
        if self._drop_last and self._n < self._batch_size:
            raise ArgumentError(
                f"dn.data.DataLoader: {where} holds {self._n} samples, fewer than batch_size={self._batch_size}, "
                "and drop_last=True would leave no batch; lower batch_size or set drop_last=False"
            )
        self._epoch = 0

    def __len__(self) -> int:
        """Batches per epoch."""
        if self._drop_last:
            return self._n // self._batch_size
        return math.ceil(self._n / self._batch_size)

    @property
    def num_samples(self) -> int:
        """Samples in the data (the arrays' first dimension)."""
        return self._n

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
    def seed(self) -> int:
        """The shuffle seed in use."""
        return self._seed

    @property
    def epoch(self) -> int:
        """The epoch the next pass will use."""
        return self._epoch

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass use the order of ``epoch`` (>= 0)."""
        self._epoch = check_int("DataLoader.set_epoch", "epoch", epoch, low=0, example="set_epoch(0)")

    def order(self, epoch: int | None = None) -> np.ndarray:
        """The sample indices of one epoch's pass, shape ``(n,)``: a permutation when shuffling, else ``arange``."""
        epoch = (
            self._epoch if epoch is None else check_int("DataLoader.order", "epoch", epoch, low=0, example="order(0)")
        )
        if not self._shuffle:
            return np.arange(self._n)
        return np.random.default_rng([self._seed, epoch]).permutation(self._n)

    def numpy_batches(self, epoch: int | None = None) -> Iterator[Any]:
        """One epoch's batches as NumPy arrays (no conversion, no thread); does not advance the epoch."""
        for rows in self._rows(self._epoch if epoch is None else epoch):
            yield tree.unflatten(self._treedef, rows)

    def __iter__(self) -> Iterator[Any]:
        epoch = self._epoch
        self._epoch += 1
        batches = self._native_batches(epoch)
        if self._prefetch == 0:
            return batches
        total = len(self)
        return Prefetcher(batches, self._prefetch, lambda i: f"batch {i} of {total} (epoch {epoch})")

    def _rows(self, epoch: int) -> Iterator[list[np.ndarray]]:
        """Each batch's leaves, in flatten order."""
        order = self.order(epoch) if self._shuffle else None
        for start in range(0, len(self) * self._batch_size, self._batch_size):
            stop = min(start + self._batch_size, self._n)
            if order is None:
                # A copy, so a batch never aliases the caller's arrays (torch.as_tensor would share memory).
                yield [np.array(leaf[start:stop]) for leaf in self._leaves]
            else:
                index = order[start:stop]
                yield [leaf[index] for leaf in self._leaves]

    def _native_batches(self, epoch: int) -> Iterator[Any]:
        for rows in self._rows(epoch):
            yield tree.unflatten(self._treedef, [numpy_to_native(row) for row in rows])

    def __repr__(self) -> str:
        return (
            f"DataLoader({self._n} samples, batch_size={self._batch_size}, shuffle={self._shuffle}, "
            f"drop_last={self._drop_last}, seed={self._seed}, prefetch={self._prefetch})"
        )


def check_batch_size(where: str, batch_size: Any) -> int:
    """``batch_size`` as an int > 0, else ArgumentError naming ``where`` (the call that took it)."""
    return check_int(where, "batch_size", batch_size, low=1, example="batch_size=32")
