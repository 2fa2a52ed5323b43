"""dot_product_attention on both backends: NumPy, keras.ops and torch's scaled_dot_product_attention agree.

Covers grouped key/value heads, bias, boolean masks (broadcast), is_causal
alone and with a mask, a custom scale, a fully masked row (Keras's uniform
attention, not NaN), gradients in float64, and compiled runs (XLA and
torch.compile).
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import dualnet as dn
from tests.helpers import assert_matches_numpy
from tests.ops.nn_reference import check_grads, rand

Q, K, V = rand(2, 5, 4, 8), rand(2, 6, 2, 8, seed=1), rand(2, 6, 2, 8, seed=2)
MASK = np.random.default_rng(3).uniform(size=(2, 1, 5, 6)) > 0.3
BIAS = rand(1, 4, 5, 6, seed=4)


def _attention(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    bias: Any = None,
    mask: Any = None,
    scale: Any = None,
    causal: bool = False,
) -> np.ndarray:
    groups = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, groups, axis=2), np.repeat(v, groups, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, k) * (1 / np.sqrt(q.shape[-1]) if scale is None else scale)
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool) if mask is None else np.broadcast_to(mask, logits.shape)
    if causal:
        keep = keep & np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -0.7 * np.finfo(logits.dtype).max)
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", probs, v)


def _torch(q: np.ndarray, k: np.ndarray, v: np.ndarray, **kw: Any) -> np.ndarray:
    args = [torch.from_numpy(t).transpose(1, 2) for t in (q, k, v)]
    return F.scaled_dot_product_attention(*args, enable_gqa=True, **kw).transpose(1, 2).numpy()


CASES: list[dict[str, Any]] = [
    {},
    {"is_causal": True},
    {"mask": MASK},
    {"bias": BIAS},
    {"bias": BIAS, "mask": MASK, "is_causal": True},
    {"scale": 0.3},
]


@pytest.mark.parametrize("kwargs", CASES, ids=lambda kw: "-".join(kw) or "plain")
def test_matches_numpy_keras_and_torch(backend: str, kwargs: dict[str, Any]) -> None:
    got = dn.ops.dot_product_attention(Q, K, V, **kwargs)
    causal = kwargs.get("is_causal", False)
    ref = _attention(
        *(t.astype(np.float64) for t in (Q, K, V)), kwargs.get("bias"), kwargs.get("mask"), kwargs.get("scale"), causal
    )
    assert_matches_numpy(got, ref.astype(np.float32), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        dn.ops.to_numpy(got), keras.ops.dot_product_attention(Q, K, V, **kwargs), rtol=1e-5, atol=1e-6
    )
    if "bias" not in kwargs:  # torch's mask is boolean or additive, one of them
        mask = None if "mask" not in kwargs else torch.from_numpy(MASK)
        expected = _torch(Q, K, V, attn_mask=mask, is_causal=causal and mask is None, scale=kwargs.get("scale"))
        if not (causal and mask is not None):
            np.testing.assert_allclose(dn.ops.to_numpy(got), expected, rtol=1e-5, atol=1e-6)


def test_fully_masked_row_attends_uniformly_as_in_keras(backend: str) -> None:
    mask = np.ones((5, 6), bool)
    mask[2] = False
    got = dn.ops.to_numpy(dn.ops.dot_product_attention(Q, K, V, mask=mask))
    np.testing.assert_allclose(got[:, 2], np.repeat(V.mean(1), 2, axis=1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got, keras.ops.dot_product_attention(Q, K, V, mask=mask), rtol=1e-5, atol=1e-6)


def test_gradient(backend: str) -> None:
    q, k, v = (t[:1, :3, :2, :4].astype(np.float64) for t in (rand(1, 3, 2, 4), K, V))
    bias = rand(1, 2, 3, 3, seed=7).astype(np.float64)
    k, v = k[:, :3, :1], v[:, :3, :1]

    def ours(*t: Any) -> Any:
        return dn.ops.reshape(dn.ops.dot_product_attention(*t, is_causal=True), (-1,))

    check_grads(ours, lambda *a: _attention(*a, causal=True).reshape(-1), [q, k, v, bias])


def test_xla_and_inductor(backend: str) -> None:
    """Attention and the adaptive pools inside dn.function, eager graph and jit=True (XLA / torch.compile)."""

    def head(q: Any, k: Any, v: Any) -> Any:
        y = dn.ops.dot_product_attention(q, k, v, mask=MASK, is_causal=True)  # (2, 5, 4, 8)
        return dn.ops.adaptive_average_pool(y, (3, 2)) + dn.ops.adaptive_max_pool(y, (3, 2))

    attended = _attention(Q, K, V, mask=MASK, causal=True).astype(np.float32)
    pooled = dn.ops.to_numpy(dn.ops.adaptive_average_pool(attended, (3, 2))) + dn.ops.to_numpy(
        dn.ops.adaptive_max_pool(attended, (3, 2))
    )
    inputs = [dn.ops.convert_to_tensor(t) for t in (Q, K, V)]
    for jit in (False, True):
        np.testing.assert_allclose(dn.ops.to_numpy(dn.function(head, jit=jit)(*inputs)), pooled, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: dn.ops.dot_product_attention(Q[0], K, V), r"expects query \(B, T, H, D\)"),
        (lambda: dn.ops.dot_product_attention(Q, K[..., :4], V), r"expects query \(B, T, H, D\)"),
        (lambda: dn.ops.dot_product_attention(Q[:, :, :3], K, V), r"H a multiple of K"),
        (
            lambda: dn.ops.dot_product_attention(Q, K, V, mask=np.ones((5, 5), bool)),
            r"dot_product_attention: mask of shape \(5, 5\) does not broadcast to \(B, H, T, S\) = \(2, 4, 5, 6\)",
        ),
        (
            lambda: dn.ops.dot_product_attention(Q, K, V, bias=np.ones((3, 4, 5, 6), np.float32)),
            r"dot_product_attention: bias of shape \(3, 4, 5, 6\) does not broadcast",
        ),
    ],
)
def test_bad_shapes(backend: str, call: Any, match: str) -> None:
    with pytest.raises(dn.ShapeError, match=match):
        call()


def test_bad_arguments(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"dot_product_attention\(is_causal=1\): is_causal must be True"):
        dn.ops.dot_product_attention(Q, K, V, is_causal=1)
    with pytest.raises(dn.ArgumentError, match=r"dot_product_attention\(scale='a'\): scale must be"):
        dn.ops.dot_product_attention(Q, K, V, scale="a")
