"""The best value of one rate where another meets a floor: Keras's SensitivityAtSpecificity,
SpecificityAtSensitivity, PrecisionAtRecall and RecallAtPrecision.

Each counts ``tp``, ``fp``, ``tn``, ``fn`` at ``num_thresholds`` thresholds
``0, 1/(T-1), ..., 1`` (only 0.5 for ``num_thresholds=1``), as Keras does with
its bucketed counting (see :mod:`dualnet.metrics.confusion_counts`), and returns
the largest value of the one rate over the thresholds where the other is at
least the given value (0 when none is). This is Keras's thresholded search,
not an interpolation of the exact curve (scikit-learn's ``precision_recall_curve``
uses every distinct score as a threshold): with few thresholds the two can differ.
Rates are ``a / (a + b)``, 0 when the sum is 0; they are computed in float64
from the running counts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_int, check_probability
from dualnet.metrics.base import Metric, ratio
from dualnet.metrics.confusion_counts import check_class_id, threshold_counts

__all__ = ["PrecisionAtRecall", "RecallAtPrecision", "SensitivityAtSpecificity", "SpecificityAtSensitivity"]


class _AtValue(Metric):
    """Counts at Keras's evenly spaced thresholds and the constrained search over them."""

    argument = "value"

    def __init__(self, value: float, num_thresholds: int, class_id: int | None, name: str | None) -> None:
        super().__init__(name)
        where = type(self).__name__
        self.value = check_probability(where, self.argument, value, example=f"{self.argument}=0.8")
        self.num_thresholds = check_int(where, "num_thresholds", num_thresholds, low=1, example="num_thresholds=200")
        self.class_id = check_class_id(where, class_id)
        count = self.num_thresholds
        self.thresholds = (0.5,) if count == 1 else (0.0, *((i + 1) / (count - 1) for i in range(count - 2)), 1.0)
        for state in ("tp", "fp", "tn", "fn"):
            self.add_state(state, (len(self.thresholds),))

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch of scores in [0, 1] and targets (0 negative, else positive) of one shape."""
        where, bucketed = type(self).__name__, len(self.thresholds) > 1  # Keras buckets from 2 thresholds on
        counts = threshold_counts(
            where, y_pred, y_true, sample_weight, self.thresholds, class_id=self.class_id, bucketed=bucketed
        )
        for state, value in counts.items():
            self._accumulate(state, value)

    def _rates(self) -> dict[str, np.ndarray]:
        t = self.totals()
        return {
            "sensitivity": ratio(t["tp"], t["tp"] + t["fn"]),  # also the recall
            "specificity": ratio(t["tn"], t["tn"] + t["fp"]),
            "precision": ratio(t["tp"], t["tp"] + t["fp"]),
        }

    def _best(self, maximised: str, constrained: str) -> float:
        rates = self._rates()
        feasible = rates[constrained] >= self.value
        return float(np.max(np.where(feasible, rates[maximised], 0.0), initial=0.0))


class SensitivityAtSpecificity(_AtValue):
    """The best sensitivity (recall) at thresholds whose specificity is at least ``specificity``.

    ``y_pred`` scores in [0, 1] and 0/1 ``y_true`` of one shape (``(N,)``, ``(N, 1)``
    or multi-label ``(N, D)``, every value counted); with ``class_id``, only that
    column of ``(N, C)`` inputs.

    Raises:
        ArgumentError: ``specificity`` is not in [0, 1], ``num_thresholds`` is not a positive int, or ``class_id``
            is neither None nor an int >= 0.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, ``class_id`` is beyond the classes, or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    argument = "specificity"
    default_name = "sensitivity_at_specificity"

    def __init__(
        self, specificity: float, num_thresholds: int = 200, class_id: int | None = None, name: str | None = None
    ) -> None:
        super().__init__(specificity, num_thresholds, class_id, name)
        self.specificity = self.value

    def result(self) -> float:
        return self._best("sensitivity", "specificity")


class SpecificityAtSensitivity(_AtValue):
    """The best specificity at thresholds whose sensitivity (recall) is at least ``sensitivity``.

    ``y_pred`` scores in [0, 1] and 0/1 ``y_true`` of one shape (``(N,)``, ``(N, 1)``
    or multi-label ``(N, D)``, every value counted); with ``class_id``, only that
    column of ``(N, C)`` inputs.

    Raises:
        ArgumentError: ``sensitivity`` is not in [0, 1], ``num_thresholds`` is not a positive int, or ``class_id``
            is neither None nor an int >= 0.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, ``class_id`` is beyond the classes, or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    argument = "sensitivity"
    default_name = "specificity_at_sensitivity"

    def __init__(
        self, sensitivity: float, num_thresholds: int = 200, class_id: int | None = None, name: str | None = None
    ) -> None:
        super().__init__(sensitivity, num_thresholds, class_id, name)
        self.sensitivity = self.value

    def result(self) -> float:
        return self._best("specificity", "sensitivity")


class PrecisionAtRecall(_AtValue):
    """The best precision at thresholds whose recall is at least ``recall``.

    ``y_pred`` scores in [0, 1] and 0/1 ``y_true`` of one shape (``(N,)``, ``(N, 1)``
    or multi-label ``(N, D)``, every value counted); with ``class_id``, only that
    column of ``(N, C)`` inputs.

    Raises:
        ArgumentError: ``recall`` is not in [0, 1], ``num_thresholds`` is not a positive int, or ``class_id``
            is neither None nor an int >= 0.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, ``class_id`` is beyond the classes, or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    argument = "recall"
    default_name = "precision_at_recall"

    def __init__(
        self, recall: float, num_thresholds: int = 200, class_id: int | None = None, name: str | None = None
    ) -> None:
        super().__init__(recall, num_thresholds, class_id, name)
        self.recall = self.value

    def result(self) -> float:
        return self._best("precision", "sensitivity")


class RecallAtPrecision(_AtValue):
    """The best recall at thresholds whose precision is at least ``precision``.

    ``y_pred`` scores in [0, 1] and 0/1 ``y_true`` of one shape (``(N,)``, ``(N, 1)``
    or multi-label ``(N, D)``, every value counted); with ``class_id``, only that
    column of ``(N, C)`` inputs.

    Raises:
        ArgumentError: ``precision`` is not in [0, 1], ``num_thresholds`` is not a positive int, or ``class_id``
            is neither None nor an int >= 0.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, ``class_id`` is beyond the classes, or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    argument = "precision"
    default_name = "recall_at_precision"

    def __init__(
        self, precision: float, num_thresholds: int = 200, class_id: int | None = None, name: str | None = None
    ) -> None:
        super().__init__(precision, num_thresholds, class_id, name)
        self.precision = self.value

    def result(self) -> float:
        return self._best("sensitivity", "precision")
