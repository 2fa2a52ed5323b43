"""Metrics from confusion counts: Precision, Recall, F1 and the thresholded AUC."""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_choice, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import check_class_ids, weights_for
from dualnet.metrics.base import Metric, check_threshold, class_ids, matched, ratio

__all__ = ["AUC", "F1", "Precision", "Recall"]


class _Confusion(Metric):
    """Weighted true positives, predicted positives and actual positives, per class or for one binary class."""

    def __init__(self, threshold: float, num_classes: int | None, average: str, name: str | None) -> None:
        super().__init__(name)
        where = type(self).__name__
        self.threshold = check_threshold(where, threshold)
        num_classes = check_int(
            where, "num_classes", num_classes, low=2, or_none=True, example="num_classes=10, or None (binary)"
        )
        average = check_choice(where, "average", average, ("macro", "micro"))
        self.num_classes, self.average = num_classes, average
        for state in ("true_positives", "predicted_positives", "actual_positives"):
            self.add_state(state, (num_classes or 1,))

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch: probabilities (N, ...) and 0/1 targets, or scores (N, ..., C) and class ids / one-hot."""
        where = type(self).__name__
        y_pred = B.stop_gradient(B.convert_to_tensor(y_pred))
        if self.num_classes is None:
            y_pred, y_true = matched(where, y_pred, y_true)
            predicted = B.cast(B.greater(y_pred, self.threshold), "float32")
            actual = B.cast(B.not_equal(y_true, 0), "float32")
            weights = B.ones_like(predicted, None)
            if sample_weight is not None:
                weights = B.multiply(weights, weights_for(where, sample_weight, predicted))
            for state, value in (
                ("true_positives", B.multiply(weights, B.multiply(predicted, actual))),
                ("predicted_positives", B.multiply(weights, predicted)),
                ("actual_positives", B.multiply(weights, actual)),
            ):
                self._accumulate(state, B.reshape(B.sum(value), (1,)))
            return
        pred_shape = tuple(B.shape(y_pred))
        if pred_shape[-1] not in (None, self.num_classes):
            raise ShapeError(
                f"{where}: y_pred must have num_classes={self.num_classes} scores on its last axis, got shape "
                f"{pred_shape}; pass the class scores or set num_classes to match"
            )
        ids = class_ids(where, y_pred, B.convert_to_tensor(y_true))
        check_class_ids(where, ids, self.num_classes)
        predicted = B.argmax(y_pred, -1)
        weights = B.ones_like(ids, "float32")
        if sample_weight is not None:
            weights = B.multiply(weights, weights_for(where, sample_weight, weights))
        flat_ids, flat_pred, flat_w = B.ravel(ids), B.ravel(predicted), B.ravel(weights)
        hits = B.multiply(flat_w, B.cast(B.equal(flat_ids, flat_pred), "float32"))
        self._accumulate("true_positives", B.segment_sum(hits, flat_ids, self.num_classes))
        self._accumulate("predicted_positives", B.segment_sum(flat_w, flat_pred, self.num_classes))
        self._accumulate("actual_positives", B.segment_sum(flat_w, flat_ids, self.num_classes))

    def _score(self, tp: np.ndarray, predicted: np.ndarray, actual: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def result(self) -> float:
        t = self.totals()
        tp, predicted, actual = t["true_positives"], t["predicted_positives"], t["actual_positives"]
        if self.average == "micro":
            tp, predicted, actual = tp.sum(keepdims=True), predicted.sum(keepdims=True), actual.sum(keepdims=True)
        # Macro: classes never predicted nor present score 0, as Keras's F1Score and scikit-learn's default do.
        return float(np.mean(self._score(tp, predicted, actual)))


class Precision(_Confusion):
    """``tp / (tp + fp)``: the fraction of predicted positives that are right.

    Binary when ``num_classes`` is None: probabilities ``y_pred`` are positive
    above ``threshold``, ``y_true`` is 0/1 of the same shape. Multiclass with
    ``num_classes``: the argmax of ``y_pred`` (N, ..., C) against class ids
    (N, ...) or one-hot ``y_true``; ``average="macro"`` averages the classes'
    scores, ``"micro"`` pools their counts first.

    Raises:
        ArgumentError: ``threshold`` outside [0, 1], ``num_classes`` neither None nor an int >= 2, an unknown
            ``average``; in :meth:`update`, class ids outside [0, num_classes) (checked in eager mode).
        ShapeError: ``y_true`` does not match ``y_pred`` (same shape, or ids / one-hot with ``num_classes``
            scores last), or a ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "precision"

    def __init__(
        self, threshold: float = 0.5, num_classes: int | None = None, average: str = "macro", name: str | None = None
    ) -> None:
        super().__init__(threshold, num_classes, average, name)

    def _score(self, tp: np.ndarray, predicted: np.ndarray, actual: np.ndarray) -> np.ndarray:
        return ratio(tp, predicted)


