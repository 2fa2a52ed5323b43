"""``EmbeddingBag``: the sum, mean or max of each bag's embedding rows (PyTorch ``nn.EmbeddingBag``, 2-D ids)."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_choice
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn.embedding import Embedding

__all__ = ["EmbeddingBag"]


class EmbeddingBag(Embedding):
    """Pool the embedding rows of each bag of ids (PyTorch ``EmbeddingBag`` with 2-D input).

    Ids ``(N, L)`` (N bags of L ids, integers in ``[0, input_dim)``) -> ``(N, output_dim)``:
    the ``"sum"``, ``"mean"`` or ``"max"`` over ``L`` of the rows of ``embeddings``
    ``(input_dim, output_dim)``. ``per_sample_weights`` ``(N, L)`` (``"sum"`` only, as
    in torch) weights each row. Ids equal to ``padding_idx`` leave their bag, as in
    torch: a mean counts only the others, and a bag of padding alone gives zeros.
    ``max_norm`` scales looked-up rows as :class:`Embedding` does. The initializer is
    Keras's uniform on ``[-0.05, 0.05)`` (torch draws from N(0, 1)); torch's 1-D ids with
    ``offsets`` are not taken: pad the bags to one length with ``padding_idx``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
            At a call, ``per_sample_weights`` with a mode other than ``"sum"``, or concrete ids out of range.
        ShapeError: ids not 2-D, or ``per_sample_weights`` not of their shape.
        DTypeError: for ids that are not integers.
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        mode: str = "mean",
        embeddings_initializer: Any = "uniform",
        padding_idx: int | None = None,
        max_norm: float | None = None,
        dtype: str = "float32",
    ) -> None:
        super().__init__(
            input_dim, output_dim, embeddings_initializer, dtype=dtype, padding_idx=padding_idx, max_norm=max_norm
        )
        self.mode = check_choice("EmbeddingBag", "mode", mode, ("mean", "sum", "max"))

    def forward(self, ids: Any, per_sample_weights: Any = None) -> Any:
        rows = super().forward(ids)  # (N, L, D), range-checked and max_norm-scaled
        keep = None if self.padding_idx is None else B.expand_dims(B.not_equal(ids, self.padding_idx), -1)
        if self.mode == "max":
            if keep is None:
                return B.max(rows, axis=1)
            low = B.full_like(rows, float("-inf"))
            pooled = B.max(B.where(keep, rows, low), axis=1)
            return B.where(B.any(keep, axis=1), pooled, B.zeros_like(pooled))
        if per_sample_weights is not None:
            rows = B.multiply(rows, B.expand_dims(B.cast(per_sample_weights, B.dtype(rows)), -1))
        if keep is not None:
            rows = B.multiply(rows, B.cast(keep, B.dtype(rows)))
        total = B.sum(rows, axis=1)
        if self.mode == "sum":
            return total
        count = B.shape(ids)[1] if keep is None else B.sum(B.cast(keep, B.dtype(rows)), axis=1)
        return B.divide(total, B.maximum(count, 1.0) if keep is not None else count)

    def check_inputs(self, ids: Any = None, per_sample_weights: Any = None, *rest: Any) -> None:
        super().check_inputs(ids)
        shape = tuple(B.shape(ids))
        if len(shape) != 2:
            raise ShapeError(
                f"{self._where()} expects ids (N, L): N bags of L ids, got shape {shape}; reshape them, padding "
                "shorter bags with padding_idx"
            )
        if per_sample_weights is not None:
            if self.mode != "sum":
                raise ArgumentError(
                    f"{self._where()}: per_sample_weights needs mode='sum' (as in torch), got mode={self.mode!r}; "
                    "build the layer with mode='sum'"
                )
            if tuple(B.shape(per_sample_weights)) != shape:
                raise ShapeError(
                    f"{self._where()} expects per_sample_weights of the ids' shape {shape}, got "
                    f"{tuple(B.shape(per_sample_weights))}; give one weight per id"
                )

    def extra_repr(self) -> str:
        return super().extra_repr() + f", mode={self.mode!r}"
