"""Datasets, random_split and default_collate, compared with torch.utils.data on the same inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import dualnet as dn
from dualnet.data import ArrayDataset, ConcatDataset, DataError, Subset, TensorDataset, default_collate, random_split

X = np.arange(24, dtype="float32").reshape(12, 2)
Y = np.arange(12)


def test_tensor_subset_concat_match_torch() -> None:
    ours, theirs = TensorDataset(X, Y), tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
    assert len(ours) == len(theirs)
    for i in (0, 5, -1):
        np.testing.assert_array_equal(ours[i][0], theirs[i][0].numpy())
        assert ours[i][1] == int(theirs[i][1])
    sub, tsub = Subset(ours, [4, 1, 7]), tud.Subset(theirs, [4, 1, 7])
    assert [int(s[1]) for s in sub] == [int(t[1]) for t in tsub]
    cat, tcat = ConcatDataset([sub, ours]), tud.ConcatDataset([tsub, theirs])
    assert len(cat) == len(tcat) and [int(cat[i][1]) for i in (0, 2, 3, -1)] == [int(tcat[i][1]) for i in (0, 2, 3, -1)]
    with pytest.raises(IndexError, match="index 15 is out of range for 15 items"):
        cat[15]


@pytest.mark.parametrize("lengths", [[0.5, 0.3, 0.2], [0.34, 0.33, 0.33], [7, 5], [0.25, 0.75]])
def test_random_split_sizes_match_torch(lengths: list[Any]) -> None:
    ours = random_split(ArrayDataset(X), lengths, seed=0)
    theirs = tud.random_split(range(12), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    every = np.concatenate([s.indices for s in ours])
    assert sorted(every.tolist()) == list(range(12))
    again = random_split(ArrayDataset(X), lengths, seed=0)
    assert all(np.array_equal(a.indices, b.indices) for a, b in zip(ours, again))
    with pytest.raises(dn.ArgumentError, match="sum to 13 but the dataset holds 12"):
        random_split(ArrayDataset(X), [6, 7])


def test_default_collate_matches_torch() -> None:
    items = [{"x": X[i], "n": i, "f": float(i) / 2, "s": f"s{i}", "t": (X[i, 0], True)} for i in range(3)]
    ours, theirs = default_collate(items), tud.default_collate(items)
    for key in ("x", "n", "f"):
        np.testing.assert_allclose(ours[key], theirs[key].numpy(), rtol=1e-5, atol=1e-5)
        assert ours[key].dtype == theirs[key].numpy().dtype
    assert ours["s"] == theirs["s"]
    assert isinstance(ours["t"], tuple)  # torch gives a list here; a tuple keeps (x, y) batches as (x, y)
    np.testing.assert_array_equal(ours["t"][0], theirs["t"][0].numpy())
    np.testing.assert_array_equal(ours["t"][1], theirs["t"][1].numpy())
    with pytest.raises(DataError, match=r"item\['x'\] has shapes \[\(1,\), \(2,\)\]"):
        default_collate([{"x": np.zeros(2)}, {"x": np.zeros(1)}])
    with pytest.raises(DataError, match=r"item is a builtins\.object"):
        default_collate([object()])


def test_map_filter_cache() -> None:
    base = ArrayDataset(X)
    doubled = base.map(lambda row: row * 2)
    np.testing.assert_array_equal(doubled[3], X[3] * 2)
    even = base.filter(lambda row: int(row[0]) % 4 == 0)
    assert len(even) == 6 and even.indices.tolist() == [0, 2, 4, 6, 8, 10]
    calls = []
    cached = base.map(lambda row: calls.append(1) or row).cache()
    cached[1], cached[1]
    assert len(calls) == 1


class Stream(dn.data.IterableDataset):
    def __iter__(self) -> Any:
        return iter(range(20))


def test_iterable_map_filter_shuffle_and_loader(backend: str) -> None:
    stream = Stream().filter(lambda i: i % 2 == 0).map(lambda i: np.float32(i))
    assert [int(v) for v in stream] == list(range(0, 20, 2))
    shuffled = Stream().shuffle(5, seed=1)
    first, second = list(shuffled), list(shuffled)
    assert sorted(first) == list(range(20)) and first != second
    shuffled.set_epoch(0)
    assert list(shuffled) == first
    loader = dn.data.DataLoader(Stream(), batch_size=6, drop_last=True, prefetch=0)
    assert [dn.ops.to_numpy(b).tolist() for b in loader] == [list(range(0, 6)), list(range(6, 12)), list(range(12, 18))]
    with pytest.raises(dn.ArgumentError, match="iterable-style dataset has no indices"):
        dn.data.DataLoader(Stream(), shuffle=True)


class Duck:
    """Not a dn.data.Dataset: only __getitem__ and __len__ (duck-typed)."""

    def __len__(self) -> int:
        return 5

    def __getitem__(self, index: int) -> Any:
        return np.full(2, index, "float32"), f"name{index}"


def test_duck_typed_dataset_in_loader_and_adapt(backend: str) -> None:
    batches = list(dn.data.DataLoader(Duck(), batch_size=2, prefetch=0))
    assert len(batches) == 3 and batches[0][1] == ["name0", "name1"]
    assert type(batches[0][0]).__module__.split(".")[0] == backend
    np.testing.assert_array_equal(dn.ops.to_numpy(batches[2][0]), [[4.0, 4.0]])
    adapted = dn.data.adapt(Duck(), batch_size=4, shuffle=False)
    assert isinstance(adapted, dn.data.DataLoader) and len(adapted) == 2
