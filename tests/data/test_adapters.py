"""adapt: arrays become a DataLoader; DataLoaders pass through; generators and iterables of batches are converted."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import dualnet as dn
from dualnet.data import Batches, DataLoader, adapt, num_batches


def test_arrays_become_a_data_loader(backend: str) -> None:
    x, y = np.zeros((10, 2), "float32"), np.arange(10)
    loader = adapt((x, y), batch_size=4, shuffle=True, seed=3, drop_last=True)
    assert isinstance(loader, DataLoader)
    assert (len(loader), loader.batch_size, loader.shuffle, loader.seed, loader.drop_last) == (2, 4, True, 3, True)
    assert num_batches(loader) == 2
    assert isinstance(adapt(x, batch_size=None, shuffle=False), DataLoader)
    assert adapt(x, batch_size=None, shuffle=False).batch_size == 32


def test_a_data_loader_passes_through(backend: str) -> None:
    loader = DataLoader(np.arange(10), batch_size=3)
    assert adapt(loader, batch_size=8, shuffle=True) is loader


def _batches(n: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for i in range(n):
        yield np.full((2, 3), i, dtype="float64"), np.array([i, i])


def test_generator_batches_are_converted(backend: str) -> None:
    batches = adapt(_batches(3), batch_size=32, shuffle=True)
    assert isinstance(batches, Batches)
    assert num_batches(batches) is None
    with pytest.raises(TypeError, match="steps_per_epoch"):
        len(batches)
    seen = list(batches)
    assert len(seen) == 3
    x, y = seen[2]
    assert dn.ops.is_tensor(x) and dn.ops.is_tensor(y)
    assert dn.ops.dtype(x) == "float32" and dn.ops.dtype(y) == "int64"
    np.testing.assert_array_equal(dn.ops.to_numpy(x), np.full((2, 3), 2))


def test_generator_of_native_tensors_and_dicts(backend: str) -> None:
    def gen() -> Iterator[dict[str, object]]:
        yield {"x": dn.ops.convert_to_tensor(np.ones((2, 2), "float16")), "y": [1.5, 2.5], "w": None}

    (batch,) = list(adapt(gen(), batch_size=2, shuffle=False))
    assert batch["w"] is None
    assert dn.ops.dtype(batch["x"]) == "float16"  # native tensors keep their dtype
    assert isinstance(batch["y"], list) and all(dn.ops.is_tensor(v) for v in batch["y"])


def test_a_generator_is_consumed_across_epochs(backend: str) -> None:
    def endless() -> Iterator[np.ndarray]:
        i = 0
        while True:
            yield np.array([i])
            i += 1

    batches = adapt(endless(), batch_size=1, shuffle=False)
    epochs = []
    for _ in range(2):  # what steps_per_epoch=3 does in the Trainer
        seen = []
        for batch in batches:
            seen.append(int(dn.ops.to_numpy(batch)[0]))
            if len(seen) == 3:
                break
        epochs.append(seen)
    assert epochs == [[0, 1, 2], [3, 4, 5]]


def test_a_reiterable_object_with_a_length(backend: str) -> None:
    class Source:
        def __iter__(self) -> Iterator[np.ndarray]:
            return iter([np.zeros(2), np.ones(2)])

        def __len__(self) -> int:
            return 2

    batches = adapt(Source(), batch_size=2, shuffle=False)
    assert len(batches) == 2
    assert [len(list(batches)) for _ in range(2)] == [2, 2]
    batches.set_epoch(1)  # accepted by every kind of data


def test_set_epoch_is_forwarded(backend: str) -> None:
    class Source:
        def __init__(self) -> None:
            self.epochs: list[int] = []

        def __iter__(self) -> Iterator[np.ndarray]:
            return iter([np.zeros(2)])

        def set_epoch(self, epoch: int) -> None:
            self.epochs.append(epoch)

    source = Source()
    adapt(source, batch_size=2, shuffle=False).set_epoch(4)
    assert source.epochs == [4]


@pytest.mark.parametrize("data", [None, "abc", b"abc", {1, 2}, 3.5, object()])
def test_unsupported_objects(backend: str, data: object) -> None:
    with pytest.raises(dn.ArgumentError, match=r"^x: expected .*got "):
        adapt(data, batch_size=2, shuffle=False, name="x")


def test_bad_leaves_in_a_generator_batch(backend: str) -> None:
    batches = adapt(iter([(np.zeros(2), "label")]), batch_size=2, shuffle=False)
    with pytest.raises(dn.ArgumentError, match="a batch of the generator"):
        list(batches)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True, "8"])
def test_bad_batch_size(backend: str, batch_size: object) -> None:
    with pytest.raises(dn.ArgumentError, match="batch_size must be a positive int"):
        adapt(np.zeros(4), batch_size=batch_size, shuffle=False)  # type: ignore[arg-type]
    with pytest.raises(dn.ArgumentError, match="batch_size"):
        adapt(_batches(1), batch_size=batch_size, shuffle=False)  # type: ignore[arg-type]
