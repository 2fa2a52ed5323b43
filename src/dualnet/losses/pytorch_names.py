"""PyTorch's loss classes by their ``torch.nn`` names, with PyTorch's arguments, defaults and values.

Each is the dualnet loss of the same math with PyTorch's conventions set:
``reduction="none"`` keeps every element where PyTorch does (``MSELoss``,
``BCEWithLogitsLoss``...), ``ignore_index`` is -100, ``CrossEntropyLoss`` takes
logits, ``NLLLoss`` log-probabilities, ``KLDivLoss`` log-probabilities against
probabilities with its ``"batchmean"`` reduction, ``PoissonNLLLoss`` the log of
the rate. Arguments are keyword-only, as PyTorch's first positional ones are
its deprecated ``size_average`` and ``reduce``. Two conventions stay
dualnet's: the call is ``loss(y_pred, y_true, sample_weight=None)`` (the
inputs of pair and triplet losses come as one tuple: ``loss((x1, x2), y)``),
and classes lie on the last axis, as dualnet's layers produce them (pass
``axis=1`` for PyTorch's layout).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_choice
from dualnet.backend.dispatch import B
from dualnet.losses.base import EPSILON, REDUCTIONS, Loss, weights_for
from dualnet.losses.categorical import NLL, CrossEntropy
from dualnet.losses.hinge import HingeEmbedding, MultiLabelSoftMargin, MultiMargin, SoftMargin
from dualnet.losses.likelihood import GaussianNLL, Poisson
from dualnet.losses.probabilistic import BinaryCrossEntropy
from dualnet.losses.ranking import CosineEmbedding, MarginRanking, TripletMargin
from dualnet.losses.ranks import matched_shapes
from dualnet.losses.regression import Huber, MeanAbsoluteError, MeanSquaredError, SmoothL1

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CosineEmbeddingLoss",
    "CrossEntropyLoss",
    "GaussianNLLLoss",
    "HingeEmbeddingLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "MSELoss",
    "MarginRankingLoss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "NLLLoss",
    "PoissonNLLLoss",
    "SmoothL1Loss",
    "SoftMarginLoss",
    "TripletMarginLoss",
]

_LOG_FLOOR = -100.0  # PyTorch's binary_cross_entropy clamps each log at -100


class L1Loss(MeanAbsoluteError):
    """``torch.nn.L1Loss``: ``|y_pred - y_true|``. Shapes: both ``(N, ...)``; ``reduction="none"`` keeps that shape.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)


class MSELoss(MeanSquaredError):
    """``torch.nn.MSELoss``: ``(y_pred - y_true) ** 2``. Shapes: both ``(N, ...)``, kept by ``reduction="none"``.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)


class HuberLoss(Huber):
    """``torch.nn.HuberLoss``, :class:`Huber`'s math. Shapes: both ``(N, ...)``; ``reduction="none"`` keeps that shape.

    Raises:
        ArgumentError: an unknown ``reduction``, or ``delta`` not a number > 0.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(delta, reduction)


class SmoothL1Loss(SmoothL1):
    """``torch.nn.SmoothL1Loss``, :class:`SmoothL1`'s math. Shapes: both ``(N, ...)``, kept by ``reduction="none"``.

    Raises:
        ArgumentError: an unknown ``reduction``, or ``beta`` not a number >= 0.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(beta, reduction)


class BCELoss(BinaryCrossEntropy):
    """``torch.nn.BCELoss``: ``-(y log p + (1 - y) log(1 - p))`` of probabilities, each log clamped at -100.

    PyTorch clamps the logs where Keras (and :class:`BinaryCrossEntropy`) clips
    ``p`` to ``[1e-7, 1 - 1e-7]``: a confident wrong answer costs 100, not 16.1.
    Shapes: both ``(N, ...)``; ``reduction="none"`` keeps that shape.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(from_logits=False, reduction=reduction)

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        p, y = matched_shapes(type(self).__name__, y_pred, y_true)
        positive = B.multiply(y, B.maximum(B.log(p), _LOG_FLOOR))
        negative = B.multiply(B.subtract(1.0, y), B.maximum(B.log(B.subtract(1.0, p)), _LOG_FLOOR))
        return B.negative(B.add(positive, negative))


