"""Random draws on the framework's generator: ``seed=None`` uses the global one, an int makes the call deterministic."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, DTypeName, Shape, Tensor


class RandomAPI(Protocol):
    """The samplers behind ``dn.ops.random`` (named there without the ``random_`` prefix)."""

    def random_normal(
        self,
        shape: Shape,
        mean: ArrayLike = 0.0,
        stddev: ArrayLike = 1.0,
        dtype: DTypeName = "float32",
        seed: int | None = None,
    ) -> Tensor:
        """Samples of N(mean, stddev**2) of shape ``shape``."""

    def random_uniform(
        self,
        shape: Shape,
        minval: ArrayLike = 0.0,
        maxval: ArrayLike = 1.0,
        dtype: DTypeName = "float32",
        seed: int | None = None,
    ) -> Tensor:
        """Samples uniform on ``[minval, maxval)`` of shape ``shape``."""

    def random_randint(
        self, shape: Shape, minval: int, maxval: int, dtype: DTypeName = "int64", seed: int | None = None
    ) -> Tensor:
        """Integers uniform on ``[minval, maxval)`` of shape ``shape``."""

    def random_truncated_normal(
        self,
        shape: Shape,
        mean: float = 0.0,
        stddev: float = 1.0,
        dtype: DTypeName = "float32",
        seed: int | None = None,
    ) -> Tensor:
        """Samples of N(mean, stddev**2) within two ``stddev`` of ``mean``, of shape ``shape``."""

    def random_bernoulli(self, p: ArrayLike, shape: Shape | None = None, seed: int | None = None) -> Tensor:
        """bool samples, True with probability ``p``, of shape ``shape`` (None: ``p``'s shape)."""

    def random_permutation(self, x: int | ArrayLike, seed: int | None = None) -> Tensor:
        """A shuffled ``arange(x)`` (int64, shape ``(x,)``) for an int, else ``x`` shuffled along axis 0."""
