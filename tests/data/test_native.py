"""The active framework's own loader is used as it is; the other framework's is a clear error."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import dispatch, registry
from dualnet.data import Batches, adapt, num_batches


@pytest.fixture
def restore_backend() -> Iterator[None]:
    previous = dispatch.active_name()
    yield
    if previous is not None:
        dn.set_backend(previous)


def _need(*names: str) -> None:
    for name in names:
        if not registry.is_installed(name):
            pytest.skip(f"needs {name}")


def test_torch_data_loader_on_torch(restore_backend: None) -> None:
    _need("torch")
    import torch

    dn.set_backend("torch")
    x, y = torch.arange(10.0).reshape(5, 2), torch.arange(5)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=2)
    batches = adapt(loader, batch_size=32, shuffle=True)
    assert isinstance(batches, Batches)
    assert len(batches) == num_batches(batches) == 3
    seen = list(batches)
    assert len(seen) == 3
    xb, _ = seen[0]
    assert isinstance(xb, torch.Tensor) and xb.device == torch.device(dn.current_device())
    np.testing.assert_array_equal(xb.numpy(), [[0, 1], [2, 3]])
    np.testing.assert_array_equal(seen[2][1].numpy(), [4])


def test_torch_iterable_dataset_has_no_length(restore_backend: None) -> None:
    _need("torch")
    import torch

    class Stream(torch.utils.data.IterableDataset):  # type: ignore[misc]
        def __iter__(self) -> Iterator[dict[str, torch.Tensor]]:
            return iter([{"x": torch.ones(2)} for _ in range(4)])

    dn.set_backend("torch")
    batches = adapt(torch.utils.data.DataLoader(Stream(), batch_size=2), batch_size=2, shuffle=False)
    assert num_batches(batches) is None
    assert [tuple(b["x"].shape) for b in batches] == [(2, 2), (2, 2)]


def test_torch_set_epoch_reaches_the_sampler(restore_backend: None) -> None:
    _need("torch")
    import torch

    class Sampler(torch.utils.data.Sampler[int]):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.epochs: list[int] = []

        def __iter__(self) -> Iterator[int]:
            return iter(range(4))

        def __len__(self) -> int:
            return 4

        def set_epoch(self, epoch: int) -> None:
            self.epochs.append(epoch)

    dn.set_backend("torch")
    sampler = Sampler()
    dataset = torch.utils.data.TensorDataset(torch.zeros(4))
    adapt(torch.utils.data.DataLoader(dataset, sampler=sampler), batch_size=1, shuffle=False).set_epoch(2)
    assert sampler.epochs == [2]


def test_bare_torch_dataset_is_refused(restore_backend: None) -> None:
    _need("torch")
    import torch

    dn.set_backend("torch")
    with pytest.raises(dn.ArgumentError, match=r"yields single samples.*torch\.utils\.data\.DataLoader\("):
        adapt(torch.utils.data.TensorDataset(torch.zeros(4)), batch_size=2, shuffle=False)


def test_tf_dataset_on_tensorflow(restore_backend: None) -> None:
    _need("tensorflow")
    import tensorflow as tf

    dn.set_backend("tensorflow")
    x = np.arange(10, dtype="float32").reshape(5, 2)
    dataset = tf.data.Dataset.from_tensor_slices({"x": x, "y": np.arange(5)}).batch(2)
    batches = adapt(dataset, batch_size=32, shuffle=True)
    assert len(batches) == 3
    seen = list(batches)
    assert [tuple(b["x"].shape) for b in seen] == [(2, 2), (2, 2), (1, 2)]
    assert isinstance(seen[0]["x"], tf.Tensor)
    np.testing.assert_array_equal(seen[1]["y"].numpy(), [2, 3])
    assert num_batches(adapt(dataset.repeat(), batch_size=2, shuffle=False)) is None
    assert num_batches(adapt(dataset.filter(lambda b: True), batch_size=2, shuffle=False)) is None


def test_torch_loader_on_tensorflow_is_an_error(restore_backend: None) -> None:
    _need("torch", "tensorflow")
    import torch

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4)), batch_size=2)
    dn.set_backend("tensorflow")
    with pytest.raises(dn.ArgumentError, match=r"a torch object, but the active backend is 'tensorflow'.*NumPy"):
        adapt(loader, batch_size=2, shuffle=False)


def test_tf_dataset_on_torch_is_an_error(restore_backend: None) -> None:
    _need("torch", "tensorflow")
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(np.zeros(4)).batch(2)
    dn.set_backend("torch")
    with pytest.raises(dn.ArgumentError, match=r"a tensorflow object, but the active backend is 'torch'.*set_backend"):
        adapt(dataset, batch_size=2, shuffle=False)


def test_custom_collate_leaves_become_tensors(restore_backend: None) -> None:
    _need("torch")
    import torch

    def collate(samples: list[tuple[torch.Tensor]]) -> dict[str, object]:
        return {"x": np.stack([s[0].numpy() for s in samples]), "n": len(samples), "tag": "train"}

    dn.set_backend("torch")
    dataset = torch.utils.data.TensorDataset(torch.zeros(3, 2))
    (batch,) = list(
        adapt(torch.utils.data.DataLoader(dataset, batch_size=3, collate_fn=collate), batch_size=3, shuffle=False)
    )
    assert isinstance(batch["x"], torch.Tensor) and tuple(batch["x"].shape) == (3, 2)
    assert isinstance(batch["n"], torch.Tensor) and batch["tag"] == "train"
