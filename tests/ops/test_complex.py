"""Complex ops against NumPy on both backends, complex dtypes and their promotion, and ``saturate_cast``.

Parts, conjugates, angles and views for complex64/complex128 (and real
inputs); ``polar`` against NumPy; gradients through ``polar``, ``real``,
``imag`` and ``view_as_real`` against finite differences in float64; the
saturating cast against NumPy's clip-then-cast; bad arguments.
"""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet import dtypes
from tests.helpers import assert_matches_numpy
from tests.ops.nn_reference import numeric_grads

N = dn.ops.to_numpy
RNG = np.random.default_rng(11)
Z = (RNG.normal(size=(2, 3)) + 1j * RNG.normal(size=(2, 3))).astype(np.complex64)
Z[0, 0] = -2.0  # on the negative real axis: angle pi


def test_promotion_rules() -> None:
    assert dtypes.result_type("complex64", "float64") == "complex128"  # as NumPy, torch and JAX
    assert dtypes.result_type("complex64", "float32") == "complex64"
    assert dtypes.result_type("complex128", "float32") == "complex128"
    assert dtypes.result_type("complex64", "int64") == "complex64"
    assert dtypes.result_type("bfloat16", "complex64") == "complex64"
    assert dtypes.result_type("complex64", "complex128") == "complex128"
    assert dtypes.result_type("float64", 1j) == "complex128"  # a weak complex keeps float64's precision
    assert dtypes.result_type("float32", 1j) == "complex64"
    assert dtypes.result_type("complex64", 2.0) == "complex64"
    assert dtypes.is_complex("complex128") and not dtypes.is_complex("float64")


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_parts_and_angles_match_numpy(backend: str, dtype: str) -> None:
    z = Z.astype(dtype)
    real = "float32" if dtype == "complex64" else "float64"
    for name in ("real", "imag", "angle"):
        got = getattr(dn.ops, name)(z)
        assert dn.ops.dtype(got) == real
        np.testing.assert_allclose(N(got), getattr(np, name)(z), rtol=1e-6, atol=1e-7)
    for name in ("conj", "conjugate"):
        assert_matches_numpy(getattr(dn.ops, name)(z), np.conj(z))
    pairs = dn.ops.view_as_real(z)
    assert_matches_numpy(pairs, np.stack([z.real, z.imag], axis=-1))
    assert_matches_numpy(dn.ops.view_as_complex(pairs), z)
    assert_matches_numpy(dn.ops.view_as_real(dn.ops.conj(z)), np.stack([z.real, -z.imag], axis=-1))
    # Promotion on both backends: complex64 with float64 gives complex128; Python complex data is complex64.
    assert dn.ops.dtype(dn.ops.add(z, np.ones(3))) == dtypes.result_type(dtype, "float64")
    assert dn.ops.dtype(dn.ops.convert_to_tensor([1 + 2j])) == "complex64"


def test_real_inputs(backend: str) -> None:
    x = np.array([-1.5, 0.0, 2.0], np.float32)
    assert_matches_numpy(dn.ops.real(x), np.real(x))
    assert_matches_numpy(dn.ops.imag(x), np.imag(x))
    assert_matches_numpy(dn.ops.conj(x), np.conj(x))
    assert_matches_numpy(dn.ops.angle(x), np.angle(x).astype(np.float32))
    ints = np.array([-3, 0, 4], np.int32)
    assert_matches_numpy(dn.ops.real(ints), ints)
    assert_matches_numpy(dn.ops.angle(ints), np.angle(ints).astype(np.float32))  # NumPy: float64


def test_polar_matches_numpy(backend: str) -> None:
    r = RNG.uniform(0, 2, size=(2, 3))
    theta = RNG.uniform(-np.pi, np.pi, size=(3,))
    for dtype, complex_dtype in (("float32", "complex64"), ("float64", "complex128")):
        got = dn.ops.polar(r.astype(dtype), theta.astype(dtype))
        want = (r * np.exp(1j * theta)).astype(complex_dtype)
        assert_matches_numpy(got, want, rtol=1e-5, atol=1e-6)
    assert dn.ops.dtype(dn.ops.polar(np.ones(2, np.int32), 0.5)) == "complex64"


