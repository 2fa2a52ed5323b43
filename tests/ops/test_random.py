"""dn.ops.random on both backends: shapes, dtypes, ranges, statistics, seeding and determinism.

Values differ between backends by design (each framework's own generator), so
the checks are statistical: a few thousand samples, tolerances of several
standard errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B

R = dn.ops.random
N = 4000


def _np(x: Any) -> np.ndarray:
    return dn.ops.to_numpy(x).astype(np.float64) if dn.ops.dtype(x) != "bool" else dn.ops.to_numpy(x)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_normal_statistics_and_dtype(backend: str, dtype: str) -> None:
    x = R.normal((N, 2), mean=3.0, stddev=2.0, dtype=dtype)
    assert dn.ops.shape(x) == (N, 2) and dn.ops.dtype(x) == dtype
    v = _np(x)
    assert abs(v.mean() - 3.0) < 0.1 and abs(v.std() - 2.0) < 0.1


def test_normal_with_tensor_parameters(backend: str) -> None:
    mean = np.array([-5.0, 5.0], np.float32)
    v = _np(R.normal((N, 2), mean=mean, stddev=np.array([1.0, 0.5], np.float32), seed=3))
    np.testing.assert_allclose(v.mean(0), mean, atol=0.1)
    np.testing.assert_allclose(v.std(0), [1.0, 0.5], atol=0.05)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_range_and_moments(backend: str, dtype: str) -> None:
    x = R.uniform(N, minval=-1.0, maxval=3.0, dtype=dtype)
    assert dn.ops.shape(x) == (N,) and dn.ops.dtype(x) == dtype
    v = _np(x)
    assert v.min() >= -1.0 and v.max() < 3.0
    assert abs(v.mean() - 1.0) < 0.1 and abs(v.var() - 16 / 12) < 0.1


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8", "uint8"])
def test_randint_range_and_coverage(backend: str, dtype: str) -> None:
    x = R.randint((N,), 2, 9, dtype=dtype)
    assert dn.ops.shape(x) == (N,) and dn.ops.dtype(x) == dtype
    counts = np.bincount(dn.ops.to_numpy(x).astype(np.int64), minlength=9)
    assert counts[:2].sum() == 0 and counts.sum() == N
    assert np.all(np.abs(counts[2:] / N - 1 / 7) < 0.03)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_truncated_normal_stays_within_two_stddev(backend: str, dtype: str) -> None:
    x = R.truncated_normal((N,), mean=1.0, stddev=0.5, dtype=dtype)
    assert dn.ops.dtype(x) == dtype
    v = _np(x)
    assert v.min() >= 0.0 - 1e-3 and v.max() <= 2.0 + 1e-3
    # The standard deviation of N(0, 1) truncated to [-2, 2] is 0.8796.
    assert abs(v.mean() - 1.0) < 0.05 and abs(v.std() - 0.5 * 0.8796) < 0.03


def test_bernoulli(backend: str) -> None:
    x = R.bernoulli(0.3, (N,))
    assert dn.ops.dtype(x) == "bool" and dn.ops.shape(x) == (N,)
    assert abs(_np(x).mean() - 0.3) < 0.04
    assert dn.ops.shape(R.bernoulli(0.5)) == ()
    p = np.array([[0.0], [1.0], [0.5]], np.float32)
    y = _np(R.bernoulli(p, (3, N)))
    assert not y[0].any() and y[1].all() and abs(y[2].mean() - 0.5) < 0.04
    assert dn.ops.shape(R.bernoulli(p)) == (3, 1)


def test_permutation(backend: str) -> None:
    perm = R.permutation(10)
    assert dn.ops.dtype(perm) == "int64"
    np.testing.assert_array_equal(np.sort(dn.ops.to_numpy(perm)), np.arange(10))
    rows = np.arange(12, dtype=np.float32).reshape(6, 2)
    shuffled = dn.ops.to_numpy(R.permutation(rows, seed=1))
    assert shuffled.shape == (6, 2) and shuffled.dtype == np.float32
    np.testing.assert_array_equal(shuffled[np.argsort(shuffled[:, 0])], rows)
    assert not np.array_equal(shuffled, rows)  # 1 in 720 chance of the identity, fixed by the seed


def test_permutation_of_a_tensor_is_differentiable(backend: str) -> None:
    w = np.arange(8, dtype=np.float32).reshape(4, 2)

    def loss(ts: list[Any]) -> Any:
        return dn.ops.tensordot(R.permutation(ts[0], seed=5), w, axes=2)

    _, _, (grad,) = B.value_and_grad(loss, [], [dn.ops.convert_to_tensor(np.ones((4, 2), np.float32))], False)
    order = dn.ops.to_numpy(R.permutation(4, seed=5))
    expected = np.zeros_like(w)
    expected[order] = w
    np.testing.assert_array_equal(dn.ops.to_numpy(grad), expected)


DRAWS: list[tuple[str, Callable[..., Any]]] = [
    ("normal", lambda seed: R.normal((50,), seed=seed)),
    ("uniform", lambda seed: R.uniform((50,), seed=seed)),
    ("randint", lambda seed: R.randint((50,), 0, 1000, seed=seed)),
    ("truncated_normal", lambda seed: R.truncated_normal((50,), seed=seed)),
    ("bernoulli", lambda seed: R.bernoulli(0.5, (50,), seed=seed)),
    ("permutation", lambda seed: R.permutation(50, seed=seed)),
]


@pytest.mark.parametrize(("name", "draw"), DRAWS, ids=[d[0] for d in DRAWS])
def test_explicit_seed_is_deterministic(backend: str, name: str, draw: Callable[..., Any]) -> None:
    first = dn.ops.to_numpy(draw(7))
    R.normal((3,))  # global-generator draws in between must not matter
    np.testing.assert_array_equal(dn.ops.to_numpy(draw(7)), first)
    assert not np.array_equal(dn.ops.to_numpy(draw(8)), first)
    np.testing.assert_array_equal(dn.ops.to_numpy(B.function(lambda: draw(7), False)()), first)


@pytest.mark.parametrize(("name", "draw"), DRAWS, ids=[d[0] for d in DRAWS])
def test_dn_seed_repeats_global_draws(backend: str, name: str, draw: Callable[..., Any]) -> None:
    dn.seed(123)
    first, second = dn.ops.to_numpy(draw(None)), dn.ops.to_numpy(draw(None))
    assert not np.array_equal(first, second)
    dn.seed(123)
    np.testing.assert_array_equal(dn.ops.to_numpy(draw(None)), first)
    np.testing.assert_array_equal(dn.ops.to_numpy(draw(None)), second)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda: R.normal((2, -1)), dn.ArgumentError, id="negative_shape"),
        pytest.param(lambda: R.normal((2,), dtype="int32"), dn.DTypeError, id="normal_int_dtype"),
        pytest.param(lambda: R.normal((2,), stddev=-1.0), dn.ArgumentError, id="negative_stddev"),
        pytest.param(lambda: R.uniform((2,), dtype="bool"), dn.DTypeError, id="uniform_bool"),
        pytest.param(lambda: R.randint((2,), 5, 5), dn.ArgumentError, id="empty_range"),
        pytest.param(lambda: R.randint((2,), 0, 5, dtype="float32"), dn.DTypeError, id="randint_float"),
        pytest.param(lambda: R.randint((2,), 0.5, 5), dn.ArgumentError, id="randint_float_bound"),
        pytest.param(lambda: R.bernoulli(1.5), dn.ArgumentError, id="bernoulli_p"),
        pytest.param(lambda: R.uniform((2,), seed=-3), dn.ArgumentError, id="negative_seed"),
        pytest.param(lambda: R.permutation(np.float32(3.0)), dn.ShapeError, id="permutation_scalar"),
    ],
)
def test_errors(backend: str, call: Callable[[], Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        call()
