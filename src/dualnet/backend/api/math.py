"""Elementwise math: arithmetic, transcendental functions, rounding, comparisons, logic.

Binary functions broadcast ``x1`` and ``x2`` (NumPy's rules) and promote as
:func:`dualnet.dtypes.result_type` says; unary ones keep ``x``'s shape, and
float functions of integers give float32.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class MathAPI(Protocol):
    """NumPy's elementwise functions under NumPy's names."""

    def add(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``x1 + x2`` (logical or for bools), broadcast shape."""

    def subtract(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``x1 - x2``, broadcast shape; DTypeError for two bools."""

    def multiply(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``x1 * x2`` (logical and for bools), broadcast shape."""

    def divide(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """True division ``x1 / x2`` (integers give float32), broadcast shape."""

    def floor_divide(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``floor(x1 / x2)`` as NumPy computes it, broadcast shape."""

    def mod(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """The remainder of ``floor_divide``, signed like ``x2``, broadcast shape."""

    def power(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``x1 ** x2``, broadcast shape."""

    def negative(self, x: ArrayLike) -> Tensor:
        """``-x``, same shape; DTypeError for bools."""

    def abs(self, x: ArrayLike) -> Tensor:
        """``|x|``, same shape and dtype."""

    def sign(self, x: ArrayLike) -> Tensor:
        """-1, 0 or 1 by the sign of ``x`` (nan stays nan), same shape."""

    def square(self, x: ArrayLike) -> Tensor:
        """``x * x``, same shape and dtype."""

    def sqrt(self, x: ArrayLike) -> Tensor:
        """Square root, same shape."""

    def exp(self, x: ArrayLike) -> Tensor:
        """``e ** x``, same shape."""

    def expm1(self, x: ArrayLike) -> Tensor:
        """``exp(x) - 1``, same shape."""

    def log(self, x: ArrayLike) -> Tensor:
        """Natural logarithm, same shape."""

    def log1p(self, x: ArrayLike) -> Tensor:
        """``log(1 + x)``, same shape."""

    def log2(self, x: ArrayLike) -> Tensor:
        """Base-2 logarithm, same shape."""

    def log10(self, x: ArrayLike) -> Tensor:
        """Base-10 logarithm, same shape."""

    def sin(self, x: ArrayLike) -> Tensor:
        """Sine, same shape."""

    def cos(self, x: ArrayLike) -> Tensor:
        """Cosine, same shape."""

    def tan(self, x: ArrayLike) -> Tensor:
        """Tangent, same shape."""

    def arctan(self, x: ArrayLike) -> Tensor:
        """Inverse tangent, same shape."""

    def sinh(self, x: ArrayLike) -> Tensor:
        """Hyperbolic sine, same shape."""

    def cosh(self, x: ArrayLike) -> Tensor:
        """Hyperbolic cosine, same shape."""

    def tanh(self, x: ArrayLike) -> Tensor:
        """Hyperbolic tangent, same shape."""

    def erf(self, x: ArrayLike) -> Tensor:
        """The Gauss error function, same shape."""

    def reciprocal(self, x: ArrayLike) -> Tensor:
        """``1 / x`` (integers give float32), same shape."""

    def clip(self, x: ArrayLike, x_min: ArrayLike | None = None, x_max: ArrayLike | None = None) -> Tensor:
        """``x`` limited to ``[x_min, x_max]`` (either may be None); broadcast shape of the three."""

    def where(self, condition: ArrayLike, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``x1`` where ``condition`` is true (nonzero), else ``x2``; broadcast shape of the three."""

    def maximum(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """The larger of ``x1`` and ``x2`` (nan wins), broadcast shape."""

    def minimum(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """The smaller of ``x1`` and ``x2`` (nan wins), broadcast shape."""

    def floor(self, x: ArrayLike) -> Tensor:
        """The largest whole number <= ``x``, same shape (integers unchanged)."""

    def ceil(self, x: ArrayLike) -> Tensor:
        """The smallest whole number >= ``x``, same shape (integers unchanged)."""

    def round(self, x: ArrayLike, decimals: int = 0) -> Tensor:
        """``x`` rounded to ``decimals`` places, halves to even, same shape."""

    def trunc(self, x: ArrayLike) -> Tensor:
        """``x`` rounded toward zero, same shape (integers unchanged)."""

    def isnan(self, x: ArrayLike) -> Tensor:
        """bool: where ``x`` is nan, same shape."""

    def isinf(self, x: ArrayLike) -> Tensor:
        """bool: where ``x`` is +-inf, same shape."""

    def isfinite(self, x: ArrayLike) -> Tensor:
        """bool: where ``x`` is neither nan nor infinite, same shape."""

    def equal(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool ``x1 == x2``, broadcast shape."""

    def not_equal(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool ``x1 != x2``, broadcast shape."""

    def less(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool ``x1 < x2``, broadcast shape."""

    def less_equal(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool ``x1 <= x2``, broadcast shape."""

    def greater(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool ``x1 > x2``, broadcast shape."""

    def greater_equal(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool ``x1 >= x2``, broadcast shape."""

    def logical_and(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool: both true (nonzero), broadcast shape."""

    def logical_or(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool: either true, broadcast shape."""

    def logical_not(self, x: ArrayLike) -> Tensor:
        """bool: ``x`` false (zero), same shape."""

    def logical_xor(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """bool: exactly one true, broadcast shape."""
