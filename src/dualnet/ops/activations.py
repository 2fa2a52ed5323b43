"""The activations of Keras 3's ``keras.ops.nn`` that the classic set in :mod:`dualnet.ops.nn` lacks.

Keras 3's definitions, names and defaults (PyTorch has most under other names:
``celu``, ``glu``, ``hardswish``, ``hardtanh``, ``hardshrink``, ``softshrink``,
``tanhshrink``, ``threshold``, ``mish``; they agree). Each is elementwise and
keeps ``x``'s shape, except ``glu`` (halves ``axis``) and ``sparsemax`` (along
``axis``); integer inputs give float32. All are differentiable almost
everywhere; at a kink both backends take torch's one-sided gradient.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_axis, check_float
from dualnet.backend.dispatch import B

__all__ = [
    "celu",
    "glu",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "hard_shrink",
    "soft_shrink",
    "tanh_shrink",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "threshold",
    "swish",
    "mish",
]

Tensor = Any


def celu(x: Any, alpha: float = 1.0) -> Tensor:
    """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``; same shape.

    Raises:
        ArgumentError: ``alpha`` is not a positive number.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.celu(x, check_float("celu", "alpha", alpha, low=0.0, low_open=True, example="alpha=1.0"))


def glu(x: Any, axis: int = -1) -> Tensor:
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` are the two halves of ``x`` along ``axis``.

    ``x`` ``(..., 2n, ...)`` -> ``(..., n, ...)``.

    Raises:
        ShapeError: ``axis`` is out of range, or its size is odd.
        ArgumentError: ``axis`` is not an int.
    """
    return B.glu(x, check_axis("glu", "axis", axis))


def hard_silu(x: Any) -> Tensor:
    """``x * relu6(x + 3) / 6`` (PyTorch's ``hardswish``); same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.hard_silu(x)


def hard_swish(x: Any) -> Tensor:
    """The same as :func:`hard_silu` (Keras's second name); same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.hard_swish(x)


def hard_tanh(x: Any) -> Tensor:
    """``clip(x, -1, 1)``; same shape. The gradient is 0 at -1 and 1 (PyTorch's).

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.hard_tanh(x)


def _threshold(op: str, threshold: Any) -> float:
    return check_float(op, "threshold", threshold, low=0.0, example="threshold=0.5")


def hard_shrink(x: Any, threshold: float = 0.5) -> Tensor:
    """``x`` where ``|x| > threshold``, else 0; same shape.

    Raises:
        ArgumentError: ``threshold`` is not a number ``>= 0``.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.hard_shrink(x, _threshold("hard_shrink", threshold))


def soft_shrink(x: Any, threshold: float = 0.5) -> Tensor:
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0; same shape.

    Raises:
        ArgumentError: ``threshold`` is not a number ``>= 0``.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.soft_shrink(x, _threshold("soft_shrink", threshold))


def tanh_shrink(x: Any) -> Tensor:
    """``x - tanh(x)``; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.tanh_shrink(x)


def sparse_plus(x: Any) -> Tensor:
    """0 for ``x <= -1``, ``(x + 1)**2 / 4`` on ``(-1, 1)``, ``x`` for ``x >= 1``: a smooth-ish relu; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.sparse_plus(x)


def sparse_sigmoid(x: Any) -> Tensor:
    """``clip((x + 1) / 2, 0, 1)``: 0 below -1, 1 above 1, linear between; same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.sparse_sigmoid(x)


def sparsemax(x: Any, axis: int = -1) -> Tensor:
    """Sparsemax (Martins & Astudillo, 2016): the Euclidean projection of ``x`` onto the simplex along ``axis``.

    Like softmax the result is non-negative and sums to 1 along ``axis``, but
    small entries are exactly 0. Same shape as ``x``. Follows the paper's
    definition; Keras 3.15's TensorFlow kernel differs whenever more than one
    entry is kept (it sums the support's running sums: ``[0.5, 0.4, 0.3, 0.1]``
    gives all zeros there, ``[0.425, 0.325, 0.225, 0.025]`` here).

    Raises:
        ShapeError: ``axis`` is out of range for ``x``'s rank.
        ArgumentError: ``axis`` is not an int.
    """
    return B.sparsemax(x, check_axis("sparsemax", "axis", axis))


def squareplus(x: Any, b: float = 4.0) -> Tensor:
    """``(x + sqrt(x**2 + b)) / 2`` (a softplus without exp); same shape.

    Computed as ``b / (2 (sqrt(x**2 + b) - x))`` for negative ``x``, which is
    the same number without Keras's cancellation (Keras loses all digits near -1e4).

    Raises:
        ArgumentError: ``b`` is not a number ``>= 0``.
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.squareplus(x, check_float("squareplus", "b", b, low=0.0, example="b=4"))


def threshold(x: Any, threshold: float, default_value: float) -> Tensor:
    """``x`` where ``x > threshold``, else ``default_value`` (PyTorch's ``threshold``); same shape.

    Raises:
        ArgumentError: ``threshold`` or ``default_value`` is not a finite number.
        DTypeError: ``x`` is not numeric or boolean.
    """
    limit = check_float("threshold", "threshold", threshold, example="threshold=0.0")
    return B.threshold(x, limit, check_float("threshold", "default_value", default_value, example="default_value=0.0"))


def swish(x: Any) -> Tensor:
    """``x * sigmoid(x)``, the same as :func:`dualnet.ops.silu` (Keras's second name); same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.swish(x)


def mish(x: Any) -> Tensor:
    """``x * tanh(softplus(x))`` (Misra, 2019; ``keras.activations.mish``); same shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean.
    """
    return B.mish(x)
