"""Joining, splitting, flipping and regrouping axes: NumPy's stack/split helpers and einops' rearrange."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from dualnet.backend.api.types import ArrayLike, DTypeName, Tensor


class StackingAPI(Protocol):
    """``hstack``/``vsplit``-style helpers over ``concatenate`` and ``split``, ``meshgrid``, ``rot90``, ``view``."""

    def append(self, x1: ArrayLike, x2: ArrayLike, axis: int | None = None) -> Tensor:
        """``x2`` joined after ``x1`` along ``axis`` (None: both flattened)."""

    def hstack(self, xs: Sequence[ArrayLike]) -> Tensor:
        """``xs`` joined along axis 1 (axis 0 for 1-D ones)."""

    def vstack(self, xs: Sequence[ArrayLike]) -> Tensor:
        """``xs`` (1-D ones as rows) joined along axis 0."""

    def dstack(self, xs: Sequence[ArrayLike]) -> Tensor:
        """``xs`` made at least 3-D (``(1, n, 1)``, ``(m, n, 1)``) and joined along axis 2."""

    def array_split(self, x: ArrayLike, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
        """``x`` cut along ``axis`` into ``n`` parts whose sizes differ by at most one, or at split points."""

    def hsplit(self, x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
        """``split`` along axis 1 (axis 0 for 1-D ``x``)."""

    def vsplit(self, x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
        """``split`` along axis 0 of an at least 2-D ``x``."""

    def dsplit(self, x: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
        """``split`` along axis 2 of an at least 3-D ``x``."""

    def unstack(self, x: ArrayLike, num: int | None = None, axis: int = 0) -> list[Tensor]:
        """The ``x.shape[axis]`` slices of ``x`` along ``axis``, each without that axis."""

    def meshgrid(self, *x: ArrayLike, indexing: str = "xy") -> list[Tensor]:
        """Grids of the 1-D ``x``: each ``(len(x1), len(x0), ...)`` (xy) or ``(len(x0), len(x1), ...)`` (ij)."""

    def rot90(self, array: ArrayLike, k: int = 1, axes: Sequence[int] = (0, 1)) -> Tensor:
        """``array`` rotated by ``k`` quarter turns in the plane ``axes``, from the first axis towards the second."""

    def fliplr(self, x: ArrayLike) -> Tensor:
        """``x`` (at least 2-D) with axis 1 reversed."""

    def flipud(self, x: ArrayLike) -> Tensor:
        """``x`` (at least 1-D) with axis 0 reversed."""

    def view(self, x: ArrayLike, dtype: DTypeName | None = None) -> Tensor:
        """``x``'s bytes read as ``dtype``: the last axis scaled by the ratio of the item sizes."""

    def rearrange(self, tensor: ArrayLike, pattern: str, **axes_lengths: Any) -> Tensor:
        """``tensor`` regrouped by an einops pattern (``"b (h w) c -> b h w c"``): a reshape, transpose, reshape."""
