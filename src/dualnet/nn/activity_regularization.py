"""``ActivityRegularization``: the identity, adding an L1/L2 penalty of its input to ``model.losses`` (Keras)."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_float
from dualnet.backend.dispatch import B
from dualnet.nn.module import Module
from dualnet.regularizers import L1L2

__all__ = ["ActivityRegularization"]


class ActivityRegularization(Module):
    """Keras ``ActivityRegularization``: returns its input unchanged, any shape ``(N, ...)``.

    Each call adds ``(l1 * sum(|x|) + l2 * sum(x**2)) / N`` to ``model.losses``
    (Keras divides activity penalties by the batch size ``N``), which the Trainer
    adds to the loss.

    Raises:
        ArgumentError: ``l1`` or ``l2`` negative, infinite or not a number.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        super().__init__()
        for name, value in (("l1", l1), ("l2", l2)):  # checked here, so the message names this layer
            check_float("ActivityRegularization", name, value, low=0.0, example=f"ActivityRegularization({name}=0.01)")
        penalty = L1L2(l1, l2)
        self.l1, self.l2 = penalty.l1, penalty.l2
        self.activity_regularizer = penalty

    def forward(self, x: Any) -> Any:
        return B.convert_to_tensor(x)  # a tensor out, as from every layer: its penalty is recorded

    def extra_repr(self) -> str:
        return f"l1={self.l1}, l2={self.l2}"
