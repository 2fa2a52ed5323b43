"""PyTorch's attention masks for the Transformer layers: ``attn_mask`` on a :class:`MultiHeadAttention`'s weights.

``MultiHeadAttention`` takes ``key_padding_mask`` and ``causal``; PyTorch's
Transformer layers also take a mask per (query, key) pair (``src_mask``,
``tgt_mask``, ``memory_mask``): ``(T, S)`` or ``(N * num_heads, T, S)``,
bool (True: not attended) or float (added to the scores). :func:`attend`
runs the attention's own call when no such mask is given, and otherwise the
same computation on the attention's weights with the mask applied.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import DTypeError, ShapeError
from dualnet.nn.attention import MultiHeadAttention, large_negative
from dualnet.nn.module import Module

__all__: list[str] = []  # helpers of the Transformer layers, not public


def square_subsequent_mask(size: int) -> np.ndarray:
    """``(size, size)`` bool, True above the diagonal: position i may not attend to positions after i."""
    return np.triu(np.ones((size, size), bool), 1)


def attend(
    owner: Module,
    attn: MultiHeadAttention,
    query: Any,
    source: Any,
    *,
    mask: Any,
    mask_name: str,
    key_padding_mask: Any,
    causal: bool,
) -> Any:
    """``attn(query, source)`` with PyTorch's masks; ``owner`` and ``mask_name`` name the layer and mask in errors.

    ``mask``: ``(T, S)`` or ``(N * num_heads, T, S)``, bool (True: not
    attended) or float (added to the scores), or None; ``key_padding_mask``
    ``(N, S)`` bool, True at padding; ``causal``: query i attends to keys 0..i.
    """
    if mask is None:  # the attention checks its own key_padding_mask
        return attn(query, source, key_padding_mask=key_padding_mask, causal=causal)
    if not attn.built:
        attn(query[:, :1], source[:, :1])  # creates its weights, sized by the feature axes only
    t, s = B.shape(query)[1], B.shape(source)[1]
    keep = None
    scores_mask = _canonical(owner, attn, mask_name, mask, query, source)
    if B.dtype(scores_mask) == "bool":
        keep, add = B.logical_not(scores_mask), None
    else:
        add = scores_mask
    if key_padding_mask is not None:
        _check_padding(attn, query, source, key_padding_mask)
        padded = B.expand_dims(B.logical_not(B.cast(key_padding_mask, "bool")), (1, 2))  # (N, 1, 1, S)
        keep = padded if keep is None else B.logical_and(keep, padded)
    if causal:
        lower = B.convert_to_tensor(np.tril(np.ones((int(t), int(s)), bool)))
        keep = lower if keep is None else B.logical_and(keep, lower)
    return _masked(attn, query, source, keep, add)


def _project(attn: MultiHeadAttention, x: Any, name: str, subscripts: str) -> Any:
    y = B.einsum(subscripts, x, getattr(attn, f"{name}_kernel"))
    return B.add(y, getattr(attn, f"{name}_bias")) if attn.use_bias else y


def _masked(attn: MultiHeadAttention, query: Any, source: Any, keep: Any, add: Any) -> Any:
    """MultiHeadAttention's computation (same order of operations), with an additive mask and keep flags."""
    q = _project(attn, query, "query", "ntd,dhk->nthk")
    k = _project(attn, source, "key", "nsd,dhk->nshk")
    v = _project(attn, source, "value", "nsd,dhv->nshv")
    q = B.multiply(q, 1.0 / math.sqrt(attn.key_dim))
    scores = B.einsum("nthk,nshk->nhts", q, k)
    if add is not None:
        scores = B.add(scores, B.cast(add, B.dtype(scores)))
    if keep is not None:
        scores = B.where(keep, scores, large_negative(B.dtype(scores)))
    weights = B.softmax(scores, -1)
    dropped = B.dropout(weights, attn.dropout, attn.training) if attn.dropout > 0.0 else weights
    context = B.einsum("nhts,nshv->nthv", dropped, v)
    return _project(attn, context, "output", "nthv,hvo->nto")


def _canonical(owner: Module, attn: MultiHeadAttention, name: str, mask: Any, query: Any, source: Any) -> Any:
    """``mask`` as a tensor broadcasting to the scores (N, H, T, S), after checking its shape and dtype."""
    mask = B.convert_to_tensor(mask)
    n, t = B.shape(query)[0], B.shape(query)[1]
    s = B.shape(source)[1]
    heads = attn.num_heads
    shape = tuple(B.shape(mask))
    dtype = B.dtype(mask)
    if dtype != "bool" and not is_float(dtype):
        raise DTypeError(
            f"{owner._where()} expects a bool or floating-point {name}, got {dtype}; pass True where attention "
            "is not allowed, or a float mask added to the scores (0 or -inf)"
        )
    flat = None if n is None else n * heads
    if len(shape) == 2 and _fits(shape, (t, s)):
        return B.reshape(mask, (1, 1, shape[0], shape[1]))
    if len(shape) == 3 and _fits(shape, (flat, t, s)):
        return B.reshape(mask, (-1, heads, shape[1], shape[2]))  # PyTorch's row b * num_heads + h
    raise ShapeError(
        f"{owner._where()} expects {name} of shape (T, S) = {(t, s)} or (N * num_heads, T, S) = {(flat, t, s)}, "
        f"got {shape}; pass one flag per (query, key) position pair, e.g. "
        "dn.nn.Transformer.generate_square_subsequent_mask(T) for a causal mask"
    )


def _check_padding(attn: MultiHeadAttention, query: Any, source: Any, mask: Any) -> None:
    """The checks of MultiHeadAttention's own call, for the masked path that bypasses it."""
    shape, want = tuple(B.shape(mask)), (B.shape(query)[0], B.shape(source)[1])
    if len(shape) != 2 or not _fits(shape, want):
        raise ShapeError(
            f"{attn._where()} expects key_padding_mask of shape (N, S) = {want}, got {shape}; "
            "pass one bool per key position, True at padding"
        )
    if is_float(B.dtype(mask)):
        raise DTypeError(
            f"{attn._where()} expects a bool key_padding_mask, got {B.dtype(mask)}; pass e.g. ids == pad_id"
        )


def _fits(shape: tuple[Any, ...], want: tuple[Any, ...]) -> bool:
    return all(g is None or w is None or g == w for g, w in zip(shape, want, strict=True))
