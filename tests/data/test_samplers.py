"""Samplers against torch.utils.data's: the same lengths, partitions and batch structure (our random streams)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import torch.utils.data as tud

import dualnet as dn
from dualnet.data import (
    BatchSampler,
    DistributedSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

DATA = list(range(10))


def test_sequential_and_random_samplers_match_torch_in_length_and_content() -> None:
    assert list(SequentialSampler(DATA)) == list(tud.SequentialSampler(DATA))
    ours = list(RandomSampler(DATA, seed=0))
    assert sorted(ours) == sorted(tud.RandomSampler(DATA)) == DATA and ours != DATA
    for replacement, num_samples in ((False, 25), (True, 7), (True, 30)):
        mine = RandomSampler(DATA, replacement=replacement, num_samples=num_samples, seed=1)
        theirs = tud.RandomSampler(DATA, replacement=replacement, num_samples=num_samples)
        assert len(mine) == len(theirs) == num_samples and len(list(mine)) == num_samples
        assert set(mine) <= set(DATA)
    chained = list(RandomSampler(DATA, num_samples=25, seed=1))
    assert sorted(chained[:10]) == sorted(chained[10:20]) == DATA  # whole permutations first, as torch


def test_random_sampler_is_seeded_per_epoch() -> None:
    sampler = RandomSampler(DATA, seed=4)
    first, second = list(sampler), list(sampler)
    assert first != second
    sampler.set_epoch(0)
    assert list(sampler) == first == np.random.default_rng([4, 0]).permutation(10).tolist()


def test_subset_and_weighted_samplers() -> None:
    indices = [3, 5, 7, 9]
    assert sorted(SubsetRandomSampler(indices, seed=0)) == sorted(tud.SubsetRandomSampler(indices)) == indices
    weights = [0.0, 1.0, 0.0, 3.0]
    ours = list(WeightedRandomSampler(weights, 400, seed=0))
    theirs = list(tud.WeightedRandomSampler(weights, 400))
    assert len(ours) == len(theirs) == 400 and set(ours) == set(theirs) == {1, 3}
    assert 0.65 < Counter(ours)[3] / 400 < 0.85
    unique = list(WeightedRandomSampler(weights, 2, replacement=False, seed=0))
    assert sorted(unique) == [1, 3]
    with pytest.raises(dn.ArgumentError, match="without replacement needs at least as many positive weights"):
        WeightedRandomSampler(weights, 3, replacement=False)
    with pytest.raises(dn.ArgumentError, match="finite, non-negative"):
        WeightedRandomSampler([-1.0, 1.0], 2)


@pytest.mark.parametrize(("batch_size", "drop_last"), [(3, False), (3, True), (5, True), (11, False)])
def test_batch_sampler_matches_torch(batch_size: int, drop_last: bool) -> None:
    ours = BatchSampler(SequentialSampler(DATA), batch_size, drop_last)
    theirs = tud.BatchSampler(tud.SequentialSampler(DATA), batch_size, drop_last)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)


@pytest.mark.parametrize(("n", "replicas", "drop_last"), [(10, 3, False), (10, 3, True), (9, 3, False), (2, 4, False)])
def test_distributed_sampler_partitions_as_torch(n: int, replicas: int, drop_last: bool) -> None:
    data = list(range(n))
    for shuffle in (False, True):
        ours = [DistributedSampler(data, replicas, r, shuffle, seed=2, drop_last=drop_last) for r in range(replicas)]
        theirs = [tud.DistributedSampler(data, replicas, r, shuffle, 2, drop_last) for r in range(replicas)]
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        shares = [list(s) for s in ours]
        if not shuffle:
            assert shares == [list(s) for s in theirs]  # no randomness: exactly torch's indices
        every = [i for share in shares for i in share]
        assert len(every) == sum(len(s) for s in theirs)
        assert set(every) == set(data) if not drop_last else len(set(every)) == len(every)


def test_distributed_sampler_epochs_and_errors() -> None:
    sampler = DistributedSampler(DATA, 2, 1, seed=0)
    sampler.set_epoch(3)
    first = list(sampler)
    sampler.set_epoch(3)
    assert list(sampler) == first
    assert DistributedSampler(DATA).num_replicas == 1  # no launcher: one replica, rank 0
    with pytest.raises(dn.ArgumentError, match="rank=2 is not below num_replicas=2"):
        DistributedSampler(DATA, 2, 2)


def test_loader_takes_samplers(backend: str) -> None:
    x = np.arange(10, dtype="float32")
    loader = dn.data.DataLoader(x, batch_size=4, sampler=SubsetRandomSampler([1, 2, 3], seed=0), prefetch=0)
    assert sorted(dn.ops.to_numpy(next(iter(loader))).tolist()) == [1.0, 2.0, 3.0]
    batches = dn.data.DataLoader(x, batch_sampler=[[0, 1], [5]], prefetch=0)
    assert [dn.ops.to_numpy(b).tolist() for b in batches] == [[0.0, 1.0], [5.0]]
    with pytest.raises(dn.ArgumentError, match="sampler gives the order, so it excludes shuffle=True"):
        dn.data.DataLoader(x, shuffle=True, sampler=SequentialSampler(x))
    with pytest.raises(dn.ArgumentError, match="batch_sampler makes the batches itself"):
        dn.data.DataLoader(x, drop_last=True, batch_sampler=[[0]])
    with pytest.raises(dn.ArgumentError, match="apply to worker processes only"):
        dn.data.DataLoader(x, persistent_workers=True)
