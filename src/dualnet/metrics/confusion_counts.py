"""Confusion counts at thresholds, as Keras counts them: TruePositives, FalsePositives, TrueNegatives,
FalseNegatives, and :func:`threshold_counts`, which the metrics at an operating point share.

A prediction is positive at threshold ``t`` when ``y_pred > t``; a target is
positive when it is not 0. Inputs are flattened after Keras's rank matching, so
``(N,)``, ``(N, 1)`` and multi-label ``(N, D)`` all count every value. This is
Keras's ``update_confusion_matrix_variables``: thresholds spread evenly over
[0, 1] (``[0, 0.25, 0.5, 0.75, 1]``) take its bucketed path, where a score
lands in bucket ``ceil(score * (T - 1)) - 1`` (scores clipped to [0, 1], float32),
which is O(N) rather than O(N * T); any other list is compared directly.
Both give ``y_pred > t`` up to float32 rounding at exact thresholds, where
dualnet rounds as Keras does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import argument_error, check_int, is_number
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import compatible, weights_for
from dualnet.losses.ranks import squeeze_or_expand
from dualnet.metrics.base import Metric

__all__ = ["FalseNegatives", "FalsePositives", "TrueNegatives", "TruePositives"]

_NEGATIVE_INFINITY = -1e10  # Keras's score for classes outside the top k
_EPSILON = 1e-7


def check_thresholds(where: str, thresholds: Any, default: float) -> tuple[float, ...]:
    """``thresholds`` (None, a number or a non-empty sequence of numbers in [0, 1]) as a tuple of floats."""
    if thresholds is None:
        return (default,)
    items = [thresholds] if is_number(thresholds) else thresholds
    if isinstance(items, np.ndarray) and items.ndim == 1:
        items = items.tolist()
    if isinstance(items, list | tuple) and items and all(is_number(t) and 0.0 <= t <= 1.0 for t in items):
        return tuple(float(t) for t in items)
    raise argument_error(
        where,
        "thresholds",
        thresholds,
        "a number in [0, 1] or a non-empty list of them",
        f"pass e.g. thresholds=0.5 or thresholds=[0.3, 0.5, 0.7], or None for {default:g}",
    )


def evenly_spaced(thresholds: tuple[float, ...]) -> bool:
    """Keras's ``is_evenly_distributed_thresholds``: at least 3 thresholds at ``i / (T - 1)`` (within 1e-7)."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=_EPSILON))


def _one_class(where: str, x: Any, class_id: int) -> Any:
    """``x[..., class_id:class_id + 1]``, or a ShapeError when ``x`` has no such class."""
    shape = tuple(B.shape(x))
    if len(shape) < 2 or (shape[-1] is not None and class_id >= shape[-1]):
        raise ShapeError(
            f"{where}: class_id={class_id} needs y_pred of shape (N, C) with C > {class_id}, got {shape}; pass "
            "scores per class, or class_id=None for binary scores"
        )
    return B.take(x, np.array([class_id]), -1)


def _top_k_only(where: str, y_pred: Any, k: int) -> Any:
    """``y_pred`` with every score outside each row's ``k`` highest set to -1e10 (Keras's ``_filter_top_k``)."""
    classes = tuple(B.shape(y_pred))[-1]
    if classes is None:
        raise ShapeError(f"{where}: top_k needs y_pred with a known number of classes, got {tuple(B.shape(y_pred))}")
    _, indices = B.top_k(y_pred, min(k, classes))
    kept = B.sum(B.one_hot(indices, classes), -2)
    return B.add(B.multiply(y_pred, kept), B.multiply(_NEGATIVE_INFINITY, B.subtract(1.0, kept)))


def threshold_counts(
    where: str,
    y_pred: Any,
    y_true: Any,
    sample_weight: Any,
    thresholds: tuple[float, ...],
    *,
    class_id: int | None = None,
    top_k: int | None = None,
    bucketed: bool | None = None,
) -> dict[str, Any]:
    """Weighted ``tp``, ``fp``, ``tn``, ``fn`` of one batch at each threshold: float32 tensors of shape (T,).

    ``y_pred`` scores and ``y_true`` targets of one shape (after Keras's rank
    matching); ``class_id`` keeps one column of (N, C) inputs, ``top_k`` first
    leaves only each row's ``k`` highest scores. ``sample_weight``: the (matched)
    inputs' shape or a prefix of it. ``bucketed``: take the bucketed path (scores
    clipped to [0, 1]) or compare directly; None decides by :func:`evenly_spaced`.

    Raises:
        ShapeError: the shapes differ, a ``class_id`` beyond the classes, or a ``sample_weight`` that does not fit.
    """
    y_pred = B.cast(B.stop_gradient(B.convert_to_tensor(y_pred)), "float32")
    y_pred, y_true = squeeze_or_expand(y_pred, B.convert_to_tensor(y_true))
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if not compatible(pred_shape, true_shape):
        raise ShapeError(
            f"{where}: y_pred has shape {pred_shape} but y_true has shape {true_shape}; they must match "
            "(reshape the target, e.g. y[:, None] for a single output)"
        )
    if top_k is not None:
        y_pred = _top_k_only(where, y_pred, top_k)
    if class_id is not None:
        y_pred, y_true = _one_class(where, y_pred, class_id), _one_class(where, y_true, class_id)
    weights = B.ones_like(y_pred, None)
    if sample_weight is not None:
        weights = B.multiply(weights, weights_for(where, sample_weight, y_pred))
    positive = B.cast(B.not_equal(y_true, 0), "float32")
    scores, positives = B.ravel(y_pred), B.ravel(B.multiply(positive, weights))
    negatives = B.ravel(B.multiply(B.subtract(1.0, positive), weights))
    if evenly_spaced(thresholds) if bucketed is None else bucketed:
        tp, fp = _bucketed(scores, positives, negatives, thresholds)
        total_positive, total_negative = B.sum(positives), B.sum(negatives)
        return {"tp": tp, "fp": fp, "tn": B.subtract(total_negative, fp), "fn": B.subtract(total_positive, tp)}
    limits = B.convert_to_tensor(np.asarray(thresholds, np.float32).reshape(-1, 1))
    above = B.cast(B.greater(B.expand_dims(scores, 0), limits), "float32")  # (T, values)
    below = B.subtract(1.0, above)
    return {
        "tp": B.sum(B.multiply(above, positives), 1),
        "fp": B.sum(B.multiply(above, negatives), 1),
        "tn": B.sum(B.multiply(below, negatives), 1),
        "fn": B.sum(B.multiply(below, positives), 1),
    }


