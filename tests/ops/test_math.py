"""Elementwise math ops against NumPy on both backends: values, dtypes, promotion, gradients, graph mode."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from dualnet.dtypes import result_type
from tests.helpers import assert_matches_numpy

_erf = np.vectorize(math.erf, otypes=[np.float64])

# name -> (NumPy reference, low, high): inputs are drawn from [low, high).
UNARY: dict[str, tuple[Callable[[Any], Any], float, float]] = {
    "negative": (np.negative, -3, 3),
    "abs": (np.abs, -3, 3),
    "sign": (np.sign, -3, 3),
    "square": (np.square, -3, 3),
    "sqrt": (np.sqrt, 0.1, 4),
    "exp": (np.exp, -2, 2),
    "expm1": (np.expm1, -2, 2),
    "log": (np.log, 0.1, 4),
    "log1p": (np.log1p, -0.5, 3),
    "log2": (np.log2, 0.1, 4),
    "log10": (np.log10, 0.1, 4),
    "sin": (np.sin, -3, 3),
    "cos": (np.cos, -3, 3),
    "tan": (np.tan, -1.2, 1.2),
    "arctan": (np.arctan, -3, 3),
    "sinh": (np.sinh, -2, 2),
    "cosh": (np.cosh, -2, 2),
    "tanh": (np.tanh, -2, 2),
    "erf": (_erf, -2, 2),
    "reciprocal": (np.reciprocal, 0.5, 3),
    "floor": (np.floor, -3, 3),
    "ceil": (np.ceil, -3, 3),
    "trunc": (np.trunc, -3, 3),
    "round": (np.round, -3, 3),
}
SAME_DTYPE = {"negative", "abs", "sign", "square", "floor", "ceil", "trunc", "round"}  # ints stay ints
PIECEWISE = {"sign", "floor", "ceil", "trunc", "round"}  # gradient zero almost everywhere

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
BOOL_RESULT = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"} | {
    "logical_and",
    "logical_or",
    "logical_xor",
}


def _uniform(shape: tuple[int, ...], low: float, high: float, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, shape).astype(np.float32)


def _nonzero_ints(shape: tuple[int, ...], dtype: str, seed: int = 0) -> np.ndarray:
    """Small ints in 1..5, with random signs for signed dtypes (safe as divisors and exponents)."""
    rng = np.random.default_rng(seed)
    values = rng.integers(1, 6, shape)
    if not dtype.startswith("u"):
        values = values * rng.choice([-1, 1], shape)
    return values.astype(dtype)


def _describe(x: Any) -> Any:
    """What dualnet's result_type takes: a Python scalar as is, an array as its dtype name."""
    return x if isinstance(x, bool | int | float) else np.asarray(x).dtype.name


def _expected(name: str, a: Any, b: Any) -> np.ndarray:
    """NumPy's answer in dualnet's dtype: bool for tests, float32 for dividing ints, else result_type."""
    with np.errstate(all="ignore"):
        out = np.asarray(BINARY[name](np.asarray(a), np.asarray(b)))
    if name in BOOL_RESULT:
        return out
    dtype = result_type(_describe(a), _describe(b))
    if name == "divide" and not dtype.startswith("float"):
        dtype = "float32"
    return out.astype(dtype)


def _numeric_grad(f: Callable[..., float], arrays: list[np.ndarray], i: int, h: float = 1e-4) -> np.ndarray:
    """Central differences of scalar ``f`` with respect to ``arrays[i]``, in float64."""
    args = [np.asarray(a, np.float64) for a in arrays]
    grad = np.zeros_like(args[i])
    for idx in np.ndindex(args[i].shape):
        up = [a.copy() for a in args]
        down = [a.copy() for a in args]
        up[i][idx] += h
        down[i][idx] -= h
        grad[idx] = (f(*up) - f(*down)) / (2 * h)
    return grad


# Unary ops.


