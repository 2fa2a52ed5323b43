"""adaptive_average_pool and adaptive_max_pool on both backends: NumPy bins, torch.nn.functional and keras.ops.

PyTorch's bin edges, start = floor(i * L / out) and end = ceil((i + 1) * L / out),
are the definition; sizes that do and do not divide the input, and outputs
larger than the input (overlapping bins), are covered.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import dualnet as dn
from tests.helpers import assert_matches_numpy
from tests.ops.nn_reference import check_grads, rand

X = rand(2, 5, 7, 3)


def _bins(length: int, out: int) -> list[tuple[int, int]]:
    return [(i * length // out, -(-(i + 1) * length // out)) for i in range(out)]


def _pool(x: np.ndarray, size: tuple[int, ...], reduce: Any) -> np.ndarray:
    if x.ndim == 3:
        return _pool(x[:, None], (1, *size), reduce)[:, 0]
    out = np.zeros((x.shape[0], *size, x.shape[-1]), x.dtype)
    for i, (h0, h1) in enumerate(_bins(x.shape[1], size[0])):
        for j, (w0, w1) in enumerate(_bins(x.shape[2], size[1])):
            out[:, i, j] = reduce(x[:, h0:h1, w0:w1], axis=(1, 2))
    return out


def _torch(name: str, x: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    fn = {"adaptive_average_pool": F.adaptive_avg_pool2d, "adaptive_max_pool": F.adaptive_max_pool2d}[name]
    if x.ndim == 3:
        return _torch(name, x[:, None], (1, *size))[:, 0]
    return fn(torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), size).permute(0, 2, 3, 1).numpy()


NAMES = ["adaptive_average_pool", "adaptive_max_pool"]
SIZES = [(1, 1), (2, 3), (3, 7), (4, 5), (7, 9)]


@pytest.mark.parametrize("name", NAMES)
def test_matches_numpy_torch_and_keras(backend: str, name: str) -> None:
    reduce = np.mean if name == "adaptive_average_pool" else np.max
    keras_op = getattr(keras.ops, name)
    for size in SIZES:
        got = getattr(dn.ops, name)(X, size)
        assert_matches_numpy(got, _pool(X.astype(np.float64), size, reduce).astype(np.float32), rtol=1e-5)
        np.testing.assert_allclose(dn.ops.to_numpy(got), _torch(name, X, size), rtol=1e-5, atol=1e-6)
        # Keras 3.15 on TensorFlow crashes the process (SIGFPE) on outputs larger than the input, and its max
        # pool on a (1, 1) output.
        if size[0] <= X.shape[1] and size[1] <= X.shape[2] and (size != (1, 1) or name == "adaptive_average_pool"):
            expected = keras_op(keras.ops.convert_to_tensor(X), size)
            np.testing.assert_allclose(dn.ops.to_numpy(got), expected, rtol=1e-5, atol=1e-6)
    one_d = getattr(dn.ops, name)(X[:, 0], 3)
    np.testing.assert_allclose(dn.ops.to_numpy(one_d), _torch(name, X[:, 0], (3,)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        dn.ops.to_numpy(one_d), keras_op(keras.ops.convert_to_tensor(X[:, 0]), 3), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("name", NAMES)
def test_gradient(backend: str, name: str) -> None:
    reduce = np.mean if name == "adaptive_average_pool" else np.max
    x = rand(1, 4, 5, 2, seed=6).astype(np.float64)
    check_grads(
        lambda t: dn.ops.reshape(getattr(dn.ops, name)(t, (3, 2)), (-1,)),
        lambda a: _pool(a, (3, 2), reduce).reshape(-1),
        [x],
    )


def test_compiled(backend: str) -> None:
    # torch.compile (jit=True on torch) costs seconds per graph: test_attention.py compiles these pools together
    # with attention in one graph instead.
    for jit in (False, True) if backend == "tensorflow" else (False,):
        fn = dn.function(
            lambda t: dn.ops.adaptive_average_pool(t, (2, 3)) + dn.ops.adaptive_max_pool(t, (2, 3)), jit=jit
        )
        got = fn(dn.ops.convert_to_tensor(X))
        expected = _pool(X, (2, 3), np.mean) + _pool(X, (2, 3), np.max)
        np.testing.assert_allclose(dn.ops.to_numpy(got), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: dn.ops.adaptive_average_pool(X[0, 0], 2),
            dn.ShapeError,
            r"adaptive_average_pool: expects x of shape \(N, W, C\) or \(N, H, W, C\)",
        ),
        (
            lambda: dn.ops.adaptive_max_pool(X, (2, 2, 2)),
            dn.ArgumentError,
            r"adaptive_max_pool\(output_size=\(2, 2, 2\)\): output_size must be",
        ),
        (lambda: dn.ops.adaptive_max_pool(X, 0), dn.ArgumentError, r"adaptive_max_pool\(output_size=0\)"),
        (
            lambda: dn.ops.adaptive_average_pool(np.ones((1, 4, 2), np.int32), 2),
            dn.DTypeError,
            r"adaptive_average_pool: expects a floating-point x, got int32",
        ),
    ],
)
def test_bad_arguments(backend: str, call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