def _bucketed(scores: Any, positives: Any, negatives: Any, thresholds: tuple[float, ...]) -> tuple[Any, Any]:
    """``tp`` and ``fp`` at evenly spaced thresholds by bucket sums and a reversed cumulative sum (Keras's path)."""
    count = len(thresholds)
    # Keras's bucket is ceil(s (T - 1)) - 1, which is -1 for a score of exactly 0 (no threshold counts it): sum
    # into bucket + 1 and drop the first sum, rather than rely on a framework's treatment of a negative segment id.
    shifted = B.cast(B.ceil(B.multiply(B.clip(scores, 0.0, 1.0), float(count - 1))), "int64")
    later, padding = np.arange(1, count), B.zeros((1,), "float32")
    tp, fp = (
        B.flip(B.cumsum(B.flip(B.concatenate([B.take(B.segment_sum(v, shifted, count), later, 0), padding]), 0), 0), 0)
        for v in (positives, negatives)
    )
    return tp, fp


class _ConditionCount(Metric):
    """The weighted count of one confusion-matrix cell at each threshold."""

    cell = "tp"

    def __init__(self, thresholds: float | Sequence[float] | None = None, name: str | None = None) -> None:
        super().__init__(name)
        self.thresholds = check_thresholds(type(self).__name__, thresholds, 0.5)
        self.add_state("accumulator", (len(self.thresholds),))

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch of scores and targets (0 is negative, anything else positive) of one shape."""
        counts = threshold_counts(type(self).__name__, y_pred, y_true, sample_weight, self.thresholds)
        self._accumulate("accumulator", counts[self.cell])

    def result(self) -> float | np.ndarray:
        """The count (a float), or an array of one count per threshold when several were given."""
        counts = self.totals()["accumulator"]
        return float(counts[0]) if len(self.thresholds) == 1 else counts


class TruePositives(_ConditionCount):
    """The (weighted) number of positive targets scored above the threshold; Keras's ``TruePositives``.

    ``y_pred`` scores and ``y_true`` targets (0 negative, else positive) of one
    shape, ``(N,)``, ``(N, 1)`` or multi-label ``(N, D)``; a score is positive above
    a threshold. ``thresholds``: a number in [0, 1] (default 0.5; the result is a
    float) or a list of them (an array of one count per threshold).

    Raises:
        ArgumentError: ``thresholds`` is not a number in [0, 1] or a non-empty list of them.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "true_positives"
    cell = "tp"


class FalsePositives(_ConditionCount):
    """The (weighted) number of negative targets scored above the threshold; Keras's ``FalsePositives``.

    ``y_pred`` scores and ``y_true`` targets (0 negative, else positive) of one
    shape, ``(N,)``, ``(N, 1)`` or multi-label ``(N, D)``; a score is positive above
    a threshold. ``thresholds``: a number in [0, 1] (default 0.5; the result is a
    float) or a list of them (an array of one count per threshold).

    Raises:
        ArgumentError: ``thresholds`` is not a number in [0, 1] or a non-empty list of them.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "false_positives"
    cell = "fp"


class TrueNegatives(_ConditionCount):
    """The (weighted) number of negative targets scored at or below the threshold; Keras's ``TrueNegatives``.

    ``y_pred`` scores and ``y_true`` targets (0 negative, else positive) of one
    shape, ``(N,)``, ``(N, 1)`` or multi-label ``(N, D)``; a score is positive above
    a threshold. ``thresholds``: a number in [0, 1] (default 0.5; the result is a
    float) or a list of them (an array of one count per threshold).

    Raises:
        ArgumentError: ``thresholds`` is not a number in [0, 1] or a non-empty list of them.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "true_negatives"
    cell = "tn"


class FalseNegatives(_ConditionCount):
    """The (weighted) number of positive targets scored at or below the threshold; Keras's ``FalseNegatives``.

    ``y_pred`` scores and ``y_true`` targets (0 negative, else positive) of one
    shape, ``(N,)``, ``(N, 1)`` or multi-label ``(N, D)``; a score is positive above
    a threshold. ``thresholds``: a number in [0, 1] (default 0.5; the result is a
    float) or a list of them (an array of one count per threshold).

    Raises:
        ArgumentError: ``thresholds`` is not a number in [0, 1] or a non-empty list of them.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "false_negatives"
    cell = "fn"


def check_class_id(where: str, class_id: Any) -> int | None:
    """A constructor's ``class_id``: None or an int >= 0."""
    return check_int(where, "class_id", class_id, low=0, or_none=True, example="class_id=1, or None for binary")
