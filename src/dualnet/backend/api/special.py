"""Elementwise special functions: inverse trigonometry, stable log-sums, float tests, remainders, ``isclose``.

Same rules as :mod:`dualnet.backend.api.math`: binary functions broadcast and
promote as :func:`dualnet.dtypes.result_type` says; float functions of
integers give float32.
"""

from __future__ import annotations

from typing import Protocol

from dualnet.backend.api.types import ArrayLike, Tensor


class SpecialAPI(Protocol):
    """The elementwise functions of NumPy and keras.ops beyond the basic ones of ``math``."""

    def absolute(self, x: ArrayLike) -> Tensor:
        """``|x|`` (NumPy's other name for ``abs``), same shape and dtype."""

    def fabs(self, x: ArrayLike) -> Tensor:
        """``|x|`` as a float (float32 for integers), same shape."""

    def arccos(self, x: ArrayLike) -> Tensor:
        """Inverse cosine, same shape; nan outside [-1, 1]."""

    def arccosh(self, x: ArrayLike) -> Tensor:
        """Inverse hyperbolic cosine, same shape; nan below 1."""

    def arcsin(self, x: ArrayLike) -> Tensor:
        """Inverse sine, same shape; nan outside [-1, 1]."""

    def arcsinh(self, x: ArrayLike) -> Tensor:
        """Inverse hyperbolic sine, same shape."""

    def arctanh(self, x: ArrayLike) -> Tensor:
        """Inverse hyperbolic tangent, same shape; nan outside [-1, 1]."""

    def cbrt(self, x: ArrayLike) -> Tensor:
        """Real cube root (negative for negative ``x``), same shape."""

    def deg2rad(self, x: ArrayLike) -> Tensor:
        """Degrees to radians, same shape."""

    def rad2deg(self, x: ArrayLike) -> Tensor:
        """Radians to degrees, same shape."""

    def erfc(self, x: ArrayLike) -> Tensor:
        """Complementary error function ``1 - erf(x)``, same shape."""

    def erfinv(self, x: ArrayLike) -> Tensor:
        """Inverse error function on (-1, 1), same shape."""

    def exp2(self, x: ArrayLike) -> Tensor:
        """``2 ** x``, same shape."""

    def i0(self, x: ArrayLike) -> Tensor:
        """Modified Bessel function of the first kind, order 0, same shape."""

    def isneginf(self, x: ArrayLike) -> Tensor:
        """True where ``x`` is -inf, same shape, bool."""

    def isposinf(self, x: ArrayLike) -> Tensor:
        """True where ``x`` is +inf, same shape, bool."""

    def isreal(self, x: ArrayLike) -> Tensor:
        """True where the imaginary part is 0 (everywhere for real dtypes), same shape, bool."""

    def signbit(self, x: ArrayLike) -> Tensor:
        """True where the sign bit is set (``-0.0`` included), same shape, bool."""

    def rsqrt(self, x: ArrayLike) -> Tensor:
        """``1 / sqrt(x)``, same shape."""

    def sinc(self, x: ArrayLike) -> Tensor:
        """Normalised sinc ``sin(pi x) / (pi x)`` (1 at 0), same shape."""

    def copy(self, x: ArrayLike) -> Tensor:
        """A new tensor with ``x``'s values, same shape and dtype."""

    def arctan2(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """Angle of the point ``(x2, x1)`` in radians, broadcast shape."""

    def divide_no_nan(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``x1 / x2``, 0 where ``x2`` is 0, broadcast shape."""

    def fmax(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """Elementwise maximum ignoring nan (nan only where both are), broadcast shape."""

    def fmin(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """Elementwise minimum ignoring nan (nan only where both are), broadcast shape."""

    def fmod(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """C's remainder, signed like ``x1`` (``mod`` is signed like ``x2``), broadcast shape."""

    def gcd(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """Greatest common divisor of integers (non-negative), broadcast shape."""

    def lcm(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """Least common multiple of integers (non-negative), broadcast shape."""

    def heaviside(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """Step function: 0 below 0, ``x2`` at 0, 1 above, broadcast shape."""

    def hypot(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``sqrt(x1**2 + x2**2)`` without overflow, broadcast shape."""

    def ldexp(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``x1 * 2 ** x2`` with integer ``x2``, broadcast shape."""

    def logaddexp(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``log(exp(x1) + exp(x2))`` computed stably, broadcast shape."""

    def logaddexp2(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """``log2(2**x1 + 2**x2)`` computed stably, broadcast shape."""

    def nextafter(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """The next float after ``x1`` towards ``x2``, broadcast shape."""

    def true_divide(self, x1: ArrayLike, x2: ArrayLike) -> Tensor:
        """True division ``x1 / x2`` (NumPy's other name for ``divide``), broadcast shape."""

    def isclose(
        self, x1: ArrayLike, x2: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
    ) -> Tensor:
        """``|x1 - x2| <= atol + rtol * |x2|`` (infinities equal when equal), broadcast shape, bool."""

    def allclose(
        self, x1: ArrayLike, x2: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
    ) -> Tensor:
        """True when ``isclose`` holds everywhere: broadcastable shapes in, a 0-d bool tensor out."""

    def nan_to_num(
        self, x: ArrayLike, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        """nan, +inf and -inf replaced (infinities by the dtype's largest and smallest), same shape and dtype."""
