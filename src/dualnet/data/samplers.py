"""Samplers: the order in which a loader reads a map-style dataset, as ``torch.utils.data``'s.

Each sampler is an iterable of indices (a :class:`BatchSampler`, of lists of indices)
with a ``len``. Random ones draw from ``np.random.default_rng([seed, epoch])``: the
stream is dualnet's own (not torch's), the same on every backend and in every worker
count. Each pass uses the current epoch and then advances it; ``set_epoch(e)`` pins
the next pass (the DataLoader calls it every pass).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from dualnet import seeding
from dualnet.arguments import check_bool, check_int
from dualnet.errors import ArgumentError

__all__ = [
    "BatchSampler",
    "DistributedSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
]


class Sampler:
    """Base of samplers: ``__iter__`` yields indices, ``__len__`` counts them; seeded ones have an epoch.

    Raises:
        ArgumentError: a bad ``seed`` or epoch.
    """

    def __init__(self, seed: int | None = None) -> None:
        where = type(self).__name__
        self.seed = seeding.current_seed() if seed is None else check_int(where, "seed", seed, low=0, example="0")
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass draw the order of ``epoch`` (>= 0)."""
        self.epoch = check_int(f"{type(self).__name__}.set_epoch", "epoch", epoch, low=0, example="set_epoch(0)")

    def _rng(self) -> np.random.Generator:
        rng = np.random.default_rng([self.seed, self.epoch])
        self.epoch += 1
        return rng

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__()")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")


def _env_int(variable: str, default: int) -> int:
    value = os.environ.get(variable, "")
    return int(value) if value.strip().isdigit() else default


