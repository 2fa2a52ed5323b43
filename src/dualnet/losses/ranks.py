"""Keras's rank matching of predictions and targets, so ``(N,)`` targets meet ``(N, 1)`` predictions."""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B
from dualnet.losses.base import same_shape

__all__: list[str] = []  # internal: used by dualnet itself, not re-exported


def squeeze_or_expand(y_pred: Any, y_true: Any) -> tuple[Any, Any]:
    """Keras's ``squeeze_or_expand_to_same_rank`` (``keras/src/losses/loss.py``), predictions first.

    When the ranks differ by one and the longer tensor ends in an axis of size
    1, a rank-1 shorter one gains that axis (``(N,)`` with ``(N, 1)`` gives two
    ``(N, 1)``) and otherwise the longer one loses it (``(N, T, 1)`` with
    ``(N, T)`` gives two ``(N, T)``). Any other pair comes back as it came.
    """
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if len(pred_shape) == len(true_shape) + 1 and pred_shape[-1] == 1:
        if len(true_shape) == 1:
            return y_pred, B.expand_dims(y_true, -1)
        return B.squeeze(y_pred, -1), y_true
    if len(true_shape) == len(pred_shape) + 1 and true_shape[-1] == 1:
        if len(pred_shape) == 1:
            return B.expand_dims(y_pred, -1), y_true
        return y_pred, B.squeeze(y_true, -1)
    return y_pred, y_true


def matched_shapes(name: str, y_pred: Any, y_true: Any) -> tuple[Any, Any]:
    """Tensors of ``y_pred``'s dtype and one shape after :func:`squeeze_or_expand`.

    Raises:
        ShapeError: the shapes still differ (``same_shape``'s message, naming ``name`` and both shapes).
    """
    y_pred = B.convert_to_tensor(y_pred)
    y_true = B.convert_to_tensor(y_true, B.dtype(y_pred))
    return same_shape(name, *squeeze_or_expand(y_pred, y_true))
