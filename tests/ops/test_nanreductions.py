"""The nan-skipping reductions against NumPy's ``nan*`` functions on both backends.

Values over axes (None, int, tuple), keepdims and float dtypes with nan in
some slices and all-nan slices; integer inputs; gradients of ``nansum`` and
``nanmean`` against finite differences in float64; bad arguments.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import dualnet as dn
from tests.ops.nn_reference import numeric_grads

N = dn.ops.to_numpy
X = np.random.default_rng(7).normal(size=(3, 4, 5)).astype(np.float32)
X[0, 1, :] = np.nan  # one all-nan slice along the last axis
X[1, 2, 3] = np.nan
X[2, 0, 0] = np.nan
AXES = [None, 2, 0, (0, 2)]
REDUCTIONS = ["nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin"]


def _numpy(name: str, x: np.ndarray, **kwargs: object) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy warns on all-nan slices
        return np.asarray(getattr(np, name)(x, **kwargs))


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_match_numpy(backend: str, name: str) -> None:
    op = getattr(dn.ops, name)
    for dtype in ("float32", "float64"):
        x = X.astype(dtype)
        for axis in AXES:
            for keepdims in (False, True):
                got = op(x, axis, keepdims)
                want = _numpy(name, x, axis=axis, keepdims=keepdims)
                assert dn.ops.dtype(got) == dtype and dn.ops.shape(got) == want.shape
                np.testing.assert_allclose(N(got), want, rtol=2e-5, atol=1e-6)
    ints = np.array([[1, -2, 3], [4, 0, 6]], np.int32)
    got = op(ints, 1)
    want = getattr(np, name.removeprefix("nan"))(ints, axis=1)
    np.testing.assert_allclose(N(got), want, rtol=1e-6)
    # The dtype is the plain reduction's: int64 sums and products, float32 means, int32 extrema.
    assert dn.ops.dtype(got) == dn.ops.dtype(
        getattr(dn.ops, {"nanmax": "max", "nanmin": "min"}.get(name, name[3:]))(ints, 1)
    )


@pytest.mark.parametrize("name", ["nanargmax", "nanargmin"])
def test_arg_reductions(backend: str, name: str) -> None:
    op = getattr(dn.ops, name)
    x = X.copy()
    x[0, 1, 2] = 5.0  # slice (0, 1, :) is then [nan, nan, 5, nan, nan]
    for axis in (0, 1, 2, -1):
        got = op(x, axis)
        assert dn.ops.dtype(got) == "int64"
        np.testing.assert_array_equal(N(got), getattr(np, name)(x, axis=axis))
        kept = op(x, axis, keepdims=True)
        np.testing.assert_array_equal(N(kept), getattr(np, name)(x, axis=axis, keepdims=True))
    np.testing.assert_array_equal(N(op(x)), getattr(np, name)(x))
    np.testing.assert_array_equal(N(op(x, keepdims=True)), getattr(np, name)(x, keepdims=True))
    # An extremum at infinity is still found past a nan, and an all-nan slice gives -1 (as Keras; NumPy raises).
    edge = np.array([[np.nan, -np.inf, np.inf], [np.nan, np.nan, np.nan]], np.float32)
    want = [1 if name == "nanargmin" else 2, -1]
    np.testing.assert_array_equal(N(op(edge, 1)), want)
    np.testing.assert_array_equal(
        N(op(np.array([[3, 1, 3]], np.int32), 1)), getattr(np, name)(np.array([[3, 1, 3]]), 1)
    )


def test_cumulative(backend: str) -> None:
    for axis in (None, 0, 2):
        for name in ("nancumsum", "nancumprod"):
            got = getattr(dn.ops, name)(X, axis)
            np.testing.assert_allclose(N(got), getattr(np, name)(X, axis=axis), rtol=1e-5, atol=1e-6)
    ints = np.array([[1, 2], [3, 4]], np.int8)
    got = dn.ops.nancumsum(ints, 1)
    assert dn.ops.dtype(got) == "int64"
    np.testing.assert_array_equal(N(got), np.nancumsum(ints, axis=1))
    got = dn.ops.nancumsum(ints, 0, dtype="int16")
    assert dn.ops.dtype(got) == "int16"
    np.testing.assert_array_equal(N(got), np.nancumsum(ints, axis=0, dtype="int16"))
    got = dn.ops.nancumprod(ints, 0, dtype="float64")
    assert dn.ops.dtype(got) == "float64"
    np.testing.assert_array_equal(N(got), np.nancumprod(ints, axis=0, dtype="float64"))


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantiles_match_numpy(backend: str, method: str) -> None:
    for axis in AXES:
        for q in (0.4, [0.0, 0.5, 1.0]):
            got = dn.ops.nanquantile(X, q, axis, method, keepdims=axis == 2)
            want = _numpy("nanquantile", X, q=q, axis=axis, method=method, keepdims=axis == 2)
            assert dn.ops.shape(got) == want.shape and dn.ops.dtype(got) == "float32"
            np.testing.assert_allclose(N(got), want, rtol=1e-5, atol=1e-6)
    got = dn.ops.nanpercentile(X, [20.0, 80.0], 1, method)
    np.testing.assert_allclose(N(got), _numpy("nanpercentile", X, q=[20.0, 80.0], axis=1, method=method), rtol=1e-5)
    np.testing.assert_allclose(N(dn.ops.nanmedian(X, 2)), _numpy("nanmedian", X, axis=2), rtol=1e-6)
    np.testing.assert_allclose(N(dn.ops.nanmedian(X)), _numpy("nanmedian", X), rtol=1e-6)


GRADIENTS = {
    "nansum": (lambda x: dn.ops.nansum(x, 1), lambda x: np.nansum(x, axis=1)),
    "nanmean": (lambda x: dn.ops.nanmean(x, 0), lambda x: np.nanmean(x, axis=0)),
    "nanvar": (lambda x: dn.ops.nanvar(x, 1), lambda x: np.nanvar(x, axis=1)),
    "nanmax": (lambda x: dn.ops.nanmax(x, 1), lambda x: np.nanmax(x, axis=1)),
    "nanmedian": (lambda x: dn.ops.nanmedian(x, 1), lambda x: np.nanmedian(x, axis=1)),
    "nanquantile": (lambda x: dn.ops.nanquantile(x, 0.3, 0), lambda x: np.nanquantile(x, 0.3, axis=0)),
}


@pytest.mark.parametrize("name", list(GRADIENTS))
def test_gradients_match_finite_differences(backend: str, name: str) -> None:
    op, ref = GRADIENTS[name]
    x = np.random.default_rng(8).normal(size=(3, 4))
    x[1, 2] = x[0, 0] = np.nan
    weights = np.linspace(-1.0, 2.0, 4 if name in ("nanmean", "nanquantile") else 3)
    _, grad = dn.value_and_grad(lambda t: dn.ops.sum(dn.ops.multiply(op(t), weights)))(dn.ops.convert_to_tensor(x))
    present = ~np.isnan(x)
    (want,) = numeric_grads(lambda a: float(np.sum(ref(np.where(present, a, np.nan)) * weights)), [np.nan_to_num(x)])
    np.testing.assert_allclose(N(grad)[present], want[present], rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(N(grad)[~present], 0.0)  # a skipped nan takes no gradient


def test_bad_arguments(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="nansum: axis 3 is out of range"):
        dn.ops.nansum(X, 3)
    with pytest.raises(dn.ArgumentError, match="nanargmax: axis 5 is out of range"):
        dn.ops.nanargmax(X, 5)
    with pytest.raises(dn.ArgumentError, match=r"nanquantile: q must lie in \[0, 1\]"):
        dn.ops.nanquantile(X, -0.1)
    with pytest.raises(dn.ArgumentError, match=r"nanpercentile: q must lie in \[0, 100\]"):
        dn.ops.nanpercentile(X, 101.0)
    with pytest.raises(dn.ArgumentError, match="nanmedian: cannot reduce a zero-size axis"):
        dn.ops.nanmedian(np.zeros((2, 0), np.float32), 1)
    with pytest.raises(dn.ArgumentError, match="nanquantile: unknown method 'linearr'"):
        dn.ops.nanquantile(X, 0.5, method="linearr")
    with pytest.raises(dn.DTypeError):
        dn.ops.nancumsum(X, 0, dtype="float8")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision(backend: str, dtype: str) -> None:
    """Half floats keep their dtype on both backends; values as NumPy's in float32, to half precision."""
    x = dn.ops.cast(X, dtype)
    exact = N(dn.ops.cast(x, "float32"))  # the half-rounded inputs
    cases = {
        "nanmean": (dn.ops.nanmean(x, 2), _numpy("nanmean", exact, axis=2)),
        "nanmax": (dn.ops.nanmax(x, 0), _numpy("nanmax", exact, axis=0)),
        "nanquantile": (dn.ops.nanquantile(x, 0.3, 2), _numpy("nanquantile", exact, q=0.3, axis=2)),
        "quantile": (dn.ops.quantile(x, 0.7, 1), np.quantile(exact, 0.7, axis=1)),
        "nanargmin": (dn.ops.nanargmin(x, 1), np.nanargmin(exact, axis=1)),
    }
    for name, (got, want) in cases.items():
        assert dn.ops.dtype(got) == ("int64" if name == "nanargmin" else dtype), name
        np.testing.assert_allclose(N(dn.ops.cast(got, "float32")), want, rtol=1e-2, atol=1e-2, err_msg=name)
