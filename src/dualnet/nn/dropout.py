"""``Dropout``: zero random inputs while training, the identity in eval mode."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.nn.module import Module

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

    Raises:
        ArgumentError: at construction, for a ``rate`` outside [0, 1) or a ``seed`` that is not a non-negative int.
    """

    def __init__(self, rate: float, seed: int | None = None) -> None:
        super().__init__()
        self.rate: float = check_probability(
            "Dropout", "rate", rate, high_open=True, example="Dropout(0.1), the fraction of inputs to drop"
        )
        self.seed: int | None = check_int(
            "Dropout", "seed", seed, low=0, or_none=True, example="seed=0, or None for masks from dn.seed's generator"
        )

    def forward(self, x: Any) -> Any:
        if not self.training or self.rate == 0.0:
            return B.convert_to_tensor(x)  # a native tensor out, as from every layer; no copy of a tensor in
        return B.dropout(x, self.rate, True, self.seed)

    def extra_repr(self) -> str:
        return f"rate={self.rate}" + ("" if self.seed is None else f", seed={self.seed}")
