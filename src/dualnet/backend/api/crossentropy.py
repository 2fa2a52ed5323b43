"""Keras's cross-entropy ops, ``target`` first: probabilities clipped to ``[1e-7, 1 - 1e-7]`` unless ``from_logits``.

No reduction: the binary form is elementwise, the categorical forms give one
value per example (``output``'s shape less ``axis``).
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class CrossentropyAPI(Protocol):
    """``keras.ops.binary_crossentropy``, ``categorical_crossentropy`` and ``sparse_categorical_crossentropy``."""

    def binary_crossentropy(self, target: ArrayLike, output: ArrayLike, from_logits: bool = False) -> Tensor:
        """``-(t log p + (1 - t) log(1 - p))`` elementwise; ``target`` and ``output`` of one shape, same shape out."""

    def categorical_crossentropy(
        self, target: ArrayLike, output: ArrayLike, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        """``-sum(t log p, axis)`` (``p`` renormalised, then clipped): ``output``'s shape less ``axis``."""

    def sparse_categorical_crossentropy(
        self, target: ArrayLike, output: ArrayLike, from_logits: bool = False, axis: int = -1
    ) -> Tensor:
        """``-log p[target]`` for int ids ``target`` of ``output``'s shape less ``axis``; that shape out."""
