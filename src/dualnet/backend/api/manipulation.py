"""Shape manipulation with NumPy's names and semantics; negative axes count from the end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Axes, ShapeLike, Tensor


class ManipulationAPI(Protocol):
    """Reshape, transpose, join, split, tile, pad, flip, roll."""

    def reshape(self, x: ArrayLike, newshape: ShapeLike) -> Tensor:
        """``x`` with shape ``newshape`` (same element count; one -1 is inferred)."""

    def transpose(self, x: ArrayLike, axes: Sequence[int] | None = None) -> Tensor:
        """``x`` with output axis ``i`` taken from input axis ``axes[i]`` (None reverses), shape permuted alike."""

    def moveaxis(self, x: ArrayLike, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
        """``x`` with axes ``source`` moved to ``destination``, shape moved alike."""

    def swapaxes(self, x: ArrayLike, axis1: int, axis2: int) -> Tensor:
        """``x`` with axes ``axis1`` and ``axis2`` interchanged, shape alike."""

    def expand_dims(self, x: ArrayLike, axis: int | Sequence[int]) -> Tensor:
        """``x`` with size-1 axes inserted at ``axis`` (positions in the output shape)."""

    def squeeze(self, x: ArrayLike, axis: Axes = None) -> Tensor:
        """``x`` without the size-1 axes ``axis`` (None: all); ShapeError for a named axis of another size."""

    def ravel(self, x: ArrayLike) -> Tensor:
        """``x`` flattened to shape ``(size,)``, row-major."""

    def concatenate(self, xs: Sequence[ArrayLike], axis: int | None = 0) -> Tensor:
        """``xs`` joined along existing axis ``axis`` (None: flattened first); shapes agree off ``axis``."""

    def stack(self, xs: Sequence[ArrayLike], axis: int = 0) -> Tensor:
        """``xs`` of one shape ``s`` joined along a new axis ``axis``: ``s`` with ``len(xs)`` inserted."""

    def split(self, x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
        """``x`` cut along ``axis`` into equal parts (an int) or at split points; each part keeps the other axes."""

    def tile(self, x: ArrayLike, reps: int | Sequence[int]) -> Tensor:
        """``x`` repeated ``reps[i]`` times along axis ``i``: each size times its count."""

    def repeat(self, x: ArrayLike, repeats: int | ArrayLike, axis: int | None = None) -> Tensor:
        """Each element repeated along ``axis`` (None: flattened first), that axis lengthened."""

    def broadcast_to(self, x: ArrayLike, shape: ShapeLike) -> Tensor:
        """``x`` broadcast to ``shape``; ShapeError if it cannot be."""

    def pad(self, x: ArrayLike, pad_width: ArrayLike, mode: str = "constant", constant_values: float = 0) -> Tensor:
        """``x`` grown by ``(before, after)`` per axis: ``constant_values``, or np.pad's reflect/symmetric/edge/wrap."""

    def flip(self, x: ArrayLike, axis: Axes = None) -> Tensor:
        """``x`` (same shape) with the element order reversed along ``axis`` (None: every axis)."""

    def roll(self, x: ArrayLike, shift: int | Sequence[int], axis: Axes = None) -> Tensor:
        """``x`` (same shape) rolled by ``shift`` along ``axis`` (None: flattened)."""
