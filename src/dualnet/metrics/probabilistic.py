"""Keras 3's probabilistic metrics: the three cross-entropies, KLDivergence and Poisson.

Each is a :class:`~dualnet.metrics.Mean` of per-example values: the
cross-entropies and KL divergence are the matching :mod:`dualnet.losses`
unreduced, with Keras's defaults (probabilities, ``from_logits=False``).
``sample_weight`` has shape ``(N,)`` or a prefix of the values' shape.
"""

from __future__ import annotations

from typing import Any

from dualnet import losses
from dualnet.arguments import check_axis, check_bool, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import EPSILON, class_axis
from dualnet.losses.ranks import matched_shapes
from dualnet.metrics.base import last_axis_mean
from dualnet.metrics.mean import Mean

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "KLDivergence", "Poisson", "SparseCategoricalCrossentropy"]


class BinaryCrossentropy(Mean):
    """Mean of :class:`dualnet.losses.BinaryCrossEntropy`'s per-example values; Keras's ``BinaryCrossentropy``.

    ``y_pred`` probabilities (logits with ``from_logits``) and targets in [0, 1], both ``(N, ...)``;
    ``label_smoothing`` moves the targets towards 0.5.

    Raises:
        ArgumentError: ``from_logits`` is not a bool, or ``label_smoothing`` is not in [0, 1].
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "binary_crossentropy"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, name: str | None = None) -> None:
        super().__init__(name)
        self.from_logits = check_bool("BinaryCrossentropy", "from_logits", from_logits)
        self.label_smoothing = check_probability(
            "BinaryCrossentropy", "label_smoothing", label_smoothing, example="label_smoothing=0.1"
        )
        self._loss = losses.BinaryCrossEntropy(self.from_logits, self.label_smoothing, reduction="none")

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return self._loss.per_example(y_pred, y_true)


class CategoricalCrossentropy(Mean):
    """Mean cross-entropy of probabilities ``y_pred`` (N, ..., C) against one-hot rows; Keras's metric.

    :class:`dualnet.losses.CrossEntropy` unreduced, with Keras's defaults
    (``from_logits=False``). ``y_true`` holds one-hot rows or probabilities of
    ``y_pred``'s shape; class ids of shape (N, ...) are taken too, as the loss takes them.

    Raises:
        ArgumentError: a bad ``from_logits``, ``label_smoothing`` or ``axis``; class ids outside [0, C) (eager).
        ShapeError: ``y_true`` is neither of ``y_pred``'s shape nor class ids, or a ``sample_weight`` that does
            not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "categorical_crossentropy"

    def __init__(
        self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1, name: str | None = None
    ) -> None:
        super().__init__(name)
        where = type(self).__name__
        self.from_logits = check_bool(where, "from_logits", from_logits)
        self.label_smoothing = check_probability(
            where, "label_smoothing", label_smoothing, example="label_smoothing=0.1"
        )
        self.axis = check_axis(where, "axis", axis)
        self._loss = losses.CrossEntropy(self.from_logits, self.label_smoothing, axis=self.axis, reduction="none")

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return self._loss.per_example(y_pred, y_true)


class SparseCategoricalCrossentropy(Mean):
    """Mean cross-entropy of probabilities ``y_pred`` (N, ..., C) against class ids (N, ...); Keras's metric.

    Ids may come as (N, ..., 1) and as whole floats. ``ignore_class``: ids equal to
    it are left out of the mean (weight 0), as Keras masks them.

    Raises:
        ArgumentError: a bad ``from_logits``, ``ignore_class`` or ``axis``; ids outside [0, C) other than
            ``ignore_class``, or fractional (eager mode).
        ShapeError: ``y_true`` is not class ids for ``y_pred``, or a ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "sparse_categorical_crossentropy"

    def __init__(
        self, from_logits: bool = False, ignore_class: int | None = None, axis: int = -1, name: str | None = None
    ) -> None:
        super().__init__(name)
        where = type(self).__name__
        self.from_logits = check_bool(where, "from_logits", from_logits)
        self.ignore_class = check_int(
            where, "ignore_class", ignore_class, or_none=True, example="ignore_class=-1, the id that marks padding"
        )
        self.axis = check_axis(where, "axis", axis)
        self._loss = losses.CrossEntropy(self.from_logits, ignore_index=self.ignore_class, axis=self.axis)

    def update(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> None:
        """Add a batch of probabilities (N, ..., C) and class ids (N, ...) or (N, ..., 1)."""
        y_pred, y_true = B.stop_gradient(B.convert_to_tensor(y_pred)), B.convert_to_tensor(y_true)
        pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        axis = class_axis(type(self).__name__, self.axis, len(pred_shape))
        if len(true_shape) == len(pred_shape) and true_shape[axis] != 1:
            raise ShapeError(
                f"SparseCategoricalCrossentropy: y_pred has shape {pred_shape} (classes on axis {axis}) but y_true "
                f"has shape {true_shape}; pass class ids of shape {pred_shape[:axis] + pred_shape[axis + 1 :]} "
                "(one-hot rows need CategoricalCrossentropy)"
            )
        values = self._loss.per_example(y_pred, y_true)
        mask = None
        if self.ignore_class is not None:
            ids = B.squeeze(y_true, axis) if len(true_shape) == len(pred_shape) else y_true
            mask = B.not_equal(ids, self.ignore_class)
        self.add_values(values, sample_weight, mask)


class KLDivergence(Mean):
    """Mean of :class:`dualnet.losses.KLDivergence`'s values, ``sum(y_true log(y_true / y_pred), -1)``.

    Both are probabilities of shape (N, ..., C), clipped to ``[1e-7, 1]`` as in Keras.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "kl_divergence"

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self._loss = losses.KLDivergence(reduction="none")

    def values(self, y_pred: Any, y_true: Any) -> Any:
        return self._loss.per_example(y_pred, y_true)


class Poisson(Mean):
    """Mean of ``y_pred - y_true * log(y_pred + 1e-7)`` over the last axis; Keras's ``Poisson``.

    ``y_pred`` holds predicted rates (> 0), ``y_true`` counts; both ``(N, ...)``.

    Raises:
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or a
            ``sample_weight`` that does not fit.
        StateError: :meth:`update` after a backend switch without :meth:`reset`.
    """

    default_name = "poisson"

    def values(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes("Poisson", y_pred, y_true)
        values = B.subtract(y_pred, B.multiply(y_true, B.log(B.add(y_pred, EPSILON))))
        return last_axis_mean(values)
