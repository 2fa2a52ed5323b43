"""Noise layers: ``GaussianNoise``, ``GaussianDropout``, ``AlphaDropout``, ``SpatialDropout1D/2D/3D`` (Keras).

All are active in training mode only and return the input unchanged in eval
mode (``.eval()``). Their random draws follow ``Dropout``: ``seed=None`` (to
train with) draws fresh noise on every call from the framework's generator,
which ``dn.seed`` seeds, so runs repeat on one backend but the noise differs
between backends; an int ``seed`` makes the noise a function of ``(seed,
shape)``, the same on every call, for deterministic tests.
"""

from __future__ import annotations

import math
from typing import Any

from dualnet.arguments import check_float, check_int, check_probability, is_integer
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn.module import Module

__all__ = [
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]

# SELU's constants (Klambauer et al. 2017): AlphaDropout keeps SELU's mean and variance.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _rate(layer: str, rate: Any) -> float:
    return check_probability(layer, "rate", rate, high_open=True, example=f"{layer}(0.1), the fraction to drop")


def _seed(layer: str, seed: Any) -> int | None:
    return check_int(layer, "seed", seed, low=0, or_none=True, example="seed=0, or None for dn.seed's generator")


def check_noise_shape(layer: str, noise_shape: Any) -> tuple[int | None, ...] | None:
    """``noise_shape`` as a tuple of positive ints and Nones (None: that axis's size), or None."""
    if noise_shape is None:
        return None
    if not isinstance(noise_shape, tuple | list) or not all(
        d is None or (is_integer(d) and d >= 1) for d in noise_shape
    ):
        raise ArgumentError(
            f"{layer}(noise_shape={noise_shape!r}): noise_shape must be None or a tuple of positive ints and Nones; "
            "pass e.g. noise_shape=(None, 1, None) to share one mask value along axis 1"
        )
    return tuple(None if d is None else int(d) for d in noise_shape)


def noise_dims(layer: Module, noise_shape: tuple[int | None, ...], x: Any) -> tuple[int, ...]:
    """The concrete shape of the noise for input ``x``; raises a ShapeError naming ``layer`` if it does not fit."""
    shape = tuple(B.shape(x))
    dims = tuple(s if d is None else d for d, s in zip(noise_shape, shape))
    if len(noise_shape) != len(shape) or any(d != 1 and s is not None and d != s for d, s in zip(dims, shape)):
        raise ShapeError(
            f"{layer._where()} has noise_shape {noise_shape}, which does not fit inputs of shape {shape}; give one "
            "entry per input axis, each that axis's size, 1 (the noise shared along it) or None (its size)"
        )
    return dims  # None: a size known only at run time (a traced batch axis), which random_dropout takes


def _draw_like(draw: Any, x: Any, low: float, high: float, dtype: str, seed: int | None) -> Any:
    """``draw(shape, low, high, dtype, seed)`` of ``x``'s shape, also while tracing an unknown batch axis."""
    shape = tuple(B.shape(x))
    if None not in shape:
        return draw(shape, low, high, dtype, seed)
    # Traced with relaxed shapes (TensorFlow's compiled train step): draw the dynamic element count, then
    # reshape, which needs every axis but one known.
    if shape.count(None) > 1:
        raise ShapeError(f"noise layers need inputs with at most one axis of unknown size, got shape {shape}")
    flat = draw((B.size(x),), low, high, dtype, seed)
    return B.reshape(flat, tuple(-1 if d is None else d for d in shape))


def _float_dtype(layer: Module, x: Any) -> str:
    dtype = str(B.dtype(x))
    if not is_float(dtype):
        raise DTypeError(
            f"{layer._where()} expects floating-point inputs, got {dtype}; cast first, e.g. dn.ops.cast(x, 'float32')"
        )
    return dtype