class BCEWithLogitsLoss(BinaryCrossEntropy):
    """``torch.nn.BCEWithLogitsLoss``: the binary cross-entropy of logits, ``pos_weight`` as PyTorch's.

    Shapes: both ``(N, ...)``; ``reduction="none"`` keeps that shape.

    Raises:
        ArgumentError: an unknown ``reduction``, or a bad ``pos_weight``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), ``pos_weight``
            does not fit the last axis, or ``sample_weight`` fits neither the unreduced values' shape nor a
            prefix.
    """

    per_element = True

    def __init__(self, *, reduction: str = "mean", pos_weight: float | Sequence[float] | None = None) -> None:
        super().__init__(from_logits=True, reduction=reduction, pos_weight=pos_weight)


class CrossEntropyLoss(CrossEntropy):
    """``torch.nn.CrossEntropyLoss``: the cross-entropy of logits, ``ignore_index=-100``, classes on ``axis``.

    Shapes: logits (N, ..., C) and class ids (N, ...) or probabilities (N, ..., C) -> (N, ...). Probability
    targets are taken whatever ``ignore_index`` (it applies to class ids only, as in PyTorch).

    Raises:
        ArgumentError: a bad ``weight``, ``ignore_index``, ``label_smoothing``, ``axis`` or ``reduction``; class ids
            outside [0, C) (eager mode).
        ShapeError: ``y_true`` is neither class ids nor of ``y_pred``'s shape, ``weight`` has not C entries, or
            ``sample_weight`` does not fit.
    """

    ids_only_ignore_index = False

    def __init__(
        self,
        *,
        weight: Sequence[float] | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
        axis: int = -1,
    ) -> None:
        super().__init__(True, label_smoothing, ignore_index, axis, reduction, weight)


