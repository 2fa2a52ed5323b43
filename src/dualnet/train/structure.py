"""Batches and model outputs as structures: unpacking ``(x, y, sample_weight)``, calling the model, naming outputs.

A model input ``x`` is a tensor (one argument), a tuple/list of tensors (passed
positionally: ``model(*x)``) or a dict (one argument, Keras-style). A model
output is a tensor, a tuple/list of them or a dict of them; targets ``y`` have
the same structure. Outputs are named for logs: a single output has no name,
tuple items are ``output_0``, ``output_1``..., dict items keep their key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ShapeError
from dualnet.tree import flatten, map_structure, unflatten

__all__ = ["unpack"]

Key = int | str | None  # where one output sits: None (single), an index (tuple), a key (dict)


def unpack(batch: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from a batch, Keras's rule: a tuple/list of 1 to 3 items is ``(x[, y[, sw]])``.

    Anything else (a tensor, a dict, a longer tuple) is ``x`` alone.
    """
    if isinstance(batch, tuple | list) and 1 <= len(batch) <= 3:
        items = list(batch) + [None] * (3 - len(batch))
        return items[0], items[1], items[2]
    return batch, None, None


def call_model(model: Any, x: Any) -> Any:
    """``model(*x)`` for a tuple/list of inputs, else ``model(x)`` (a tensor, or a dict as one argument)."""
    if isinstance(x, tuple | list):
        return model(*x)
    return model(x)


def cast_floats(data: Any, dtype: str) -> Any:
    """``data`` with every floating-point tensor leaf cast to ``dtype`` (integer leaves untouched)."""

    def cast(leaf: Any) -> Any:
        if B.is_tensor(leaf) and is_float(B.dtype(leaf)) and B.dtype(leaf) != dtype:
            return B.cast(leaf, dtype)
        return leaf

    return map_structure(cast, data)


def first_leaf(data: Any) -> Any:
    """The first tensor of a structure (the one whose leading size is the batch size)."""
    leaves, _, _ = flatten(data)
    if not leaves:
        raise ShapeError("batch: the batch holds no tensors; each batch must contain at least the inputs x")
    return leaves[0]


def batch_size(data: Any) -> int:
    """The number of samples in a batch: the leading size of its first tensor (read on the host, no sync)."""
    shape = tuple(B.shape(first_leaf(data)))
    if not shape or shape[0] is None:
        raise ShapeError(
            f"batch: the first tensor of the batch has shape {shape}; batches need a leading sample axis (N, ...)"
        )
    return int(shape[0])


def output_keys(y_pred: Any) -> list[Key]:
    """Where each output sits: ``[None]`` for one tensor, indices for a tuple/list, keys for a dict."""
    if isinstance(y_pred, dict):
        return list(y_pred)
    if isinstance(y_pred, tuple | list):
        return list(range(len(y_pred)))
    return [None]


def output_name(key: Key) -> str:
    """The prefix an output's logs carry: ``""`` for a single output, ``output_<i>`` or the dict key."""
    if key is None:
        return ""
    return f"output_{key}" if isinstance(key, int) else str(key)


def pick(data: Any, key: Key, what: str) -> Any:
    """The item of ``data`` (outputs or targets) at ``key``; ShapeError naming ``what`` if it has none."""
    if key is None:
        return data
    if isinstance(key, int):
        if not isinstance(data, tuple | list) or key >= len(data):
            got = f"a {type(data).__name__} of {len(data)}" if isinstance(data, tuple | list) else type(data).__name__
            raise ShapeError(
                f"{what}: the model returns a tuple of outputs, so {what} must be a tuple/list with one item per "
                f"output (item {key} is missing), got {got}; pass y=(y0, y1, ...) in the order of the outputs"
            )
        return data[key]
    if not isinstance(data, dict) or key not in data:
        have = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ShapeError(
            f"{what}: the model returns a dict of outputs, so {what} must be a dict with the key {key!r}, got {have}; "
            "pass y={'<output name>': array, ...} with the output names"
        )
    return data[key]


def describe(keys: Sequence[Key]) -> str:
    """The output structure in words, for error messages."""
    if keys == [None]:
        return "a single output"
    if all(isinstance(k, int) for k in keys):
        return f"a tuple of {len(keys)} outputs"
    return f"a dict of outputs with keys {[str(k) for k in keys]}"


def is_batch_source(data: Any) -> bool:
    """True for loaders and generators (their batches may be ``(x, y)`` tuples), False for arrays (inputs only)."""
    arrays = isinstance(data, np.ndarray | tuple | list | dict) or hasattr(data, "__array__")
    return not (arrays or B.is_tensor(data))


def to_numpy(data: Any) -> Any:
    """``data`` with every tensor leaf copied to a NumPy array."""
    return map_structure(B.to_numpy, data)


def concatenate(chunks: Sequence[Any]) -> Any:
    """Structures of arrays (one per batch) joined along the first axis into one structure."""
    flat = [flatten(chunk) for chunk in chunks]
    leaves = [np.concatenate([f[0][i] for f in flat]) for i in range(len(flat[0][0]))]
    return unflatten(flat[0][2], leaves)