class GaussianNoise(Module):
    """Add zero-mean Gaussian noise of standard deviation ``stddev`` (Keras ``GaussianNoise``); same shape out.

    Raises:
        ArgumentError: at construction, for a negative ``stddev`` or a bad ``seed``.
        DTypeError: at call, for integer inputs.
    """

    def __init__(self, stddev: float, seed: int | None = None) -> None:
        super().__init__()
        self.stddev = check_float("GaussianNoise", "stddev", stddev, low=0.0, example="GaussianNoise(0.1)")
        self.seed = _seed("GaussianNoise", seed)

    def forward(self, x: Any) -> Any:
        x = B.convert_to_tensor(x)
        if not self.training or self.stddev == 0.0:
            return x
        dtype = _float_dtype(self, x)
        return B.add(x, _draw_like(B.random_normal, x, 0.0, self.stddev, dtype, self.seed))

    def extra_repr(self) -> str:
        return f"stddev={self.stddev}" + ("" if self.seed is None else f", seed={self.seed}")


class GaussianDropout(Module):
    """Multiply by Gaussian noise of mean 1 and variance ``rate / (1 - rate)`` (Keras ``GaussianDropout``).

    Same shape in and out; the expected value is unchanged.

    Raises:
        ArgumentError: at construction, for a ``rate`` outside [0, 1) or a bad ``seed``.
        DTypeError: at call, for integer inputs.
    """

    def __init__(self, rate: float, seed: int | None = None) -> None:
        super().__init__()
        self.rate = _rate("GaussianDropout", rate)
        self.seed = _seed("GaussianDropout", seed)

    def forward(self, x: Any) -> Any:
        x = B.convert_to_tensor(x)
        if not self.training or self.rate == 0.0:
            return x
        dtype = _float_dtype(self, x)
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        return B.multiply(x, _draw_like(B.random_normal, x, 1.0, stddev, dtype, self.seed))

    def extra_repr(self) -> str:
        return f"rate={self.rate}" + ("" if self.seed is None else f", seed={self.seed}")


