"""``Masking``: zero the timesteps whose features all equal ``mask_value``, and say which steps are real.

dualnet has no implicit mask propagation (Keras attaches a mask to the output
tensor; native tensors here carry nothing). A layer that takes a mask takes it
as an argument, so the mask is passed by hand::

    masking = dn.nn.Masking(0.0)
    h = lstm(masking(x), mask=masking.compute_mask(x))
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_float
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.nn.module import Module

__all__ = ["Masking"]


class Masking(Module):
    """Zero each timestep whose features all equal ``mask_value`` (Keras ``Masking``): ``(N, T, F)`` -> same shape.

    A step is kept when any feature differs from ``mask_value``; kept steps pass
    unchanged (gradient 1), masked ones become 0 (gradient 0), as Keras's
    ``where(any(x != mask_value, -1), x, 0)``. Any rank >= 2 works, the features
    being the last axis. :meth:`compute_mask` returns that ``(N, T)`` bool mask
    (True for real steps), the ``mask`` that :class:`dualnet.nn.LSTM` and
    :class:`dualnet.nn.GRU` take.

    Raises:
        ArgumentError: at construction, ``mask_value`` is not a number.
        ShapeError: the input has rank < 2 (no feature axis).
    """

    def __init__(self, mask_value: float = 0.0) -> None:
        super().__init__()
        self.mask_value = check_float("Masking", "mask_value", mask_value, example="Masking(mask_value=0.0)")

    def compute_mask(self, x: Any) -> Any:
        """``(N, ..., F)`` -> ``(N, ...)`` bool: True where some feature differs from ``mask_value``."""
        self.check_inputs(x)
        return B.any(B.not_equal(x, B.convert_to_tensor(self.mask_value, B.dtype(x))), axis=-1)

    def forward(self, x: Any) -> Any:
        keep = B.expand_dims(self.compute_mask(x), -1)
        return B.where(keep, x, B.zeros_like(x))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        if len(shape) < 2:
            raise ShapeError(
                f"{self._where()} expects inputs (N, T, features) with a feature axis (rank >= 2), got shape "
                f"{shape}; for one feature per step add it with dn.ops.expand_dims(x, -1)"
            )

    def extra_repr(self) -> str:
        return f"mask_value={self.mask_value}"
