"""Whole-sequence LSTM and GRU with Keras weight layouts and gate orders; inputs are batch-first ``(N, T, F)``."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class RNNAPI(Protocol):
    """Fused recurrent loops; ``mask`` (N, T) bool skips steps (state carried, output zeros)."""

    def lstm(
        self,
        x: ArrayLike,
        kernel: ArrayLike,
        recurrent_kernel: ArrayLike,
        bias: ArrayLike | None = None,
        h0: ArrayLike | None = None,
        c0: ArrayLike | None = None,
        mask: ArrayLike | None = None,
    ) -> tuple[Tensor, Tensor, Tensor]:
        """``(outputs (N, T, H), h (N, H), c (N, H))``; kernel (F, 4H), recurrent (H, 4H), bias (4H,), gates i f c o."""

    def gru(
        self,
        x: ArrayLike,
        kernel: ArrayLike,
        recurrent_kernel: ArrayLike,
        bias: ArrayLike | None = None,
        h0: ArrayLike | None = None,
        mask: ArrayLike | None = None,
        reset_after: bool = True,
    ) -> tuple[Tensor, Tensor]:
        """``(outputs (N, T, H), h (N, H))``; kernel (F, 3H), recurrent (H, 3H), bias (2, 3H) or (3H,), gates z r h."""
