"""DataLoader: structures, lengths, drop_last, seeded shuffling by epoch, prefetch on and off."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

import dualnet as dn
from dualnet import tree
from dualnet.data import DataLoader

Pair = namedtuple("Pair", ["image", "label"])


def _to_numpy(leaf: object) -> np.ndarray:
    assert dn.ops.is_tensor(leaf), f"expected a native tensor, got {type(leaf).__name__}"
    return dn.ops.to_numpy(leaf)


def _numpy(batch: object) -> object:
    """A batch of native tensors as the same structure of NumPy arrays."""
    return tree.map_structure(_to_numpy, batch)


def _epoch(loader: DataLoader) -> list[object]:
    return [_numpy(batch) for batch in loader]


def test_array_batches(backend: str) -> None:
    x = np.arange(10, dtype="float32").reshape(5, 2)
    batches = _epoch(DataLoader(x, batch_size=2))
    assert [b.shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    np.testing.assert_array_equal(np.concatenate(batches), x)


def test_tuple_and_nested_dict_structures(backend: str) -> None:
    x = np.arange(12, dtype="float32").reshape(6, 2)
    y = np.arange(6)
    data = ({"image": x, "meta": [y, y * 2]}, Pair(x[:, 0], y))
    batches = _epoch(DataLoader(data, batch_size=4))
    assert len(batches) == 2
    first = batches[0]
    assert isinstance(first, tuple) and isinstance(first[1], Pair) and isinstance(first[0]["meta"], list)
    np.testing.assert_array_equal(first[0]["image"], x[:4])
    np.testing.assert_array_equal(first[0]["meta"][1], y[:4] * 2)
    np.testing.assert_array_equal(batches[1][1].label, y[4:])


def test_dtypes_float64_becomes_float32_others_kept(backend: str) -> None:
    data = (np.zeros((3, 2)), np.zeros(3, "int64"), np.zeros(3, "int32"), np.zeros(3, bool), np.zeros(3, "float16"))
    batch = next(iter(DataLoader(data, batch_size=3)))
    assert [dn.ops.dtype(t) for t in batch] == ["float32", "int64", "int32", "bool", "float16"]


def test_batches_are_on_the_current_device(backend: str) -> None:
    with dn.device("cpu"):
        batch = next(iter(DataLoader(np.zeros((4, 2), "float32"), batch_size=2)))
    assert dn.ops.is_tensor(batch)
    assert dn.ops.device_of(batch) == "cpu"


@pytest.mark.parametrize(
    ("n", "batch_size", "drop_last", "expected"), [(10, 3, False, 4), (10, 3, True, 3), (9, 3, True, 3)]
)
def test_len_and_drop_last(backend: str, n: int, batch_size: int, drop_last: bool, expected: int) -> None:
    loader = DataLoader(np.arange(n), batch_size=batch_size, shuffle=True, drop_last=drop_last, seed=1)
    batches = _epoch(loader)
    assert len(loader) == len(batches) == expected
    assert all(len(b) == batch_size for b in batches[:-1])
    if drop_last:
        assert all(len(b) == batch_size for b in batches)


def test_shuffle_order_is_numpy_seeded_by_seed_and_epoch(backend: str) -> None:
    loader = DataLoader(np.arange(20), batch_size=6, shuffle=True, seed=7)
    for epoch in (0, 1, 5):
        loader.set_epoch(epoch)
        expected = np.random.default_rng([7, epoch]).permutation(20)
        np.testing.assert_array_equal(np.concatenate(_epoch(loader)), expected)


def test_each_pass_advances_the_epoch_and_set_epoch_pins_it(backend: str) -> None:
    loader = DataLoader(np.arange(30), batch_size=30, shuffle=True, seed=3)
    first, second = _epoch(loader)[0], _epoch(loader)[0]
    assert loader.epoch == 2
    assert not np.array_equal(first, second), "the order must change between epochs"
    np.testing.assert_array_equal(np.sort(first), np.arange(30))
    loader.set_epoch(0)
    np.testing.assert_array_equal(_epoch(loader)[0], first)


def test_no_shuffle_keeps_order(backend: str) -> None:
    loader = DataLoader(np.arange(7), batch_size=3)
    for _ in range(2):
        np.testing.assert_array_equal(np.concatenate(_epoch(loader)), np.arange(7))


def test_seed_none_takes_dn_seed(backend: str) -> None:
    dn.seed(11)
    loader = DataLoader(np.arange(12), batch_size=12, shuffle=True)
    assert loader.seed == 11
    np.testing.assert_array_equal(_epoch(loader)[0], np.random.default_rng([11, 0]).permutation(12))


def test_prefetch_on_and_off_give_the_same_batches(backend: str) -> None:
    rng = np.random.default_rng(0)
    data = {"x": rng.standard_normal((23, 3)).astype("float32"), "y": rng.integers(0, 5, 23)}
    runs = []
    for prefetch in (0, 1, 4):
        loader = DataLoader(data, batch_size=5, shuffle=True, seed=2, prefetch=prefetch)
        runs.append([_epoch(loader), _epoch(loader)])
    for run in runs[1:]:
        for epoch_a, epoch_b in zip(runs[0], run):
            for a, b in zip(epoch_a, epoch_b):
                np.testing.assert_array_equal(a["x"], b["x"])
                np.testing.assert_array_equal(a["y"], b["y"])


def test_batches_do_not_alias_the_input(backend: str) -> None:
    x = np.zeros((4, 2), "float32")
    batch = next(iter(DataLoader(x, batch_size=4, prefetch=0)))
    x[:] = 1.0
    np.testing.assert_array_equal(dn.ops.to_numpy(batch), np.zeros((4, 2)))


def test_native_tensor_input(backend: str) -> None:
    x = dn.ops.convert_to_tensor(np.arange(6, dtype="float32").reshape(3, 2))
    batches = _epoch(DataLoader((x, np.arange(3)), batch_size=2))
    np.testing.assert_array_equal(batches[0][0], [[0, 1], [2, 3]])


def test_numpy_batches_and_order_do_not_advance_the_epoch(backend: str) -> None:
    loader = DataLoader((np.arange(5), np.arange(5) * 10), batch_size=2, shuffle=True, seed=0)
    batches = list(loader.numpy_batches())
    assert loader.epoch == 0
    assert isinstance(batches[0][0], np.ndarray)
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), loader.order())
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), loader.order(0) * 10)