class Recall(_Confusion):
    """``tp / (tp + fn)``: the fraction of actual positives that are found.

    Binary when ``num_classes`` is None: probabilities ``y_pred`` are positive
    above ``threshold``, ``y_true`` is 0/1 of the same shape. Multiclass with
    ``num_classes``: the argmax of ``y_pred`` (N, ..., C) against class ids
    (N, ...) or one-hot ``y_true``; ``average="macro"`` averages the classes'
    scores, ``"micro"`` pools their counts first.

    Raises:
        ArgumentError: ``threshold`` outside [0, 1], ``num_classes`` neither None nor an int >= 2, an unknown
            ``average``; in :meth:`update`, class ids outside [0, num_classes) (checked in eager mode).
        ShapeError: ``y_true`` does not match ``y_pred`` (same shape, or ids / one-hot with ``num_classes``
            scores last), or a ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "recall"

    def __init__(
        self, threshold: float = 0.5, num_classes: int | None = None, average: str = "macro", name: str | None = None
    ) -> None:
        super().__init__(threshold, num_classes, average, name)

    def _score(self, tp: np.ndarray, predicted: np.ndarray, actual: np.ndarray) -> np.ndarray:
        return ratio(tp, actual)


class F1(_Confusion):
    """``2 tp / (2 tp + fp + fn)``, the harmonic mean of precision and recall (the name ``"f1"``).

    The F1 of :class:`Precision` and :class:`Recall`'s counts, one number. Keras's
    ``F1Score`` (``"f1_score"``), which takes one-hot or multi-label rows and gives
    one score per class by default, is :class:`dualnet.metrics.F1Score`.

    Binary when ``num_classes`` is None: probabilities ``y_pred`` are positive
    above ``threshold``, ``y_true`` is 0/1 of the same shape. Multiclass with
    ``num_classes``: the argmax of ``y_pred`` (N, ..., C) against class ids
    (N, ...) or one-hot ``y_true``; ``average="macro"`` averages the classes'
    scores, ``"micro"`` pools their counts first.

    Raises:
        ArgumentError: ``threshold`` outside [0, 1], ``num_classes`` neither None nor an int >= 2, an unknown
            ``average``; in :meth:`update`, class ids outside [0, num_classes) (checked in eager mode).
        ShapeError: ``y_true`` does not match ``y_pred`` (same shape, or ids / one-hot with ``num_classes``
            scores last), or a ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "f1"

    def __init__(
        self, threshold: float = 0.5, num_classes: int | None = None, average: str = "macro", name: str | None = None
    ) -> None:
        super().__init__(threshold, num_classes, average, name)

    def _score(self, tp: np.ndarray, predicted: np.ndarray, actual: np.ndarray) -> np.ndarray:
        return ratio(2.0 * tp, predicted + actual)


class AUC(Metric):
    """Area under the ROC or precision-recall curve, Keras's thresholded approximation.

    ``y_pred`` probabilities (clipped to [0, 1]) and 0/1 ``y_true`` of the same
    shape, flattened. Thresholds are ``-1e-7``, ``i / (num_thresholds - 1)``
    for ``i = 1 .. num_thresholds - 2`` and ``1 + 1e-7``; a value is positive
    at a threshold when above it. ``curve="ROC"`` sums trapezoids of TPR over
    FPR; ``"PR"`` uses Keras's interpolation (Davis & Goadrich 2006).

    Raises:
        ArgumentError: ``num_thresholds`` is not an int > 1, or ``curve`` is not ``"ROC"`` or ``"PR"``.
        ShapeError: ``y_true`` and ``y_pred`` shapes differ, or a ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "auc"

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", name: str | None = None) -> None:
        super().__init__(name)
        num_thresholds = check_int("AUC", "num_thresholds", num_thresholds, low=2, example="num_thresholds=200")
        curve = check_choice("AUC", "curve", curve, ("ROC", "PR"), ignore_case=True)
        self.num_thresholds, self.curve = num_thresholds, curve.upper()
        # Weighted counts per bucket between thresholds; the cumulative sums in result() give tp and fp.
        self.add_state("positives", (num_thresholds,))
        self.add_state("negatives", (num_thresholds,))

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch of probabilities and 0/1 targets of the same shape."""
        y_pred, y_true = matched("AUC", B.stop_gradient(B.convert_to_tensor(y_pred)), y_true)
        actual = B.cast(B.not_equal(y_true, 0), "float32")
        weights = B.ones_like(actual, None)
        if sample_weight is not None:
            weights = B.multiply(weights, weights_for("AUC", sample_weight, actual))
        # Bucket i holds values in (t_i, t_i+1]: above thresholds 0..i. Keras's O(N) form of N x T comparisons.
        scaled = B.multiply(B.clip(B.cast(y_pred, "float32"), 0.0, 1.0), float(self.num_thresholds - 1))
        buckets = B.ravel(B.cast(B.maximum(B.subtract(B.ceil(scaled), 1.0), 0.0), "int64"))
        positives, weights = B.ravel(B.multiply(weights, actual)), B.ravel(weights)
        self._accumulate("positives", B.segment_sum(positives, buckets, self.num_thresholds))
        self._accumulate("negatives", B.segment_sum(B.subtract(weights, positives), buckets, self.num_thresholds))

    def result(self) -> float:
        t = self.totals()
        tp = np.cumsum(t["positives"][::-1])[::-1]  # weight of positives above each threshold
        fp = np.cumsum(t["negatives"][::-1])[::-1]
        fn, tn = t["positives"].sum() - tp, t["negatives"].sum() - fp
        if self.curve == "PR":
            return float(_interpolated_pr_auc(tp, fp, fn))
        tpr, fpr = ratio(tp, tp + fn), ratio(fp, fp + tn)
        return float(np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2.0))


def _interpolated_pr_auc(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> float:
    """Keras's closed form: precision interpolated linearly in tp and predicted positives between thresholds."""
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    dp = p[:-1] - p[1:]
    slope = ratio(dtp, np.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    both = (p[:-1] > 0) & (p[1:] > 0)
    p_ratio = np.where(both, ratio(p[:-1], np.maximum(p[1:], 0)), 1.0)
    increments = ratio(slope * (dtp + intercept * np.log(p_ratio)), np.maximum(tp[1:] + fn[1:], 0))
    return float(np.sum(increments))
