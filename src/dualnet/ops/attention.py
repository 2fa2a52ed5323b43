"""``dot_product_attention``: Keras 3's op on ``(B, T, H, D)`` tensors.

``query`` is (B, T, H, D), ``key`` and ``value`` (B, S, K, D) with ``H`` a
multiple of ``K`` (grouped-query attention: query head ``h`` reads key/value
head ``h // (H // K)``). ``bias`` (added to the logits) and ``mask`` (True:
attend) broadcast to (B, H, T, S). ``is_causal`` keeps key ``s <= t`` for query
``t`` (top-left aligned, like Keras and torch). Masked logits are set to
``-0.7`` times the dtype's max rather than ``-inf``, as Keras does: a row with
nothing to attend to averages every value instead of giving NaN (torch's
``scaled_dot_product_attention`` with a boolean mask gives NaN there; we
follow Keras).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_float
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError

__all__ = ["dot_product_attention"]

Tensor = Any


def _known(shape: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(1 if s is None else s for s in shape)


def _check_broadcast(name: str, tensor: Tensor, target: tuple[Any, ...]) -> None:
    shape = tuple(B.shape(tensor))
    try:
        fits = len(shape) <= 4 and np.broadcast_shapes(_known(shape), _known(target)) == _known(target)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(
            f"dot_product_attention: {name} of shape {shape} does not broadcast to (B, H, T, S) = {target}; "
            f"pass a {name} of shape (B, H, T, S), (B, 1, T, S) or (T, S)"
        )


def dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    bias: Any = None,
    mask: Any = None,
    scale: float | None = None,
    is_causal: bool = False,
) -> Tensor:
    """``softmax(query key^T * scale + bias, masked) value``: (B, T, H, D) out, ``query``'s shape.

    ``scale`` defaults to ``1 / sqrt(D)``. The softmax runs in at least
    float32. On torch this is ``torch.nn.functional.scaled_dot_product_attention``
    (its fused kernels where the inputs allow); on TensorFlow two einsums
    around the softmax, which XLA fuses under ``jit=True``.

    Raises:
        ShapeError: the shapes do not fit as described above (ranks, batch, D, heads), or ``bias`` / ``mask``
            does not broadcast to (B, H, T, S).
        ArgumentError: ``scale`` is not a finite number, or ``is_causal`` not a bool.
    """
    is_causal = check_bool("dot_product_attention", "is_causal", is_causal)
    if scale is not None:
        scale = check_float("dot_product_attention", "scale", scale, example="scale=0.125")
    query, key, value = (B.convert_to_tensor(t) for t in (query, key, value))
    q, k, v = (tuple(B.shape(t)) for t in (query, key, value))

    def differ(a: Any, b: Any) -> bool:
        return a is not None and b is not None and a != b

    bad = len(q) != 4 or len(k) != 4 or len(v) != 4
    bad = bad or differ(q[0], k[0]) or differ(k[0], v[0]) or differ(k[1], v[1]) or differ(k[2], v[2])
    bad = bad or differ(q[3], k[3]) or (None not in (q[2], k[2]) and q[2] % k[2] != 0)
    if bad:
        raise ShapeError(
            f"dot_product_attention: expects query (B, T, H, D) and key, value (B, S, K, D) with H a multiple of "
            f"K, got query {q}, key {k} and value {v}; split the heads out as (B, T, heads, head_dim)"
        )
    target = (q[0], q[2], q[1], k[1])
    if bias is not None:
        bias = B.convert_to_tensor(bias)
        _check_broadcast("bias", bias, target)
    if mask is not None:
        mask = B.convert_to_tensor(mask)
        _check_broadcast("mask", mask, target)
    return B.dot_product_attention(query, key, value, bias, mask, scale, is_causal)
