"""Keras 3's FBetaScore and F1Score: one score per class of multi-label or one-hot targets, or an average.

``y_pred`` (N, C) scores and ``y_true`` (N, C) 0/1 rows (one-hot for a
single-label task, several ones for multi-label). With ``threshold=None`` the
classes scoring the row's maximum are predicted (ties predict several), as
Keras does, ignoring scores within 1e-9 of 0; with a threshold, every class
scoring above it. Per class (Keras's formula, its ``epsilon = 1e-7`` included):
``precision = tp / (tp + fp + eps)``, ``recall = tp / (tp + fn + eps)`` and
``F = (1 + beta**2) p r / (beta**2 p + r + eps)``. ``average``: None gives the
array of per-class scores, ``"macro"`` their mean, ``"weighted"`` their mean
weighted by each class's (weighted) number of positive targets, ``"micro"``
the score of the counts pooled over classes. The number of classes comes from
the first batch. For the binary F1 of probabilities at a threshold, or of class
ids, use :class:`dualnet.metrics.F1` (the name ``"f1"``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import argument_error, check_float, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import compatible, weights_for
from dualnet.metrics.base import Metric

__all__ = ["F1Score", "FBetaScore"]

_EPSILON = 1e-7
_AVERAGES = ("micro", "macro", "weighted")
_STATES = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")


class FBetaScore(Metric):
    """The F-beta score per class, or averaged over classes; Keras's ``FBetaScore``.

    See the module text for the inputs, ``threshold`` and ``average``; ``beta``
    weighs recall ``beta`` times as much as precision. The result is an array of
    shape (C,) with ``average=None``, a float otherwise.

    Raises:
        ArgumentError: ``average`` is not None, ``"micro"``, ``"macro"`` or ``"weighted"``; ``beta`` is not a
            number > 0; ``threshold`` is neither None nor a number in (0, 1].
        ShapeError: inputs that are not (N, C) of one shape, a C other than the first batch's, or a
            ``sample_weight`` that is not (N,).
        StateError: :meth:`update` after a backend switch without :meth:`reset`; a first update inside a compiled
            function.
    """

    default_name = "fbeta_score"

    def __init__(
        self, average: str | None = None, beta: float = 1.0, threshold: float | None = None, name: str | None = None
    ) -> None:
        super().__init__(name)
        where = type(self).__name__
        if average is not None and average not in _AVERAGES:
            raise argument_error(
                where,
                "average",
                average,
                "None (one score per class), 'micro', 'macro' or 'weighted'",
                "pass e.g. average='macro'",
            )
        self.average = average
        self.beta = check_float(where, "beta", beta, low=0.0, low_open=True, example="beta=2.0")
        self.threshold = check_float(
            where, "threshold", threshold, low=0.0, high=1.0, low_open=True, or_none=True, example="threshold=0.5"
        )
        self._built = False

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch of scores (N, C) and 0/1 rows (N, C), weights (N,)."""
        where = type(self).__name__
        y_pred = B.cast(B.stop_gradient(B.convert_to_tensor(y_pred)), "float32")
        y_true = B.cast(B.convert_to_tensor(y_true), "float32")
        pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        if len(pred_shape) != 2 or not compatible(pred_shape, true_shape) or not is_integer(pred_shape[1]):
            raise ShapeError(
                f"{where}: y_pred and y_true must both have shape (N, classes), got {pred_shape} and {true_shape}; "
                "pass one-hot or multi-label rows (e.g. np.eye(classes)[ids] for class ids)"
            )
        classes = int(pred_shape[1])
        if not self._built:
            for state in _STATES:
                self.add_state(state, (classes,))
            self._built = True
        elif self._shapes[_STATES[0]] != (classes,):
            raise ShapeError(
                f"{where}: the first batch had {self._shapes[_STATES[0]][0]} classes but this one has {classes} "
                f"(shape {pred_shape}); use one metric per number of classes, or reset() it after a change"
            )
        if self.threshold is None:
            top = B.greater_equal(y_pred, B.max(y_pred, -1, keepdims=True))
            predicted = B.cast(B.logical_and(top, B.greater(B.abs(y_pred), 1e-9)), "float32")
        else:
            predicted = B.cast(B.greater(y_pred, self.threshold), "float32")
        weights = B.ones_like(y_true, None)
        if sample_weight is not None:
            weights = B.multiply(weights, weights_for(where, sample_weight, y_true))
        missed = B.subtract(1.0, predicted)
        for state, value in zip(
            _STATES,
            (
                B.multiply(predicted, y_true),
                B.multiply(predicted, B.subtract(1.0, y_true)),
                B.multiply(missed, y_true),
                y_true,
            ),
        ):
            self._accumulate(state, B.sum(B.multiply(value, weights), 0))

    def result(self) -> float | np.ndarray:
        """The per-class scores (C,) with ``average=None``, else their average; 0 (or an empty array) before data."""
        if not self._built:
            return np.zeros(0) if self.average is None else 0.0
        t = self.totals()
        tp, fp, fn, support = (t[state] for state in _STATES)
        if self.average == "micro":
            tp, fp, fn, support = tp.sum(), fp.sum(), fn.sum(), support.sum()
        precision = tp / (tp + fp + _EPSILON)
        recall = tp / (tp + fn + _EPSILON)
        beta2 = self.beta * self.beta
        score = (1.0 + beta2) * (precision * recall) / (beta2 * precision + recall + _EPSILON)
        if self.average is None:
            return np.asarray(score, np.float64)
        if self.average == "weighted":
            return float(np.sum(score * support / (np.sum(support) + _EPSILON)))
        return float(np.mean(score))


class F1Score(FBetaScore):
    """The F1 score per class, or averaged over classes; Keras's ``F1Score`` (``FBetaScore`` with ``beta=1``).

    ``y_pred`` (N, C) scores and ``y_true`` (N, C) one-hot or multi-label rows;
    ``average=None`` (Keras's default) returns an array of one score per class. In
    a Trainer's logs such a result appears as ``f1_score_0``, ``f1_score_1``, ....

    Raises:
        ArgumentError: ``average`` is not None, ``"micro"``, ``"macro"`` or ``"weighted"``; ``threshold`` is
            neither None nor a number in (0, 1].
        ShapeError: inputs that are not (N, C) of one shape, a C other than the first batch's, or a
            ``sample_weight`` that is not (N,).
        StateError: :meth:`update` after a backend switch without :meth:`reset`; a first update inside a compiled
            function.
    """

    default_name = "f1_score"

    def __init__(self, average: str | None = None, threshold: float | None = None, name: str | None = None) -> None:
        super().__init__(average, 1.0, threshold, name)
