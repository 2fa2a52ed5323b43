"""Ops on integer class ids: ``in_top_k`` and ``multi_hot`` (Keras's names and defaults)."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, DTypeName, Tensor


class ClassesAPI(Protocol):
    """``keras.ops.in_top_k`` and ``keras.ops.multi_hot``."""

    def in_top_k(self, targets: ArrayLike, predictions: ArrayLike, k: int) -> Tensor:
        """Bool (N,): whether ``predictions[i, targets[i]]`` is among the ``k`` largest of row ``i`` of (N, C)."""

    def multi_hot(
        self,
        inputs: ArrayLike,
        num_classes: int | None = None,
        axis: int = -1,
        dtype: DTypeName | None = None,
        sparse: bool = False,
    ) -> Tensor:
        """Ids (N, L) (or (L,)) as (N, num_classes) (or (num_classes,)) with 1 at every id present."""
