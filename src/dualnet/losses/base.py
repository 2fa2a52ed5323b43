"""The :class:`Loss` base class and the checks every loss (and :mod:`dualnet.metrics`) shares.

A loss is called ``loss(y_pred, y_true, sample_weight=None)``. ``reduction``
is ``"mean"`` (default; Keras's ``"sum_over_batch_size"`` is the same),
``"sum"``, ``"none"`` (the unreduced values) or Keras's
``"mean_with_sample_weight"``. ``sample_weight`` multiplies those values; it
has their shape or a prefix of it (``(N,)`` weights every position of an
example alike). ``"mean"`` divides the weighted sum by the number of values,
as Keras does; ``"mean_with_sample_weight"`` by the sum of the weights.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, overload

import numpy as np

from dualnet.arguments import argument_error, check_choice, check_float, is_number
from dualnet.backend.dispatch import B
from dualnet.debug import step_checks
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, ShapeError

__all__ = ["Loss", "REDUCTIONS"]

REDUCTIONS = ("mean", "sum", "none", "sum_over_batch_size", "mean_with_sample_weight")
"""The values a loss's ``reduction`` argument takes (``"sum_over_batch_size"`` is stored as ``"mean"``)."""
EPSILON = 1e-7  # Keras's clipping bound for probabilities


# ---------------------------------------------------------------- checks shared with dualnet.metrics


@overload
def non_negative_floats(
    where: str, name: str, value: Any, *, example: str, scalar: Literal[False] = False
) -> tuple[float, ...] | None: ...


@overload
def non_negative_floats(
    where: str, name: str, value: Any, *, example: str, scalar: Literal[True]
) -> tuple[float, ...] | float | None: ...


def non_negative_floats(
    where: str, name: str, value: Any, *, example: str, scalar: bool = False
) -> tuple[float, ...] | float | None:
    """``value`` (None, a sequence of numbers >= 0, or with ``scalar`` one number) as plain floats.

    Raises:
        ArgumentError: anything else (a negative, non-finite or non-numeric entry, an empty sequence).
    """
    if value is None:
        return None
    if scalar and is_number(value):
        return check_float(where, name, value, low=0.0, example=example)
    items = value.tolist() if isinstance(value, np.ndarray) and value.ndim == 1 else value
    if not isinstance(items, list | tuple) or not items:
        what = "a number >= 0 or a sequence of them" if scalar else "a non-empty sequence of numbers >= 0"
        raise argument_error(where, name, value, what, f"pass e.g. {example}")
    return tuple(check_float(where, f"{name}[{i}]", v, low=0.0, example=example) for i, v in enumerate(items))


def compatible(a: tuple[int | None, ...], b: tuple[int | None, ...]) -> bool:
    """Equal shapes, where a size unknown while tracing (None) matches any size."""
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def concrete(x: Any) -> np.ndarray | None:
    """``x`` on the host in eager mode; None while a compiled step is being traced (no values yet)."""
    return None if B.is_tracing() else B.to_numpy(x)


def integer_class_ids(where: str, labels: Any) -> Any:
    """``labels`` as integer class ids: int32/int64 as they are, other dtypes cast to int64.

    Float ids must be whole numbers (``1.0`` is class 1): in eager mode a float id
    with a fractional part (or NaN) raises ArgumentError instead of being truncated;
    one flag and one value cross to the host, not the labels. Skipped while tracing.
    """
    dtype = B.dtype(labels)
    if dtype in ("int32", "int64"):
        return labels
    count = B.size(labels)
    if is_float(dtype) and isinstance(count, int) and count > 0 and not B.is_tracing():
        flat = B.ravel(labels)
        fractional = B.not_equal(flat, B.floor(flat))  # NaN too: it differs from itself
        found = concrete(
            B.stack([B.cast(B.any(fractional), dtype), B.take(flat, B.argmax(B.cast(fractional, "int32")))])
        )
        if found is not None and found[0]:
            raise ArgumentError(
                f"{where}: class ids must be whole numbers, got the float label {float(found[1]):g}, which would be "
                "truncated; cast the labels to int (e.g. y.astype('int64')) if they are class ids, or pass "
                "probabilities / one-hot rows of y_pred's shape"
            )
    return B.cast(labels, "int64")


def check_class_ids(where: str, labels: Any, classes: int | None, allowed: str = "") -> None:
    """Raise ArgumentError when integer ``labels`` fall outside ``[0, classes)``.

    While a step is traced the check is recorded for the compiled step to raise after it ran
    (:mod:`dualnet.debug.step_checks`); it is skipped where no compiled step collects checks.
    """
    count = B.size(labels)
    if classes is None or (isinstance(count, int) and count == 0):
        return
    if B.is_tracing():  # the batch size may be unknown here (count a tensor): the labels still have values
        step_checks.record_ids_below(labels, classes, lambda lo, hi: _class_ids_error(where, classes, allowed, lo, hi))
        return
    if not isinstance(count, int):
        return
    # Two scalars cross to the host, not the labels: a frameworks' own out-of-range failure is a device assert on GPU.
    low, high = (int(v) for v in B.to_numpy(B.stack([B.min(labels), B.max(labels)])))
    if low < 0 or high >= classes:
        raise _class_ids_error(where, classes, allowed, low, high)


def _class_ids_error(where: str, classes: int, allowed: str, low: Any, high: Any) -> ArgumentError:
    return ArgumentError(
        f"{where}: class ids must lie in [0, {classes}){allowed}, got labels in [{int(low)}, {int(high)}]; "
        f"check the labels or the number of classes ({classes}, the size of y_pred's class axis)"
    )


