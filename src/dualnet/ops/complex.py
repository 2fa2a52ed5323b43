"""Complex numbers: real and imaginary parts, conjugates, angles, polar form, views as real pairs.

complex64 pairs with float32 and complex128 with float64 (float16, bfloat16,
integer and bool parts build complex64). Also ``saturate_cast``, a cast that
clips to the target's range first.
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
    "real",
    "imag",
    "conj",
    "conjugate",
    "angle",
    "polar",
    "view_as_complex",
    "view_as_real",
    "saturate_cast",
]

Tensor = Any


def real(x: Any) -> Tensor:
    """The real part: float32 of complex64, float64 of complex128; a real ``x`` comes back unchanged.

    Shape: ``x``'s shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.real(x)


def imag(x: Any) -> Tensor:
    """The imaginary part (dtypes as :func:`real`); zeros of ``x``'s dtype for a real ``x``.

    Shape: ``x``'s shape.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.imag(x)


def conj(x: Any) -> Tensor:
    """The complex conjugate; a real ``x`` comes back unchanged.

    Shape: ``x``'s shape and dtype.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.conj(x)


def conjugate(x: Any) -> Tensor:
    """The complex conjugate, the same as :func:`conj`.

    Shape: ``x``'s shape and dtype.

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.conjugate(x)


def angle(x: Any) -> Tensor:
    """The argument ``atan2(imag(x), real(x))`` in radians, in (-pi, pi]; pi for negative reals, as NumPy.

    Shape: ``x``'s shape; a real float dtype (float32 for integers).

    Raises:
        DTypeError: ``x`` is not numeric or boolean (a string, None, an object).
    """
    return B.angle(x)


def polar(abs_: Any, angle: Any) -> Tensor:
    """The complex number ``abs_ * (cos(angle) + 1j * sin(angle))``, torch's ``polar``.

    Shape: the broadcast shape; complex128 for float64 parts, complex64 otherwise.

    Raises:
        DTypeError: a part is complex.
        ShapeError: the shapes do not broadcast.
    """
    return B.polar(abs_, angle)


def view_as_complex(x: Any) -> Tensor:
    """Pairs ``(real, imag)`` along the last axis as complex numbers (a copy on tensorflow).

    Shape: ``x`` (..., 2) -> ``(...)``.

    Raises:
        DTypeError: ``x`` is complex.
        ShapeError: the last axis of ``x`` does not have size 2.
    """
    return B.view_as_complex(x)


def view_as_real(x: Any) -> Tensor:
    """Complex ``x`` as ``(real, imag)`` pairs along a new last axis.

    Shape: ``x`` (...) -> ``(..., 2)``.

    Raises:
        DTypeError: ``x`` is not complex.
    """
    return B.view_as_real(x)


def saturate_cast(x: Any, dtype: str) -> Tensor:
    """``x`` cast to ``dtype`` after clipping to the range ``dtype`` holds, as Keras's ``saturate_cast``.

    ``saturate_cast([-1.0, 300.0], "uint8")`` is ``[0, 255]`` where a plain cast
    wraps. Infinities clip to the largest finite values; a bound that the source
    dtype cannot hold exactly steps inside (float32 to int32 clips at
    2147483520; Keras 3.15 compares that bound in float32 and lets 3e9 wrap to
    -2**31). A complex ``x`` cast to a real dtype keeps its real part. nan has
    no integer value: its cast to an integer dtype differs between the backends.

    Shape: ``x``'s shape.

    Raises:
        DTypeError: ``dtype`` is not a dtype name.
    """
    return B.saturate_cast(x, dtype)
