"""Losses, called PyTorch's way: ``loss(y_pred, y_true, sample_weight=None)``.

Written once on the ops. ``reduction`` is ``"mean"`` (default), ``"sum"`` or
``"none"`` (the unreduced values: one per example for the regression and
binary losses, the target's shape without the class axis for the
distribution losses). ``sample_weight`` multiplies those values; it has their
shape or a prefix of it (``(N,)`` weights every position of an example alike),
and ``"mean"`` divides the weighted sum by the number of values, as Keras
does. Losses are also available by name through :func:`get` (``"mse"``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet.errors import ArgumentError
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

_NAMED: dict[str, Callable[[], Loss]] = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber,
    "binary_cross_entropy": BinaryCrossEntropy,
    "binary_crossentropy": BinaryCrossEntropy,
    "bce": BinaryCrossEntropy,
    "cross_entropy": CrossEntropy,
    "categorical_cross_entropy": CrossEntropy,
    "categorical_crossentropy": CrossEntropy,
    "sparse_categorical_cross_entropy": CrossEntropy,
    "sparse_categorical_crossentropy": CrossEntropy,
    "kl_divergence": KLDivergence,
    "kld": KLDivergence,
    "cosine_similarity": CosineSimilarity,
}


def get(identifier: Any) -> Callable[..., Any]:
    """A loss from a name, a Loss class or instance, or any callable ``(y_pred, y_true) -> scalar``.

    Names give the class with its defaults: every cross-entropy name gives
    ``CrossEntropy(from_logits=True)`` (integer or one-hot targets alike) and
    ``"bce"`` gives ``BinaryCrossEntropy(from_logits=False)``; construct the
    class to change them.

    Raises:
        ArgumentError: ``identifier`` is not a known name (any case), a Loss class or a callable.
    """

    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    if isinstance(identifier, str) and identifier.lower() in _NAMED:
        return _NAMED[identifier.lower()]()
    raise ArgumentError(f"loss: unknown loss {identifier!r}; use one of {', '.join(sorted(_NAMED))} or a Loss object")
