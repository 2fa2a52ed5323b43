"""Neural-network math: activations, softmax, linear, dropout, embedding, normalisation, cross-entropy, CTC.

Activations keep ``x``'s shape (integers give float32, except ``relu`` and
``relu6``). Normalisations take ``scale``, ``offset`` (Keras's names) and
``epsilon`` by keyword only, in that order, on every backend:
``y = (x - mean) / sqrt(variance + epsilon) * scale + offset``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Axes, Tensor


class NNAPI(Protocol):
    """The ops of ``keras.ops.nn`` that layers, losses and optimizers are written on."""

    def relu(self, x: ArrayLike) -> Tensor:
        """``max(x, 0)``, same shape and dtype."""

    def relu6(self, x: ArrayLike) -> Tensor:
        """``min(max(x, 0), 6)``, same shape and dtype."""

    def leaky_relu(self, x: ArrayLike, negative_slope: float = 0.2) -> Tensor:
        """``x`` where ``x >= 0``, else ``negative_slope * x``; same shape."""

    def elu(self, x: ArrayLike, alpha: float = 1.0) -> Tensor:
        """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``; same shape."""

    def selu(self, x: ArrayLike) -> Tensor:
        """``scale * elu(x, alpha)`` with the self-normalising constants; same shape."""

    def gelu(self, x: ArrayLike, approximate: bool = False) -> Tensor:
        """``x * Phi(x)`` (exact, or the tanh approximation); same shape."""

    def silu(self, x: ArrayLike) -> Tensor:
        """``x * sigmoid(x)``; same shape."""

    def sigmoid(self, x: ArrayLike) -> Tensor:
        """``1 / (1 + exp(-x))``; same shape."""

    def hard_sigmoid(self, x: ArrayLike) -> Tensor:
        """``relu6(x + 3) / 6``; same shape."""

    def softplus(self, x: ArrayLike) -> Tensor:
        """``log(1 + exp(x))`` without overflow; same shape."""

    def softsign(self, x: ArrayLike) -> Tensor:
        """``x / (1 + |x|)``; same shape."""

    def log_sigmoid(self, x: ArrayLike) -> Tensor:
        """``log(sigmoid(x))``, stable; same shape."""

    def softmax(self, x: ArrayLike, axis: int | Sequence[int] = -1) -> Tensor:
        """``exp(x) / sum(exp(x), axis)``, stable; same shape."""

    def log_softmax(self, x: ArrayLike, axis: int | Sequence[int] = -1) -> Tensor:
        """``x - logsumexp(x, axis)``, stable; same shape."""

    def linear(self, x: ArrayLike, kernel: ArrayLike, bias: ArrayLike | None = None) -> Tensor:
        """``x @ kernel + bias``: ``x`` (..., in), ``kernel`` (in, out), ``bias`` (out,) -> (..., out)."""

    def dropout(self, x: ArrayLike, rate: float, training: bool = True, seed: int | None = None) -> Tensor:
        """``x`` (same shape) with elements zeroed with probability ``rate``, the kept ones scaled by ``1/(1-rate)``."""

    def embedding(self, table: ArrayLike, ids: ArrayLike) -> Tensor:
        """Rows of ``table`` (vocab, dim) at integer ``ids``: shape ``(*ids.shape, dim)``."""

    def moments(self, x: ArrayLike, axes: Axes, keepdims: bool = False) -> tuple[Tensor, Tensor]:
        """``(mean, variance)`` over ``axes`` (population variance), each ``x``'s shape less ``axes``."""

    def batch_norm(
        self,
        x: ArrayLike,
        mean: ArrayLike,
        variance: ArrayLike,
        *,
        scale: ArrayLike | None = None,
        offset: ArrayLike | None = None,
        epsilon: float = 1e-3,
    ) -> Tensor:
        """``(x - mean) / sqrt(variance + epsilon) * scale + offset``: ``x`` (N, ..., C), the rest (C,); same shape."""

    def layer_norm(
        self,
        x: ArrayLike,
        axis: int | Sequence[int] = -1,
        *,
        scale: ArrayLike | None = None,
        offset: ArrayLike | None = None,
        epsilon: float = 1e-5,
    ) -> Tensor:
        """``x`` normalised over ``axis``, then ``* scale + offset`` (of the normalised axes' shape); same shape."""

    def group_norm(
        self,
        x: ArrayLike,
        groups: int,
        *,
        scale: ArrayLike | None = None,
        offset: ArrayLike | None = None,
        epsilon: float = 1e-5,
    ) -> Tensor:
        """``x`` (N, ..., C) normalised per example over each of ``groups`` channel groups, then affine (C,)."""

    def softmax_cross_entropy(self, logits: ArrayLike, labels: ArrayLike, axis: int = -1) -> Tensor:
        """``-sum(labels * log_softmax(logits, axis), axis)`` (ids or probabilities): logits' shape less ``axis``."""

    def sigmoid_cross_entropy(self, logits: ArrayLike, labels: ArrayLike) -> Tensor:
        """Elementwise binary cross-entropy of ``logits`` against ``labels`` of the same shape."""

    def ctc_loss(
        self,
        target: ArrayLike,
        output: ArrayLike,
        target_length: ArrayLike,
        output_length: ArrayLike,
        mask_index: int = 0,
    ) -> Tensor:
        """CTC negative log-likelihood (N,) of ids ``target`` (N, L) under logits ``output`` (N, T, C), in float64."""
