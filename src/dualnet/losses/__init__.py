"""Losses, called PyTorch's way: ``loss(y_pred, y_true, sample_weight=None)``.

Written once on the ops. ``reduction`` is ``"mean"`` (default), ``"sum"`` or
``"none"`` (the unreduced values: one per example for the regression and
binary losses, the target's shape without the class axis for the
distribution losses). ``sample_weight`` multiplies those values; it has their
shape or a prefix of it (``(N,)`` weights every position of an example alike),
and ``"mean"`` divides the weighted sum by the number of values, as Keras
does. Losses are also available by name through :func:`get` (``"mse"``): Keras's
names mean what Keras means, PyTorch's function names what PyTorch means.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet.errors import ArgumentError
from dualnet.losses import names
from dualnet.losses.base import REDUCTIONS, Loss
from dualnet.losses.probabilistic import BinaryCrossEntropy, CrossEntropy, KLDivergence
from dualnet.losses.regression import CosineSimilarity, Huber, MeanAbsoluteError, MeanSquaredError

__all__ = [
    "Loss",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "Huber",
    "BinaryCrossEntropy",
    "CrossEntropy",
    "KLDivergence",
    "CosineSimilarity",
    "get",
    "REDUCTIONS",
]


def get(identifier: Any, where: str = "loss") -> Callable[..., Any]:
    """A loss from a name, a Loss class or instance, or any callable ``(y_pred, y_true) -> scalar``.

    A name builds what the table in the guide "Losses and metrics by name"
    says: Keras's identifiers mean exactly what Keras means
    (``"categorical_crossentropy"`` is ``CrossEntropy(from_logits=False)``:
    probabilities, as in Keras) and PyTorch's ``torch.nn.functional`` names
    what PyTorch means (``"cross_entropy"`` is ``CrossEntropy(from_logits=True)``:
    logits). A class gives an instance with its defaults; construct it to change them.

    Raises:
        ArgumentError: ``identifier`` is not a known name (the message gives the close matches), a Loss class or
            a callable; or it names a Keras loss dualnet does not have yet.
    """

    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        return names.resolve(identifier, where)
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    raise ArgumentError(
        f"{where}: expected a loss name (e.g. 'mse'), a dn.losses.Loss or a function (y_pred, y_true) -> scalar, "
        f"got {type(identifier).__name__}"
    )
