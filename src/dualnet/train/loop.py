"""The data side of the loops: fit's arguments as batch iterables, and epochs of batches with a look-ahead.

:class:`Epochs` yields ``(index, batch, last)`` for each epoch: ``last`` is known
one batch ahead, so gradient accumulation can step on an epoch's final batch
even when the data does not say its length. With ``steps_per_epoch`` the same
iterator carries on across epochs (an endless generator never restarts); when
it runs out, the epoch ends there and the next one starts a new pass.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_float, check_int, is_integer, is_number
from dualnet.data import adapt, num_batches, split
from dualnet.errors import ArgumentError, ShapeError

__all__: list[str] = []

_END = object()


class Epochs:
    """Batches of ``loader`` epoch by epoch, ``steps`` per epoch (None: one full pass each)."""

    def __init__(self, loader: Any, steps: int | None, what: str = "fit") -> None:
        self.loader, self.steps, self.what = loader, steps, what
        self.length = num_batches(loader)
        self._iterator: Iterator[Any] | None = None
        self._seen = False  # whether any batch ever came: no batch at all is an empty dataset

    @property
    def steps_per_epoch(self) -> int | None:
        """Batches each epoch will have, when known."""
        if self.steps is not None:
            return self.steps if self.length is None else min(self.steps, self.length)
        return self.length

    def _restart(self, epoch: int) -> None:
        set_epoch = getattr(self.loader, "set_epoch", None)
        if callable(set_epoch):
            set_epoch(epoch)
        self._iterator = iter(self.loader)

    def _next(self) -> Any:
        assert self._iterator is not None
        return next(self._iterator, _END)

    def epoch(self, epoch: int) -> Iterator[tuple[int, Any, bool]]:
        """``(index within the epoch, batch, is the epoch's last batch)`` for epoch ``epoch``."""
        fresh = self._iterator is None or self.steps is None
        if fresh:
            self._restart(epoch)
        current = self._next()
        if current is _END and not fresh:  # the carried-on iterator ran out at an epoch boundary: a new pass
            self._restart(epoch)
            fresh = True
            current = self._next()
        if current is _END:
            raise ArgumentError(self._empty_message(epoch))
        self._seen = True
        index = 0
        while True:
            at_limit = self.steps is not None and index + 1 >= self.steps
            following = _END if at_limit else self._next()
            last = at_limit or following is _END
            yield index, current, last
            if last:
                break
            current, index = following, index + 1
        if not at_limit:
            self._iterator = None  # this pass is over; the next epoch starts another
            if self.steps is not None and index + 1 < self.steps:
                warnings.warn(
                    f"{self.what}: the data ran out after {index + 1} of steps_per_epoch={self.steps} batches in "
                    f"epoch {epoch + 1}; the epoch ends early. Lower steps_per_epoch or give more (or endless) data",
                    stacklevel=3,
                )

    def _empty_message(self, epoch: int) -> str:
        if not self._seen:
            return (
                f"{self.what}: the data gave no batches (an empty dataset); pass at least one sample, "
                "or a generator that yields batches"
            )
        return (
            f"{self.what}: the data gave no batches in epoch {epoch + 1}: a generator is used up after one pass; "
            "pass an endless generator with steps_per_epoch=..., or arrays / a DataLoader, which restart each epoch"
        )


def fit_data(x: Any, y: Any, sample_weight: Any, class_weight: Any) -> Any:
    """The training data as one structure: ``(x, y[, sample_weight])`` for arrays, ``x`` itself for loaders."""
    if y is None:
        if sample_weight is not None or class_weight is not None:
            raise ArgumentError(
                "fit(sample_weight=..., class_weight=...): these need arrays x and y; with a data loader or "
                "generator, yield (x, y, sample_weight) batches instead"
            )
        return x
    if class_weight is not None:
        sample_weight = _with_class_weight(y, sample_weight, class_weight)
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def _with_class_weight(y: Any, sample_weight: Any, class_weight: Any) -> np.ndarray:
    if not isinstance(class_weight, dict) or not class_weight:
        raise ArgumentError(
            f"fit(class_weight={class_weight!r}): expected a dict {{class id: weight}}, e.g. {{0: 1.0, 1: 5.0}}"
        )
    if not isinstance(y, np.ndarray):
        raise ArgumentError(
            "fit(class_weight=...): needs y as one NumPy array of class ids or one-hot rows; for several "
            "outputs give sample_weight=... instead"
        )
    one_hot = y.ndim == 2 and y.shape[1] > 1
    weights_of = _class_weights(class_weight, y.shape[1] if one_hot else None)
    ids = _class_ids_of(y.argmax(-1) if one_hot else y.reshape(len(y), -1)[:, 0])
    # A lookup by sorted keys, not a dense table indexed by class id: {10**9: 1.0} would allocate 4 GB.
    keys = np.array(sorted(weights_of), np.int64)
    values = np.array([weights_of[int(k)] for k in keys], np.float32)
    at = np.minimum(np.searchsorted(keys, ids), len(keys) - 1)
    weights: np.ndarray = np.where(keys[at] == ids, values[at], np.float32(1.0)).astype(np.float32)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, np.float32)
        if sample_weight.shape[:1] != weights.shape:
            raise ShapeError(
                f"sample_weight has {sample_weight.shape[:1]} samples but y has {weights.shape[0]}; give one "
                "weight per sample"
            )
        weights = weights * sample_weight.reshape(len(weights), *([1] * (sample_weight.ndim - 1)))
    return weights


