"""``RotaryEmbedding``: rotary position embedding (RoPE), keras_hub's layer, rotate-half form."""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_axis, check_float
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn.module import Module

__all__ = ["RotaryEmbedding"]


class RotaryEmbedding(Module):
    """Rotary position embedding (keras_hub ``RotaryEmbedding``; Hugging Face's ``rotate_half`` RoPE).

    ``forward(inputs, start_index=0, positions=None)``: ``inputs`` of any rank
    >= 2 with a sequence axis ``sequence_axis`` (length T) and a feature axis
    ``feature_axis`` (even size D), e.g. (N, T, heads, D). Returns the input's
    shape and dtype: ``x * cos + rotate_half(x) * sin``, where
    ``rotate_half(x) = concat(-x[D/2:], x[:D/2])`` and the angle of feature
    ``i`` (and ``i + D/2``) at position ``p`` is
    ``p / scaling_factor * max_wavelength ** (-2i / D)``. Positions are
    ``start_index + 0..T-1`` (``start_index``: an int or a scalar tensor, for
    decoding with a cache), or ``positions`` (T,) given. The angles are
    computed in float32. No weights.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it); at a
            call, for a sequence axis that is the feature axis.
        ShapeError: for an input of rank < 2, an odd feature size, or ``positions`` not of shape (T,).
        DTypeError: for integer inputs.
    """

    def __init__(
        self,
        max_wavelength: float = 10000.0,
        scaling_factor: float = 1.0,
        sequence_axis: int = 1,
        feature_axis: int = -1,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.max_wavelength = check_float(
            owner, "max_wavelength", max_wavelength, low=0.0, low_open=True, example="max_wavelength=10000"
        )
        self.scaling_factor = check_float(
            owner, "scaling_factor", scaling_factor, low=0.0, low_open=True, example="scaling_factor=1.0"
        )
        self.sequence_axis = check_axis(owner, "sequence_axis", sequence_axis, example="sequence_axis=1")
        self.feature_axis = check_axis(owner, "feature_axis", feature_axis, example="feature_axis=-1")

    def _resolved(self, rank: int) -> tuple[int, int]:
        axes = []
        for name, axis in (("sequence_axis", self.sequence_axis), ("feature_axis", self.feature_axis)):
            if not -rank <= axis < rank:
                raise ShapeError(
                    f"{self._where()} has {name}={axis}, outside an input of rank {rank}; "
                    f"pass inputs with that axis, or a {name} in [{-rank}, {rank - 1}]"
                )
            axes.append(axis % rank)
        if axes[0] == axes[1]:
            raise ArgumentError(
                f"{self._where()} has sequence_axis={self.sequence_axis} and feature_axis={self.feature_axis}, "
                f"one axis for inputs of rank {rank}; pass two different axes, e.g. sequence_axis=1, feature_axis=-1"
            )
        return axes[0], axes[1]

    def forward(self, inputs: Any, start_index: Any = 0, positions: Any = None) -> Any:
        x = B.convert_to_tensor(inputs)
        self.check_inputs(x)
        shape = tuple(B.shape(x))
        seq, feat = self._resolved(len(shape))
        t, d = shape[seq], shape[feat]
        if positions is None:
            if t is None:
                raise ShapeError(f"{self._where()} needs a static sequence length, got shape {shape}; pass positions")
            pos = B.add(B.convert_to_tensor(np.arange(int(t), dtype="float32")), B.cast(start_index, "float32"))
        else:
            pos = B.cast(B.convert_to_tensor(positions), "float32")
            if tuple(B.shape(pos)) not in ((t,), (None,)) and t is not None:
                raise ShapeError(
                    f"{self._where()} expects positions of shape ({t},), one per sequence position, got "
                    f"{tuple(B.shape(pos))}; pass a 1-D array of positions"
                )
        inverse = 1.0 / self.max_wavelength ** (np.arange(0, int(d), 2, dtype="float32") / np.float32(d))
        angles = B.multiply(B.expand_dims(B.divide(pos, np.float32(self.scaling_factor)), -1), inverse)
        angles = B.concatenate([angles, angles], -1)  # (T, D): features i and i + D/2 share an angle
        if feat < seq:
            angles = B.transpose(angles)
        for axis in range(len(shape)):  # broadcast (T, D) to the input's rank
            if axis not in (seq, feat):
                angles = B.expand_dims(angles, axis)
        dtype = B.dtype(x)
        cos, sin = B.cast(B.cos(angles), dtype), B.cast(B.sin(angles), dtype)
        first, second = B.split(x, 2, feat)
        rotated = B.concatenate([B.negative(second), first], feat)
        return B.add(B.multiply(x, cos), B.multiply(rotated, sin))

    def check_inputs(self, inputs: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(inputs))
        if len(shape) < 2:
            raise ShapeError(
                f"{self._where()} expects inputs of rank >= 2 (a sequence axis and a feature axis), got shape "
                f"{shape}; pass e.g. (N, T, D) or (N, T, heads, D)"
            )
        _, feat = self._resolved(len(shape))
        if shape[feat] is not None and shape[feat] % 2:
            raise ShapeError(
                f"{self._where()} expects an even feature size (axis {self.feature_axis}), got shape {shape}; "
                "rotary embeddings rotate feature pairs: give the heads an even size"
            )
        if not is_float(B.dtype(inputs)):
            raise DTypeError(
                f"{self._where()} expects floating-point inputs, got {B.dtype(inputs)}; cast first, e.g. "
                "dn.ops.cast(x, 'float32')"
            )

    def extra_repr(self) -> str:
        return (
            f"max_wavelength={self.max_wavelength}, scaling_factor={self.scaling_factor}, "
            f"sequence_axis={self.sequence_axis}, feature_axis={self.feature_axis}"
        )
