"""Properties of elementwise ops: NumPy's values on random shapes, dtypes and broadcasts, on both backends.

The expected dtype comes from :func:`dualnet.dtypes.result_type` (the documented
rule where it differs from NumPy); the expected values are NumPy's op computed
in that dtype.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import dualnet as dn
from dualnet.dtypes import result_type
from tests.property.strategies import ALL, FLOATS, INTS, NUMERIC, PROPS, arrays, assert_matches, shapes, tensor

_erf = np.vectorize(math.erf, otypes=[np.float64])

# name -> (NumPy reference, low, high): inputs are drawn from [low, high] (clipped to the dtype's range).
UNARY: dict[str, tuple[Callable[[Any], Any], float, float]] = {
    "negative": (np.negative, -100, 100),
    "abs": (np.abs, -100, 100),
    "sign": (np.sign, -100, 100),
    "square": (np.square, -10, 10),
    "sqrt": (np.sqrt, 0, 100),
    "exp": (np.exp, -10, 10),
    "expm1": (np.expm1, -10, 10),
    "log": (np.log, 0.01, 100),
    "log1p": (np.log1p, -0.9, 100),
    "log2": (np.log2, 0.01, 100),
    "log10": (np.log10, 0.01, 100),
    "sin": (np.sin, -10, 10),
    "cos": (np.cos, -10, 10),
    "tan": (np.tan, -1.2, 1.2),
    "arctan": (np.arctan, -100, 100),
    "sinh": (np.sinh, -5, 5),
    "cosh": (np.cosh, -5, 5),
    "tanh": (np.tanh, -10, 10),
    "erf": (lambda x: _erf(x).astype(x.dtype), -3, 3),
    "reciprocal": (np.reciprocal, 0.5, 100),
    "floor": (np.floor, -100, 100),
    "ceil": (np.ceil, -100, 100),
    "trunc": (np.trunc, -100, 100),
    "round": (np.round, -100, 100),
}
SAME_DTYPE = {"negative", "abs", "sign", "square", "floor", "ceil", "trunc", "round"}  # integers stay integers

# Ops defined for every dtype pair, bool included; the rest are numeric only.
BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.divide,
    "floor_divide": np.floor_divide,
    "mod": np.mod,
    "power": np.power,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "equal": np.equal,
    "not_equal": np.not_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
    "logical_xor": np.logical_xor,
}
BOOL_OK = {"add", "multiply", "maximum", "minimum", "equal", "not_equal", "logical_and", "logical_or", "logical_xor"}
BOOL_RESULT = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"} | {
    "logical_and",
    "logical_or",
    "logical_xor",
}
DIVIDING = {"divide", "floor_divide", "mod"}


def _scalar_name(value: Any) -> Any:
    return value if isinstance(value, bool | int | float) else value.dtype.name


def _compute_dtype(name: str, a: Any, b: Any) -> str:
    """The dtype dualnet computes ``name`` in: the promoted one, float32 where integers divide."""
    dtype = result_type(_scalar_name(a), _scalar_name(b))
    return "float32" if name == "divide" and dtype not in FLOATS else dtype


@PROPS
@given(data=st.data(), name=st.sampled_from(sorted(UNARY)), dtype=st.sampled_from(NUMERIC), shape=shapes())
def test_unary_ops_match_numpy(backend: str, data: st.DataObject, name: str, dtype: str, shape: Any) -> None:
    reference, low, high = UNARY[name]
    x = data.draw(arrays(dtype, shape, low, high), label="x")
    out_dtype = dtype if dtype in FLOATS or name in SAME_DTYPE else "float32"
    with np.errstate(all="ignore"):
        expected = np.asarray(reference(x.astype(out_dtype))).astype(out_dtype)
    assert_matches(getattr(dn.ops, name)(tensor(x)), expected)


@PROPS
@given(
    data=st.data(),
    name=st.sampled_from(sorted(BINARY)),
    dtypes=st.tuples(st.sampled_from(ALL), st.sampled_from(ALL)),
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=4),
)
def test_binary_ops_broadcast_and_promote(
    backend: str, data: st.DataObject, name: str, dtypes: tuple[str, str], shapes: Any
) -> None:
    if "bool" in dtypes and name not in BOOL_OK:
        dtypes = tuple("int8" if d == "bool" else d for d in dtypes)  # type: ignore[assignment]
    low, high = (0, 4) if name == "power" else (-10, 10)  # integer powers: no negative exponents, no overflow
    a = data.draw(arrays(dtypes[0], shapes.input_shapes[0], low, high), label="a")
    b = data.draw(arrays(dtypes[1], shapes.input_shapes[1], low, 3 if name == "power" else high), label="b")
    if name in DIVIDING:
        b = np.where(b == 0, np.ones_like(b), b)  # integer division by zero is a documented error
    compute = _compute_dtype(name, a, b)
    with np.errstate(all="ignore"):
        expected = np.asarray(BINARY[name](a.astype(compute), b.astype(compute)))
    assert expected.shape == shapes.result_shape
    rtol = 5e-3 if compute == "float16" and name == "power" else None  # x ** y: log/exp rounding in half precision
    assert_matches(getattr(dn.ops, name)(tensor(a), tensor(b)), expected, rtol=rtol)


@PROPS
@given(
    data=st.data(),
    name=st.sampled_from(["add", "subtract", "multiply", "divide", "maximum", "minimum", "less", "equal"]),
    dtype=st.sampled_from(NUMERIC),
    shape=shapes(max_dims=3),
    scalar=st.one_of(st.integers(0, 10), st.floats(-10, 10, width=16, allow_subnormal=False), st.booleans()),
    scalar_first=st.booleans(),
)
def test_python_scalars_are_weak(
    backend: str, data: st.DataObject, name: str, dtype: str, shape: Any, scalar: Any, scalar_first: bool
) -> None:
    x = data.draw(arrays(dtype, shape, 1, 10), label="x")
    if name == "divide" and scalar == 0:
        scalar = 1
    args = (scalar, x) if scalar_first else (x, scalar)
    compute = _compute_dtype(name, *args)
    with np.errstate(all="ignore"):
        expected = np.asarray(BINARY[name](*(np.asarray(v).astype(compute) for v in args)))
    result = getattr(dn.ops, name)(*(tensor(v) if isinstance(v, np.ndarray) else v for v in args))
    assert_matches(result, expected)


SPECIAL: dict[str, Callable[[Any], Any]] = {
    "negative": np.negative,
    "abs": np.abs,
    "sign": np.sign,
    "square": np.square,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "floor": np.floor,
    "ceil": np.ceil,
    "trunc": np.trunc,
    "round": np.round,
    "isnan": np.isnan,
    "isinf": np.isinf,
    "isfinite": np.isfinite,
}
_special_floats = st.one_of(
    st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0]), st.floats(-1e6, 1e6, width=32, allow_subnormal=False)
)


@PROPS
@given(name=st.sampled_from(sorted(SPECIAL)), x=hnp.arrays(np.float32, shapes(max_dims=2), elements=_special_floats))
def test_unary_ops_on_nan_inf_and_signed_zero(backend: str, name: str, x: np.ndarray) -> None:
    with np.errstate(all="ignore"):
        expected = SPECIAL[name](x)
    assert_matches(getattr(dn.ops, name)(tensor(x)), expected)


@PROPS
@given(
    name=st.sampled_from(["maximum", "minimum", "add", "multiply", "less", "equal"]),
    pair=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3).flatmap(
        lambda s: st.tuples(*[hnp.arrays(np.float32, shape, elements=_special_floats) for shape in s.input_shapes])
    ),
)
def test_binary_ops_propagate_nan_and_inf(backend: str, name: str, pair: tuple[np.ndarray, np.ndarray]) -> None:
    with np.errstate(all="ignore"):
        expected = getattr(np, name)(*pair)
    assert_matches(getattr(dn.ops, name)(tensor(pair[0]), tensor(pair[1])), expected)


@PROPS
@given(
    data=st.data(),
    dtype=st.sampled_from(NUMERIC),
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3),
    which=st.sampled_from(["both", "min", "max"]),
)
def test_clip_broadcasts_its_bounds(backend: str, data: st.DataObject, dtype: str, shapes: Any, which: str) -> None:
    x = data.draw(arrays(dtype, shapes.input_shapes[0]), label="x")
    lo = data.draw(arrays(dtype, shapes.input_shapes[1]), label="lo") if which != "max" else None
    hi = data.draw(arrays(dtype, shapes.input_shapes[2]), label="hi") if which != "min" else None
    expected = np.clip(x, lo, hi)
    result = dn.ops.clip(tensor(x), None if lo is None else tensor(lo), None if hi is None else tensor(hi))
    assert_matches(result, expected)


@PROPS
@given(
    data=st.data(),
    dtypes=st.tuples(st.sampled_from(ALL), st.sampled_from(ALL)),
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=4, max_side=3),
)
def test_where_broadcasts_and_promotes(backend: str, data: st.DataObject, dtypes: tuple[str, str], shapes: Any) -> None:
    condition = data.draw(arrays("bool", shapes.input_shapes[0]), label="condition")
    a = data.draw(arrays(dtypes[0], shapes.input_shapes[1]), label="a")
    b = data.draw(arrays(dtypes[1], shapes.input_shapes[2]), label="b")
    dtype = result_type(a.dtype.name, b.dtype.name)
    expected = np.where(condition, a.astype(dtype), b.astype(dtype))
    assert_matches(dn.ops.where(tensor(condition), tensor(a), tensor(b)), expected)


@PROPS
@given(dtype=st.sampled_from(INTS), x=st.data())
def test_integer_rounding_is_the_identity(backend: str, dtype: str, x: st.DataObject) -> None:
    values = x.draw(arrays(dtype, shapes(max_dims=2), -100, 100))
    for name in ("floor", "ceil", "trunc", "round"):
        assert_matches(getattr(dn.ops, name)(tensor(values)), values)
    assert_matches(dn.ops.sign(tensor(values)), np.sign(values))
