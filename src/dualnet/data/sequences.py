"""``pad_sequences`` and ``to_categorical``: Keras's NumPy utilities for ragged sequences and class labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import check_choice, check_int
from dualnet.errors import ArgumentError, ShapeError

__all__ = ["pad_sequences", "to_categorical"]


def pad_sequences(
    sequences: Sequence[Any],
    maxlen: int | None = None,
    dtype: str = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """Sequences of different lengths as one ``(num_samples, maxlen, *item_shape)`` array (Keras's rules).

    ``maxlen`` defaults to the longest sequence; longer ones lose their start
    (``truncating="pre"``) or end (``"post"``); shorter ones get ``value`` before
    (``padding="pre"``, Keras's default) or after (``"post"``). Items may be
    arrays (every one of the same shape). Strings need ``dtype=object`` or a
    string dtype.

    Raises:
        ArgumentError: ``sequences`` that are not a list of sequences, a bad ``padding``/``truncating``,
            a string ``value`` with a numeric ``dtype``.
        ShapeError: items of different shapes (names the sequence).
    """
    where = "pad_sequences"
    if not hasattr(sequences, "__len__") or isinstance(sequences, str | bytes):
        raise ArgumentError(f"{where}: expected a list of sequences, got {type(sequences).__name__}")
    padding = check_choice(where, "padding", padding, ("pre", "post"))
    truncating = check_choice(where, "truncating", truncating, ("pre", "post"))
    maxlen = check_int(where, "maxlen", maxlen, low=0, or_none=True, example="maxlen=100")
    lengths, item_shape = [], None
    for index, seq in enumerate(sequences):
        if not hasattr(seq, "__len__"):
            raise ArgumentError(
                f"{where}: sequence {index} is {type(seq).__name__}, not a sequence; pass a list of lists or arrays"
            )
        lengths.append(len(seq))
        if item_shape is None and len(seq):
            item_shape = np.asarray(seq).shape[1:]
    item_shape = item_shape or ()
    target = max(lengths, default=0) if maxlen is None else maxlen
    text = np.issubdtype(np.dtype(dtype), np.str_) or np.issubdtype(np.dtype(dtype), np.bytes_)
    if isinstance(value, str) and np.dtype(dtype) != object and not text:
        raise ArgumentError(
            f"{where}(value={value!r}, dtype={dtype!r}): a string padding value needs dtype=object or a string dtype"
        )
    out = np.full((len(sequences), target, *item_shape), value, dtype=dtype)
    for index, seq in enumerate(sequences):
        if not len(seq) or not target:
            continue
        kept = np.asarray(seq[-target:] if truncating == "pre" else seq[:target], dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ShapeError(
                f"{where}: sequence {index} has items of shape {kept.shape[1:]}, the first non-empty one "
                f"{item_shape}; give every item the same shape"
            )
        if padding == "post":
            out[index, : len(kept)] = kept
        else:
            out[index, -len(kept) :] = kept
    return out


def to_categorical(x: Any, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """Class indices ``(...)`` (or ``(..., 1)``) as one-hot rows ``(..., num_classes)`` (Keras's rules).

    ``num_classes`` defaults to ``max(x) + 1``. Keras returns float64; the
    default here is float32 (pass ``dtype="float64"`` for Keras's exact dtype).

    Raises:
        ArgumentError: indices that are not integers, negative, or not below ``num_classes``.
    """
    where = "to_categorical"
    labels = np.asarray(x)
    if labels.dtype.kind not in "iub" and not (labels.dtype.kind == "f" and np.all(labels == np.round(labels))):
        raise ArgumentError(f"{where}: expected integer class indices, got dtype {labels.dtype}")
    labels = labels.astype("int64")
    shape = labels.shape[:-1] if labels.ndim > 1 and labels.shape[-1] == 1 else labels.shape
    flat = labels.reshape(-1)
    classes = check_int(where, "num_classes", num_classes, low=1, or_none=True, example="num_classes=10")
    if classes is None:
        classes = int(flat.max()) + 1 if flat.size else 0
    bad = flat[(flat < 0) | (flat >= classes)]
    if bad.size:
        raise ArgumentError(
            f"{where}: class index {int(bad[0])} is outside [0, {classes}); "
            "pass num_classes above the largest index, and indices >= 0"
        )
    out = np.zeros((flat.size, classes), dtype=dtype)
    out[np.arange(flat.size), flat] = 1
    return out.reshape(*shape, classes)
