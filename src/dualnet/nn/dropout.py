"""``Dropout``: zero random inputs while training, the identity in eval mode."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.nn.module import Module
from dualnet.nn.noise import check_noise_shape, noise_dims

__all__ = ["Dropout"]


class Dropout(Module):
    """Inverted dropout (Keras ``Dropout``): same shape in and out.

    In training mode each element is zeroed with probability ``rate`` and the
    kept ones are scaled by ``1 / (1 - rate)``, so the expected value is
    unchanged; in eval mode (``.eval()``) the input is returned as it is.

    ``seed=None`` (the default, and the one to train with) draws a fresh mask on
    every call from the framework's generator, which ``dn.seed`` seeds: runs are
    reproducible on one backend, masks differ between backends. An int ``seed``
    makes the mask a function of ``(seed, input shape)`` alone, the same on every
    call and under compilation (as ``dn.ops.dropout(seed=...)``): use it for
    deterministic tests, not for training, where a fixed mask would drop the
    same units at every step.

    ``noise_shape`` (Keras's) shapes the mask, broadcast to the input: one
    entry per input axis, an int (1 shares the mask along that axis) or None
    (that axis's size); ``(None, 1, None)`` drops the same features at every
    step of ``(N, T, D)`` inputs.

    Raises:
        ArgumentError: at construction, for a ``rate`` outside [0, 1), a bad ``noise_shape``, or a ``seed`` that is
            not a non-negative int.
        ShapeError: for a ``noise_shape`` that does not fit the input, naming the layer path.
    """

    noise_shape: tuple[int | None, ...] | None

    def __init__(self, rate: float, seed: int | None = None, noise_shape: Any = None) -> None:
        super().__init__()
        self.rate: float = check_probability(
            "Dropout", "rate", rate, high_open=True, example="Dropout(0.1), the fraction of inputs to drop"
        )
        self.seed: int | None = check_int(
            "Dropout", "seed", seed, low=0, or_none=True, example="seed=0, or None for masks from dn.seed's generator"
        )
        self.__dict__["noise_shape"] = check_noise_shape("Dropout", noise_shape)  # a tuple, not a container

    def forward(self, x: Any) -> Any:
        if not self.training or self.rate == 0.0:
            return B.convert_to_tensor(x)  # a native tensor out, as from every layer; no copy of a tensor in
        if self.noise_shape is None:
            return B.dropout(x, self.rate, True, self.seed)
        return B.random_dropout(x, self.rate, noise_dims(self, self.noise_shape, x), self.seed)

    def extra_repr(self) -> str:
        shape = "" if self.noise_shape is None else f", noise_shape={self.noise_shape}"
        return f"rate={self.rate}" + ("" if self.seed is None else f", seed={self.seed}") + shape
