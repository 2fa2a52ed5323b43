"""PyTorch's embedding options, shared by ``Embedding`` and ``EmbeddingBag``: ``padding_idx`` and ``max_norm``."""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_float, check_int
from dualnet.backend.dispatch import B
from dualnet.nn import initializers

__all__: list[str] = []


def check_padding_idx(where: str, padding_idx: Any, input_dim: int) -> int | None:
    """``padding_idx`` as a row in ``[0, input_dim)`` (a negative one counts from the end, as in torch), or None."""
    if padding_idx is None:
        return None
    index = check_int(
        where,
        "padding_idx",
        padding_idx,
        low=-input_dim,
        high=input_dim - 1,
        example="padding_idx=0 (the id of padding)",
    )
    return index % input_dim


def check_max_norm(where: str, max_norm: Any) -> float | None:
    """``max_norm`` as a positive float, or None."""
    if max_norm is None:
        return None
    return check_float(where, "max_norm", max_norm, low=0.0, low_open=True, example="max_norm=1.0")


def zero_row(initializer: Any, row: int | None, where: str) -> Any:
    """``initializer`` with row ``row`` of its values set to zero (torch's padding row); as is for None."""
    base = initializers.get(initializer, where=f"{where}.embeddings")
    if row is None:
        return base

    def init(shape: tuple[int, ...], dtype: str, rng: Any) -> np.ndarray:
        values = np.array(base(shape, dtype, rng))
        values[row] = 0
        return values

    return init


def torch_options(rows: Any, ids: Any, padding_idx: int | None, max_norm: float | None) -> Any:
    """Looked-up ``rows`` ``(*ids.shape, D)`` with torch's ``max_norm`` scaling and ``padding_idx`` gradient block."""
    if max_norm is not None:
        norm = B.sqrt(B.sum(B.square(rows), axis=-1, keepdims=True))
        scale = B.where(B.greater(norm, max_norm), B.divide(max_norm, B.add(norm, 1e-7)), 1.0)
        # torch rescales the table rows before the lookup, so its gradient is the plain lookup's: the scaled
        # values go forward and the unscaled path takes the gradient.
        rows = B.add(rows, B.stop_gradient(B.subtract(B.multiply(rows, scale), rows)))
    if padding_idx is not None:
        rows = B.where(B.expand_dims(B.equal(ids, padding_idx), -1), B.stop_gradient(rows), rows)
    return rows