class NLLLoss(NLL):
    """``torch.nn.NLLLoss``: :class:`NLL` with ``ignore_index=-100``. Shapes: (N, ..., C) and ids (N, ...) -> (N, ...).

    Raises:
        ArgumentError: an unknown ``reduction``, ``weight``, ``ignore_index`` or ``axis``; class ids outside [0,
            C) (eager mode).
        ShapeError: ``y_true`` is not class ids of ``y_pred``'s shape less ``axis``, ``weight`` has not C
            entries, or ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    def __init__(
        self,
        *,
        weight: Sequence[float] | None = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        axis: int = -1,
    ) -> None:
        super().__init__(weight, ignore_index, axis, reduction)


class KLDivLoss(Loss):
    """``torch.nn.KLDivLoss``: ``y_true * (log(y_true) - y_pred)`` per element, ``y_pred`` holding log-probabilities.

    With ``log_target``, ``y_true`` holds log-probabilities too:
    ``exp(y_true) * (y_true - y_pred)``. A zero target contributes 0. Reductions
    are PyTorch's: ``"batchmean"`` (the KL divergence: the sum over each example's
    distribution, averaged over the batch, what :class:`KLDivergence` computes from
    probabilities), ``"mean"`` (over every element, as PyTorch's default), ``"sum"``,
    ``"none"`` (every element). Shapes: both ``(N, ...)``.

    Raises:
        ArgumentError: a non-bool ``log_target``, or a ``reduction`` not among those above.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ, or ``sample_weight`` does not fit.
    """

    def __init__(self, *, reduction: str = "mean", log_target: bool = False) -> None:
        choice = check_choice("KLDivLoss", "reduction", reduction, ("batchmean", *REDUCTIONS))
        super().__init__("sum" if choice == "batchmean" else choice)
        self.reduction = choice  # "batchmean" is reduced by __call__
        self.log_target = check_bool("KLDivLoss", "log_target", log_target)

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        if self.log_target:
            return B.multiply(B.exp(y_true), B.subtract(y_true, y_pred))
        # xlogy: a zero target gives 0, not 0 * log(0); the floor keeps log() finite there, where() drops it.
        log_target = B.log(B.maximum(y_true, EPSILON * EPSILON))
        return B.where(B.greater(y_true, 0.0), B.multiply(y_true, B.subtract(log_target, y_pred)), 0.0)

    def __call__(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> Any:
        values = self.per_example(y_pred, y_true)
        if self.reduction != "batchmean":
            return self._reduce(values, sample_weight)
        if sample_weight is not None:
            values = B.multiply(values, weights_for(type(self).__name__, sample_weight, values))
        rank = len(B.shape(values))
        return B.mean(B.sum(values, tuple(range(1, rank)))) if rank > 1 else B.mean(values)  # the sum over N


class PoissonNLLLoss(Poisson):
    """``torch.nn.PoissonNLLLoss``: ``y_pred`` is the log of the rate by default; ``eps=1e-8``.

    Shapes: both ``(N, ...)``; ``reduction="none"`` keeps that shape.

    Raises:
        ArgumentError: an unknown ``reduction``, a non-bool flag or ``eps`` not a number > 0.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(
        self, *, log_input: bool = True, full: bool = False, eps: float = 1e-8, reduction: str = "mean"
    ) -> None:
        super().__init__(log_input, full, eps, reduction)


class GaussianNLLLoss(GaussianNLL):
    """``torch.nn.GaussianNLLLoss``, called ``loss((input, var), target)``: :class:`GaussianNLL`'s math.

    Shapes: ``input`` and ``target`` ``(N, ...)``, ``var`` that shape or one per example; ``reduction="none"``
    keeps ``input``'s shape.

    Raises:
        ArgumentError: an unknown ``reduction``, a non-bool ``full`` or ``eps`` not a number > 0; a negative
            variance (eager mode).
        ShapeError: ``y_pred`` is not ``(input, var)`` of fitting shapes, ``input`` and ``target`` shapes
            differ, or ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(full, eps, reduction)


class MarginRankingLoss(MarginRanking):
    """``torch.nn.MarginRankingLoss``, called ``loss((x1, x2), y)``. Shapes: each (N, ...); kept by ``"none"``.

    Raises:
        ArgumentError: an unknown ``reduction``, or a negative ``margin``.
        ShapeError: ``y_pred`` does not carry two inputs of one shape, ``y_true`` has not their shape, or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(margin, reduction)


class TripletMarginLoss(TripletMargin):
    """``torch.nn.TripletMarginLoss``, called ``loss((anchor, positive, negative))``: each (N, ..., D) -> (N, ...).

    Raises:
        ArgumentError: an unknown ``reduction``, a negative ``margin``, ``p`` not > 0, ``eps`` < 0 or a non-bool
            ``swap``.
        ShapeError: ``y_pred`` does not carry three inputs of one shape, or ``sample_weight`` fits neither the
            unreduced values' shape nor a prefix.
    """

    def __init__(
        self, *, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False, reduction: str = "mean"
    ) -> None:
        super().__init__(margin, p, eps, swap, reduction)


class CosineEmbeddingLoss(CosineEmbedding):
    """``torch.nn.CosineEmbeddingLoss``, called ``loss((x1, x2), y)``. Shapes: each (N, ..., D), y (N, ...) -> (N, ...).

    Raises:
        ArgumentError: an unknown ``reduction``, or ``margin`` not in [-1, 1].
        ShapeError: ``y_pred`` does not carry two inputs of one shape, ``y_true`` has not their shape less the
            last axis, or ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    def __init__(self, *, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(margin, reduction)


class MultiLabelSoftMarginLoss(MultiLabelSoftMargin):
    """``torch.nn.MultiLabelSoftMarginLoss``. Shapes: both (N, ..., C) -> (N, ...).

    Raises:
        ArgumentError: an unknown ``reduction``, or a bad ``weight``.
        ShapeError: the shapes differ, ``weight`` has not C entries, or ``sample_weight`` fits neither the
            unreduced values' shape nor a prefix.
    """

    def __init__(self, *, weight: Sequence[float] | None = None, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)


class HingeEmbeddingLoss(HingeEmbedding):
    """``torch.nn.HingeEmbeddingLoss``. Shapes: both ``(N, ...)``; ``reduction="none"`` keeps that shape.

    Raises:
        ArgumentError: an unknown ``reduction``, or a negative ``margin``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(margin, reduction)


class SoftMarginLoss(SoftMargin):
    """``torch.nn.SoftMarginLoss``. Shapes: both ``(N, ...)``; ``reduction="none"`` keeps that shape.

    Raises:
        ArgumentError: an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    per_element = True

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)


class MultiMarginLoss(MultiMargin):
    """``torch.nn.MultiMarginLoss``. Shapes: scores (N, ..., C), class ids (N, ...) -> (N, ...).

    Raises:
        ArgumentError: an unknown ``reduction``, ``p`` not 1 or 2, a negative ``margin``, a bad ``weight``;
            class ids outside [0, C) (eager mode).
        ShapeError: ``y_true`` is not class ids of shape (N, ...), ``weight`` has not C entries, or
            ``sample_weight`` fits neither the unreduced values' shape nor a prefix.
    """

    def __init__(
        self, *, p: int = 1, margin: float = 1.0, weight: Sequence[float] | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__(p, margin, weight, reduction)
