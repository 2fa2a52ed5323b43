"""Native data loaders on torch: batches of a ``torch.utils.data.DataLoader`` on the current device."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from dualnet.backend.torch.core import convert_to_tensor, target_device
from dualnet.errors import ArgumentError


def native_batches(obj: Any) -> TorchBatches | None:
    """An iterable over a ``torch.utils.data.DataLoader``'s batches on the current device; None for other objects.

    A bare ``torch.utils.data.Dataset`` yields single samples, not batches: ArgumentError
    saying to wrap it in a DataLoader.
    """
    if isinstance(obj, torch.utils.data.DataLoader):
        return TorchBatches(obj)
    if isinstance(obj, torch.utils.data.Dataset):
        raise ArgumentError(
            f"data: got a torch {type(obj).__name__}, which yields single samples, not batches; "
            "wrap it: torch.utils.data.DataLoader(dataset, batch_size=32, shuffle=True)"
        )
    return None


class TorchBatches:
    """The loader's batches (any nesting of tuples/lists/dicts) with every tensor on the current device."""

    def __init__(self, loader: torch.utils.data.DataLoader) -> None:
        self.loader = loader

    def __iter__(self) -> Iterator[Any]:
        device = target_device()  # read once per pass, when iteration starts
        non_blocking = bool(getattr(self.loader, "pin_memory", False))
        for batch in self.loader:
            yield _place(batch, device, non_blocking)

    def __len__(self) -> int:
        return len(self.loader)  # TypeError for an IterableDataset without a length

    def set_epoch(self, epoch: int) -> None:
        """Forward the epoch to a sampler that reshuffles by epoch (DistributedSampler)."""
        hook = getattr(getattr(self.loader, "sampler", None), "set_epoch", None)
        if callable(hook):
            hook(epoch)


def _place(batch: Any, device: torch.device, non_blocking: bool) -> Any:
    if isinstance(batch, torch.Tensor):
        return batch if batch.device == device else batch.to(device, non_blocking=non_blocking)
    if isinstance(batch, dict):
        return type(batch)((k, _place(v, device, non_blocking)) for k, v in batch.items())
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):
        return type(batch)(*(_place(v, device, non_blocking) for v in batch))
    if isinstance(batch, tuple | list):
        return type(batch)(_place(v, device, non_blocking) for v in batch)
    if isinstance(batch, np.ndarray | np.generic | int | float | bool):
        return convert_to_tensor(batch)
    return batch  # strings and other objects a custom collate_fn produced: left to the user's step
