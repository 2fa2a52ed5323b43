"""depth_to_space, space_to_depth, unfold and fold on both backends, channels-last.

References: NumPy loops (the definitions), keras.ops (its block ops are
channels-last, its unfold/fold channels-first: transposed in the test) and
torch.nn.functional (pixel_shuffle / unfold / fold on the NCHW transpose,
with torch's channel orders converted).
"""

from __future__ import annotations

import functools
from typing import Any

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import dualnet as dn
from tests.helpers import assert_matches_numpy
from tests.ops.nn_reference import check_grads, rand

X = rand(2, 4, 6, 8)


def _depth_to_space(x: np.ndarray, b: int) -> np.ndarray:
    n, h, w, c = x.shape
    out = np.zeros((n, h * b, w * b, c // (b * b)), x.dtype)
    for i in range(b):
        for j in range(b):
            out[:, i::b, j::b, :] = x[..., (i * b + j) * (c // (b * b)) : (i * b + j + 1) * (c // (b * b))]
    return out


def _windows(size: int, k: int, d: int, p: int, s: int) -> list[int]:
    return list(range(0, size + 2 * p - (k - 1) * d, s))


def _unfold(x: np.ndarray, k: tuple[int, int], d: tuple[int, int], p: tuple[int, int], s: tuple[int, int]) -> Any:
    padded = np.pad(x, [(0, 0), (p[0], p[0]), (p[1], p[1]), (0, 0)])
    rows = []
    for top in _windows(x.shape[1], k[0], d[0], p[0], s[0]):
        for left in _windows(x.shape[2], k[1], d[1], p[1], s[1]):
            patch = padded[:, top : top + (k[0] - 1) * d[0] + 1 : d[0], left : left + (k[1] - 1) * d[1] + 1 : d[1]]
            rows.append(patch.reshape(x.shape[0], -1))
    return np.stack(rows, 1)


def _fold(cols: np.ndarray, out: tuple[int, int], k: Any, d: Any, p: Any, s: Any) -> np.ndarray:
    n, _, depth = cols.shape
    c = depth // (k[0] * k[1])
    image = np.zeros((n, out[0] + 2 * p[0], out[1] + 2 * p[1], c), cols.dtype)
    index = 0
    for top in _windows(out[0], k[0], d[0], p[0], s[0]):
        for left in _windows(out[1], k[1], d[1], p[1], s[1]):
            patch = cols[:, index].reshape(n, k[0], k[1], c)
            image[:, top : top + (k[0] - 1) * d[0] + 1 : d[0], left : left + (k[1] - 1) * d[1] + 1 : d[1]] += patch
            index += 1
    return image[:, p[0] : p[0] + out[0], p[1] : p[1] + out[1]]


def _nchw(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def test_depth_to_space_matches_numpy_keras_and_torch(backend: str) -> None:
    got = dn.ops.depth_to_space(X, 2)
    assert_matches_numpy(got, _depth_to_space(X, 2))
    np.testing.assert_array_equal(dn.ops.to_numpy(got), keras.ops.depth_to_space(X, 2))
    # pixel_shuffle orders the input channels (C, b, b); ours are (b, b, C).
    crd = X.reshape(2, 4, 6, 2, 2, 2).transpose(0, 1, 2, 5, 3, 4).reshape(X.shape)
    torch_ref = F.pixel_shuffle(_nchw(crd), 2).permute(0, 2, 3, 1).numpy()
    np.testing.assert_array_equal(dn.ops.to_numpy(got), torch_ref)


def test_space_to_depth_inverts_and_matches_keras_and_torch(backend: str) -> None:
    got = dn.ops.space_to_depth(X, 2)
    np.testing.assert_array_equal(dn.ops.to_numpy(got), keras.ops.space_to_depth(X, 2))
    np.testing.assert_array_equal(dn.ops.to_numpy(dn.ops.depth_to_space(got, 2)), X)
    torch_ref = F.pixel_unshuffle(_nchw(X), 2).permute(0, 2, 3, 1).numpy()  # channels (C, b, b)
    np.testing.assert_array_equal(
        dn.ops.to_numpy(got).reshape(2, 2, 3, 2, 2, 8).transpose(0, 1, 2, 5, 3, 4).reshape(torch_ref.shape), torch_ref
    )


UNFOLD_CASES = [
    ((2, 3), (1, 1), (0, 0), (1, 1)),
    ((3, 3), (1, 2), (1, 1), (2, 1)),
    ((2, 2), (2, 1), (1, 0), (1, 2)),
]


@functools.cache
def _keras_fold() -> np.ndarray:
    k, d, p, s = UNFOLD_CASES[0]
    cols = F.unfold(_nchw(X[..., :3]), k, dilation=d, padding=p, stride=s).numpy()
    return np.asarray(keras.ops.fold(cols, (4, 6), k, dilation=d, padding=p, stride=s)).transpose(0, 2, 3, 1)


@pytest.mark.parametrize(("k", "d", "p", "s"), UNFOLD_CASES)
def test_unfold_and_fold_match_numpy_torch_and_keras(backend: str, k: Any, d: Any, p: Any, s: Any) -> None:
    x = X[..., :3]
    cols = dn.ops.unfold(x, k, dilation=d, padding=p, stride=s)
    assert_matches_numpy(cols, _unfold(x, k, d, p, s))
    torch_cols = F.unfold(_nchw(x), k, dilation=d, padding=p, stride=s)  # (N, C * kh * kw, L)
    n, _, length = torch_cols.shape
    as_ours = torch_cols.reshape(n, 3, k[0] * k[1], length).permute(0, 3, 2, 1).reshape(n, length, -1).numpy()
    np.testing.assert_array_equal(dn.ops.to_numpy(cols), as_ours)
    keras_cols = np.asarray(keras.ops.unfold(x.transpose(0, 3, 1, 2), k, dilation=d, padding=p, stride=s))
    np.testing.assert_array_equal(keras_cols, torch_cols.numpy())

    image = dn.ops.fold(cols, (4, 6), k, dilation=d, padding=p, stride=s)
    assert_matches_numpy(image, _fold(dn.ops.to_numpy(cols), (4, 6), k, d, p, s), rtol=1e-6)
    torch_image = F.fold(torch_cols, (4, 6), k, dilation=d, padding=p, stride=s).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(dn.ops.to_numpy(image), torch_image, rtol=1e-6, atol=1e-6)
    if (k, d, p, s) == UNFOLD_CASES[0]:  # keras.ops.fold takes seconds a call on TensorFlow: one case, computed once
        np.testing.assert_allclose(dn.ops.to_numpy(image), _keras_fold(), rtol=1e-6, atol=1e-6)


def test_unfold_is_im2col_for_conv(backend: str) -> None:
    kernel = rand(3, 3, 8, 5, seed=4)
    cols = dn.ops.unfold(X, 3)
    got = dn.ops.matmul(cols, kernel.reshape(-1, 5))
    np.testing.assert_allclose(
        dn.ops.to_numpy(got).reshape(2, 2, 4, 5), dn.ops.to_numpy(dn.ops.conv(X, kernel)), rtol=1e-4, atol=1e-5
    )


def test_compiled(backend: str) -> None:
    """fold's TensorFlow path is built from static sizes at trace time: traced, it gives the same."""

    def fn(t: Any) -> Any:
        cols = dn.ops.unfold(dn.ops.space_to_depth(t, 2), 2, padding=1)
        return dn.ops.depth_to_space(dn.ops.fold(cols, (2, 3), 2, padding=1), 2)

    eager = dn.ops.to_numpy(fn(X))
    np.testing.assert_allclose(eager, X * 4, rtol=1e-6)  # every cell is covered by four 2x2 patches
    np.testing.assert_allclose(dn.ops.to_numpy(dn.function(fn)(X)), eager, rtol=1e-6)


@pytest.mark.parametrize("name", ["depth_to_space", "space_to_depth", "unfold", "fold"])
def test_gradient(backend: str, name: str) -> None:
    x = rand(1, 4, 4, 4, seed=5).astype(np.float64)
    args = ((3, 2), (1, 1), (1, 0), (2, 1))
    if name == "depth_to_space":
        dn_fn, np_fn = (lambda t: dn.ops.depth_to_space(t, 2)), (lambda a: _depth_to_space(a, 2))
    elif name == "space_to_depth":
        dn_fn = lambda t: dn.ops.space_to_depth(t, 2)  # noqa: E731
        np_fn = lambda a: a.reshape(1, 2, 2, 2, 2, 4).transpose(0, 1, 3, 2, 4, 5).reshape(1, 2, 2, 16)  # noqa: E731
    elif name == "unfold":
        x = x[..., :2]
        dn_fn, np_fn = (lambda t: dn.ops.unfold(t, *args)), (lambda a: _unfold(a, *args))
    else:
        x = _unfold(x[..., :1], *args)
        dn_fn = lambda t: dn.ops.fold(t, (4, 4), *args)  # noqa: E731
        np_fn = lambda a: _fold(a, (4, 4), *args)  # noqa: E731
    check_grads(lambda t: dn.ops.reshape(dn_fn(t), (-1,)), lambda a: np_fn(a).reshape(-1), [x])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: dn.ops.space_to_depth(X, 4),
            dn.ShapeError,
            r"space_to_depth: the height and width of x \(shape \(2, 4, 6, 8\)\) must be divisible by block_size=4",
        ),
        (
            lambda: dn.ops.depth_to_space(X, 3),
            dn.ShapeError,
            r"depth_to_space: the channels of x .* must be divisible by block_size \*\* 2 = 9",
        ),
        (lambda: dn.ops.depth_to_space(X, 1), dn.ArgumentError, r"depth_to_space\(block_size=1\): block_size must be"),
        (lambda: dn.ops.depth_to_space(X[0], 2), dn.ShapeError, r"depth_to_space: expects x of shape \(N, H, W, C\)"),
        (lambda: dn.ops.unfold(X, 7), dn.ShapeError, r"unfold: the kernel \(7, 7\) .* does not fit"),
        (lambda: dn.ops.unfold(X, 2, padding=-1), dn.ArgumentError, r"unfold\(padding=-1\): padding must be"),
        (
            lambda: dn.ops.fold(np.ones((1, 5, 4), np.float32), (3, 3), 2),
            dn.ShapeError,
            r"fold: expects x of shape \(N, L, kh \* kw \* C\) with L = 2 \* 2 patches",
        ),
    ],
)
def test_bad_arguments(backend: str, call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