def _length(where: str, data_source: Any) -> int:
    try:
        return len(data_source)
    except TypeError:
        raise ArgumentError(
            f"{where}: data_source has no len(); pass a map-style dataset (with __getitem__ and __len__)"
        ) from None


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``.

    Raises:
        ArgumentError: a ``data_source`` without ``len``.
    """

    def __init__(self, data_source: Any) -> None:
        super().__init__(0)
        self.n = _length("SequentialSampler", data_source)

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.n))

    def __len__(self) -> int:
        return self.n


class RandomSampler(Sampler):
    """A seeded random order of ``data_source``'s indices.

    Without ``replacement``, a permutation (``num_samples`` > n chains several
    permutations, as torch); with it, ``num_samples`` independent draws.
    ``num_samples`` defaults to ``len(data_source)``.

    Raises:
        ArgumentError: ``num_samples < 1``, a non-bool ``replacement`` or a bad ``seed``.
    """

    def __init__(
        self, data_source: Any, replacement: bool = False, num_samples: int | None = None, seed: int | None = None
    ) -> None:
        super().__init__(seed)
        self.n = _length("RandomSampler", data_source)
        self.replacement = check_bool("RandomSampler", "replacement", replacement)
        self.num_samples = (
            self.n
            if num_samples is None
            else check_int("RandomSampler", "num_samples", num_samples, low=1, example="num_samples=100")
        )

    def indices(self, rng: np.random.Generator) -> np.ndarray:
        """One pass's indices drawn from ``rng``."""
        if self.replacement:
            return rng.integers(0, self.n, self.num_samples)
        rounds = math.ceil(self.num_samples / self.n)
        return np.concatenate([rng.permutation(self.n) for _ in range(rounds)])[: self.num_samples]

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices(self._rng()).tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """``indices`` in a seeded random order each pass.

    Raises:
        ArgumentError: a bad ``seed``.
    """

    def __init__(self, indices: Sequence[int] | np.ndarray, seed: int | None = None) -> None:
        super().__init__(seed)
        self.indices = np.asarray(indices, dtype=np.int64).reshape(-1)

    def __iter__(self) -> Iterator[int]:
        return iter(self.indices[self._rng().permutation(len(self.indices))].tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices in ``[0, len(weights))`` drawn with probabilities proportional to ``weights``.

    Raises:
        ArgumentError: weights that are negative, not finite, all zero or not 1-D; fewer
            positive weights than ``num_samples`` without ``replacement``.
    """

    def __init__(
        self, weights: Sequence[float] | np.ndarray, num_samples: int, replacement: bool = True, seed: int | None = None
    ) -> None:
        super().__init__(seed)
        where = "WeightedRandomSampler"
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim != 1 or not np.all(np.isfinite(w)) or np.any(w < 0) or not np.any(w > 0):
            raise ArgumentError(
                f"{where}: weights must be a 1-D sequence of finite, non-negative numbers, not all zero; "
                f"got shape {w.shape}"
            )
        self.weights = w
        self.num_samples = check_int(where, "num_samples", num_samples, low=1, example="num_samples=100")
        self.replacement = check_bool(where, "replacement", replacement)
        if not self.replacement and self.num_samples > int(np.count_nonzero(w)):
            raise ArgumentError(
                f"{where}: num_samples={self.num_samples} without replacement needs at least as many positive "
                f"weights, got {int(np.count_nonzero(w))}; lower num_samples or set replacement=True"
            )

    def __iter__(self) -> Iterator[int]:
        rng = self._rng()
        p = self.weights / self.weights.sum()
        return iter(rng.choice(len(p), self.num_samples, replace=self.replacement, p=p).tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices from ``sampler`` (the last one shorter unless ``drop_last``).

    Raises:
        ArgumentError: ``batch_size < 1`` or a non-bool ``drop_last``.
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        super().__init__(0)
        self.sampler = sampler
        self.batch_size = check_int("BatchSampler", "batch_size", batch_size, low=1, example="batch_size=32")
        self.drop_last = check_bool("BatchSampler", "drop_last", drop_last)

    def set_epoch(self, epoch: int) -> None:
        super().set_epoch(epoch)
        hook = getattr(self.sampler, "set_epoch", None)
        if callable(hook):
            hook(epoch)

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for index in self.sampler:
            batch.append(int(index))
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)


class DistributedSampler(Sampler):
    """This rank's share of ``dataset``'s indices, as torch's ``DistributedSampler``.

    The (shuffled) index list is padded by repeating its start to a multiple of
    ``num_replicas`` (or, with ``drop_last``, cut to one), and rank ``r`` takes
    every ``num_replicas``-th index from ``r``: each rank gets ``len(self)`` indices
    and the ranks never overlap (except the padding). ``num_replicas`` and ``rank``
    default to :func:`dualnet.distributed.world_size` and :func:`~dualnet.distributed.rank`.
    Call :meth:`set_epoch` each epoch (the DataLoader does) so every rank draws the
    same new order.

    Raises:
        ArgumentError: ``rank`` outside ``[0, num_replicas)`` or a bad flag/seed.
    """

    def __init__(
        self,
        dataset: Any,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        super().__init__(seed)
        where = "DistributedSampler"
        self.n = _length(where, dataset)
        self.num_replicas = (
            _env_int("WORLD_SIZE", 1)
            if num_replicas is None
            else check_int(where, "num_replicas", num_replicas, low=1, example="num_replicas=2")
        )
        self.rank = _env_int("RANK", 0) if rank is None else check_int(where, "rank", rank, low=0, example="rank=0")
        if self.rank >= self.num_replicas:
            raise ArgumentError(
                f"{where}: rank={self.rank} is not below num_replicas={self.num_replicas}; ranks are 0..num_replicas-1"
            )
        self.shuffle = check_bool(where, "shuffle", shuffle)
        self.drop_last = check_bool(where, "drop_last", drop_last)
        if self.drop_last and self.n % self.num_replicas:
            self.num_samples = self.n // self.num_replicas
        else:
            self.num_samples = math.ceil(self.n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas

    def __iter__(self) -> Iterator[int]:
        rng = self._rng()
        order = rng.permutation(self.n) if self.shuffle else np.arange(self.n)
        if self.total_size > self.n:
            repeats = math.ceil((self.total_size - self.n) / self.n)
            order = np.concatenate([order, *([order] * repeats)])
        order = order[: self.total_size]
        return iter(order[self.rank : self.total_size : self.num_replicas].tolist())

    def __len__(self) -> int:
        return self.num_samples