@pytest.mark.parametrize("name", UNARY)
def test_unary_float32_matches_numpy(backend: str, name: str) -> None:
    ref, low, high = UNARY[name]
    x = _uniform((2, 3), low, high)
    assert_matches_numpy(getattr(dn.ops, name)(x), ref(x).astype(np.float32), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", UNARY)
def test_unary_int_input(backend: str, name: str) -> None:
    ref, low, _ = UNARY[name]
    x = np.arange(max(math.ceil(low), 1 if name in {"reciprocal", "log", "log2", "log10"} else -1), 4).astype(np.int32)
    # NumPy >= 2.1 keeps integers in floor/ceil/trunc/round; float functions of ints give float32 here.
    expected = ref(x).astype(np.int32) if name in SAME_DTYPE else ref(x.astype(np.float64)).astype(np.float32)
    assert_matches_numpy(getattr(dn.ops, name)(dn.ops.convert_to_tensor(x)), expected, rtol=2e-6)


@pytest.mark.parametrize("name", ["exp", "sqrt", "tanh", "log2", "square", "floor", "round"])
def test_unary_float16_keeps_dtype(backend: str, name: str) -> None:
    ref, low, high = UNARY[name]
    x = _uniform((4,), low, high).astype(np.float16)
    assert_matches_numpy(getattr(dn.ops, name)(x), ref(x), rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("name", sorted(set(UNARY) - PIECEWISE))
def test_unary_gradient(backend: str, name: str) -> None:
    ref, low, high = UNARY[name]
    x = _uniform((2, 3), low, high, seed=1)
    _, grad = dn.value_and_grad(lambda t: dn.ops.sum(getattr(dn.ops, name)(t)))(dn.ops.convert_to_tensor(x))
    expected = _numeric_grad(lambda a: float(np.sum(ref(a))), [x], 0)
    np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("name", sorted(PIECEWISE))
def test_piecewise_constant_ops_have_zero_gradient(backend: str, name: str) -> None:
    x = dn.ops.convert_to_tensor(_uniform((3,), -3, 3))
    _, grad = dn.value_and_grad(lambda t: dn.ops.sum(getattr(dn.ops, name)(t)))(x)
    np.testing.assert_array_equal(dn.ops.to_numpy(grad), np.zeros(3, np.float32))


def test_python_scalar_input_gives_float32(backend: str) -> None:
    assert_matches_numpy(dn.ops.exp(1.0), np.float32(math.e))
    assert_matches_numpy(dn.ops.sqrt(4), np.float32(2.0))


# Binary ops.


def _binary_operands(name: str, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """(2, 3) and (3,) operands, so every test also broadcasts."""
    if dtype == "float32":
        a = _uniform((2, 3), 0.5, 2.0 if name == "power" else 3.0)
        b = _uniform((3,), 0.5, 2.0, seed=1) * np.float32(-1 if name in {"floor_divide", "mod"} else 1)
        b[0] = a[1, 0] if name in BOOL_RESULT else b[0]  # one tie, for the comparisons
        return a, b
    a = _nonzero_ints((2, 3), dtype)
    b = np.abs(_nonzero_ints((3,), dtype, seed=1)) if name == "power" else _nonzero_ints((3,), dtype, seed=1)
    return a, b


@pytest.mark.parametrize("dtype", ["float32", "int32"])
@pytest.mark.parametrize("name", BINARY)
def test_binary_matches_numpy(backend: str, name: str, dtype: str) -> None:
    a, b = _binary_operands(name, dtype)
    result = getattr(dn.ops, name)(dn.ops.convert_to_tensor(a), b)
    assert_matches_numpy(result, _expected(name, a, b), rtol=2e-6)


f32 = np.array([[1.5, -2.0, 3.25], [0.5, 4.0, -1.0]], np.float32)
i32 = np.array([[3, -4, 5], [2, 7, -1]], np.int32)
PROMOTION_CASES = {
    "f32-pyfloat": (f32, 2.5),
    "pyfloat-f32": (2.5, f32),
    "i32-pyint": (i32, 3),
    "pyint-i32": (3, i32),
    "i32-pyfloat": (i32, 0.5),
    "i32-f16": (i32, np.array([1.5, -2.0, 4.0], np.float16)),
    "i8-i16": (i32.astype(np.int8), np.array([2, -3, 1], np.int16)),
    "u8-i8": (np.abs(i32).astype(np.uint8), np.array([2, -3, 1], np.int8)),
    "f32-0d-f64": (f32, np.array(1.5, np.float64)),  # a 0-d array is not weak (torch alone would keep float32)
    "i32-0d-i64": (i32, np.array(2, np.int64)),
    "bool-pyint": (i32 > 0, 2),
    "pyint-pyfloat": (3, 2.0),
}


@pytest.mark.parametrize("case", PROMOTION_CASES)
@pytest.mark.parametrize(
    "name", ["add", "subtract", "multiply", "divide", "floor_divide", "mod", "maximum", "minimum", "greater"]
)
def test_binary_promotion_follows_result_type(backend: str, name: str, case: str) -> None:
    a, b = PROMOTION_CASES[case]
    expected = _expected(name, a, b)
    tol = 1e-3 if expected.dtype == np.float16 else 1e-6
    assert_matches_numpy(getattr(dn.ops, name)(a, b), expected, rtol=tol, atol=tol)


def test_two_python_scalars(backend: str) -> None:
    assert_matches_numpy(dn.ops.add(2, 3), np.int64(5))
    assert_matches_numpy(dn.ops.divide(1, 2), np.float32(0.5))
    assert_matches_numpy(dn.ops.less(1, 2.5), np.True_)


def test_floor_divide_and_mod_follow_numpy_at_the_edges(backend: str) -> None:
    a = np.array([1.0, -1.0, 7.5, -7.5, 0.7, 5.0, 1.0, -1.0, 0.0], np.float32)
    b = np.array([0.1, 0.3, -2.0, 2.0, 0.1, 0.5, 0.0, 0.0, 0.0], np.float32)
    with np.errstate(all="ignore"):
        expected_div, expected_mod = np.floor_divide(a, b), np.mod(a, b)
    assert_matches_numpy(dn.ops.floor_divide(a, b), expected_div)  # 1 // 0.1 is 9, x // 0 is +-inf or nan
    assert_matches_numpy(dn.ops.mod(a[:6], b[:6]), expected_mod[:6], atol=1e-6)
    ints = np.array([-7, 7, -7, 7], np.int64)
    divisors = np.array([3, -3, -3, 3], np.int64)
    assert_matches_numpy(dn.ops.floor_divide(ints, divisors), ints // divisors)
    assert_matches_numpy(dn.ops.mod(ints, divisors), ints % divisors)  # sign of the divisor


def test_bool_arithmetic(backend: str) -> None:
    p = np.array([True, True, False, False])
    q = np.array([True, False, True, False])
    assert_matches_numpy(dn.ops.add(p, q), p + q)
    assert_matches_numpy(dn.ops.multiply(p, q), p * q)
    assert_matches_numpy(dn.ops.less(p, q), p < q)
    assert_matches_numpy(dn.ops.maximum(p, q), np.maximum(p, q))
    assert_matches_numpy(dn.ops.subtract(p, 1), p - 1)
    with pytest.raises(dn.DTypeError, match="subtract"):
        dn.ops.subtract(p, q)
    with pytest.raises(dn.DTypeError, match="negative"):
        dn.ops.negative(p)


def test_nan_propagates(backend: str) -> None:
    x = np.array([1.0, np.nan, -2.0, np.inf], np.float32)
    assert_matches_numpy(dn.ops.maximum(x, 0.0), np.maximum(x, 0.0))
    assert_matches_numpy(dn.ops.minimum(0.0, x), np.minimum(0.0, x))
    assert_matches_numpy(dn.ops.sign(x), np.sign(x))
    assert_matches_numpy(dn.ops.clip(x, -1.0, 1.0), np.clip(x, -1.0, 1.0))


@pytest.mark.parametrize("name", ["add", "maximum", "logical_and", "less"])
def test_broadcast_mismatch_raises_shape_error(backend: str, name: str) -> None:
    with pytest.raises(dn.ShapeError, match=rf"{name}: cannot broadcast shapes \(2, 3\) and \(4,\)"):
        getattr(dn.ops, name)(np.ones((2, 3), np.float32), np.ones((4,), np.float32))


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum"])
def test_binary_gradient(backend: str, name: str) -> None:
    a = _uniform((2, 3), 0.5, 2.0)
    b = _uniform((3,), 0.6, 1.9, seed=1)  # no ties with a, so maximum/minimum are smooth here
    grad_fn = dn.value_and_grad(lambda x, y: dn.ops.sum(getattr(dn.ops, name)(x, y)), wrt=(0, 1))
    _, (ga, gb) = grad_fn(dn.ops.convert_to_tensor(a), dn.ops.convert_to_tensor(b))
    ref = BINARY[name]
    for i, grad in enumerate((ga, gb)):
        expected = _numeric_grad(lambda x, y: float(np.sum(ref(x, y))), [a, b], i)
        np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-3, atol=1e-3)


# Rounding, tests and logic.


def test_round_halves_to_even_and_decimals(backend: str) -> None:
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.675, 1234.5678], np.float32)
    assert_matches_numpy(dn.ops.round(x), np.round(x))
    assert_matches_numpy(dn.ops.round(x, 2), np.round(x, 2))
    assert_matches_numpy(dn.ops.round(x, -2), np.round(x, -2))
    ints = np.array([15, 25, 14, -15, 1250], np.int64)
    assert_matches_numpy(dn.ops.round(ints), ints)
    assert_matches_numpy(dn.ops.round(ints, -1), np.round(ints, -1))


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite"])
def test_float_classification(backend: str, name: str) -> None:
    x = np.array([1.0, np.nan, -np.inf, np.inf, 0.0], np.float32)
    assert_matches_numpy(getattr(dn.ops, name)(x), getattr(np, name)(x))
    ints = np.array([1, -2, 0], np.int32)
    assert_matches_numpy(getattr(dn.ops, name)(ints), getattr(np, name)(ints))


def test_logical_ops_truth_test_any_dtype(backend: str) -> None:
    x = np.array([0.0, 0.5, np.nan, -2.0], np.float32)
    n = np.array([0, 1, 0, 3], np.int32)
    assert_matches_numpy(dn.ops.logical_and(x, n), np.logical_and(x, n))
    assert_matches_numpy(dn.ops.logical_or(0, n), np.logical_or(0, n))
    assert_matches_numpy(dn.ops.logical_xor(x, True), np.logical_xor(x, True))
    assert_matches_numpy(dn.ops.logical_not(x), np.logical_not(x))
    assert_matches_numpy(dn.ops.logical_and(n.astype(np.int8), 256), np.logical_and(n, 256))  # no wrap-around


CLIP_CASES = {
    "both": (f32, -1.0, 1.0),
    "upper-only": (f32, None, 0.5),
    "lower-only": (f32, 0, None),
    "int-with-float-bounds": (i32, 0.5, 2.5),
    "int-with-int-bounds": (i32, -1, 4),
    "array-bounds": (f32, np.array([0.0, -1.0, 2.0], np.float32), 3.0),
    "bounds-widen-shape": (np.array([1.0, 5.0], np.float32), np.zeros((3, 1), np.float32), 4.0),
    "min-above-max": (f32, 2.0, 1.0),
    "no-bounds": (f32, None, None),
}


@pytest.mark.parametrize("case", CLIP_CASES)
def test_clip(backend: str, case: str) -> None:
    x, lo, hi = CLIP_CASES[case]
    expected = np.clip(x, lo, hi).astype(result_type(*[_describe(v) for v in (x, lo, hi) if v is not None]))
    assert_matches_numpy(dn.ops.clip(x, lo, hi), expected)


WHERE_CASES = {
    "tensors": (f32 > 1, f32, -f32),
    "float-condition": (np.array([0.0, 2.0, np.nan], np.float32), np.ones(3, np.float32), np.zeros(3, np.float32)),
    "scalar-second": (f32 > 1, f32, 0),
    "scalar-first": (f32 > 1, 1.5, f32),
    "two-scalars": (f32 > 1, 1, 0),
    "int-and-pyfloat": (i32 > 0, i32, 0.5),
    "broadcast": (np.array([[True], [False]]), np.arange(3, dtype=np.float32), np.float32(-1)),
}


@pytest.mark.parametrize("case", WHERE_CASES)
def test_where(backend: str, case: str) -> None:
    cond, a, b = WHERE_CASES[case]
    expected = np.where(np.asarray(cond).astype(bool), a, b).astype(result_type(_describe(a), _describe(b)))
    assert_matches_numpy(dn.ops.where(cond, a, b), expected)


def test_where_and_clip_gradients(backend: str) -> None:
    x = dn.ops.convert_to_tensor(np.array([-2.0, -0.5, 0.5, 2.0], np.float32))
    y = dn.ops.convert_to_tensor(np.array([1.0, 2.0, 3.0, 4.0], np.float32))
    cond = np.array([True, False, True, False])
    _, (gx, gy) = dn.value_and_grad(lambda a, b: dn.ops.sum(dn.ops.where(cond, a, b)), wrt=(0, 1))(x, y)
    np.testing.assert_array_equal(dn.ops.to_numpy(gx), cond.astype(np.float32))
    np.testing.assert_array_equal(dn.ops.to_numpy(gy), (~cond).astype(np.float32))
    _, g = dn.value_and_grad(lambda a: dn.ops.sum(dn.ops.clip(a, -1.0, 1.0)))(x)
    np.testing.assert_array_equal(dn.ops.to_numpy(g), np.array([0.0, 1.0, 1.0, 0.0], np.float32))


GRAPH_CASES: dict[str, tuple[str, tuple[Any, ...]]] = {
    "divide-ints": ("divide", (i32, np.array([2, -3, 4], np.int32))),
    "floor_divide": ("floor_divide", (np.array([1.0, -7.5], np.float32), np.array([0.1, 2.0], np.float32))),
    "mod": ("mod", (np.array([-7.0, 7.0], np.float32), np.array([3.0, -3.0], np.float32))),
    "maximum-scalar": ("maximum", (f32, 0.0)),
    "where": ("where", (f32 > 1, f32, 0.0)),
    "clip": ("clip", (i32, 0.5, 2.5)),
    "round": ("round", (np.array([0.5, 1.5, 2.675], np.float32), 2)),
    "trunc": ("trunc", (np.array([-1.5, 1.5], np.float32),)),
    "sign": ("sign", (np.array([-1.0, np.nan, 2.0], np.float32),)),
    "isnan-int": ("isnan", (i32,)),
    "logical_and": ("logical_and", (f32, i32)),
    "log2": ("log2", (np.array([0.5, 8.0], np.float32),)),
    "less-bool": ("less", (np.array([True, False]), np.array([True, True]))),
}


@pytest.mark.parametrize("case", GRAPH_CASES)
def test_graph_mode(backend: str, case: str) -> None:
    name, args = GRAPH_CASES[case]
    eager = getattr(dn.ops, name)(*args)
    tensors = [dn.ops.convert_to_tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    traced = B.function(lambda *xs: getattr(dn.ops, name)(*xs), False)(*tensors)
    expected = dn.ops.to_numpy(eager)
    assert_matches_numpy(traced, expected)


def test_unsigned_abs_and_sign(backend: str) -> None:
    x = np.array([0, 1, 200], np.uint8)  # TensorFlow has no unsigned abs or sign kernels
    assert_matches_numpy(dn.ops.abs(x), np.abs(x))
    assert_matches_numpy(dn.ops.sign(x), np.sign(x))


def test_python_bool_meets_a_number_tensor(backend: str) -> None:
    x, flags = np.array([1.0, 2.0], np.float32), np.array([True, False])
    assert_matches_numpy(dn.ops.subtract(x, True), x - True)  # True counts as 1, weakly
    assert_matches_numpy(dn.ops.subtract(True, np.array([1, 2], np.int32)), np.array([0, -1], np.int32))
    assert_matches_numpy(dn.ops.maximum(flags, True), np.maximum(flags, True))
    assert_matches_numpy(dn.ops.minimum(False, flags), np.minimum(False, flags))
    assert_matches_numpy(dn.ops.maximum(flags, 2.5), np.array([2.5, 2.5], np.float32))


def test_unsigned_power_wraps_like_numpy(backend: str) -> None:
    base, exponent = np.array([0, 2, 3, 255], np.uint8), np.array([3, 7, 5, 2], np.uint8)
    assert_matches_numpy(dn.ops.power(base, exponent), np.power(base, exponent))
