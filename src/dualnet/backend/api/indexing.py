"""Gathering, scattering, one-hot encoding and sorting. Indices are integer tensors; returned ones are int64."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, DTypeName, Tensor


class IndexingAPI(Protocol):
    """NumPy's take/sort family, and TensorFlow's one_hot, segment_sum, scatter_add and top_k."""

    def take(self, x: ArrayLike, indices: ArrayLike, axis: int | None = None) -> Tensor:
        """Elements at ``indices`` along ``axis``: shape ``x.shape[:axis] + indices.shape + x.shape[axis+1:]``."""

    def take_along_axis(self, x: ArrayLike, indices: ArrayLike, axis: int | None = None) -> Tensor:
        """``x`` gathered elementwise along ``axis`` by ``indices`` of ``x``'s rank (other axes broadcast)."""

    def one_hot(self, indices: ArrayLike, num_classes: int, dtype: DTypeName = "float32") -> Tensor:
        """Indices of shape ``s`` as one-hot rows, shape ``(*s, num_classes)`` (out-of-range ids give zeros)."""

    def segment_sum(
        self, data: ArrayLike, segment_ids: ArrayLike, num_segments: int | None = None, sorted: bool = False
    ) -> Tensor:
        """Rows of ``data`` (n, ...) summed by ``segment_ids`` (n,): ``(num_segments, ...)`` (None: max id + 1)."""

    def scatter_add(self, x: ArrayLike, indices: ArrayLike, updates: ArrayLike) -> Tensor:
        """A copy of ``x`` with ``updates`` (k, *x.shape[m:]) added at index rows ``indices`` (k, m)."""

    def top_k(self, x: ArrayLike, k: int, sorted: bool = True) -> tuple[Tensor, Tensor]:
        """``(values, int64 indices)`` of the ``k`` largest entries along the last axis, each ``(..., k)``."""

    def sort(self, x: ArrayLike, axis: int | None = -1) -> Tensor:
        """``x`` sorted ascending along ``axis`` (None: flattened), same shape."""

    def argsort(self, x: ArrayLike, axis: int | None = -1) -> Tensor:
        """int64 indices that stably sort ``x`` along ``axis`` (None: flattened), same shape."""