def _class_weights(class_weight: dict[Any, Any], classes: int | None) -> dict[int, float]:
    """``class_weight`` checked: int keys (NumPy's too) in ``[0, classes)``, finite weights >= 0."""
    bound = f"in [0, {classes}) (y has {classes} classes)" if classes is not None else ">= 0"
    checked: dict[int, float] = {}
    for key, weight in class_weight.items():
        if not is_integer(key) or key < 0 or (classes is not None and key >= classes):
            raise ArgumentError(
                f"fit(class_weight=...): the key {key!r} is not a class id; keys must be ints {bound}, "
                "e.g. class_weight={0: 1.0, 1: 5.0}"
            )
        if not is_number(weight) or not math.isfinite(weight) or weight < 0:
            raise ArgumentError(
                f"fit(class_weight=...): the weight of class {key!r} is {weight!r}; weights must be finite "
                "numbers >= 0, e.g. class_weight={0: 1.0, 1: 5.0}"
            )
        checked[int(key)] = float(weight)
    return checked


def _class_ids_of(labels: np.ndarray) -> np.ndarray:
    """``labels`` as int64 class ids for the class_weight table; fractional, non-finite or negative ids refused."""
    if labels.dtype.kind == "f":
        bad = ~np.isfinite(labels) | (labels != np.floor(labels))
        if bad.any():
            raise ArgumentError(
                f"fit(class_weight=...): y holds the label {float(labels[bad][0]):g}, which is not a class id; "
                "class_weight needs integer class ids (cast y to int, e.g. y.astype('int64')) or one-hot rows"
            )
    elif labels.dtype.kind not in "iub":
        raise ArgumentError(
            f"fit(class_weight=...): y has dtype {labels.dtype}, not class ids; pass integer class ids or one-hot rows"
        )
    ids = labels.astype(np.int64)
    if ids.size and ids.min() < 0:
        raise ArgumentError(
            f"fit(class_weight=...): y holds the class id {int(ids.min())}; class ids must be >= 0 "
            "(a negative id would weight the last class)"
        )
    return ids


def training_and_validation(
    data: Any, y_given: bool, validation_data: Any, validation_split: Any, batch_size: int | None, shuffle: bool
) -> tuple[Any, Any]:
    """``(train batches, validation batches or None)`` from fit's arguments (checked here, for every kind of data)."""
    batch_size = check_int("fit", "batch_size", batch_size, low=1, or_none=True, example="batch_size=32")
    shuffle = check_bool("fit", "shuffle", shuffle)
    validation_split = check_float(
        "fit", "validation_split", validation_split, low=0.0, high=1.0, high_open=True, or_none=True, example="0.2"
    )
    names: Any = ("x", "y", "sample_weight")[: len(data)] if y_given else "x"
    if validation_split not in (0, 0.0, None):
        if validation_data is not None:
            raise ArgumentError(
                "fit(validation_data=..., validation_split=...): give one of them, not both; validation_split "
                "holds out the last fraction of x and y"
            )
        data, held_out = split(data, validation_split, name=names)
        validation_data = held_out
    train = adapt(data, batch_size=batch_size, shuffle=shuffle, name=names)
    if validation_data is None:
        return train, None
    return train, validation_batches(validation_data, batch_size)


def validation_batches(data: Any, batch_size: int | None) -> Any:
    """``(x, y[, sample_weight])`` arrays, or a loader or generator of such batches, as batches (no shuffling)."""
    names: Any = "validation_data"
    if isinstance(data, tuple | list):
        if len(data) not in (2, 3):
            raise ArgumentError(
                f"fit(validation_data=...): expected (x_val, y_val) or (x_val, y_val, sample_weight_val), got a "
                f"{type(data).__name__} of {len(data)} items"
            )
        names = ("x_val", "y_val", "sample_weight_val")[: len(data)]
    return adapt(data, batch_size=batch_size, shuffle=False, name=names)