class AlphaDropout(Module):
    """Dropout that keeps SELU's self-normalisation (Keras ``AlphaDropout``, ``torch.nn.AlphaDropout``).

    Same shape in and out. Dropped elements are set to SELU's negative
    saturation ``-alpha * scale``, then ``a * x + b`` restores zero mean and
    unit variance for standard-normal inputs. ``noise_shape`` (Keras's) shapes
    the mask, e.g. ``(None, 1, None)`` drops the same features at every step.

    Raises:
        ArgumentError: at construction, for a bad ``rate``, ``noise_shape`` or ``seed``.
        DTypeError: at call, for integer inputs.
        ShapeError: for a ``noise_shape`` that does not fit the input, naming the layer path.
    """

    noise_shape: tuple[int | None, ...] | None

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None) -> None:
        super().__init__()
        self.rate = _rate("AlphaDropout", rate)
        self.__dict__["noise_shape"] = check_noise_shape("AlphaDropout", noise_shape)
        self.seed = _seed("AlphaDropout", seed)

    def forward(self, x: Any) -> Any:
        x = B.convert_to_tensor(x)
        if not self.training or self.rate == 0.0:
            return x
        dtype = _float_dtype(self, x)
        dims = None if self.noise_shape is None else noise_dims(self, self.noise_shape, x)
        # The kept positions of a dropout of ones: random_dropout broadcasts noise_shape and takes unknown sizes.
        keep = B.cast(B.greater(B.random_dropout(B.ones_like(x), self.rate, dims, self.seed), 0.0), dtype)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1.0 - self.rate) * (1.0 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        dropped = B.add(B.multiply(x, keep), B.multiply(B.subtract(1.0, keep), alpha_p))
        return B.add(B.multiply(dropped, a), b)

    def extra_repr(self) -> str:
        return f"rate={self.rate}" + ("" if self.seed is None else f", seed={self.seed}")


class _SpatialDropout(Module):
    """Drop whole channels (Keras ``SpatialDropout{1,2,3}D``, ``torch.nn.Dropout{1,2,3}d``), channels-last.

    Input ``(N, *spatial, C)`` -> output of the same shape: in training mode
    each (example, channel) pair is zeroed with probability ``rate`` at every
    spatial position, the kept ones scaled by ``1 / (1 - rate)``. Use it after
    convolutions, whose neighbouring activations are correlated.

    Raises:
        ArgumentError: at construction, for a ``rate`` outside [0, 1) or a bad ``seed``.
        ShapeError: for an input of the wrong rank, naming the layer path and the fix.
    """

    _spatial: int = 0
    _layout: str = ""

    def __init__(self, rate: float, seed: int | None = None) -> None:
        super().__init__()
        name = type(self).__name__
        self.rate = _rate(name, rate)
        self.seed = _seed(name, seed)

    def forward(self, x: Any) -> Any:
        x = B.convert_to_tensor(x)
        if not self.training or self.rate == 0.0:
            return x
        shape = tuple(B.shape(x))
        self._check_rank(shape)
        # A batch size unknown while tracing stays None: random_dropout takes it from the input at run time.
        return B.random_dropout(x, self.rate, (shape[0], *[1] * self._spatial, shape[-1]), self.seed)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        self._check_rank(tuple(B.shape(x)))

    def _check_rank(self, shape: tuple[int | None, ...]) -> None:
        rank = self._spatial + 2
        if len(shape) != rank:
            raise ShapeError(
                f"{self._where()} expects inputs of rank {rank} {self._layout}, got shape {shape}; "
                + (
                    f"use SpatialDropout{len(shape) - 2}D for rank-{len(shape)} inputs"
                    if 3 <= len(shape) <= 5
                    else "add the missing batch or channel axis with dn.ops.expand_dims"
                )
            )

    def extra_repr(self) -> str:
        return f"rate={self.rate}" + ("" if self.seed is None else f", seed={self.seed}")


class SpatialDropout1D(_SpatialDropout):
    """Drop whole channels of ``(N, W, C)`` inputs (Keras ``SpatialDropout1D``, ``torch.nn.Dropout1d``).

    Same shape out: in training mode each (example, channel) pair is zeroed
    with probability ``rate`` at every spatial position, the kept ones scaled by
    ``1 / (1 - rate)``; the identity in eval mode. ``seed`` as for ``Dropout``.

    Raises:
        ArgumentError: at construction, for a ``rate`` outside [0, 1) or a bad ``seed``.
        ShapeError: for an input of the wrong rank, naming the layer path and the fix.
    """

    _spatial = 1
    _layout = "(N, W, C)"


class SpatialDropout2D(_SpatialDropout):
    """Drop whole channels of ``(N, H, W, C)`` inputs (Keras ``SpatialDropout2D``, ``torch.nn.Dropout2d``).

    Same shape out: in training mode each (example, channel) pair is zeroed
    with probability ``rate`` at every spatial position, the kept ones scaled by
    ``1 / (1 - rate)``; the identity in eval mode. ``seed`` as for ``Dropout``.

    Raises:
        ArgumentError: at construction, for a ``rate`` outside [0, 1) or a bad ``seed``.
        ShapeError: for an input of the wrong rank, naming the layer path and the fix.
    """

    _spatial = 2
    _layout = "(N, H, W, C)"


class SpatialDropout3D(_SpatialDropout):
    """Drop whole channels of ``(N, D, H, W, C)`` inputs (Keras ``SpatialDropout3D``, ``torch.nn.Dropout3d``).

    Same shape out: in training mode each (example, channel) pair is zeroed
    with probability ``rate`` at every spatial position, the kept ones scaled by
    ``1 / (1 - rate)``; the identity in eval mode. ``seed`` as for ``Dropout``.

    Raises:
        ArgumentError: at construction, for a ``rate`` outside [0, 1) or a bad ``seed``.
        ShapeError: for an input of the wrong rank, naming the layer path and the fix.
    """

    _spatial = 3
    _layout = "(N, D, H, W, C)"
