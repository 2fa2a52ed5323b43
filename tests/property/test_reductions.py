"""Properties of reductions: NumPy's values over random shapes (0-size included), axis tuples and keepdims.

Dtypes follow the documented rule (``dn.ops.reductions``): integer and bool
``sum``/``prod``/``cumsum``/``cumprod`` give int64, ``mean``/``std``/``var``/``logsumexp``
of integers give float32. Float16 inputs are compared with a tolerance that
grows with the number of values reduced (the backends may accumulate in half
precision).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, strategies as st

import dualnet as dn
from dualnet.errors import ArgumentError
from tests.property.strategies import ALL, PROPS, arrays, assert_matches, axes, normalize_axis, shapes, tensor


def _logsumexp(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    peak = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros([1] * x.ndim)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axis)


REDUCTIONS: dict[str, Callable[..., Any]] = {
    "sum": np.sum,
    "mean": np.mean,
    "max": np.max,
    "min": np.min,
    "prod": np.prod,
    "std": np.std,
    "var": np.var,
    "logsumexp": _logsumexp,
    "any": np.any,
    "all": np.all,
}
FLOAT_RESULT = {"mean", "std", "var", "logsumexp"}
INT64_RESULT = {"sum", "prod"}
NEEDS_VALUES = {"max", "min"}  # a zero-size reduced axis is an error


def _reduced_count(shape: tuple[int, ...], axis: Any) -> int:
    if axis is None:
        return int(np.prod(shape))
    picked = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in picked]))


def _expected(name: str, x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    """NumPy's answer in float64 (ints exact), then in dualnet's documented dtype."""
    kind = x.dtype.kind
    if name in FLOAT_RESULT:
        dtype = x.dtype.name if kind == "f" else "float32"
    elif name in INT64_RESULT and kind in "biu":
        dtype = "int64"
    elif name in ("any", "all"):
        dtype = "bool"
    else:
        dtype = x.dtype.name
    wide = x.astype(np.float64) if kind == "f" or name in FLOAT_RESULT else x.astype(np.int64) if kind in "iu" else x
    with np.errstate(all="ignore"):
        return np.asarray(REDUCTIONS[name](wide, axis=normalize_axis(axis, x.ndim), keepdims=keepdims)).astype(dtype)


@pytest.mark.filterwarnings("ignore")  # NumPy warns on the mean of an empty slice
@PROPS
@given(
    data=st.data(),
    name=st.sampled_from(sorted(REDUCTIONS)),
    dtype=st.sampled_from(ALL),
    shape=shapes(),
    keepdims=st.booleans(),
)
def test_reductions_match_numpy(
    backend: str, data: st.DataObject, name: str, dtype: str, shape: Any, keepdims: bool
) -> None:
    axis = data.draw(axes(len(shape)), label="axis")
    # Products stay small and exact: |x| <= 1 for integers, <= 1.2 for floats.
    low, high = (-1, 1) if name == "prod" and dtype != "float16" else (-1.2, 1.2) if name == "prod" else (-10, 10)
    x = data.draw(arrays(dtype, shape, low, high), label="x")
    n = _reduced_count(shape, normalize_axis(axis, len(shape)))
    op = getattr(dn.ops, name)
    if name in NEEDS_VALUES and n == 0 and x.size == 0:
        with pytest.raises(ArgumentError, match=name):
            op(tensor(x), axis=axis, keepdims=keepdims)
        return
    expected = _expected(name, x, axis, keepdims)
    rtol = atol = None
    if expected.dtype == np.float16:
        rtol, atol = 4e-3, 4e-3 * max(1, n) * (10 if name in ("sum", "mean", "logsumexp") else 1)
    elif expected.dtype == np.float32 and name in ("std", "var", "prod"):
        rtol, atol = 1e-5, 1e-4  # a difference of near-equal float32 values: absolute error ~ eps * scale
    assert_matches(op(tensor(x), axis=axis, keepdims=keepdims), expected, rtol=rtol, atol=atol)


@pytest.mark.filterwarnings("ignore")
@PROPS
@given(data=st.data(), name=st.sampled_from(["std", "var"]), shape=shapes(min_dims=1), ddof=st.integers(0, 3))
def test_variance_with_ddof(backend: str, data: st.DataObject, name: str, shape: Any, ddof: int) -> None:
    axis = data.draw(axes(len(shape)), label="axis")
    x = data.draw(arrays("float64", shape), label="x")
    with np.errstate(all="ignore"):
        expected = getattr(np, name)(x, axis=normalize_axis(axis, x.ndim), ddof=ddof)
    assert_matches(getattr(dn.ops, name)(tensor(x), axis=axis, ddof=ddof), expected, rtol=1e-10, atol=1e-10)


@PROPS
@given(
    data=st.data(),
    name=st.sampled_from(["argmax", "argmin"]),
    dtype=st.sampled_from(ALL),
    shape=shapes(min_dims=1, max_side=5),
    keepdims=st.booleans(),
)
def test_arg_extrema_pick_the_first_of_ties(
    backend: str, data: st.DataObject, name: str, dtype: str, shape: Any, keepdims: bool
) -> None:
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1), label="axis")
    x = data.draw(arrays(dtype, shape, -3, 3), label="x")  # a narrow range: many ties
    op = getattr(dn.ops, name)
    if (x.size if axis is None else shape[axis]) == 0:
        with pytest.raises(ArgumentError, match=name):
            op(tensor(x), axis=axis, keepdims=keepdims)
        return
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims).astype(np.int64)
    assert_matches(op(tensor(x), axis=axis, keepdims=keepdims), expected)


@PROPS
@given(
    data=st.data(),
    name=st.sampled_from(["cumsum", "cumprod"]),
    dtype=st.sampled_from(ALL),
    shape=shapes(max_dims=3),
)
def test_cumulative_ops(backend: str, data: st.DataObject, name: str, dtype: str, shape: Any) -> None:
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1) if shape else st.none(), label="axis")
    x = data.draw(arrays(dtype, shape, -2, 2), label="x")
    wide = x.astype(np.float64) if dtype.startswith("float") else x.astype(np.int64)
    expected = getattr(np, name)(wide, axis=axis).astype(dtype if dtype.startswith("float") else "int64")
    rtol = 1e-2 if dtype == "float16" else None
    assert_matches(getattr(dn.ops, name)(tensor(x), axis=axis), expected, rtol=rtol, atol=rtol)
