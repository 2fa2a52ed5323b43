"""``adapt``: whatever a user passes as training data, as an iterable of batches of native tensors.

What is accepted:

- arrays: an array, or any nesting of tuples/lists/dicts of arrays -> a :class:`DataLoader`;
- a :class:`DataLoader` -> itself (its own batch size and shuffling win);
- a dataset (a :class:`Dataset`, any object with ``__getitem__`` and ``__len__``, or an
  :class:`IterableDataset`) -> a :class:`DataLoader` over it;
- the active framework's loader: a ``torch.utils.data.DataLoader`` on torch, a
  ``tf.data.Dataset`` on tensorflow, as it is (already batched; its own shuffling);
- a Python generator or any iterable of batches (each batch an array, native
  tensor, or a structure of them).

Every result has ``set_epoch(epoch)`` and ``__iter__``; ``len()`` gives batches per
epoch where known and raises TypeError otherwise (:func:`num_batches` returns None).
A generator is consumed once, across epochs: give an endless one and
``steps_per_epoch`` so that each epoch ends.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from dualnet import tree
from dualnet.backend.dispatch import B
from dualnet.data.convert import leaf_to_native
from dualnet.data.datasets import Dataset
from dualnet.data.iterable import IterableDataset
from dualnet.data.loader import DataLoader, check_batch_size
from dualnet.errors import ArgumentError

__all__ = ["Batches", "adapt", "num_batches"]

_FRAMEWORKS = ("torch", "tensorflow")
_NATIVE_LOADER = {"torch": "a torch.utils.data.DataLoader", "tensorflow": "a tf.data.Dataset"}


class Batches:
    """An iterable of user-made batches (a generator or a native loader), each leaf moved to the device.

    ``length`` is the batches per epoch, or None when unknown (then ``len()`` raises TypeError).

    Raises:
        ArgumentError: while iterating, a batch leaf that is not an array, a number or a native tensor.
    """

    def __init__(self, source: Iterable[Any], length: int | None, convert: bool, what: str) -> None:
        self._source = source
        self._length = length
        self._convert = convert
        self._what = what

    def __iter__(self) -> Iterator[Any]:
        # ``iter`` of a generator is the generator itself: each epoch continues where the last one stopped.
        for batch in self._source:
            yield tree.map_structure(_leaf_converter(self._what), batch) if self._convert else batch

    def __len__(self) -> int:
        if self._length is None:
            raise TypeError(f"the number of batches of {self._what} is unknown; pass steps_per_epoch")
        return self._length

    @property
    def source(self) -> Iterable[Any]:
        """What the batches come from: the generator, or the backend's wrapper of a native loader."""
        return self._source

    @property
    def length(self) -> int | None:
        """Batches per epoch, or None when the source does not say."""
        return self._length

    def set_epoch(self, epoch: int) -> None:
        """Tell the source which epoch starts (a torch ``DistributedSampler`` reshuffles); otherwise nothing."""
        hook = getattr(self._source, "set_epoch", None)
        if callable(hook):
            hook(epoch)

    def __repr__(self) -> str:
        return f"Batches({self._what}, length={self._length})"


def _native_loader() -> str:
    return _NATIVE_LOADER.get(B.name, f"the {B.name} backend's native loader")


def _leaf_converter(what: str) -> Any:
    return lambda leaf: leaf_to_native(leaf, f"a batch of {what}")


def adapt(
    data: Any,
    *,
    batch_size: int | None,
    shuffle: bool,
    seed: int | None = None,
    drop_last: bool = False,
    prefetch: int = 2,
    name: tree.Names = "data",
) -> DataLoader | Batches:
    """Training data of any accepted kind as an iterable of batches of native tensors.

    Arrays (shape ``(n, ...)`` each, any nesting of tuples/lists/dicts) become a
    :class:`DataLoader` with ``batch_size`` (None means 32), ``shuffle``, ``seed``,
    ``drop_last`` and ``prefetch``; those arguments do not apply to the other kinds,
    which come already batched. ``name`` names the data in error messages (``"x"``,
    or ``("x", "y")`` for a top-level tuple).

    Raises:
        ArgumentError: ``batch_size <= 0``, None or an unsupported object (a string, a
            set, ...), empty data, or the other framework's loader (convert it to NumPy
            or switch backend).
        ShapeError: arrays with different numbers of samples.
    """
    size = 32 if batch_size is None else check_batch_size("adapt", batch_size)
    label = name if isinstance(name, str) else "data"
    if isinstance(data, DataLoader | Batches):
        return data
    if _is_array_structure(data):
        return DataLoader(data, size, shuffle=shuffle, drop_last=drop_last, seed=seed, prefetch=prefetch, name=name)
    _refuse_foreign_framework(data, label)
    native = B.native_batches(data)
    if native is not None:
        return Batches(native, num_batches(native), convert=False, what=_native_loader())
    duck = hasattr(data, "__getitem__") and hasattr(data, "__len__") and not isinstance(data, str | bytes | bytearray)
    if isinstance(data, Dataset | IterableDataset) or duck:
        return DataLoader(
            data,
            size,
            shuffle=shuffle and not isinstance(data, IterableDataset),
            drop_last=drop_last,
            seed=seed,
            prefetch=prefetch,
        )
    if data is None or isinstance(data, str | bytes | bytearray | set | frozenset) or not isinstance(data, Iterable):
        raise ArgumentError(
            f"{label}: expected arrays (an array or a tuple/list/dict of arrays), a dn.data.DataLoader, "
            f"{_native_loader()} or a generator of batches, got {type(data).__name__}; convert it to NumPy"
        )
    what = "the generator" if isinstance(data, types.GeneratorType | Iterator) else f"the {type(data).__name__}"
    return Batches(data, num_batches(data), convert=True, what=what)


def num_batches(batches: Any) -> int | None:
    """Batches per epoch of an iterable from :func:`adapt`, or None when unknown."""
    try:
        return len(batches)
    except TypeError:
        return None


def _is_array_structure(data: Any) -> bool:
    """True for an array-like or a tuple/list/dict (a structure: its leaves are checked by DataLoader)."""
    return isinstance(data, np.ndarray | tuple | list | dict) or B.is_tensor(data) or hasattr(data, "__array__")


def _refuse_foreign_framework(data: Any, label: str) -> None:
    """The other framework's loader is an error: it is not imported and its tensors would not fit."""
    framework = type(data).__module__.split(".")[0]
    if framework not in _FRAMEWORKS or framework == B.name:
        return
    raise ArgumentError(
        f"{label}: got {type(data).__module__}.{type(data).__name__}, a {framework} object, but the active "
        f"backend is {B.name!r}; convert the data to NumPy arrays (or a generator of NumPy batches), "
        f"or switch backend with dn.set_backend({framework!r})"
    )
