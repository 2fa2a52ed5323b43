"""Random draws on the framework's generator: ``seed=None`` uses the global one, an int makes the call deterministic."""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, DTypeName, Shape, StaticShape, Tensor


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

    def random_gamma(
        self, shape: Shape, alpha: ArrayLike, dtype: DTypeName = "float32", seed: int | None = None
    ) -> Tensor:
        """Samples of Gamma(``alpha``, scale 1) of shape ``shape`` (``alpha`` broadcasts to it)."""

    def random_beta(
        self, shape: Shape, alpha: ArrayLike, beta: ArrayLike, dtype: DTypeName = "float32", seed: int | None = None
    ) -> Tensor:
        """Samples of Beta(``alpha``, ``beta``) on [0, 1] of shape ``shape`` (parameters broadcast to it)."""

    def random_binomial(
        self,
        shape: Shape,
        counts: ArrayLike,
        probabilities: ArrayLike,
        dtype: DTypeName = "float32",
        seed: int | None = None,
    ) -> Tensor:
        """Successes in ``counts`` trials of probability ``probabilities``, shape ``shape`` (both broadcast to it)."""

    def random_categorical(
        self, logits: ArrayLike, num_samples: int, dtype: DTypeName = "int32", seed: int | None = None
    ) -> Tensor:
        """Class ids drawn from ``softmax(logits)`` rows: ``(batch, classes)`` to ``(batch, num_samples)``."""

    def random_shuffle(self, x: ArrayLike, axis: int = 0, seed: int | None = None) -> Tensor:
        """``x`` with its slices along ``axis`` in one random order, same shape and dtype."""

    def random_dropout(
        self, inputs: ArrayLike, rate: float, noise_shape: StaticShape | None = None, seed: int | None = None
    ) -> Tensor:
        """Inverted dropout of ``inputs`` with a mask of ``noise_shape`` (broadcast to ``inputs``), same shape."""
