"""Statistics: extrema aliases, quantiles and medians, histograms, weighted averages, correlation, integrals.

``axis`` follows :mod:`dualnet.ops.reductions` (None, an int or a tuple of
ints). Integer and bool inputs of float results compute in float32 (NumPy:
float64). Quantiles take Keras's and NumPy's ``method`` names ``"linear"``,
``"lower"``, ``"higher"``, ``"midpoint"`` and ``"nearest"`` (NumPy's
definitions; ``nearest`` rounds half to even, as NumPy does), and their
gradient flows to the one or two order statistics each result reads.
"""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B

__all__ = [
    "amax",
    "amin",
    "ptp",
    "count_nonzero",
    "average",
    "quantile",
    "percentile",
    "median",
    "bincount",
    "histogram",
    "corrcoef",
    "correlate",
    "trapezoid",
    "cdist",
]

Tensor = Any
Axis = Any


def amax(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Largest value over ``axis``: NumPy's ``amax``, the same as :func:`dualnet.ops.max`.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is out of range, or the reduced axis has size 0.
    """
    return B.amax(x, axis, keepdims)


def amin(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Smallest value over ``axis``: NumPy's ``amin``, the same as :func:`dualnet.ops.min`.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is out of range, or the reduced axis has size 0.
    """
    return B.amin(x, axis, keepdims)


def ptp(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Peak to peak, ``max(x) - min(x)`` over ``axis``; same dtype as ``x``.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is out of range, or the reduced axis has size 0.
        DTypeError: ``x`` is bool (cast it to an integer first).
    """
    return B.ptp(x, axis, keepdims)


def count_nonzero(x: Any, axis: Axis = None) -> Tensor:
    """int64 number of nonzero (true, nan included) values over ``axis``.

    Shape: ``x``'s shape without the reduced axes; a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is not an int (or tuple of ints) within ``[-ndim, ndim)``.
    """
    return B.count_nonzero(x, axis)


def average(x: Any, axis: Axis = None, weights: Any = None) -> Tensor:
    """Weighted mean ``sum(x * w) / sum(w)`` over ``axis``; the plain mean without ``weights``.

    ``weights`` has ``x``'s shape, or is 1-D with the length of ``x`` along an int ``axis``, as in NumPy.

    Shape: ``x``'s shape without the reduced axes; a scalar for ``axis=None``.

    Raises:
        ArgumentError: ``axis`` is out of range.
        ShapeError: ``weights`` fits neither of the shapes above.
    """
    return B.average(x, axis, weights)


def quantile(x: Any, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """The ``q``-th quantiles of ``x`` over ``axis``, ``q`` a number or array in [0, 1].

    A slice holding nan gives nan (see :func:`dualnet.ops.nanquantile`).

    Shape: ``q``'s shape followed by ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``q`` is outside [0, 1] (checked whenever its values are known, not while tracing),
            ``method`` is unknown, ``axis`` is out of range or the reduced axes are empty.
        DTypeError: ``x`` is complex.
    """
    return B.quantile(x, q, axis, method, keepdims)


def percentile(x: Any, q: Any, axis: Axis = None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """The ``q``-th percentiles of ``x`` over ``axis``, ``q`` in [0, 100]: ``quantile(x, q / 100)``.

    Shape: ``q``'s shape followed by ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``q`` is outside [0, 100], ``method`` is unknown or ``axis`` is out of range.
        DTypeError: ``x`` is complex.
    """
    return B.percentile(x, q, axis, method, keepdims)


def median(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Median over ``axis`` (the mean of the two middle values for an even count); nan if a slice holds nan.

    Shape: ``x``'s shape without the reduced axes (size 1 when ``keepdims``).

    Raises:
        ArgumentError: ``axis`` is out of range, or the reduced axes are empty.
    """
    return B.median(x, axis, keepdims)


def bincount(x: Any, weights: Any = None, minlength: int = 0, sparse: bool = False) -> Tensor:
    """How often each value ``0 .. max(x)`` occurs in the 1-D non-negative integer ``x``.

    Counts are int64 (NumPy's; Keras gives int32). With ``weights`` (``x``'s
    shape) each occurrence adds its weight instead; float weights keep their
    dtype, integer weights give float32 (NumPy: float64 always).

    Shape: ``(max(max(x) + 1, minlength),)``.

    Raises:
        ArgumentError: ``x`` holds negative values (checked outside tracing), ``minlength`` is negative, or
            ``sparse=True`` (dualnet has no sparse tensors).
        DTypeError: ``x`` is not an integer tensor.
        ShapeError: ``x`` is not 1-D, or ``weights`` has another shape.
    """
    return B.bincount(x, weights, minlength, sparse)


def histogram(x: Any, bins: int = 10, range: tuple[float, float] | None = None) -> tuple[Tensor, Tensor]:
    """Counts of the flattened ``x`` in ``bins`` equal bins over ``range`` (default: ``x``'s min and max).

    As NumPy: each bin is half-open but the last, which holds its upper edge;
    values outside ``range`` (and nan) are not counted; an empty range widens
    by 0.5 each way. Counts are int64 (Keras: int32); the edges have ``x``'s
    float dtype (float32 for integers).

    Shape: counts ``(bins,)``, edges ``(bins + 1,)``.

    Raises:
        ArgumentError: ``bins`` is not a positive int, or ``range`` is not a finite pair with low <= high.
    """
    return B.histogram(x, bins, range)


def corrcoef(x: Any) -> Tensor:
    """Pearson correlation coefficients of the rows of ``x`` (one variable per row), clipped to [-1, 1].

    Shape: ``x`` (n, observations) -> ``(n, n)``; a 1-D ``x`` gives a scalar (1.0).

    Raises:
        ShapeError: ``x`` is not 1-D or 2-D.
    """
    return B.corrcoef(x)


def correlate(x1: Any, x2: Any, mode: str = "valid") -> Tensor:
    """Cross-correlation ``c[k] = sum_n x1[n + k] * x2[n]`` of two 1-D tensors, NumPy's ``correlate``.

    Shape: for ``x1`` (m,) and ``x2`` (n,): ``"full"`` (m + n - 1,), ``"same"`` (max(m, n),), ``"valid"``
    (max(m, n) - min(m, n) + 1,). Integers compute in float32; complex inputs are not supported.

    Raises:
        ArgumentError: ``mode`` is not ``"valid"``, ``"same"`` or ``"full"``.
        DTypeError: an input is complex (Keras drops the imaginary part; dualnet refuses).
        ShapeError: an input is not a non-empty 1-D tensor.
    """
    return B.correlate(x1, x2, mode)


def trapezoid(y: Any, x: Any = None, dx: float = 1.0, axis: int = -1) -> Tensor:
    """Integral of ``y`` along ``axis`` by the trapezoidal rule, samples at ``x`` or ``dx`` apart.

    ``x`` is 1-D (one coordinate per sample along ``axis``) or shaped like ``y``.

    Shape: ``y``'s shape without ``axis``.

    Raises:
        ArgumentError: ``axis`` is out of range.
        ShapeError: ``x`` fits neither of the shapes above.
    """
    return B.trapezoid(y, x, dx, axis)


def cdist(x: Any, y: Any) -> Tensor:
    """Euclidean distance between every row of ``x`` and every row of ``y`` (Keras's ``cdist``: p = 2 only).

    A zero distance has gradient 0 (as ``torch.cdist``), not nan.

    Shape: ``x`` (..., m, d) and ``y`` (..., n, d) -> ``(..., m, n)``; the leading axes broadcast.

    Raises:
        ShapeError: an input has rank below 2, or the last axes differ.
    """
    return B.cdist(x, y)
