"""``ReversibleEmbedding``: an embedding that also maps vectors back to logits over the vocabulary (Keras)."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_bool, check_float
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_int
from dualnet.errors import ShapeError
from dualnet.nn.embedding import Embedding

__all__ = ["ReversibleEmbedding"]


class ReversibleEmbedding(Embedding):
    """Keras ``ReversibleEmbedding``: ``layer(ids)`` looks up, ``layer(x, reverse=True)`` projects back.

    Forward: ids ``(...)`` -> ``(..., output_dim)``, as :class:`Embedding`. Reverse:
    ``x`` ``(..., output_dim)`` -> logits ``(..., input_dim)``, ``x @ embeddings.T``
    with ``tie_weights=True`` (the usual tied input and output embeddings of a language
    model), else ``x @ reverse_embeddings``, a second weight ``(output_dim, input_dim)``.
    ``logit_soft_cap`` bounds the logits to ``cap * tanh(logits / cap)``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
            Also for concrete ids outside ``[0, input_dim)``.
        ShapeError: for a reverse input whose last axis is not ``output_dim``.
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        tie_weights: bool = True,
        embeddings_initializer: Any = "uniform",
        mask_zero: bool = False,
        logit_soft_cap: float | None = None,
        dtype: str = "float32",
    ) -> None:
        super().__init__(input_dim, output_dim, embeddings_initializer, mask_zero, dtype)
        self.tie_weights = check_bool("ReversibleEmbedding", "tie_weights", tie_weights)
        self.logit_soft_cap = (
            None
            if logit_soft_cap is None
            else check_float(
                "ReversibleEmbedding", "logit_soft_cap", logit_soft_cap, low=0.0, low_open=True, example="30.0"
            )
        )
        if not self.tie_weights:
            shape = (self.output_dim, self.input_dim)
            self.reverse_embeddings = self.add_weight("reverse_embeddings", shape, embeddings_initializer, dtype)

    def forward(self, inputs: Any, reverse: bool = False) -> Any:
        if not reverse:
            return super().forward(inputs)
        kernel = B.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        logits = B.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = B.multiply(B.tanh(B.divide(logits, self.logit_soft_cap)), self.logit_soft_cap)
        return logits

    # Module passes these only the positional inputs, not reverse=: float inputs are a reverse call.
    def check_inputs(self, inputs: Any = None, *rest: Any) -> None:
        if is_int(B.dtype(inputs)):
            super().check_inputs(inputs)
            return
        shape = tuple(B.shape(inputs))
        if not shape or shape[-1] != self.output_dim:
            raise ShapeError(
                f"{self._where()} with reverse=True expects vectors (..., {self.output_dim}), got shape {shape}; "
                "pass the model's hidden states, whose last axis is the embedding size"
            )

    def _work(self, inputs: Any = None, *rest: Any) -> tuple[int, int]:
        if is_int(B.dtype(inputs)):
            return super()._work(inputs)
        cells = int(B.size(inputs)) // self.output_dim * self.input_dim
        return cells, cells * self.output_dim

    def extra_repr(self) -> str:
        return super().extra_repr() + ("" if self.tie_weights else ", tie_weights=False")
