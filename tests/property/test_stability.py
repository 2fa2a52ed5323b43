"""Properties of the stable ops: softmax, log_softmax, logsumexp, softplus and log_sigmoid on large and -inf inputs.

References are computed in float64 from the same float32 inputs, so a result
that overflows (exp of a large logit) or loses the small terms shows as a
mismatch, and every result must be finite where the math is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, strategies as st

import dualnet as dn
from tests.property.strategies import PROPS, arrays, assert_matches, axes, normalize_axis, shapes, tensor


def _logsumexp(x: np.ndarray, axis: Any, keepdims: bool = False) -> np.ndarray:
    peak = np.max(x, axis=axis, keepdims=True, initial=-np.inf)  # -inf for an empty slice
    peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axis)


def _logits(data: st.DataObject, shape: tuple[int, ...], masked: bool) -> np.ndarray:
    """float32 logits around a large random offset; with ``masked``, some entries are -inf."""
    offset = data.draw(st.sampled_from([0.0, 80.0, -80.0, 1e4, -1e4, 3e37]), label="offset")
    x = data.draw(arrays("float64", shape, -20, 20), label="x") + offset
    if masked and x.size:
        x = np.where(data.draw(arrays("bool", shape), label="mask"), -np.inf, x)
    return x.astype(np.float32)


@PROPS
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3, max_side=5), masked=st.booleans())
def test_softmax_and_log_softmax_of_large_logits(backend: str, data: st.DataObject, shape: Any, masked: bool) -> None:
    x = _logits(data, shape, masked)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1) | axes(len(shape), allow_none=False), label="axis")
    axis = axis if axis != () else -1
    wide, reduced = x.astype(np.float64), normalize_axis(axis, x.ndim)
    peak = np.max(wide, axis=reduced, keepdims=True, initial=-np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        shifted = wide - peak  # the offset taken out first: log(2) next to 3e37 would be lost (nan: all -inf)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=reduced, keepdims=True))
    assert_matches(dn.ops.log_softmax(tensor(x), axis=axis), log_p.astype(np.float32), rtol=1e-5, atol=1e-4)
    assert_matches(dn.ops.softmax(tensor(x), axis=axis), np.exp(log_p).astype(np.float32), rtol=1e-5, atol=1e-6)


@PROPS
@given(data=st.data(), shape=shapes(min_dims=1, max_dims=3, max_side=5), masked=st.booleans(), keepdims=st.booleans())
def test_logsumexp_of_large_and_masked_values(
    backend: str, data: st.DataObject, shape: Any, masked: bool, keepdims: bool
) -> None:
    x = _logits(data, shape, masked)
    axis = data.draw(axes(len(shape)), label="axis")
    expected = _logsumexp(x.astype(np.float64), normalize_axis(axis, x.ndim), keepdims).astype(np.float32)
    rtol = 1e-5 if np.all(np.abs(expected[np.isfinite(expected)]) > 1) else 1e-4
    assert_matches(dn.ops.logsumexp(tensor(x), axis=axis, keepdims=keepdims), expected, rtol=rtol, atol=1e-5)


@PROPS
@given(x=arrays("float32", shapes(max_dims=2), -1e4, 1e4))
def test_softplus_and_log_sigmoid_never_overflow(backend: str, x: np.ndarray) -> None:
    wide = x.astype(np.float64)
    softplus = np.logaddexp(0.0, wide)
    assert_matches(dn.ops.softplus(tensor(x)), softplus.astype(np.float32), rtol=1e-5, atol=1e-6)
    assert_matches(dn.ops.log_sigmoid(tensor(x)), (-np.logaddexp(0.0, -wide)).astype(np.float32), rtol=1e-5, atol=1e-6)
    sigmoid = np.exp(-np.logaddexp(0.0, -wide))
    assert_matches(dn.ops.sigmoid(tensor(x)), sigmoid.astype(np.float32), rtol=1e-5, atol=1e-7)
