"""Losses on pairs and triplets of scores or embeddings: margin ranking, triplet margin, cosine embedding, circle.

PyTorch's pair and triplet losses take two or three inputs; here ``y_pred``
carries them, as a tuple ``(x1, x2)`` / ``(anchor, positive, negative)``, or
as one tensor that stacks them on axis 1 (a model's single output: ``(N, 2)``
scores, ``(N, 3, D)`` embeddings). PyTorch's ``loss(x1, x2, y)`` is
``loss((x1, x2), y)``.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_bool, check_float
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.losses.base import ElementwiseLoss, Loss, compatible, integer_class_ids
from dualnet.losses.ranks import matched_shapes

__all__ = ["Circle", "CosineEmbedding", "MarginRanking", "TripletMargin"]

_MASKED = -1e30  # a finite stand-in for log(0): a logsumexp over nothing stays finite, and so do its gradients


def unstacked(name: str, y_pred: Any, count: int, what: str) -> list[Any]:
    """The ``count`` inputs carried by ``y_pred``: a tuple/list of them, or one tensor stacking them on axis 1."""
    if isinstance(y_pred, tuple | list):
        if len(y_pred) != count:
            raise ShapeError(f"{name}: y_pred must hold {count} tensors, {what}, got {len(y_pred)}; pass ({what})")
        first = B.convert_to_tensor(y_pred[0])
        parts = [first, *(B.convert_to_tensor(x, B.dtype(first)) for x in y_pred[1:])]
        shapes = [tuple(B.shape(x)) for x in parts]
        if not all(compatible(s, shapes[0]) for s in shapes):
            raise ShapeError(f"{name}: the tensors of y_pred ({what}) have shapes {shapes}; they must match")
        return parts
    y_pred = B.convert_to_tensor(y_pred)
    shape = tuple(B.shape(y_pred))
    if len(shape) < 2 or shape[1] != count:
        raise ShapeError(
            f"{name}: y_pred has shape {shape}; pass ({what}) as a tuple, or one tensor stacking them on axis 1 "
            f"(shape (N, {count}, ...))"
        )
    return [B.squeeze(x, 1) for x in B.split(y_pred, count, 1)]


class MarginRanking(ElementwiseLoss):
    """``max(0, -y * (x1 - x2) + margin)``; PyTorch's ``margin_ranking_loss``. ``y = 1``: ``x1`` should rank higher.

    ``y_pred`` is ``(x1, x2)`` (each (N, ...)) or one tensor (N, 2, ...);
    ``y_true`` holds 1 or -1 of ``x1``'s shape. Mean over features per example
    (PyTorch's scores are (N,), one value each). Shapes: -> ``(N,)``.

    Raises:
        ArgumentError: a negative ``margin`` or an unknown ``reduction``.
        ShapeError: ``y_pred`` does not carry two inputs of one shape, ``y_true`` does not have their shape, or
            ``sample_weight`` does not fit.
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = check_float(type(self).__name__, "margin", margin, low=0.0, example="margin=0.5")

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        first, second = unstacked(type(self).__name__, y_pred, 2, "x1, x2")
        difference, y_true = matched_shapes(type(self).__name__, B.subtract(first, second), y_true)
        return B.relu(B.add(B.negative(B.multiply(y_true, difference)), self.margin))


class TripletMargin(Loss):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the p-norm distance; PyTorch's ``triplet_margin_loss``.

    ``y_pred`` is ``(anchor, positive, negative)``, each (N, ..., D), or one
    tensor (N, 3, ..., D). ``d(x, y) = ||x - y + eps||_p`` over the last axis, as
    PyTorch computes it; with ``swap``, ``d(a, n)`` is the smaller of ``d(a, n)``
    and ``d(p, n)``. ``y_true`` is not used: pass None (the Trainer's targets
    are ignored). Unreduced values have shape (N, ...).

    Raises:
        ArgumentError: a negative ``margin``, ``p`` not > 0, ``eps`` < 0, a non-bool ``swap``, an unknown ``reduction``.
        ShapeError: ``y_pred`` does not carry three inputs of one shape, or ``sample_weight`` does not fit.
    """

    def __init__(
        self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.margin = check_float(name, "margin", margin, low=0.0, example="margin=1.0")
        self.p = check_float(name, "p", p, low=0.0, low_open=True, example="p=2.0")
        self.eps = check_float(name, "eps", eps, low=0.0, example="eps=1e-6")
        self.swap = check_bool(name, "swap", swap)

    def __call__(self, y_pred: Any, y_true: Any = None, sample_weight: Any = None) -> Any:
        return self._reduce(self.per_example(y_pred, y_true), sample_weight)

    def per_example(self, y_pred: Any, y_true: Any = None) -> Any:
        anchor, positive, negative = unstacked(type(self).__name__, y_pred, 3, "anchor, positive, negative")
        to_positive, to_negative = self._distance(anchor, positive), self._distance(anchor, negative)
        if self.swap:
            to_negative = B.minimum(to_negative, self._distance(positive, negative))
        return B.relu(B.add(B.subtract(to_positive, to_negative), self.margin))

    def _distance(self, x: Any, y: Any) -> Any:
        diff = B.add(B.subtract(x, y), self.eps)
        if self.p == 2.0:
            return B.sqrt(B.sum(B.multiply(diff, diff), -1))
        if self.p == 1.0:
            return B.sum(B.abs(diff), -1)
        return B.power(B.sum(B.power(B.abs(diff), self.p), -1), 1.0 / self.p)


class CosineEmbedding(Loss):
    """``1 - cos(x1, x2)`` where ``y == 1``, ``max(0, cos(x1, x2) - margin)`` where ``y == -1``; PyTorch's.

    ``y_pred`` is ``(x1, x2)``, each (N, ..., D), or one tensor (N, 2, ..., D);
    ``y_true`` holds 1 or -1, shape (N, ...). The cosine over the last axis is
    PyTorch's: ``x1 . x2 / sqrt((|x1|^2 + 1e-12) (|x2|^2 + 1e-12))``. Unreduced
    values have shape (N, ...).

    Raises:
        ArgumentError: ``margin`` not in [-1, 1], or an unknown ``reduction``.
        ShapeError: ``y_pred`` does not carry two inputs of one shape, ``y_true`` does not have their shape less the
            last axis, or ``sample_weight`` does not fit.
    """

    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = check_float(type(self).__name__, "margin", margin, low=-1.0, high=1.0, example="margin=0.5")

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        name = type(self).__name__
        first, second = unstacked(name, y_pred, 2, "x1, x2")
        dot = B.sum(B.multiply(first, second), -1)
        squares = [B.add(B.sum(B.multiply(x, x), -1), 1e-12) for x in (first, second)]
        cosine = B.divide(dot, B.sqrt(B.multiply(*squares)))
        y_true = B.convert_to_tensor(y_true, B.dtype(cosine))
        if not compatible(tuple(B.shape(y_true)), tuple(B.shape(cosine))):
            raise ShapeError(
                f"{name}: y_true has shape {tuple(B.shape(y_true))} but x1 and x2 have shape "
                f"{tuple(B.shape(first))}; pass one label (1 or -1) per pair, shape {tuple(B.shape(cosine))}"
            )
        similar = B.where(B.equal(y_true, 1.0), B.subtract(1.0, cosine), 0.0)
        return B.add(similar, B.where(B.equal(y_true, -1.0), B.relu(B.subtract(cosine, self.margin)), 0.0))


class Circle(Loss):
    """Keras's ``Circle`` loss (Sun et al., 2020) over the pairs of a batch of embeddings.

    ``y_pred`` (N, D) holds L2-normalised embeddings, ``y_true`` (N,) their
    integer labels; pairs with equal labels are positives (an embedding with
    itself left out when ``remove_diagonal``), the others negatives. Each
    example's value is ``softplus(logsumexp(positive terms) + logsumexp(negative
    terms))`` with Keras's weights, ``gamma`` (scale) and ``margin``; it is 0 for an
    example without positives or negatives, and the mean counts the non-zero
    values only, as Keras's mask does. Unreduced values have shape (N,).

    Raises:
        ArgumentError: ``gamma`` not > 0, a negative ``margin``, a non-bool ``remove_diagonal``, or an unknown
            ``reduction``.
        ShapeError: ``y_pred`` is not (N, D) or ``y_true`` not (N,), or ``sample_weight`` does not fit.
    """

    def __init__(
        self, gamma: float = 80.0, margin: float = 0.4, remove_diagonal: bool = True, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.gamma = check_float(name, "gamma", gamma, low=0.0, low_open=True, example="gamma=80.0")
        self.margin = check_float(name, "margin", margin, low=0.0, example="margin=0.4")
        self.remove_diagonal = check_bool(name, "remove_diagonal", remove_diagonal)

    def __call__(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> Any:
        values = self.per_example(y_pred, y_true)
        return self._reduce(values, sample_weight, B.greater(values, 0.0))

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        name = type(self).__name__
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        shape, labels_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        if len(shape) != 2 or not compatible(labels_shape, shape[:1]):
            raise ShapeError(
                f"{name}: expected embeddings y_pred of shape (N, D) and labels y_true of shape (N,), got {shape} "
                f"and {labels_shape}; flatten the embeddings and pass one integer label per row"
            )
        labels = integer_class_ids(name, y_true)
        distances = B.relu(B.subtract(1.0, B.matmul(y_pred, B.transpose(y_pred))))
        positive = B.equal(B.expand_dims(labels, 1), B.expand_dims(labels, 0))
        negative = B.logical_not(positive)
        if self.remove_diagonal:
            index = B.cumsum(B.ones_like(labels), 0)  # row numbers, also when tracing leaves N unknown
            positive = B.logical_and(positive, B.not_equal(B.expand_dims(index, 1), B.expand_dims(index, 0)))
        m = self.margin
        pos_weights = B.relu(B.multiply(B.add(m, distances), B.cast(positive, B.dtype(distances))))
        neg_weights = B.relu(B.multiply(B.subtract(1.0 + m, distances), B.cast(negative, B.dtype(distances))))
        pos_terms = B.multiply(-self.gamma, B.multiply(pos_weights, B.subtract(m, distances)))
        neg_terms = B.multiply(self.gamma, B.multiply(neg_weights, B.subtract(1.0 - m, distances)))
        pos_loss = B.logsumexp(B.where(positive, pos_terms, _MASKED), 1)
        neg_loss = B.logsumexp(B.where(negative, neg_terms, _MASKED), 1)
        return B.softplus(B.add(pos_loss, neg_loss))
