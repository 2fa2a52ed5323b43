"""Reductions against NumPy on both backends: axes, keepdims, dtypes, nan and ties, gradients, graph mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy


def _logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    """A NumPy reference in float64 (scipy.special.logsumexp's math)."""
    x = np.asarray(x, np.float64)
    peak = np.max(x, axis=axis, keepdims=True)
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
FLOAT_RESULT = {"mean", "std", "var", "logsumexp"}  # integers and bools give float32
AXES = [None, 0, -1, (0, 2), (2, 0, 1), ()]


def _floats(shape: tuple[int, ...] = (2, 3, 4), seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).uniform(0.5, 1.5, shape).astype(np.float32)
    x.reshape(-1)[::5] *= -1
    x.reshape(-1)[::7] = 0.0  # zeros, so any/all see both answers
    return x


def _expected(name: str, x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    out = np.asarray(REDUCTIONS[name](x, axis=axis, keepdims=keepdims))
    if name in FLOAT_RESULT and x.dtype != np.float16:
        return out.astype(np.float32)  # dualnet's float for integer inputs; float32 inputs stay float32
    if name in {"sum", "prod"} and x.dtype.kind in "biu":
        return out.astype(np.int64)  # NumPy gives uint64 for unsigned inputs
    return out


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_float32_reductions(backend: str, name: str, axis: Any, keepdims: bool) -> None:
    x = _floats()
    result = getattr(dn.ops, name)(dn.ops.convert_to_tensor(x), axis=axis, keepdims=keepdims)
    assert_matches_numpy(result, _expected(name, x, axis, keepdims), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool"])
@pytest.mark.parametrize("axis", [None, 1, ()], ids=str)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_integer_and_bool_reductions(backend: str, name: str, axis: Any, dtype: str) -> None:
    rng = np.random.default_rng(1)
    low = 0 if dtype != "int32" else (1 if name == "prod" else -3)
    x = rng.integers(low, 3 if name == "prod" else 4, (2, 3, 4)).astype(dtype)
    result = getattr(dn.ops, name)(x, axis=axis)
    assert_matches_numpy(result, _expected(name, x, axis, False), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "prod", "logsumexp"])
def test_float16_keeps_dtype(backend: str, name: str) -> None:
    x = _floats((3, 4)).astype(np.float16)
    assert_matches_numpy(getattr(dn.ops, name)(x, axis=1), _expected(name, x, 1, False).astype(np.float16), rtol=2e-3)


def test_scalar_and_list_inputs(backend: str) -> None:
    assert_matches_numpy(dn.ops.sum(3), np.int64(3))
    assert_matches_numpy(dn.ops.mean([1.0, 2.0]), np.float32(1.5))
    assert_matches_numpy(dn.ops.max(np.float32(2.0)), np.float32(2.0))
    assert_matches_numpy(dn.ops.sum(np.zeros((0, 3), np.float32), axis=0), np.zeros(3, np.float32))
    assert_matches_numpy(dn.ops.all(np.zeros((0,), np.float32)), np.True_)


@pytest.mark.filterwarnings("ignore")  # NumPy and torch warn where no degrees of freedom are left
@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("axis", [None, 0, (1, 2)], ids=str)
@pytest.mark.parametrize("name", ["std", "var"])
def test_ddof(backend: str, name: str, axis: Any, ddof: int) -> None:
    x = _floats()
    expected = getattr(np, name)(x, axis=axis, ddof=ddof)
    assert_matches_numpy(getattr(dn.ops, name)(x, axis=axis, ddof=ddof), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", ["std", "var"])
def test_no_degrees_of_freedom_left_gives_nan(backend: str, name: str) -> None:
    x = np.array([1.0, 2.0], np.float32)
    assert_matches_numpy(getattr(dn.ops, name)(x, ddof=2), getattr(np, name)(x, ddof=2))
    assert_matches_numpy(getattr(dn.ops, name)(x, axis=(), ddof=1), getattr(np, name)(x, axis=(), ddof=1))


ARG_DATA = {
    "ties-and-nan": np.array([[1, 5, 5, 0], [2, np.nan, 7, np.nan], [3, 3, -1, 3]], np.float32),
    "int": np.array([[4, -2, 4], [0, 9, 9]], np.int32),
    "bool": np.array([[False, True, True], [False, False, False]]),
}


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, 1, -1], ids=str)
@pytest.mark.parametrize("data", ARG_DATA)
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin(backend: str, name: str, data: str, axis: Any, keepdims: bool) -> None:
    x = ARG_DATA[data]
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    assert_matches_numpy(getattr(dn.ops, name)(x, axis=axis, keepdims=keepdims), expected)


@pytest.mark.parametrize(
    "x",
    [
        np.array([1000.0, 1000.0], np.float32),
        np.array([-1000.0, -1000.0], np.float32),
        np.array([-np.inf, -np.inf], np.float32),
        np.array([-np.inf, 0.0], np.float32),
        np.array([np.inf, 1.0], np.float32),
    ],
    ids=["large", "small", "all-neg-inf", "some-neg-inf", "pos-inf"],
)
def test_logsumexp_is_stable(backend: str, x: np.ndarray) -> None:
    assert_matches_numpy(dn.ops.logsumexp(x), _logsumexp(x).astype(np.float32))


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
@pytest.mark.parametrize("axis", [None, 0, -1], ids=str)
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative(backend: str, name: str, axis: Any, dtype: str) -> None:
    x = np.random.default_rng(2).integers(0, 3, (2, 3)).astype(dtype)
    assert_matches_numpy(getattr(dn.ops, name)(x, axis=axis), getattr(np, name)(x, axis=axis))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda x: dn.ops.sum(x, axis=3), "sum: axis 3 is out of range for a tensor of rank 2"),
        (lambda x: dn.ops.mean(x, axis=(0, -2)), "mean: axis .* repeats an axis"),
        (lambda x: dn.ops.max(x, axis=1.5), "max: axis must be an int"),
        (lambda x: dn.ops.argmax(x, axis=(0, 1)), "argmax: axis must be an int or None"),
        (lambda x: dn.ops.cumsum(x, axis=(0,)), "cumsum: axis must be an int or None"),
        (lambda x: dn.ops.max(x[:, :0], axis=1), "max: cannot reduce a zero-size axis"),
        (lambda x: dn.ops.argmin(x[:0]), "argmin: cannot reduce a zero-size axis"),
    ],
)
def test_bad_axes_raise_argument_error(backend: str, call: Callable[[Any], Any], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        call(np.ones((2, 3), np.float32))


def _numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    x = x.astype(np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (f(up) - f(down)) / (2 * h)
    return grad


GRADIENT_REFS: dict[str, Callable[..., Any]] = {
    **{name: REDUCTIONS[name] for name in ("sum", "mean", "max", "min", "prod", "std", "var", "logsumexp")},
    "cumsum": lambda x, axis: np.cumsum(x, axis=axis),
    "cumprod": lambda x, axis: np.cumprod(x, axis=axis),
}


@pytest.mark.parametrize("axis", [None, 1], ids=str)
@pytest.mark.parametrize("name", GRADIENT_REFS)
def test_gradients(backend: str, name: str, axis: Any) -> None:
    x = np.random.default_rng(3).uniform(0.5, 1.5, (2, 3)).astype(np.float32)  # no ties, no zeros
    ref = GRADIENT_REFS[name]
    out_shape = np.shape(ref(x, axis=axis))
    weights = np.arange(1, np.prod(out_shape) + 1, dtype=np.float32).reshape(out_shape)  # one per output

    def loss(t: Any) -> Any:
        return dn.ops.sum(dn.ops.multiply(getattr(dn.ops, name)(t, axis=axis), weights))

    _, grad = dn.value_and_grad(loss)(dn.ops.convert_to_tensor(x))
    expected = _numeric_grad(lambda a: float(np.sum(ref(a, axis=axis) * weights)), x)
    np.testing.assert_allclose(dn.ops.to_numpy(grad), expected, rtol=1e-3, atol=1e-3)


GRAPH_CASES: dict[str, tuple[str, np.ndarray, dict[str, Any]]] = {
    "sum-int": ("sum", np.arange(24, dtype=np.int32).reshape(2, 3, 4), {"axis": (0, 2), "keepdims": True}),
    "var-ddof": ("var", _floats(), {"axis": 1, "ddof": 1}),
    "argmax-nan": ("argmax", ARG_DATA["ties-and-nan"], {"axis": 1}),
    "argmin-flat": ("argmin", ARG_DATA["ties-and-nan"], {"keepdims": True}),
    "logsumexp": ("logsumexp", _floats(), {"axis": -1}),
    "cumsum-bool": ("cumsum", np.array([[True, False], [True, True]]), {"axis": 0}),
    "any": ("any", _floats(), {"axis": (1, 2)}),
    "max": ("max", _floats(), {}),
    "prod": ("prod", _floats(), {"axis": (0, 1)}),
}


@pytest.mark.parametrize("case", GRAPH_CASES)
def test_graph_mode(backend: str, case: str) -> None:
    name, x, kwargs = GRAPH_CASES[case]
    traced = B.function(lambda t: getattr(dn.ops, name)(t, **kwargs), False)(dn.ops.convert_to_tensor(x))
    assert_matches_numpy(traced, dn.ops.to_numpy(getattr(dn.ops, name)(x, **kwargs)), rtol=1e-6)
