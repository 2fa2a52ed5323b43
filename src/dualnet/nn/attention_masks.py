"""The masks of the attention layers: checked against the scores they keep, merged into one bool tensor.

Every mask here says where attention is *allowed* (True: attend, Keras's
convention), except ``key_padding_mask``, which is PyTorch's (True: a padding
key, excluded). Scores have the shape ``(<batch>, H, <query axes>, <key axes>)``;
a Keras ``attention_mask`` lacks the heads axis (``(N, T, S)`` for sequences)
and gets it, and any other missing leading axis, inserted before the query
axes, as Keras does.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import DTypeError, ShapeError

__all__: list[str] = []  # helpers of the attention layers, not public


def _known(shape: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(1 if s is None else int(s) for s in shape)


def _check_bool(where: str, name: str, mask: Any, fix: str) -> None:
    dtype = B.dtype(mask)
    if is_float(dtype):
        raise DTypeError(f"{where} expects a bool {name}, got {dtype}; {fix}")


def expand_attention_mask(where: str, mask: Any, scores: tuple[Any, ...], attention_axes: int) -> Any:
    """A Keras ``attention_mask`` (True: attend) as a bool tensor of the scores' rank.

    Raises:
        ShapeError: the mask does not broadcast to the scores, heads axis aside.
        DTypeError: the mask is floating-point.
    """
    mask = B.convert_to_tensor(mask)
    _check_bool(where, "attention_mask", mask, "pass True where a query may attend to a key, e.g. ids != pad_id")
    shape = tuple(B.shape(mask))
    rank = len(scores)
    keras_shape = scores[: rank - 2 * attention_axes - 1] + scores[rank - 2 * attention_axes :]
    fits = len(shape) <= rank
    if fits:
        full = shape
        while len(full) < rank:  # Keras inserts the heads axis, and any other missing one, before the query axes
            cut = max(len(full) - 2 * attention_axes, 0)
            full = (*full[:cut], 1, *full[cut:])
        try:
            fits = np.broadcast_shapes(_known(full), _known(scores)) == _known(scores)
        except ValueError:
            fits = False
    if not fits:
        raise ShapeError(
            f"{where} got an attention_mask of shape {shape}, which does not broadcast to {keras_shape} "
            f"(batch, query positions, key positions) for scores of shape {scores}; pass a bool mask of shape "
            f"{keras_shape}, True where a query may attend to a key (or one that broadcasts to it, e.g. with 1 "
            "for the query axis)"
        )
    mask = B.cast(mask, "bool")
    for have in range(len(shape), rank):
        mask = B.expand_dims(mask, max(have - 2 * attention_axes, 0))
    return mask


def padding_keep(where: str, mask: Any, batch: Any, keys: tuple[Any, ...], scores_rank: int) -> Any:
    """PyTorch's ``key_padding_mask`` (N, *key axes), True at padding, as keep flags of the scores' rank.

    Raises:
        ShapeError: the mask is not (N, *key axes).
        DTypeError: the mask is floating-point.
    """
    got, want = tuple(B.shape(mask)), (batch, *keys)
    if len(got) != len(want) or any(g is not None and w is not None and g != w for g, w in zip(got, want)):
        shown = "(N, S)" if len(keys) == 1 else "(N, *key attention axes)"
        raise ShapeError(
            f"{where} expects key_padding_mask of shape {shown} = {want}, got {got}; "
            "pass one bool per key position, True at padding"
        )
    _check_bool(where, "key_padding_mask", mask, "pass e.g. ids == pad_id")
    keep = B.logical_not(B.cast(mask, "bool"))
    for _ in range(scores_rank - len(want)):
        keep = B.expand_dims(keep, 1)  # (N, S) -> (N, 1, ..., 1, S)
    return keep


@lru_cache(maxsize=32)
def _causal(t: int, s: int) -> np.ndarray:
    return np.tril(np.ones((t, s), bool))  # query i sees keys 0..i (top-left aligned, like Keras and torch)


def causal_keep(where: str, t: Any, s: Any) -> Any:
    """(T, S) bool: True at key ``j <= i`` for query ``i``.

    Raises:
        ShapeError: a length is unknown (traced with a dynamic sequence length).
    """
    if t is None or s is None:
        raise ShapeError(
            f"{where} needs static sequence lengths for a causal mask, got {t} and {s}; "
            "trace with fixed sequence lengths"
        )
    return B.convert_to_tensor(_causal(int(t), int(s)))


def merge_keep(*masks: Any) -> Any:
    """The logical and of the masks that are not None; None if all are."""
    keep = None
    for mask in masks:
        if mask is not None:
            keep = mask if keep is None else B.logical_and(keep, mask)
    return keep
