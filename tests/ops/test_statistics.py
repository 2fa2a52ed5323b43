"""Statistics ops against NumPy/SciPy on both backends: quantiles, histograms, averages, correlation, integrals.

Values over a few shapes, axes and dtypes; the result dtype the same on both
backends; gradients against finite differences in float64; bad arguments.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import distance

import dualnet as dn
from tests.ops.nn_reference import numeric_grads

N = dn.ops.to_numpy
METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]
AXES = [None, 1, (0, 2), -1]
X = np.random.default_rng(1).normal(size=(3, 4, 5)).astype(np.float32)


@pytest.mark.parametrize("method", METHODS)
def test_quantile_matches_numpy(backend: str, method: str) -> None:
    for dtype in ("float32", "float64"):
        x = X.astype(dtype)
        for axis in AXES:
            for q in (0.3, [0.0, 0.25, 0.5, 0.9, 1.0]):
                for keepdims in (False, True):
                    got = dn.ops.quantile(x, q, axis, method, keepdims)
                    want = np.quantile(x, q, axis=axis, method=method, keepdims=keepdims)
                    assert dn.ops.dtype(got) == dtype and dn.ops.shape(got) == want.shape
                    np.testing.assert_allclose(N(got), want, rtol=1e-6, atol=1e-6)
    got = dn.ops.percentile(X, [10.0, 95.0], 1, method)
    np.testing.assert_allclose(N(got), np.percentile(X, [10.0, 95.0], axis=1, method=method), rtol=1e-6, atol=1e-6)


def test_quantile_of_integers_ties_and_nan(backend: str) -> None:
    ints = np.array([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]], np.int32)
    got = dn.ops.quantile(ints, [0.1, 0.5], axis=1)
    assert dn.ops.dtype(got) == "float32"  # NumPy: float64
    np.testing.assert_allclose(N(got), np.quantile(ints, [0.1, 0.5], axis=1), rtol=1e-6)
    # nearest rounds half to even, as NumPy: position 0.5 * 5 = 2.5 reads index 2.
    halves = np.arange(6.0, dtype=np.float32)
    np.testing.assert_array_equal(
        N(dn.ops.quantile(halves, 0.5, method="nearest")), np.quantile(halves, 0.5, method="nearest")
    )
    with_nan = X.copy()
    with_nan[1, 2, 3] = np.nan
    np.testing.assert_array_equal(np.isnan(N(dn.ops.median(with_nan, axis=2))), np.isnan(np.median(with_nan, axis=2)))
    np.testing.assert_allclose(
        N(dn.ops.median(X, axis=(1, 2), keepdims=True)), np.median(X, axis=(1, 2), keepdims=True)
    )
    np.testing.assert_allclose(N(dn.ops.median(ints)), np.median(ints))
    np.testing.assert_allclose(N(dn.ops.quantile(np.float32(2.5), 0.3)), 2.5)  # a scalar x
    q = dn.ops.convert_to_tensor(np.array([0.2, 0.8]))  # a tensor q
    np.testing.assert_allclose(
        N(dn.ops.quantile(X, q, axis=0)), np.quantile(X, [0.2, 0.8], axis=0), rtol=1e-6, atol=1e-6
    )


def test_extrema_counts_and_averages(backend: str) -> None:
    ints = np.array([[0, 3, -2], [5, 0, 0]], np.int16)
    for axis in (None, 0, (0, 1), -1):
        for x in (X[0], ints):
            np.testing.assert_array_equal(N(dn.ops.amax(x, axis)), np.amax(x, axis=axis))
            np.testing.assert_array_equal(N(dn.ops.amin(x, axis, keepdims=True)), np.amin(x, axis=axis, keepdims=True))
            got = dn.ops.ptp(x, axis)
            assert dn.ops.dtype(got) == x.dtype.name
            np.testing.assert_allclose(N(got), np.ptp(x, axis=axis), rtol=1e-6)
            count = dn.ops.count_nonzero(x, axis)
            assert dn.ops.dtype(count) == "int64"
            np.testing.assert_array_equal(N(count), np.count_nonzero(x, axis=axis))
    np.testing.assert_array_equal(N(dn.ops.count_nonzero(np.array([True, False, True]))), 2)
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=X.shape).astype(np.float32)
    for axis in (None, 1, (0, 2)):
        np.testing.assert_allclose(N(dn.ops.average(X, axis)), np.average(X, axis=axis), rtol=1e-5, atol=1e-6)
        got = dn.ops.average(X, axis, weights=w)
        np.testing.assert_allclose(N(got), np.average(X, axis=axis, weights=w), rtol=1e-5, atol=1e-6)
    along = np.array([1.0, 2.0, 3.0, 4.0], np.float32)
    np.testing.assert_allclose(N(dn.ops.average(X, 1, along)), np.average(X, axis=1, weights=along), rtol=1e-5)
    assert dn.ops.dtype(dn.ops.average(ints, 0)) == "float32"


def test_bincount_and_histogram(backend: str) -> None:
    x = np.array([1, 2, 2, 5, 0, 2], np.int32)
    counts = dn.ops.bincount(x)
    assert dn.ops.dtype(counts) == "int64"
    np.testing.assert_array_equal(N(counts), np.bincount(x))
    np.testing.assert_array_equal(N(dn.ops.bincount(x, minlength=9)), np.bincount(x, minlength=9))
    w = np.linspace(0.5, 3.0, 6).astype(np.float32)
    got = dn.ops.bincount(x, weights=w, minlength=3)
    assert dn.ops.dtype(got) == "float32"  # NumPy: float64
    np.testing.assert_allclose(N(got), np.bincount(x, weights=w, minlength=3), rtol=1e-6)
    # Values on the edges (0.0, 0.5 and the last edge 1.0), outside the range, and nan.
    values = np.array([0.0, 0.1, 0.5, 0.5, 0.99, 1.0, 1.5, -0.2, np.nan, 0.3], np.float32)
    for bins, value_range in ((10, None), (4, (0.0, 1.0)), (3, (0.25, 0.75))):
        finite = values[np.isfinite(values)] if value_range is None else values
        counts, edges = dn.ops.histogram(finite, bins, value_range)
        want_counts, want_edges = np.histogram(finite, bins, value_range)
        assert dn.ops.dtype(counts) == "int64" and dn.ops.dtype(edges) == "float32"
        np.testing.assert_array_equal(N(counts), want_counts)
        np.testing.assert_allclose(N(edges), want_edges, rtol=1e-6)
    for same in (np.full(4, 2.0, np.float32), X):  # an empty range widens by 0.5; a 3-D x is flattened
        counts, edges = dn.ops.histogram(same, 5)
        np.testing.assert_array_equal(N(counts), np.histogram(same, 5)[0])
        np.testing.assert_allclose(N(edges), np.histogram(same, 5)[1], rtol=1e-6)


def test_correlation_integration_and_distances(backend: str) -> None:
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(3, 7)).astype(np.float32)
    np.testing.assert_allclose(N(dn.ops.corrcoef(rows)), np.corrcoef(rows), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(N(dn.ops.corrcoef(rows[0])), 1.0, rtol=1e-6)
    for m, n in ((6, 3), (3, 6), (4, 4), (1, 5)):
        a, v = rng.normal(size=m).astype(np.float32), rng.normal(size=n).astype(np.float32)
        for mode in ("valid", "same", "full"):
            got = dn.ops.correlate(a, v, mode)
            np.testing.assert_allclose(N(got), np.correlate(a, v, mode), rtol=1e-5, atol=1e-6)
    y = rng.normal(size=(2, 5, 3))
    samples = np.sort(rng.uniform(0, 2, size=5))
    for axis in (-1, 1, 0):
        np.testing.assert_allclose(N(dn.ops.trapezoid(y, axis=axis)), np.trapezoid(y, axis=axis), rtol=1e-6)
        np.testing.assert_allclose(N(dn.ops.trapezoid(y, dx=0.3, axis=axis)), np.trapezoid(y, dx=0.3, axis=axis))
    np.testing.assert_allclose(N(dn.ops.trapezoid(y, samples, axis=1)), np.trapezoid(y, samples, axis=1), rtol=1e-6)
    full_x = np.cumsum(rng.uniform(0.1, 1, size=y.shape), axis=-1)
    np.testing.assert_allclose(N(dn.ops.trapezoid(y, full_x)), np.trapezoid(y, full_x), rtol=1e-6)
    assert dn.ops.dtype(dn.ops.trapezoid(np.arange(4, dtype=np.int32))) == "float32"
    a, b = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(N(dn.ops.cdist(a, b)), distance.cdist(a, b), rtol=1e-5)
    batched = dn.ops.cdist(np.stack([a, a * 2]), b)
    assert dn.ops.shape(batched) == (2, 4, 5)
    np.testing.assert_allclose(N(batched)[1], distance.cdist(a * 2, b), rtol=1e-5)


_W = np.random.default_rng(4).normal(size=64)


def _head(out: object) -> object:
    """A scalar that weighs each output differently, so that a wrong gradient cannot cancel out."""
    flat = dn.ops.reshape(out, (-1,))
    return dn.ops.sum(dn.ops.multiply(flat, _W[: dn.ops.shape(flat)[0]]))


def _head_np(out: np.ndarray) -> float:
    flat = np.reshape(out, -1)
    return float(np.sum(flat * _W[: flat.shape[0]]))


GRADIENTS = {
    "median": (lambda x: dn.ops.median(x, axis=1), lambda x: np.median(x, axis=1), [(3, 4)]),
    "quantile": (
        lambda x: dn.ops.quantile(x, [0.3, 0.7], axis=0),
        lambda x: np.quantile(x, [0.3, 0.7], axis=0),
        [(5, 2)],
    ),
    "midpoint": (
        lambda x: dn.ops.quantile(x, 0.4, method="midpoint"),
        lambda x: np.quantile(x, 0.4, method="midpoint"),
        [(6,)],
    ),
    "average": (lambda x, w: dn.ops.average(x, 1, w), lambda x, w: np.average(x, axis=1, weights=w), [(2, 3), (2, 3)]),
    "corrcoef": (dn.ops.corrcoef, np.corrcoef, [(3, 5)]),
    "correlate": (lambda a, v: dn.ops.correlate(a, v, "full"), lambda a, v: np.correlate(a, v, "full"), [(5,), (3,)]),
    "trapezoid": (lambda y, x: dn.ops.trapezoid(y, x), lambda y, x: np.trapezoid(y, x), [(2, 4), (4,)]),
    "cdist": (dn.ops.cdist, distance.cdist, [(3, 2), (4, 2)]),
    "ptp": (lambda x: dn.ops.ptp(x, 0), lambda x: np.ptp(x, axis=0), [(3, 2)]),
}


@pytest.mark.parametrize("name", list(GRADIENTS))
def test_gradients_match_finite_differences(backend: str, name: str) -> None:
    op, ref, shapes = GRADIENTS[name]
    rng = np.random.default_rng(5)
    arrays = [rng.uniform(0.5, 2.0, size=s) * rng.choice([-1, 1], size=s) for s in shapes]
    if name == "average":
        arrays[1] = np.abs(arrays[1])  # weights away from a zero sum
    if name == "trapezoid":
        arrays[1] = np.cumsum(np.abs(arrays[1]))
    _, grads = dn.value_and_grad(lambda *t: _head(op(*t)), wrt=tuple(range(len(arrays))))(
        *[dn.ops.convert_to_tensor(a) for a in arrays]
    )
    grads = grads if isinstance(grads, tuple | list) else (grads,)
    expected = numeric_grads(lambda *a: _head_np(ref(*a)), arrays)
    for got, want in zip(grads, expected, strict=True):
        np.testing.assert_allclose(N(got), want, rtol=1e-5, atol=1e-7)


def test_zero_distance_has_a_finite_gradient(backend: str) -> None:
    a = dn.ops.convert_to_tensor(np.array([[1.0, 2.0]]))
    _, grad = dn.value_and_grad(lambda t: dn.ops.sum(dn.ops.cdist(t, np.array([[1.0, 2.0], [1.0, 3.0]]))))(a)
    np.testing.assert_allclose(N(grad), [[0.0, -1.0]])


def test_traced(backend: str) -> None:
    """Inside ``dn.function``: a traced graph on tensorflow, where q is checked only when known."""
    x = X[0].copy()
    x[1, 2] = np.nan

    def f(x: object, q: object) -> tuple[object, ...]:
        return (
            dn.ops.quantile(x, q, axis=1, method="midpoint"),
            dn.ops.nanquantile(x, q, axis=1, keepdims=True),
            dn.ops.nanmedian(x),
            dn.ops.histogram(x[0], 3)[0],
            dn.ops.bincount(dn.ops.cast(dn.ops.abs(x[2]) * 3, "int32"), minlength=2),
        )

    q = np.array([0.25, 0.5])
    want = (
        np.quantile(x, q, axis=1, method="midpoint"),
        np.nanquantile(x, q, axis=1, keepdims=True),
        np.nanmedian(x),
        np.histogram(x[0], 3)[0],
        np.bincount((np.abs(x[2]) * 3).astype(np.int32), minlength=2),
    )
    got = dn.function(f)(x, dn.ops.convert_to_tensor(q))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(N(g), w, rtol=1e-5, atol=1e-6)


def test_compiled(backend: str) -> None:
    """Compiled (XLA, ``torch.compile``): nan-reductions and a bitwise op (few ops: torch.compile is slow)."""
    x = X[0].copy()
    x[1, 2] = np.nan
    ints = np.arange(6, dtype=np.int32).reshape(2, 3)

    def f(x: object, ints: object) -> tuple[object, ...]:
        return (
            dn.ops.nanmean(x, 0),
            dn.ops.nanargmin(x, 1),
            dn.ops.bitwise_xor(ints, 5),
        )

    want = (
        np.nanmean(x, 0),
        np.nanargmin(x, 1),
        ints ^ 5,
    )
    got = dn.function(f, jit=True)(x, ints)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(N(g), w, rtol=1e-5, atol=1e-6)


def test_bad_arguments(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"quantile: q must lie in \[0, 1\]"):
        dn.ops.quantile(X, 1.5)
    with pytest.raises(dn.ArgumentError, match=r"percentile: q must lie in \[0, 100\]"):
        dn.ops.percentile(X, [-1.0, 50.0])
    with pytest.raises(dn.ArgumentError, match=r"quantile: q must lie in \[0, 1\]"):
        dn.ops.quantile(X, dn.ops.convert_to_tensor(np.array([0.5, 2.0])))
    with pytest.raises(dn.ArgumentError, match="quantile: unknown method 'cubic'; use one of 'linear'"):
        dn.ops.quantile(X, 0.5, method="cubic")
    with pytest.raises(dn.ArgumentError, match="median: axis 3 is out of range"):
        dn.ops.median(X, axis=3)
    with pytest.raises(dn.DTypeError, match="quantile: complex values have no order"):
        dn.ops.quantile(np.array([1j, 2.0]), 0.5)
    with pytest.raises(dn.ArgumentError, match="bincount: x holds negative values"):
        dn.ops.bincount(np.array([1, -1]))
    with pytest.raises(dn.DTypeError, match="bincount: takes non-negative integers, got float32"):
        dn.ops.bincount(np.array([1.0], np.float32))
    with pytest.raises(dn.ArgumentError, match="bincount: sparse=True is not supported"):
        dn.ops.bincount(np.array([1]), sparse=True)
    with pytest.raises(dn.ShapeError, match="bincount: weights of shape"):
        dn.ops.bincount(np.array([1, 2]), weights=np.ones(3))
    with pytest.raises(dn.ArgumentError, match="histogram: bins must be a positive int"):
        dn.ops.histogram(X, bins=0)
    with pytest.raises(dn.ArgumentError, match="histogram: range must be a pair"):
        dn.ops.histogram(X, range=(1.0, 0.0))
    with pytest.raises(dn.ArgumentError, match="correlate: unknown mode 'circular'"):
        dn.ops.correlate(np.ones(3), np.ones(2), "circular")
    with pytest.raises(dn.DTypeError, match="correlate: complex inputs are not supported"):
        dn.ops.correlate(np.ones(3, np.complex64), np.ones(2))
    with pytest.raises(dn.ArgumentError, match="amax: axis 4 is out of range"):
        dn.ops.amax(X, 4)
    with pytest.raises(dn.ArgumentError, match="count_nonzero: axis -4 is out of range"):
        dn.ops.count_nonzero(X, -4)
    with pytest.raises(dn.ShapeError, match="correlate: takes two non-empty 1-D tensors"):
        dn.ops.correlate(np.ones((2, 3)), np.ones(2))
    with pytest.raises(dn.ShapeError, match="average: weights of shape"):
        dn.ops.average(X, 1, weights=np.ones(5))
    with pytest.raises(dn.ShapeError, match="corrcoef: takes a 1-D or 2-D tensor"):
        dn.ops.corrcoef(X)
    with pytest.raises(dn.ShapeError, match="trapezoid: x has 3 samples"):
        dn.ops.trapezoid(X, np.ones(3))
    with pytest.raises(dn.ShapeError, match="cdist: takes x"):
        dn.ops.cdist(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(dn.DTypeError, match="ptp: bool tensors"):
        dn.ops.ptp(np.array([True, False]))
