"""Losses, called PyTorch's way: ``loss(y_pred, y_true, sample_weight=None)``.

Written once on the ops. ``reduction`` is ``"mean"`` (default), ``"sum"`` or
``"none"`` (one value per example). Losses are also available by name
through :func:`get` (``"mse"``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError

REDUCTIONS = ("mean", "sum", "none")


class Loss:
    """Base class: subclasses define :meth:`per_example` returning shape ``(N,)`` (or the target's batch shape)."""

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in REDUCTIONS:
            raise ArgumentError(
                f"{type(self).__name__}(reduction={reduction!r}): unknown reduction; use one of {', '.join(REDUCTIONS)}"
            )
        self.reduction = reduction

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        """The unreduced loss, one value per example."""
        raise NotImplementedError

    def __call__(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> Any:
        values = self.per_example(y_pred, y_true)
        if sample_weight is not None:
            values = B.multiply(values, B.convert_to_tensor(sample_weight, B.dtype(values)))
        if self.reduction == "mean":
            return B.mean(values)
        if self.reduction == "sum":
            return B.sum(values)
        return values


def _check_same_shape(name: str, y_pred: Any, y_true: Any) -> None:
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if pred_shape != true_shape:
        raise ShapeError(
            f"{name}: y_pred has shape {pred_shape} but y_true has shape {true_shape}; "
            "they must match (reshape the target, e.g. y[:, None] for a single output)"
        )


def _mean_over_features(values: Any) -> Any:
    rank = len(B.shape(values))
    return B.mean(values, tuple(range(1, rank))) if rank > 1 else values


class MeanSquaredError(Loss):
    """Mean of ``(y_pred - y_true) ** 2`` over features, per example. Shapes: both ``(N, ...)``."""

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_true = B.convert_to_tensor(y_true, B.dtype(y_pred))
        _check_same_shape("MeanSquaredError", y_pred, y_true)
        diff = B.subtract(y_pred, y_true)
        # d * d rather than square(d): both frameworks then differentiate it with the same arithmetic.
        return _mean_over_features(B.multiply(diff, diff))


_NAMED: dict[str, Callable[[], Loss]] = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
}


def get(identifier: Any) -> Callable[..., Any]:
    """A loss from a name (``"mse"``), a Loss instance or any callable ``(y_pred, y_true) -> scalar``."""
    if callable(identifier):
        return identifier  # type: ignore[no-any-return]
    if isinstance(identifier, str) and identifier.lower() in _NAMED:
        return _NAMED[identifier.lower()]()
    raise ArgumentError(f"loss: unknown loss {identifier!r}; use one of {', '.join(sorted(_NAMED))} or a Loss object")
