"""Scaled dot-product attention on ``(B, T, H, D)`` tensors, Keras's layout and masking."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class AttentionAPI(Protocol):
    """``keras.ops.dot_product_attention``."""

    def dot_product_attention(
        self,
        query: ArrayLike,
        key: ArrayLike,
        value: ArrayLike,
        bias: ArrayLike | None = None,
        mask: ArrayLike | None = None,
        scale: float | None = None,
        is_causal: bool = False,
    ) -> Tensor:
        """``softmax(q k^T * scale + bias, masked) v``: q (B, T, H, D), k and v (B, S, K, D) -> (B, T, H, D)."""
