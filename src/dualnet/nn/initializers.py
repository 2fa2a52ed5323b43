"""Initializers: NumPy functions of (shape, dtype, generator), identical on every backend.

An initializer is any callable ``init(shape, dtype, rng) -> np.ndarray``; the
generator ``rng`` is seeded from ``(dn.seed, model stream, parameter path)`` by
:func:`generator_for`, so values do not depend on the order layers are built
in. Names follow Keras (``"glorot_uniform"``, ``"he_normal"``, ...). Fans are
computed from the canonical layouts: Dense ``(in, out)``, Conv ``(*k, in, out)``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from dualnet.errors import ArgumentError

__all__ = ["Constant", "Normal", "Orthogonal", "Uniform", "VarianceScaling", "fans", "generator_for", "get"]

Initializer = Callable[[tuple[int, ...], str, np.random.Generator], np.ndarray]

# Standard deviation of a unit normal truncated to [-2, 2]; Keras divides by it
# so truncated-normal initializers keep the intended variance.
_TRUNCATED_STD = 0.87962566103423978


def generator_for(seed: int, stream: int, path: str) -> np.random.Generator:
    """A NumPy generator determined by the seed, the model's stream and the parameter path."""
    return np.random.default_rng(np.random.SeedSequence([seed, stream, zlib.crc32(path.encode())]))


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight in canonical layout."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


def _cast(values: np.ndarray, dtype: str) -> np.ndarray:
    # bfloat16 weights are drawn as float32; the backend casts on creation.
    return values.astype("float32" if dtype == "bfloat16" else dtype)


def _truncated(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values


class VarianceScaling:
    """Keras's family: scale / fan, drawn from a truncated normal or a uniform distribution."""

    def __init__(self, scale: float, mode: str, distribution: str) -> None:
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
        fan_in, fan_out = fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * variance)
            return _cast(rng.uniform(-limit, limit, shape), dtype)
        return _cast(_truncated(rng, shape) * (np.sqrt(variance) / _TRUNCATED_STD), dtype)


class Constant:
    """Every element equal to ``value``."""

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self, shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
        return _cast(np.full(shape, self.value), dtype)


class Normal:
    """Normal distribution with ``mean`` and ``stddev``."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05) -> None:
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
        return _cast(rng.normal(self.mean, self.stddev, shape), dtype)


class Uniform:
    """Uniform distribution on ``[minval, maxval)``."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05) -> None:
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
        return _cast(rng.uniform(self.minval, self.maxval, shape), dtype)


class Orthogonal:
    """A (semi-)orthogonal matrix over the last axis, times ``gain`` (Saxe et al.).

    Raises:
        ArgumentError: when called for a weight of rank < 2.
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
        if len(shape) < 2:
            raise ArgumentError(f"orthogonal initializer: needs a weight of rank >= 2, got shape {shape}; use another")
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        flat = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return _cast(self.gain * q.reshape(shape), dtype)


_NAMED: dict[str, Callable[[], Initializer]] = {
    "zeros": lambda: Constant(0.0),
    "ones": lambda: Constant(1.0),
    "constant": lambda: Constant(0.0),
    "normal": Normal,
    "random_normal": Normal,
    "uniform": Uniform,
    "random_uniform": Uniform,
    "glorot_uniform": lambda: VarianceScaling(1.0, "fan_avg", "uniform"),
    "glorot_normal": lambda: VarianceScaling(1.0, "fan_avg", "truncated_normal"),
    "he_uniform": lambda: VarianceScaling(2.0, "fan_in", "uniform"),
    "he_normal": lambda: VarianceScaling(2.0, "fan_in", "truncated_normal"),
    "lecun_uniform": lambda: VarianceScaling(1.0, "fan_in", "uniform"),
    "lecun_normal": lambda: VarianceScaling(1.0, "fan_in", "truncated_normal"),
    "orthogonal": Orthogonal,
}


def get(identifier: Any, where: str = "initializer") -> Initializer:
    """An initializer from a name (``"he_normal"``) or a callable, which is returned as is.

    Raises:
        ArgumentError: ``identifier`` is neither a known name (any case) nor callable.
    """

    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    if isinstance(identifier, str) and identifier.lower() in _NAMED:
        return _NAMED[identifier.lower()]()
    raise ArgumentError(
        f"{where}: unknown initializer {identifier!r}; use one of {', '.join(sorted(_NAMED))} "
        "or a callable (shape, dtype, rng) -> np.ndarray"
    )
