"""Creation ops against NumPy on both backends: shapes, default dtypes, ranges, triangles, graph mode."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from tests.helpers import assert_matches_numpy


@pytest.mark.parametrize("shape", [3, (2, 3), (), (0, 2), [1, 2, 1]], ids=str)
@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_zeros_ones(backend: str, name: str, shape: Any) -> None:
    assert_matches_numpy(getattr(dn.ops, name)(shape), getattr(np, name)(shape, np.float32))  # float32 by default
    for dtype in ("int32", "bool", "float16"):
        assert_matches_numpy(getattr(dn.ops, name)(shape, dtype), getattr(np, name)(shape, dtype))


FULL_CASES: dict[str, tuple[Any, Any, Any, np.ndarray]] = {
    "python-int": ((2, 3), 7, None, np.full((2, 3), 7, np.int64)),
    "python-float": ((2, 3), 2.5, None, np.full((2, 3), 2.5, np.float32)),  # NumPy: float64
    "python-bool": ((2,), True, None, np.full((2,), True)),
    "float-to-int-truncates": ((3,), -2.7, "int32", np.full((3,), -2.7).astype(np.int32)),
    "float-to-bool": ((2,), 2.0, "bool", np.full((2,), 2.0, bool)),
    "array-broadcast": ((2, 3), np.array([1, 2, 3], np.int32), None, np.full((2, 3), np.array([1, 2, 3], np.int32))),
    "array-with-dtype": ((2, 1), np.array([0.5], np.float32), "float16", np.full((2, 1), 0.5, np.float16)),
    "scalar-shape": (4, 0.0, "float64", np.zeros(4)),
}


@pytest.mark.parametrize("case", FULL_CASES)
def test_full(backend: str, case: str) -> None:
    shape, fill, dtype, expected = FULL_CASES[case]
    assert_matches_numpy(dn.ops.full(shape, fill, dtype), expected)


def test_full_does_not_alias_its_fill_value(backend: str) -> None:
    fill = dn.ops.convert_to_tensor(np.ones((2, 2), np.float32))
    out = dn.ops.full((2, 2), fill)
    assert out is not fill
    assert_matches_numpy(out, np.ones((2, 2), np.float32))


LIKE_CASES: dict[str, tuple[np.ndarray, Any, Any]] = {
    "float32": (np.ones((2, 3), np.float32), 1.5, None),
    "int32-keeps-dtype": (np.arange(6, dtype=np.int32).reshape(3, 2), -2.7, None),  # the fill truncates, as NumPy
    "dtype-override": (np.ones((2,), np.float32), 3, "int64"),
    "bool": (np.array([True, False]), 1, None),
    "array-fill": (np.ones((2, 3), np.float32), np.array([1.0, 2.0, 3.0], np.float32), None),
    "zero-d": (np.array(4.0, np.float32), 2.0, "float64"),
}


@pytest.mark.parametrize("case", LIKE_CASES)
@pytest.mark.parametrize("as_tensor", [True, False], ids=["tensor", "array"])
def test_like(backend: str, case: str, as_tensor: bool) -> None:
    x, fill, dtype = LIKE_CASES[case]
    arg = dn.ops.convert_to_tensor(x) if as_tensor else x
    assert_matches_numpy(dn.ops.zeros_like(arg, dtype), np.zeros_like(x, dtype))
    assert_matches_numpy(dn.ops.ones_like(arg, dtype), np.ones_like(x, dtype))
    assert_matches_numpy(dn.ops.full_like(arg, fill, dtype), np.full_like(x, fill, dtype))


def test_full_with_unbroadcastable_fill_raises_shape_error(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"full: fill_value of shape \(2,\) does not broadcast to shape \(3,\)"):
        dn.ops.full((3,), np.array([1.0, 2.0], np.float32))
    with pytest.raises(dn.ShapeError, match="full_like: fill_value"):
        dn.ops.full_like(np.ones((2, 3), np.float32), np.array([1.0, 2.0], np.float32))


ARANGE_CASES: dict[str, tuple[tuple[Any, ...], dict[str, Any], str]] = {
    "stop-only": ((5,), {}, "int64"),
    "start-stop": ((2, 7), {}, "int64"),
    "negative-step": ((5, -3, -2), {}, "int64"),
    "empty": ((5, 0), {}, "int64"),
    "empty-negative-step": ((0, 5, -1), {}, "int64"),
    "float-step": ((0, 1, 0.1), {}, "float32"),
    "length-rounds-up": ((1, 1.3, 0.1), {}, "float32"),  # (1.3 - 1) / 0.1 is 3.0000000000000004: 4 values
    "long-float": ((-3.7, 11.2, 0.37), {}, "float32"),
    "float-start": ((0.5, 3), {}, "float32"),
    "int-args-float-dtype": ((0, 5), {"dtype": "float32"}, "float32"),
    "int32": ((-4, 4, 3), {"dtype": "int32"}, "int32"),
    "numpy-int-args": ((np.int64(2), np.int32(6)), {}, "int64"),
}


@pytest.mark.parametrize("case", ARANGE_CASES)
def test_arange(backend: str, case: str) -> None:
    args, kwargs, dtype = ARANGE_CASES[case]
    result = dn.ops.arange(*args, **kwargs)
    assert_matches_numpy(result, np.arange(*args).astype(dtype), rtol=1e-6, atol=1e-6)
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
    if dtype.startswith("float"):
        # Exactly start + i * step in float64, so both backends give the same bits.
        n = max(math.ceil((stop - start) / step), 0)
        np.testing.assert_array_equal(dn.ops.to_numpy(result), (np.arange(n) * step + start).astype(dtype))


def test_arange_float_args_with_int_dtype_truncate(backend: str) -> None:
    # A documented deviation: NumPy would step by int(0.5) == 0 here and give zeros.
    expected = np.trunc(np.arange(-1, 2, 0.5)).astype(np.int64)
    assert_matches_numpy(dn.ops.arange(-1, 2, 0.5, dtype="int64"), expected)


LINSPACE_CASES: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "default": ((0, 1), {}),
    "five": ((0, 1, 5), {}),
    "no-endpoint": ((0, 1, 5), {"endpoint": False}),
    "descending": ((3.5, -2.25, 7), {}),
    "one": ((2, 3, 1), {}),
    "one-no-endpoint": ((2, 3, 1), {"endpoint": False}),
    "empty": ((0, 1, 0), {}),
    "constant": ((1, 1, 3), {}),
    "int-floors": ((-10, 0, 4), {"dtype": "int64"}),
    "int32": ((0, 10, 4), {"dtype": "int32"}),
    "float64": ((0, 1, 7), {"dtype": "float64"}),
}


@pytest.mark.parametrize("case", LINSPACE_CASES)
def test_linspace_is_numpys_to_the_bit(backend: str, case: str) -> None:
    args, kwargs = LINSPACE_CASES[case]
    dtype = kwargs.pop("dtype", "float32")
    expected = np.linspace(*args, **kwargs, dtype=dtype if dtype.startswith("int") else None).astype(dtype)
    result = dn.ops.linspace(*args, **kwargs, dtype=dtype)
    assert_matches_numpy(result, expected, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((3,), {}), ((2, 4), {}), ((3,), {"k": 1}), ((3, 4), {"k": -2}), ((2, 3), {"k": 5}), ((0,), {})],
    ids=str,
)
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_eye(backend: str, args: tuple[int, ...], kwargs: dict[str, int], dtype: str) -> None:
    assert_matches_numpy(dn.ops.eye(*args, **kwargs, dtype=dtype), np.eye(*args, **kwargs, dtype=dtype))


@pytest.mark.parametrize("k", [-2, -1, 0, 1, 3])
@pytest.mark.parametrize("name", ["tril", "triu"])
def test_triangles(backend: str, name: str, k: int) -> None:
    x = np.arange(1, 25, dtype=np.float32).reshape(2, 3, 4)  # a batch of two 3x4 matrices
    assert_matches_numpy(getattr(dn.ops, name)(x, k), getattr(np, name)(x, k))
    mask = np.arange(12).reshape(3, 4) % 2 == 0
    assert_matches_numpy(getattr(dn.ops, name)(mask, k=k), getattr(np, name)(mask, k=k))


@pytest.mark.parametrize("k", [-1, 0, 1])
@pytest.mark.parametrize("name", ["tril", "triu"])
def test_triangle_gradient_is_the_mask(backend: str, name: str, k: int) -> None:
    x = dn.ops.convert_to_tensor(np.ones((3, 3), np.float32))
    _, grad = dn.value_and_grad(lambda t: dn.ops.sum(getattr(dn.ops, name)(t, k)))(x)
    np.testing.assert_array_equal(dn.ops.to_numpy(grad), getattr(np, name)(np.ones((3, 3), np.float32), k))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: dn.ops.zeros(-1), dn.ArgumentError, "zeros: every size in shape must not be negative"),
        (lambda: dn.ops.ones((2, 1.5)), dn.ArgumentError, "ones: every size in shape must be an int"),
        (lambda: dn.ops.zeros("ab"), dn.ArgumentError, "zeros: every size in shape must be an int"),
        (lambda: dn.ops.zeros(3, "float128"), dn.DTypeError, "float128"),
        (lambda: dn.ops.arange(0, 5, 0), dn.ArgumentError, "arange: step must not be zero"),
        (lambda: dn.ops.arange(np.ones(3)), dn.ArgumentError, "arange: stop must be a Python int or float"),
        (lambda: dn.ops.linspace(0, 1, -1), dn.ArgumentError, "linspace: num must not be negative"),
        (lambda: dn.ops.eye(-2), dn.ArgumentError, "eye: N must not be negative"),
        (lambda: dn.ops.tril(np.ones(3)), dn.ShapeError, r"tril: expects a matrix .* got shape \(3,\)"),
    ],
)
def test_bad_arguments(backend: str, call: Callable[[], Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_created_on_the_current_device(backend: str) -> None:
    device = dn.current_device()
    for made in (dn.ops.zeros(2), dn.ops.full(2, 1.0), dn.ops.arange(3), dn.ops.linspace(0, 1, 3), dn.ops.eye(2)):
        assert dn.ops.device_of(made) == device


GRAPH_CASES: dict[str, tuple[Callable[..., Any], np.ndarray]] = {
    "zeros": (lambda t: dn.ops.add(dn.ops.zeros((2, 3)), t), np.ones((2, 3), np.float32)),
    "full_like": (lambda t: dn.ops.full_like(t, 2.5), np.ones((2, 3), np.int32)),
    "full_like-array": (lambda t: dn.ops.full_like(t, np.arange(3, dtype=np.float32)), np.ones((2, 3), np.float32)),
    "ones_like": (lambda t: dn.ops.ones_like(t, "bool"), np.zeros((2,), np.float32)),
    "arange": (lambda t: dn.ops.multiply(dn.ops.arange(0, 1, 0.25), t), np.ones((4,), np.float32)),
    "linspace": (lambda t: dn.ops.add(dn.ops.linspace(-1, 1, 4), t), np.zeros((4,), np.float32)),
    "eye-offset": (lambda t: dn.ops.multiply(dn.ops.eye(3, k=-1), t), np.full((3, 3), 2.0, np.float32)),
    "tril-mask-path": (lambda t: dn.ops.tril(t, -1), np.ones((2, 3, 3), np.float32)),
    "triu-band-path": (lambda t: dn.ops.triu(t, -1), np.ones((3, 4), np.float32)),
}


@pytest.mark.parametrize("case", GRAPH_CASES)
def test_graph_mode(backend: str, case: str) -> None:
    fn, x = GRAPH_CASES[case]
    traced = B.function(fn, False)(dn.ops.convert_to_tensor(x))
    assert_matches_numpy(traced, dn.ops.to_numpy(fn(x)))
