"""CTC decoding: greedy and beam search, Keras's arguments and outputs."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class DecodingAPI(Protocol):
    """``keras.ops.ctc_decode``."""

    def ctc_decode(
        self,
        inputs: ArrayLike,
        sequence_lengths: ArrayLike,
        strategy: str = "greedy",
        beam_width: int = 100,
        top_paths: int = 1,
        merge_repeated: bool = True,
        mask_index: int = 0,
    ) -> tuple[Tensor, Tensor]:
        """(N, T, C) -> int32 paths (top_paths, N, T) padded with -1, and float scores (N, top_paths)."""
