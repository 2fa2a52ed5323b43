"""``split``: hold out the last fraction of the samples, as Keras's ``validation_split`` does."""

from __future__ import annotations

import math
from typing import Any

from dualnet import tree
from dualnet.arguments import check_float
from dualnet.data import structure
from dualnet.data.convert import as_numpy
from dualnet.errors import ArgumentError

__all__ = ["split"]


def split(data: Any, fraction: float, *, name: tree.Names = "data") -> tuple[Any, Any]:
    """``(train, validation)``: the first samples and the last ``fraction`` of them, both shaped like ``data``.

    ``data`` is an array or any nesting of tuples/lists/dicts of arrays with one row
    per sample (shape ``(n, ...)``); the leaves come back as NumPy views of
    ``(n_train, ...)`` and ``(n - n_train, ...)`` rows, where
    ``n_train = ceil(n * (1 - fraction))`` (Keras's rule). Samples are not shuffled
    first: shuffle the data beforehand if it is ordered (e.g. sorted by class).

    Raises:
        ArgumentError: ``fraction`` outside (0, 1), data that is not arrays (a
            generator or a loader cannot be split: pass validation data instead),
            or a split leaving either side empty.
        ShapeError: arrays with different numbers of samples.
    """
    fraction = check_float(
        "split",
        "fraction",
        fraction,
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
        example="0.2 (strictly between 0 and 1) to hold out the last 20% of the samples",
    )
    if not tree.is_container(data) and not hasattr(data, "__array__"):
        raise ArgumentError(
            f"validation_split: needs NumPy arrays to split, got {type(data).__name__}; "
            "pass validation_data=... separately for generators and data loaders"
        )
    leaves, paths, treedef = tree.flatten(data, name)
    arrays = [as_numpy(leaf, path) for leaf, path in zip(leaves, paths)]
    n = structure.num_samples(arrays, paths)
    n_train = math.ceil(n * (1.0 - fraction))
    if n_train == 0 or n_train == n:
        raise ArgumentError(
            f"validation_split={fraction}: {n} samples split into {n_train} for training and {n - n_train} "
            "for validation; both need at least one sample: use more data or another fraction"
        )
    train = tree.unflatten(treedef, [a[:n_train] for a in arrays])
    validation = tree.unflatten(treedef, [a[n_train:] for a in arrays])
    return train, validation
