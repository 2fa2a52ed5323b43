"""``timeseries_dataset_from_array``: sliding windows over a sequence as a dataset (Keras's utility)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet import seeding
from dualnet.arguments import check_bool, check_int
from dualnet.data.datasets import Dataset
from dualnet.data.directory import batched
from dualnet.errors import ArgumentError, ShapeError

__all__ = ["TimeseriesDataset", "timeseries_dataset_from_array"]

_WHERE = "timeseries_dataset_from_array"


class TimeseriesDataset(Dataset):
    """Windows of ``data``: item ``i`` is ``data[p : p + length * rate : rate]`` (and ``targets[p]``), ``p`` its start.

    ``data`` ``(T, ...)`` -> windows ``(sequence_length, ...)``; ``targets``
    ``(T, ...)`` -> the target at each window's first step, as Keras pairs them.
    Windows are views cut on access, so the series is held once; an index
    outside ``[-len, len)`` is Python's IndexError (which ends iteration).
    """

    def __init__(
        self, data: np.ndarray, targets: np.ndarray | None, starts: np.ndarray, sequence_length: int, sampling_rate: int
    ) -> None:
        self.data = data
        self.targets = targets
        self.starts = starts
        self.sequence_length = sequence_length
        self.sampling_rate = sampling_rate

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> Any:
        if not -len(self) <= index < len(self):
            raise IndexError(f"TimeseriesDataset: index {index} out of range for {len(self)} windows")
        start = int(self.starts[index])
        window = self.data[start : start + self.sequence_length * self.sampling_rate : self.sampling_rate]
        return window if self.targets is None else (window, self.targets[start])

    def worker_spec(self) -> dict[str, Any]:
        return {
            "data": self.data,
            "targets": self.targets,
            "starts": self.starts,
            "sequence_length": self.sequence_length,
            "sampling_rate": self.sampling_rate,
        }

    def __repr__(self) -> str:
        return f"TimeseriesDataset({len(self)} windows of {self.sequence_length}, sampling_rate={self.sampling_rate})"


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = None,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
) -> Any:
    """Windows of ``sequence_length`` steps of ``data`` ``(T, ...)``, each with ``targets[start]`` (Keras's rules).

    Window ``k`` starts at ``start_index + k * sequence_stride`` and takes every
    ``sampling_rate``-th step; there are ``end - start - (sequence_length - 1) *
    sampling_rate`` candidate starts (capped at ``len(targets)``), as in Keras.
    ``shuffle`` permutes the windows once with ``RandomState(seed)`` (Keras's
    draw; ``seed=None`` takes the ``dn.seed`` value). Returns a
    :class:`TimeseriesDataset` (items ``(window, target)``, or ``window`` for
    ``targets=None``), or with ``batch_size`` a ``DataLoader`` over it (Keras's
    default batch is 128; here None returns the dataset).

    Raises:
        ArgumentError: sizes, strides or indices outside their ranges (Keras's checks, named).
        ShapeError: ``targets`` shorter than ``data``.
    """
    array = np.asarray(data)
    length = check_int(_WHERE, "sequence_length", sequence_length, low=1, example="sequence_length=10")
    stride = check_int(_WHERE, "sequence_stride", sequence_stride, low=1, example="sequence_stride=1")
    rate = check_int(_WHERE, "sampling_rate", sampling_rate, low=1, example="sampling_rate=1")
    batch = check_int(_WHERE, "batch_size", batch_size, low=1, or_none=True, example="batch_size=128")
    shuffle = check_bool(_WHERE, "shuffle", shuffle)
    if array.ndim == 0:
        raise ShapeError(f"{_WHERE}: data is a scalar; pass an array of shape (timesteps, ...)")
    n = len(array)
    for name, value in (("sequence_stride", stride), ("sampling_rate", rate)):
        if value >= n:
            raise ArgumentError(f"{_WHERE}({name}={value}): must be below the data's length {n}; use a smaller one")
    start = check_int(_WHERE, "start_index", start_index, low=0, or_none=True, example="start_index=0") or 0
    end = check_int(_WHERE, "end_index", end_index, low=1, or_none=True, example="end_index=1000")
    if start >= n or (end is not None and (end >= n or end <= start)):
        raise ArgumentError(
            f"{_WHERE}(start_index={start_index}, end_index={end_index}): need 0 <= start_index < end_index < "
            f"{n} (the data's length); pass indices inside the data"
        )
    end = n if end is None else end
    count = end - start - (length - 1) * rate
    target_array = None
    if targets is not None:
        target_array = np.asarray(targets)
        if target_array.ndim == 0:
            raise ShapeError(f"{_WHERE}: targets is a scalar; pass one target per timestep, shape (timesteps, ...)")
        count = min(count, len(target_array))
    if count <= 0:
        raise ArgumentError(
            f"{_WHERE}(sequence_length={length}, sampling_rate={rate}): a window spans "
            f"{(length - 1) * rate + 1} steps, more than the {end - start} between start_index and end_index; "
            "use shorter windows or more data"
        )
    starts = np.arange(0, count, stride, dtype="int64")
    if shuffle:
        seed = seeding.current_seed() if seed is None else check_int(_WHERE, "seed", seed, low=0, example="seed=0")
        np.random.RandomState(seed).shuffle(starts)
    sliced = None if target_array is None else target_array[start:end]
    dataset = TimeseriesDataset(array[start:end], sliced, starts, length, rate)
    return dataset if batch is None else batched(dataset, batch, shuffle, seed)
