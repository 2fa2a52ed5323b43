"""The special elementwise ops against NumPy and SciPy on both backends: values, dtypes, gradients, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.special

import dualnet as dn
from tests.ops.nn_reference import numeric_grads

_rng = np.random.default_rng(7)

# name -> (reference, low, high, differentiable)
UNARY: dict[str, tuple[Callable[[Any], Any], float, float, bool]] = {
    "absolute": (np.absolute, -3, 3, True),
    "fabs": (np.fabs, -3, 3, True),
    "arccos": (np.arccos, -0.9, 0.9, True),
    "arccosh": (np.arccosh, 1.2, 4, True),
    "arcsin": (np.arcsin, -0.9, 0.9, True),
    "arcsinh": (np.arcsinh, -3, 3, True),
    "arctanh": (np.arctanh, -0.9, 0.9, True),
    "cbrt": (np.cbrt, -3, 3, True),
    "deg2rad": (np.deg2rad, -180, 180, True),
    "rad2deg": (np.rad2deg, -3, 3, True),
    "erfc": (scipy.special.erfc, -2, 2, True),
    "erfinv": (scipy.special.erfinv, -0.9, 0.9, True),
    "exp2": (np.exp2, -2, 2, True),
    "i0": (np.i0, -2, 2, True),
    "rsqrt": (lambda x: 1 / np.sqrt(x), 0.5, 4, True),
    "sinc": (np.sinc, -2, 2, True),
    "copy": (np.copy, -3, 3, True),
    "signbit": (np.signbit, -3, 3, False),
    "isneginf": (np.isneginf, -3, 3, False),
    "isposinf": (np.isposinf, -3, 3, False),
    "isreal": (np.isreal, -3, 3, False),
}
BINARY: dict[str, tuple[Callable[[Any, Any], Any], float, float, bool]] = {
    "arctan2": (np.arctan2, -3, 3, True),
    "divide_no_nan": (lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b)), -3, 3, True),
    "fmax": (np.fmax, -3, 3, True),
    "fmin": (np.fmin, -3, 3, True),
    "fmod": (np.fmod, 0.5, 3, True),
    "heaviside": (np.heaviside, -3, 3, False),
    "hypot": (np.hypot, -3, 3, True),
    "logaddexp": (np.logaddexp, -3, 3, True),
    "logaddexp2": (np.logaddexp2, -3, 3, True),
    "nextafter": (np.nextafter, -3, 3, False),
    "true_divide": (np.true_divide, 0.5, 3, True),
}
SPECIAL_VALUES = np.array([0.0, -0.0, 1.0, -2.5, np.inf, -np.inf, np.nan], np.float32)


def _draw(low: float, high: float, shape: tuple[int, ...], dtype: str = "float64") -> np.ndarray:
    return _rng.uniform(low, high, shape).astype(dtype)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_matches_reference(backend: str, name: str) -> None:
    ref, low, high, _ = UNARY[name]
    for shape, dtype in (((2, 3), "float32"), ((4,), "float64")):
        x = _draw(low, high, shape, dtype)
        out = getattr(dn.ops, name)(x)
        expected = np.asarray(ref(x))
        assert dn.ops.dtype(out) == (str(expected.dtype) if expected.dtype == bool else dtype), name
        np.testing.assert_allclose(dn.ops.to_numpy(out), expected, rtol=2e-5 if dtype == "float32" else 1e-10)


@pytest.mark.parametrize("name", ["signbit", "isneginf", "isposinf", "isreal", "absolute", "fabs", "cbrt", "sinc"])
def test_unary_special_values(backend: str, name: str) -> None:
    out = dn.ops.to_numpy(getattr(dn.ops, name)(SPECIAL_VALUES))
    np.testing.assert_allclose(out, UNARY[name][0](SPECIAL_VALUES), rtol=1e-6)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_matches_reference_and_broadcasts(backend: str, name: str) -> None:
    ref, low, high, _ = BINARY[name]
    for (s1, s2), dtype in ((((2, 3), (3,)), "float32"), (((4, 1), (1, 2)), "float64")):
        a, b = _draw(low, high, s1, dtype), _draw(low, high, s2, dtype)
        if name == "heaviside":
            a[0, 0] = 0.0
        out = getattr(dn.ops, name)(a, b)
        assert dn.ops.dtype(out) == dtype and dn.ops.shape(out) == np.broadcast_shapes(s1, s2)
        np.testing.assert_allclose(dn.ops.to_numpy(out), ref(a, b), rtol=2e-6 if dtype == "float32" else 1e-12)


def test_nan_aware_and_stable_edges(backend: str) -> None:
    a = np.array([np.nan, 1.0, np.nan, -np.inf, 1e30], np.float32)
    b = np.array([2.0, np.nan, np.nan, -np.inf, 1e30], np.float32)
    for name in ("fmax", "fmin", "logaddexp", "logaddexp2", "hypot"):
        np.testing.assert_allclose(dn.ops.to_numpy(getattr(dn.ops, name)(a, b)), BINARY[name][0](a, b), rtol=1e-6)
    np.testing.assert_array_equal(dn.ops.to_numpy(dn.ops.divide_no_nan(np.float32(1.0), np.zeros(2, "float32"))), 0)


@pytest.mark.parametrize(
    ("name", "x1", "x2"),
    [("gcd", [12, -18, 0, 7], [8, 24, 5, 0]), ("lcm", [4, -6, 0, 7], [6, 4, 5, 3]), ("fmod", [7, -7, 5], [3, 3, -2])],
)
def test_integer_ops_match_numpy(backend: str, name: str, x1: list[int], x2: list[int]) -> None:
    a, b = np.array(x1, np.int32), np.array(x2, np.int32)
    out = getattr(dn.ops, name)(a, b)
    assert dn.ops.dtype(out) == "int32"
    np.testing.assert_array_equal(dn.ops.to_numpy(out), getattr(np, name)(a, b))


def test_integer_inputs_of_float_functions_give_float32(backend: str) -> None:
    ints = np.array([1, 2, 3], np.int64)
    for name in ("arctan2", "hypot", "logaddexp"):
        assert dn.ops.dtype(getattr(dn.ops, name)(ints, ints)) == "float32"
    for name in ("fabs", "cbrt", "rsqrt", "exp2", "sinc", "arcsinh"):
        assert dn.ops.dtype(getattr(dn.ops, name)(ints)) == "float32"
    assert dn.ops.dtype(dn.ops.absolute(ints)) == "int64"
    assert dn.ops.dtype(dn.ops.arctan2(np.float32([1.0]), 2.0)) == "float32"  # a Python float is weak


def test_ldexp_isclose_allclose_nan_to_num(backend: str) -> None:
    x, e = np.array([0.5, -1.5, 3.0], np.float32), np.array([1, 3, -2], np.int32)
    np.testing.assert_array_equal(dn.ops.to_numpy(dn.ops.ldexp(x, e)), np.ldexp(x, e))
    a = np.array([1.0, np.inf, np.nan, 1.0, -np.inf], np.float64)
    b = np.array([1.0 + 1e-9, np.inf, np.nan, 1.1, np.inf], np.float64)
    for equal_nan in (False, True):
        expected = np.isclose(a, b, equal_nan=equal_nan)
        np.testing.assert_array_equal(dn.ops.to_numpy(dn.ops.isclose(a, b, equal_nan=equal_nan)), expected)
    np.testing.assert_array_equal(dn.ops.to_numpy(dn.ops.isclose(a, b, rtol=0.2)), np.isclose(a, b, rtol=0.2))
    assert bool(dn.ops.to_numpy(dn.ops.allclose(a[:1], b[:1]))) and not bool(dn.ops.to_numpy(dn.ops.allclose(a, b)))
    assert bool(dn.ops.to_numpy(dn.ops.isclose(np.int32(3), np.int32(3))))
    for kwargs in ({}, {"nan": 1.0, "posinf": 9.0, "neginf": -9.0}):
        out = dn.ops.nan_to_num(SPECIAL_VALUES, **kwargs)
        np.testing.assert_array_equal(dn.ops.to_numpy(out), np.nan_to_num(SPECIAL_VALUES, **kwargs))


_DIFFERENTIABLE = [n for n, (_, _, _, d) in UNARY.items() if d] + [n for n, (_, _, _, d) in BINARY.items() if d]


@pytest.mark.parametrize("name", _DIFFERENTIABLE)
def test_gradients_match_finite_differences(backend: str, name: str) -> None:
    table = UNARY if name in UNARY else BINARY
    ref, low, high, _ = table[name]
    arrays = [_draw(low, high, (3,)) for _ in range(1 if table is UNARY else 2)]
    if name in ("fmax", "fmin", "absolute", "fabs"):  # away from the kinks
        arrays = [np.array([-2.0, 0.7, 1.9]), np.array([0.3, -1.1, 2.5])][: len(arrays)]
    op = getattr(dn.ops, name)
    _, grads = dn.value_and_grad(lambda *t: dn.ops.sum(op(*t)), wrt=tuple(range(len(arrays))))(
        *[dn.ops.convert_to_tensor(a) for a in arrays]
    )
    expected = numeric_grads(lambda *a: float(np.sum(ref(*a))), arrays)
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(dn.ops.to_numpy(got), want, rtol=1e-5, atol=1e-7)


def test_compiled(backend: str) -> None:
    f = dn.function(lambda a, b: (dn.ops.logaddexp(a, b), dn.ops.gcd(dn.ops.cast(a, "int32"), 6), dn.ops.sinc(b)))
    a, b = np.array([1.0, 4.0, 9.0], np.float32), np.array([0.0, 0.5, -1.5], np.float32)
    out = f(a, b)
    np.testing.assert_allclose(dn.ops.to_numpy(out[0]), np.logaddexp(a, b), rtol=1e-6)
    np.testing.assert_array_equal(dn.ops.to_numpy(out[1]), np.gcd(a.astype(np.int32), 6))
    np.testing.assert_allclose(dn.ops.to_numpy(out[2]), np.sinc(b), rtol=1e-6, atol=1e-7)


def test_bad_arguments(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match="hypot: cannot broadcast"):
        dn.ops.hypot(np.ones((2, 3)), np.ones((4,)))
    with pytest.raises(dn.DTypeError, match="gcd: takes integer tensors"):
        dn.ops.gcd(np.ones(2), np.ones(2))
    with pytest.raises(dn.DTypeError, match="ldexp: the exponent x2 must be an integer"):
        dn.ops.ldexp(np.ones(2), np.ones(2))
