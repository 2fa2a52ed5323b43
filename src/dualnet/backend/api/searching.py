"""Finding elements: nonzero, unique, sorted search, membership, partition, condition-selection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from dualnet.backend.api.types import ArrayLike, ShapeLike, Tensor


class SearchingAPI(Protocol):
    """NumPy's searching and set functions; returned indices are int64."""

    def nonzero(self, x: ArrayLike) -> tuple[Tensor, ...]:
        """One int64 index vector ``(count,)`` per axis of ``x``, addressing its nonzero entries in row-major order."""

    def unique(
        self,
        x: ArrayLike,
        sorted: bool = True,
        return_index: bool = False,
        return_inverse: bool = False,
        return_counts: bool = False,
        axis: int | None = None,
        size: int | None = None,
        fill_value: Any = None,
    ) -> Any:
        """The distinct values (``(u,)``, or slices along ``axis``), then the int64 index, inverse, counts asked for."""

    def searchsorted(self, sorted_sequence: ArrayLike, values: ArrayLike, side: str = "left") -> Tensor:
        """int64 insertion points of ``values`` (any shape) into the 1-D ``sorted_sequence``, ``values``'s shape."""

    def digitize(self, x: ArrayLike, bins: ArrayLike) -> Tensor:
        """int64 index of the bin of each ``x`` among monotonic ``bins`` (1-D), ``x``'s shape, as NumPy's."""

    def isin(self, x1: ArrayLike, x2: ArrayLike, assume_unique: bool = False, invert: bool = False) -> Tensor:
        """bool, ``x1``'s shape: whether each element of ``x1`` occurs in ``x2`` (negated with ``invert``)."""

    def argpartition(self, x: ArrayLike, kth: int, axis: int = -1) -> Tensor:
        """int64 indices (``x``'s shape) with the ``kth`` smallest in place, smaller before, larger after."""

    def unravel_index(self, indices: ArrayLike, shape: ShapeLike) -> tuple[Tensor, ...]:
        """Flat ``indices`` as one coordinate tensor per axis of ``shape``, each of ``indices``'s shape."""

    def select(self, condlist: Sequence[ArrayLike], choicelist: Sequence[ArrayLike], default: ArrayLike = 0) -> Tensor:
        """Each element from the first choice whose condition holds, else ``default``; the broadcast shape."""