def weights_for(where: str, sample_weight: Any, values: Any) -> Any:
    """``sample_weight`` as a tensor broadcasting against ``values`` (same shape or a prefix of it)."""
    weight = B.convert_to_tensor(sample_weight, B.dtype(values))
    w_shape, v_shape = tuple(B.shape(weight)), tuple(B.shape(values))
    while len(w_shape) > len(v_shape) and w_shape[-1] == 1:  # (N, 1) weights for (N,) values, as Keras squeezes
        weight, w_shape = B.squeeze(weight, -1), w_shape[:-1]
    fits = len(w_shape) <= len(v_shape) and all(w is None or v is None or w in (v, 1) for w, v in zip(w_shape, v_shape))
    if not fits:
        raise ShapeError(
            f"{where}: sample_weight has shape {w_shape} but the values it weights have shape {v_shape}; "
            f"pass one weight per example (shape {v_shape[:1]}) or one per value (shape {v_shape})"
        )
    if len(w_shape) < len(v_shape):
        weight = B.reshape(weight, (*[-1 if w is None else w for w in w_shape], *[1] * (len(v_shape) - len(w_shape))))
    return weight


def mean_over_features(values: Any) -> Any:
    """(N, ...) -> (N,): the mean over every axis but the first (rank-1 values are already per example)."""
    rank = len(B.shape(values))
    return B.mean(values, tuple(range(1, rank))) if rank > 1 else values


def class_axis(where: str, axis: int, rank: int) -> int:
    """``axis`` as a non-negative axis of a rank-``rank`` y_pred, or a ShapeError."""
    if not -rank <= axis < rank:
        raise ShapeError(
            f"{where}: axis {axis} is out of range for y_pred of rank {rank}; use {-rank} <= axis < {rank}"
        )
    return axis % rank


def same_shape(name: str, y_pred: Any, y_true: Any) -> tuple[Any, Any]:
    """``y_pred`` and ``y_true`` as tensors of ``y_pred``'s dtype, or a ShapeError naming both shapes."""
    y_pred = B.convert_to_tensor(y_pred)
    y_true = B.convert_to_tensor(y_true, B.dtype(y_pred))
    pred_shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
    if not compatible(pred_shape, true_shape):
        raise ShapeError(
            f"{name}: y_pred has shape {pred_shape} but y_true has shape {true_shape}; "
            "they must match (reshape the target, e.g. y[:, None] for a single output)"
        )
    return y_pred, y_true


# ---------------------------------------------------------------- base class


class Loss:
    """Base class: subclasses define :meth:`per_example`, the unreduced values (``reduction="none"``).

    A call ``loss(y_pred, y_true, sample_weight=None)`` takes the shapes the subclass states (usually both
    ``(N, ...)``) and returns a scalar, or with ``reduction="none"`` the unreduced values of shape ``(N,)``
    or ``(N, ...)``. ``sample_weight`` has the unreduced values' shape or a prefix of it.

    Raises:
        ArgumentError: ``reduction`` is not one of :data:`REDUCTIONS`.
        ShapeError: ``sample_weight`` fits neither the unreduced values' shape nor a prefix of it.
    """

    def __init__(self, reduction: str = "mean") -> None:
        reduction = check_choice(type(self).__name__, "reduction", reduction, REDUCTIONS)
        self.reduction = "mean" if reduction == "sum_over_batch_size" else reduction

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        """The unreduced loss, one value per example."""
        raise NotImplementedError

    def __call__(self, y_pred: Any, y_true: Any, sample_weight: Any = None) -> Any:
        return self._reduce(self.per_example(y_pred, y_true), sample_weight)

    def _reduce(self, values: Any, sample_weight: Any, counted: Any = None) -> Any:
        """Weight and reduce ``values``.

        ``counted`` (values' shape) replaces the mean's count of values with its sum: a bool mask leaves
        ignored targets out, float class weights make PyTorch's weighted mean.
        """
        weight = None if sample_weight is None else weights_for(type(self).__name__, sample_weight, values)
        if weight is not None:
            values = B.multiply(values, weight)
        if self.reduction == "sum":
            return B.sum(values)
        if self.reduction == "none":
            return values
        if counted is None and (self.reduction == "mean" or weight is None):
            return B.mean(values)
        count = B.ones_like(values) if counted is None else B.cast(counted, B.dtype(values))
        if self.reduction == "mean_with_sample_weight" and weight is not None:
            count = B.multiply(count, weight)
        # Divided by 1 where nothing counts (every target ignored, all weights 0): 0, not nan, as Keras's divide_no_nan.
        total = B.sum(count)
        return B.divide(B.sum(values), B.where(B.equal(total, 0.0), 1.0, total))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"


class ElementwiseLoss(Loss):
    """A loss defined per element (:meth:`elementwise`), averaged over each example's features.

    Keras's classes (and dualnet's) reduce each example to one value before
    weighting; PyTorch's (``torch.nn.MSELoss``...) keep every element, which
    their subclasses here ask for with ``per_element = True``: ``reduction="none"``
    then gives the inputs' shape, and ``sample_weight`` may weight each element.
    The mean is the same either way. Shapes: the inputs (N, ...); unreduced values (N,), or (N, ...) per element.

    Raises:
        ArgumentError: ``reduction`` is not one of :data:`REDUCTIONS`.
        ShapeError: ``sample_weight`` fits neither the unreduced values' shape nor a prefix of it.
    """

    per_element: ClassVar[bool] = False

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        """The loss of each element, of the (matched) inputs' shape."""
        raise NotImplementedError

    def per_example(self, y_pred: Any, y_true: Any) -> Any:
        values = self.elementwise(y_pred, y_true)
        return values if self.per_element else mean_over_features(values)
