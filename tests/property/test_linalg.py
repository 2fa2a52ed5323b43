"""Properties of products: matmul with broadcast batch axes and 1-D operands, dot, outer, against NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import dualnet as dn
from dualnet.dtypes import result_type
from tests.property.strategies import PROPS, arrays, assert_matches, shapes, tensor

DTYPES = ("int32", "int64", "float16", "float32", "float64")


def _reference(a: np.ndarray, b: np.ndarray, fn: Any) -> np.ndarray:
    """NumPy's product in float64 (exact for these small ints), in dualnet's promoted dtype."""
    dtype = result_type(a.dtype.name, b.dtype.name)
    return np.asarray(fn(a.astype(np.float64), b.astype(np.float64))).astype(dtype)


def _tolerance(dtype: str, k: int) -> tuple[float, float] | tuple[None, None]:
    """Sums of ``k`` products: the absolute error grows with ``k`` (values are at most 3 in size)."""
    eps = {"float16": 1e-3, "float32": 2e-7, "float64": 1e-15}.get(dtype)
    return (None, None) if eps is None else (4 * eps, 4 * eps * 9 * max(k, 1))


@PROPS
@given(
    data=st.data(),
    dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)),
    shapes=hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=3, max_side=4),
)
def test_matmul_broadcasts_batches(backend: str, data: st.DataObject, dtypes: tuple[str, str], shapes: Any) -> None:
    a = data.draw(arrays(dtypes[0], shapes.input_shapes[0], -3, 3), label="a")
    b = data.draw(arrays(dtypes[1], shapes.input_shapes[1], -3, 3), label="b")
    expected = _reference(a, b, np.matmul)
    assert expected.shape == shapes.result_shape
    rtol, atol = _tolerance(expected.dtype.name, a.shape[-1])
    assert_matches(dn.ops.matmul(tensor(a), tensor(b)), expected, rtol=rtol, atol=atol)


@PROPS
@given(data=st.data(), dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)))
def test_dot_and_outer(backend: str, data: st.DataObject, dtypes: tuple[str, str]) -> None:
    shape_a = data.draw(shapes(min_dims=1, max_dims=3), label="shape a")
    k = shape_a[-1]
    rest = data.draw(shapes(max_dims=2), label="shape b")
    shape_b = (k,) if not rest else (*rest[:-1], k, rest[-1])
    a = data.draw(arrays(dtypes[0], shape_a, -3, 3), label="a")
    b = data.draw(arrays(dtypes[1], shape_b, -3, 3), label="b")
    expected = _reference(a, b, np.dot)
    rtol, atol = _tolerance(expected.dtype.name, k)
    assert_matches(dn.ops.dot(tensor(a), tensor(b)), expected, rtol=rtol, atol=atol)
    assert_matches(dn.ops.outer(tensor(a), tensor(b)), _reference(a, b, np.outer), rtol=rtol, atol=atol)
