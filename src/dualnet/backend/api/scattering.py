"""Slicing and scattering by index: static-shape updates that compile, and segment reductions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from dualnet.backend.api.types import ArrayLike, ShapeLike, Tensor


class ScatteringAPI(Protocol):
    """Keras's slice / scatter family (TensorFlow's dynamic slices and ``scatter_nd``), and ``x[key]``."""

    def slice(self, inputs: ArrayLike, start_indices: Sequence[Any], shape: ShapeLike) -> Tensor:
        """The block of ``inputs`` of shape ``shape`` starting at ``start_indices`` (one per axis)."""

    def slice_update(self, inputs: ArrayLike, start_indices: Sequence[Any], updates: ArrayLike) -> Tensor:
        """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates`` (same rank)."""

    def scatter(self, indices: ArrayLike, values: ArrayLike, shape: ShapeLike) -> Tensor:
        """Zeros of ``shape`` with ``values`` (k, *shape[m:]) added at index rows ``indices`` (k, m)."""

    def scatter_update(
        self, inputs: ArrayLike, indices: ArrayLike, updates: ArrayLike, reduction: str | None = None
    ) -> Tensor:
        """A copy of ``inputs`` with ``updates`` (k, *shape[m:]) written (or reduced) at rows ``indices`` (k, m)."""

    def segment_max(
        self, data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        """Rows of ``data`` (n, ...) maxed by ``segment_ids`` (n,): ``(num_segments, ...)``, empty ones lowest."""

    def segment_min(
        self, data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        """Rows of ``data`` (n, ...) minimised by ``segment_ids`` (n,): ``(num_segments, ...)``, empty ones highest."""

    def segment_prod(
        self, data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        """Rows of ``data`` (n, ...) multiplied by ``segment_ids`` (n,): ``(num_segments, ...)``, empty ones 1."""

    def get_item(self, x: ArrayLike, key: Any) -> Tensor:
        """``x[key]`` with NumPy's basic indexing (ints, slices, None, Ellipsis) and one integer or bool array."""
