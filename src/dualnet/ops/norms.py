"""Ops on a norm of ``x``: ``normalize`` (unit p-norm), ``rms_normalization`` and ``psnr``.

Keras's names, arguments and defaults (``epsilon=None`` means Keras's 1e-7).
16-bit floats are computed in float32 and cast back, as Keras does; integers
give float32.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import check_float, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError

__all__ = ["normalize", "rms_normalization", "psnr"]

Tensor = Any


def _epsilon(op: str, epsilon: Any) -> float | None:
    if epsilon is None:
        return None
    return check_float(op, "epsilon", epsilon, low=0.0, low_open=True, example="epsilon=1e-7")


def normalize(x: Any, axis: int | Sequence[int] = -1, order: int = 2, epsilon: float | None = None) -> Tensor:
    """``x / max(||x||_order, epsilon)`` over ``axis`` (an int or a tuple); same shape as ``x``.

    ``order`` is an int >= 1 (2: Euclidean). The same as
    ``torch.nn.functional.normalize(x, p=order, dim=axis, eps=epsilon)``;
    ``order=2`` is computed as Keras does, ``x * min(rsqrt(sum(x**2)), 1 / epsilon)``.
    The norm is the vector norm over all of ``axis``: for two axes and
    ``order != 2`` Keras takes a matrix norm instead; we follow torch there.
    A scalar ``x`` is treated as shape (1,).

    Raises:
        ArgumentError: ``order`` is not an int >= 1, or ``epsilon`` is not a positive number.
        ShapeError: ``axis`` is out of range for ``x``'s rank.
    """
    order = check_int("normalize", "order", order, low=1, example="order=2")
    return B.normalize(x, axis, order, _epsilon("normalize", epsilon))


def rms_normalization(
    x: Any, scale: Any = None, axis: int | Sequence[int] = -1, epsilon: float | None = None
) -> Tensor:
    """``x * rsqrt(mean(x**2, axis) + epsilon) * scale`` (RMSNorm); same shape as ``x``.

    ``scale`` (the normalised axes' shape, e.g. (C,), or anything broadcasting
    against ``x``) may be None. On torch, trailing axes with a scale of their
    shape run ``torch.nn.functional.rms_norm``.

    Raises:
        ShapeError: ``axis`` is out of range, or ``scale`` does not broadcast against ``x``.
        ArgumentError: ``epsilon`` is not a positive number.
    """
    eps = _epsilon("rms_normalization", epsilon)
    x = B.convert_to_tensor(x)
    if scale is not None:
        scale = B.convert_to_tensor(scale)
        shape, got = tuple(B.shape(x)), tuple(B.shape(scale))
        try:
            np.broadcast_shapes(tuple(1 if s is None else s for s in shape), tuple(1 if s is None else s for s in got))
        except ValueError:
            raise ShapeError(
                f"rms_normalization: scale of shape {got} does not broadcast against x of shape {shape}; "
                "pass a scale of the normalised axes' shape, e.g. (C,)"
            ) from None
    return B.rms_normalization(x, scale, axis, eps)


def psnr(x1: Any, x2: Any, max_val: float) -> Tensor:
    """Peak signal-to-noise ratio ``20 log10(max_val) - 10 log10(mean((x1 - x2)**2))``: a scalar, in dB.

    ``x1`` and ``x2`` have one shape (the mean is over every element, the
    batch too, as in Keras); ``max_val`` is the largest possible value (1.0 or
    255). Identical inputs give ``inf``.

    Raises:
        ShapeError: ``x1`` and ``x2`` differ in shape.
        ArgumentError: ``max_val`` is not a positive number.
    """
    max_val = check_float("psnr", "max_val", max_val, low=0.0, low_open=True, example="max_val=1.0")
    x1, x2 = B.convert_to_tensor(x1), B.convert_to_tensor(x2)
    if tuple(B.shape(x1)) != tuple(B.shape(x2)):
        raise ShapeError(
            f"psnr: x1 and x2 must have one shape, got {tuple(B.shape(x1))} and {tuple(B.shape(x2))}; "
            "compare images of the same size"
        )
    return B.psnr(x1, x2, max_val)