def test_gradients_match_finite_differences(backend: str) -> None:
    r, theta = RNG.uniform(0.5, 2, size=(4,)), RNG.uniform(-3, 3, size=(4,))
    w = np.array([0.3, -1.2, 2.0, 0.7])

    def loss(r: object, theta: object) -> object:
        z = dn.ops.polar(r, theta)
        pairs = dn.ops.view_as_real(dn.ops.conj(z))
        real, imag = dn.ops.real(z), dn.ops.imag(z)
        return (
            dn.ops.sum(dn.ops.multiply(real, w)) + dn.ops.sum(imag * imag) + dn.ops.sum(dn.ops.multiply(pairs[:, 1], w))
        )

    def loss_np(r: np.ndarray, theta: np.ndarray) -> float:
        z = r * np.exp(1j * theta)
        return float(np.sum(z.real * w) + np.sum(z.imag**2) + np.sum(-z.imag * w))

    _, grads = dn.value_and_grad(loss, wrt=(0, 1))(dn.ops.convert_to_tensor(r), dn.ops.convert_to_tensor(theta))
    for got, want in zip(grads, numeric_grads(loss_np, [r, theta]), strict=True):
        np.testing.assert_allclose(N(got), want, rtol=1e-6, atol=1e-8)


CASTS = [
    ("float32", "uint8", [-1.0, 0.4, 254.6, 300.0, -np.inf, np.inf]),
    ("float32", "int8", [-200.0, -128.0, 5.0, 127.0, 1e10]),
    ("float64", "int32", [-3e9, 2.0, 3e9]),
    ("int32", "uint8", [-5, 7, 255, 1000]),
    ("int64", "int16", [-(2**40), 3, 2**40]),
    ("float64", "float32", [-1e300, 1.5, 1e300]),
    ("uint8", "int8", [0, 127, 200]),
    ("bool", "int32", [True, False]),
]


@pytest.mark.parametrize(("source", "target", "values"), CASTS, ids=[f"{s}-{t}" for s, t, _ in CASTS])
def test_saturate_cast_matches_clip_then_cast(backend: str, source: str, target: str, values: list) -> None:
    x = np.array(values, dtype=source)
    if target == "float32":
        info = np.finfo(np.float32)
        want = np.clip(x, info.min, info.max).astype(target)
    else:
        info = np.iinfo(target)
        want = np.clip(x, max(info.min, -(2**62)), min(info.max, 2**62)).astype(target)
    assert_matches_numpy(dn.ops.saturate_cast(x, target), want)


def test_saturate_cast_keeps_the_real_part(backend: str) -> None:
    assert_matches_numpy(
        dn.ops.saturate_cast(np.array([300 + 1j, -2 - 1j], np.complex64), "uint8"), np.array([255, 0], np.uint8)
    )
    assert_matches_numpy(dn.ops.saturate_cast(Z, "complex128"), Z.astype(np.complex128))
    # float32 cannot hold 2**31 - 1: the bound steps inside, to the largest float32 below it (Keras's rule).
    assert_matches_numpy(dn.ops.saturate_cast(np.array([3e9], np.float32), "int32"), np.array([2147483520], np.int32))


def test_traced(backend: str) -> None:
    f = dn.function(
        lambda z, r: (
            dn.ops.angle(z),
            dn.ops.view_as_real(z),
            dn.ops.polar(r, r),
            dn.ops.saturate_cast(r * 100, "int8"),
        )
    )
    r = np.array([0.5, 1.0, 2.0], np.float32)
    got = f(Z[0], r)
    want = (
        np.angle(Z[0]),
        np.stack([Z[0].real, Z[0].imag], -1),
        r * np.exp(1j * r),
        np.clip(r * 100, -128, 127).astype(np.int8),
    )
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(N(g), w, rtol=1e-6, atol=1e-6)


def test_bad_arguments(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match="view_as_complex: expects a last axis of size 2"):
        dn.ops.view_as_complex(np.ones((2, 3), np.float32))
    with pytest.raises(dn.DTypeError, match="view_as_complex: takes real tensors, got complex64"):
        dn.ops.view_as_complex(np.ones((2, 2), np.complex64))
    with pytest.raises(dn.DTypeError, match="view_as_real: takes a complex tensor, got float32"):
        dn.ops.view_as_real(np.ones(2, np.float32))
    with pytest.raises(dn.DTypeError, match="polar: takes real tensors"):
        dn.ops.polar(Z, 1.0)
    with pytest.raises(dn.DTypeError, match="dtype 'float8' is not supported"):
        dn.ops.saturate_cast(np.ones(2), "float8")
