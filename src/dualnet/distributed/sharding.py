"""Per-rank shards of the training data: every rank reads the same global batch and keeps its own slice.

With world size ``W``, the global batch ``b`` (``batch_size`` samples, the last
one possibly smaller) is cut into ``W`` contiguous slices; rank ``r`` keeps rows
``r * b // W`` to ``(r + 1) * b // W``. The shuffled order comes from the
DataLoader's seed and the epoch, so every rank agrees on it, every rank gets
the same number of batches (collectives never wait for a rank that ran out),
and the union of the slices is exactly the batch one process would train on.

A ``torch.utils.data.DataLoader`` whose sampler is already a
``DistributedSampler`` is left as it is (it gives each rank its own batches).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dualnet import tree
from dualnet.data import Batches, DataLoader
from dualnet.data.convert import numpy_to_native
from dualnet.data.prefetch import Prefetcher
from dualnet.errors import ArgumentError, ShapeError

__all__: list[str] = []


def bounds(size: int, rank: int, world_size: int) -> tuple[int, int]:
    """Rows ``[start, stop)`` of a batch of ``size`` samples that ``rank`` keeps."""
    return size * rank // world_size, size * (rank + 1) // world_size


class ShardedLoader:
    """A :class:`DataLoader`'s global batches, this rank's slice of each, as native tensors (prefetched)."""

    def __init__(self, loader: DataLoader, rank: int, world_size: int, prefetch: int = 2) -> None:
        n, size = loader.num_samples, loader.batch_size
        last = size if loader.drop_last or n % size == 0 else n % size
        if min(size, last) < world_size:
            raise ArgumentError(
                f"data parallel over {world_size} ranks: the {'batches' if size < world_size else 'last batch'} "
                f"of {min(size, last)} sample(s) cannot give every rank at least one; batch_size is the global "
                f"batch: make it >= {world_size}, and use drop_last=True (or a sample count n with "
                f"n % batch_size == 0 or >= {world_size})"
            )
        self.loader, self.rank, self.world_size, self._prefetch = loader, rank, world_size, prefetch

    def __len__(self) -> int:
        return len(self.loader)

    def set_epoch(self, epoch: int) -> None:
        self.loader.set_epoch(epoch)

    def _batches(self, epoch: int) -> Iterator[Any]:
        for batch in self.loader.numpy_batches(epoch):
            leaves, _, treedef = tree.flatten(batch)
            start, stop = bounds(len(leaves[0]), self.rank, self.world_size)
            yield tree.unflatten(treedef, [numpy_to_native(leaf[start:stop]) for leaf in leaves])

    def __iter__(self) -> Iterator[Any]:
        epoch = self.loader.epoch
        self.loader.set_epoch(epoch + 1)  # as DataLoader.__iter__ does: a plain loop reshuffles each pass
        batches = self._batches(epoch)
        if self._prefetch == 0:
            return batches
        return Prefetcher(batches, self._prefetch, lambda i: f"batch {i} (epoch {epoch}, rank {self.rank})")

    def __repr__(self) -> str:
        return f"ShardedLoader({self.loader!r}, rank={self.rank}, world_size={self.world_size})"


class ShardedBatches:
    """Batches of a generator or native loader (every rank makes the same ones), this rank's slice of each."""

    def __init__(self, batches: Batches, rank: int, world_size: int) -> None:
        self.batches, self.rank, self.world_size = batches, rank, world_size

    def __len__(self) -> int:
        return len(self.batches)

    def set_epoch(self, epoch: int) -> None:
        self.batches.set_epoch(epoch)

    def __iter__(self) -> Iterator[Any]:
        for index, batch in enumerate(self.batches):
            leaves, _, treedef = tree.flatten(batch)
            size = int(leaves[0].shape[0])
            if size < self.world_size:
                raise ShapeError(
                    f"data parallel over {self.world_size} ranks: batch {index} holds {size} sample(s), fewer than "
                    "the ranks; every batch is a global batch split between the ranks: make batches of at least "
                    f"{self.world_size} samples (drop a smaller last one)"
                )
            start, stop = bounds(size, self.rank, self.world_size)
            yield tree.unflatten(treedef, [leaf[start:stop] for leaf in leaves])


def _presharded(batches: Batches, world_size: int) -> bool:
    """A torch DataLoader whose sampler already deals samples to ranks (``DistributedSampler``)."""
    sampler = getattr(getattr(batches.source, "loader", None), "sampler", None)
    replicas = getattr(sampler, "num_replicas", None)
    if replicas is None or not hasattr(sampler, "rank"):
        return False
    if replicas != world_size:
        raise ArgumentError(
            f"data parallel over {world_size} ranks: the DataLoader's DistributedSampler has num_replicas={replicas}; "
            "make it with num_replicas=dn.distributed.world_size(), rank=dn.distributed.rank()"
        )
    return True


def shard(data: Any, rank: int, world_size: int) -> Any:
    """``data`` (from :func:`dualnet.data.adapt`) as this rank's share; itself when alone or already sharded."""
    if world_size == 1:
        return data
    if isinstance(data, DataLoader):
        return ShardedLoader(data, rank, world_size)
    if isinstance(data, Batches) and not _presharded(data, world_size):
        return ShardedBatches(data, rank, world_size)
    return data
