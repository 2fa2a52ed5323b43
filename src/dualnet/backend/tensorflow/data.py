"""Native data loaders on tensorflow: elements of a ``tf.data.Dataset`` on the current device."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet.backend.placement import current_device
from dualnet.backend.tensorflow.core import convert_to_tensor, devices, native_device


def native_batches(obj: Any) -> TensorFlowBatches | None:
    """An iterable over a ``tf.data.Dataset``'s elements on the current device; None for other objects."""
    if isinstance(obj, tf.data.Dataset):
        return TensorFlowBatches(obj)
    return None


class TensorFlowBatches:
    """The dataset's elements (any nesting of tuples/lists/dicts of tensors) on the current device."""

    def __init__(self, dataset: tf.data.Dataset) -> None:
        self.dataset = dataset

    def __iter__(self) -> Iterator[Any]:
        # With only a CPU there is nowhere to move to; otherwise copy onto the device read at iteration start.
        device = None if len(devices()) == 1 else native_device(current_device())
        for element in self.dataset:
            yield element if device is None else _place(element, device)

    def __len__(self) -> int:
        cardinality = int(self.dataset.cardinality())
        if cardinality < 0:  # tf.data.INFINITE_CARDINALITY or UNKNOWN_CARDINALITY
            raise TypeError("the tf.data.Dataset does not know its number of batches")
        return cardinality

    def set_epoch(self, epoch: int) -> None:
        """Nothing to do: a dataset reshuffles on each pass by itself (``shuffle(reshuffle_each_iteration)``)."""


def _place(element: Any, device: str) -> Any:
    if isinstance(element, tf.Tensor):
        here, there = tf.DeviceSpec.from_string(element.device or "/CPU:0"), tf.DeviceSpec.from_string(device)
        if (here.device_type, here.device_index or 0) == (there.device_type, there.device_index or 0):
            return element
        with tf.device(device):
            return tf.identity(element)
    if isinstance(element, dict):
        return type(element)((k, _place(v, device)) for k, v in element.items())
    if isinstance(element, tuple) and hasattr(element, "_fields"):
        return type(element)(*(_place(v, device) for v in element))
    if isinstance(element, tuple | list):
        return type(element)(_place(v, device) for v in element)
    if isinstance(element, np.ndarray | np.generic | int | float | bool):
        with tf.device(device):
            return convert_to_tensor(element)
    return element  # ragged/sparse tensors and other objects stay as the dataset made them
