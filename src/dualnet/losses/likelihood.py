"""Negative log-likelihoods of counts and of Gaussians: Poisson and Gaussian NLL.

Shapes: ``(N, ...)`` targets; ``reduction="none"`` gives one value per example, ``(N,)``.
"""

from __future__ import annotations

import math
from typing import Any

from dualnet.arguments import check_bool, check_float
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.losses.base import EPSILON, ElementwiseLoss, compatible, concrete
from dualnet.losses.ranks import matched_shapes

__all__ = ["GaussianNLL", "Poisson"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


class Poisson(ElementwiseLoss):
    """``y_pred - y_true * log(y_pred + epsilon)``, mean over features per example (Keras's ``Poisson``).

    ``y_pred`` is the predicted rate. With ``log_input`` it is the log of the
    rate and the loss is ``exp(y_pred) - y_true * y_pred`` (PyTorch's
    ``poisson_nll_loss`` default). ``full`` adds Stirling's approximation of
    ``log(y_true!)``, ``y log y - y + 0.5 log(2 pi y)`` where ``y_true > 1``, as
    PyTorch does. Shapes: both ``(N, ...)`` -> ``(N,)``.

    Raises:
        ArgumentError: a non-bool flag, ``epsilon`` not a number > 0, or an unknown ``reduction``.
        ShapeError: ``y_pred`` and ``y_true`` shapes differ (beyond one trailing axis of size 1), or ``sample_weight``
            fits neither their shape nor a prefix.
    """

    def __init__(
        self, log_input: bool = False, full: bool = False, epsilon: float = EPSILON, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.log_input = check_bool(name, "log_input", log_input)
        self.full = check_bool(name, "full", full)
        self.epsilon = check_float(name, "epsilon", epsilon, low=0.0, low_open=True, example="epsilon=1e-7")

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        y_pred, y_true = matched_shapes(type(self).__name__, y_pred, y_true)
        if self.log_input:
            values = B.subtract(B.exp(y_pred), B.multiply(y_true, y_pred))
        else:
            values = B.subtract(y_pred, B.multiply(y_true, B.log(B.add(y_pred, self.epsilon))))
        if self.full:
            counts = B.maximum(y_true, 1.0)  # where() below drops y <= 1; this keeps log() finite there
            stirling = B.add(B.subtract(B.multiply(counts, B.log(counts)), counts), B.multiply(0.5, B.log(counts)))
            values = B.add(values, B.where(B.greater(y_true, 1.0), B.add(stirling, _HALF_LOG_2PI), 0.0))
        return values


class GaussianNLL(ElementwiseLoss):
    """``0.5 * (log(var) + (mean - y_true) ** 2 / var)``, mean over features; PyTorch's ``gaussian_nll_loss``.

    ``y_pred`` gives the predicted mean and variance: the pair ``(mean, var)``,
    or one tensor whose last axis holds the means then the variances (a model's
    single head of size ``2 D`` for targets of size ``D``). ``mean`` has
    ``y_true``'s shape (N, ...); ``var`` too, or that shape without its last
    axis or with it as 1 (one variance per example). Variances below ``eps`` count
    as ``eps`` (the clamp passes the gradient through, as PyTorch's does);
    ``full`` adds ``0.5 log(2 pi)``. PyTorch's ``loss(input, target, var)`` is
    ``GaussianNLL()((input, var), target)``. Shapes: -> ``(N,)``.

    Raises:
        ArgumentError: a non-bool ``full``, ``eps`` not a number > 0, an unknown ``reduction``; a negative variance
            (eager mode).
        ShapeError: ``y_pred`` is neither such a pair nor such a tensor, ``mean`` and ``y_true`` shapes differ, or
            ``sample_weight`` does not fit.
    """

    def __init__(self, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        name = type(self).__name__
        self.full = check_bool(name, "full", full)
        self.eps = check_float(name, "eps", eps, low=0.0, low_open=True, example="eps=1e-6")

    def elementwise(self, y_pred: Any, y_true: Any) -> Any:
        name = type(self).__name__
        mean, var = self._mean_and_var(y_pred, y_true)
        mean, y_true = matched_shapes(name, mean, y_true)
        var = B.cast(var, B.dtype(mean))
        shape, var_shape = tuple(B.shape(mean)), tuple(B.shape(var))
        if len(var_shape) == len(shape) - 1 and compatible(var_shape, shape[:-1]):
            var = B.expand_dims(var, -1)
        elif not (compatible(var_shape, shape) or compatible(var_shape, (*shape[:-1], 1))):
            raise ShapeError(
                f"{name}: var has shape {var_shape} but the mean has shape {shape}; pass one variance per value "
                f"(shape {shape}) or one per example (shape {shape[:-1]})"
            )
        found = concrete(B.min(var)) if B.size(var) else None
        if found is not None and float(found) < 0:
            raise ArgumentError(
                f"{name}: var holds a negative variance ({float(found):g}); make it positive, e.g. with a softplus "
                "or exp output"
            )
        clamped = B.add(var, B.stop_gradient(B.subtract(B.maximum(var, self.eps), var)))
        diff = B.subtract(mean, y_true)
        values = B.multiply(0.5, B.add(B.log(clamped), B.divide(B.multiply(diff, diff), clamped)))
        return B.add(values, _HALF_LOG_2PI) if self.full else values

    def _mean_and_var(self, y_pred: Any, y_true: Any) -> tuple[Any, Any]:
        if isinstance(y_pred, tuple | list):
            if len(y_pred) == 2:
                mean = B.convert_to_tensor(y_pred[0])
                return mean, B.convert_to_tensor(y_pred[1], B.dtype(mean))
            raise ShapeError(
                f"{type(self).__name__}: y_pred must be the pair (mean, var), got {len(y_pred)} tensors; "
                "pass (mean, var)"
            )
        y_pred, y_true = B.convert_to_tensor(y_pred), B.convert_to_tensor(y_true)
        shape, true_shape = tuple(B.shape(y_pred)), tuple(B.shape(y_true))
        width = true_shape[-1] if len(true_shape) == len(shape) else 1
        if not shape or shape[-1] is None or width is None or shape[-1] != 2 * width:
            raise ShapeError(
                f"{type(self).__name__}: y_pred has shape {shape} for targets of shape {true_shape}; pass the pair "
                f"(mean, var), or one tensor whose last axis holds {2 * (width or 1)} values, the means then the "
                "variances"
            )
        mean, var = B.split(y_pred, 2, -1)
        return mean, var
