"""normalize, rms_normalization and psnr on both backends: NumPy, keras.ops and torch.nn.functional agree."""

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

X = rand(2, 3, 4)
SCALE = np.linspace(0.5, 2.0, 4).astype(np.float32)


def _normalize(x: np.ndarray, axis: Any = -1, order: int = 2, eps: float = 1e-7) -> np.ndarray:
    norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    return x / np.maximum(norm, eps)


def _rms(x: np.ndarray, scale: Any = None, axis: Any = -1, eps: float = 1e-7) -> np.ndarray:
    y = x / np.sqrt(np.mean(x * x, axis=axis, keepdims=True) + eps)
    return y if scale is None else y * scale


def _psnr(a: np.ndarray, b: np.ndarray, max_val: float) -> np.ndarray:
    return np.asarray(20 * np.log10(max_val) - 10 * np.log10(np.mean((a - b) ** 2)))


@pytest.mark.parametrize(("axis", "order"), [(-1, 2), (1, 1), ((1, 2), 2), ((0, 2), 3)])
def test_normalize_matches_numpy_torch_and_keras(backend: str, axis: Any, order: int) -> None:
    got = dn.ops.normalize(X, axis=axis, order=order)
    assert_matches_numpy(got, _normalize(X.astype(np.float64), axis, order).astype(np.float32), rtol=1e-5)
    torch_ref = F.normalize(torch.from_numpy(X), p=float(order), dim=axis, eps=1e-7)
    np.testing.assert_allclose(dn.ops.to_numpy(got), torch_ref.numpy(), rtol=1e-5, atol=1e-7)
    if isinstance(axis, int) or order == 2:  # Keras takes a matrix norm over two axes for other orders
        np.testing.assert_allclose(
            dn.ops.to_numpy(got), keras.ops.normalize(X, axis=axis, order=order), rtol=1e-5, atol=1e-7
        )


def test_normalize_of_zeros_is_zeros(backend: str) -> None:
    np.testing.assert_array_equal(dn.ops.to_numpy(dn.ops.normalize(np.zeros((2, 3), np.float32))), 0.0)


@pytest.mark.parametrize("order", [2, 3])
def test_the_gradient_at_a_zero_slice_is_finite_and_torchs(backend: str, order: int) -> None:
    x = np.zeros((2, 3), np.float32)
    x[1] = [0.5, -1.0, 2.0]
    weights = np.arange(6, dtype=np.float32).reshape(2, 3)
    got = dn.grad(lambda t: dn.ops.sum(dn.ops.multiply(dn.ops.normalize(t, order=order), weights)))(x)
    leaf = torch.from_numpy(x).requires_grad_()
    (F.normalize(leaf, p=float(order), dim=-1, eps=1e-7) * torch.from_numpy(weights)).sum().backward()
    assert leaf.grad is not None
    np.testing.assert_allclose(dn.ops.to_numpy(got), leaf.grad.numpy(), rtol=1e-5)  # row 0: weights / eps


@pytest.mark.parametrize(("axis", "scale"), [(-1, SCALE), (-1, None), ((1, 2), None), (1, SCALE[:3, None])])
def test_rms_normalization_matches_numpy_torch_and_keras(backend: str, axis: Any, scale: Any) -> None:
    got = dn.ops.rms_normalization(X, scale, axis=axis)
    assert_matches_numpy(got, _rms(X.astype(np.float64), scale, axis).astype(np.float32), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        dn.ops.to_numpy(got), keras.ops.rms_normalization(X, scale, axis=axis), rtol=1e-5, atol=1e-6
    )
    if axis == -1:
        weight = None if scale is None else torch.from_numpy(scale)
        torch_ref = F.rms_norm(torch.from_numpy(X), (4,), weight, eps=1e-7)
        np.testing.assert_allclose(dn.ops.to_numpy(got), torch_ref.numpy(), rtol=1e-5, atol=1e-6)


def test_16_bit_inputs_compute_in_float32(backend: str) -> None:
    half = X.astype(np.float16)
    got = dn.ops.rms_normalization(half)
    assert dn.ops.dtype(got) == "float16"
    np.testing.assert_allclose(dn.ops.to_numpy(got), _rms(half.astype(np.float64)), rtol=2e-3, atol=2e-3)


def test_psnr_matches_numpy_and_keras(backend: str) -> None:
    a, b = np.abs(X) / 3, np.abs(X[::-1]) / 3
    got = dn.ops.psnr(a, b, 1.0)
    assert_matches_numpy(got, _psnr(a.astype(np.float64), b, 1.0).astype(np.float32), rtol=1e-5)
    np.testing.assert_allclose(dn.ops.to_numpy(got), keras.ops.psnr(a, b, 1.0), rtol=1e-5)
    np.testing.assert_allclose(dn.ops.to_numpy(dn.ops.psnr(a * 255, b * 255, 255.0)), dn.ops.to_numpy(got), rtol=1e-5)


@pytest.mark.parametrize("name", ["normalize", "normalize-1", "rms_normalization", "psnr"])
def test_gradient(backend: str, name: str) -> None:
    x = X[0].astype(np.float64)
    if name == "normalize":
        check_grads(lambda t: dn.ops.normalize(t), lambda a: _normalize(a), [x])
    elif name == "normalize-1":
        check_grads(lambda t: dn.ops.normalize(t, axis=0, order=3), lambda a: _normalize(a, 0, 3), [x])
    elif name == "rms_normalization":
        scale = SCALE.astype(np.float64)
        check_grads(lambda t, s: dn.ops.rms_normalization(t, s), lambda a, s: _rms(a, s), [x, scale])
    else:
        other = X[1].astype(np.float64)

        def flat(t: Any) -> Any:
            return dn.ops.reshape(dn.ops.psnr(t, other, 2.0), (1,))

        check_grads(flat, lambda a: _psnr(a, other, 2.0).reshape(1), [x])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: dn.ops.normalize(X, order=0), dn.ArgumentError, r"normalize\(order=0\): order must be a positive int"),
        (lambda: dn.ops.normalize(X, axis=3), dn.ShapeError, r"normalize: axis 3 is out of range"),
        (
            lambda: dn.ops.rms_normalization(X, np.ones(3)),
            dn.ShapeError,
            r"rms_normalization: scale of shape \(3,\) does not broadcast against x of shape \(2, 3, 4\)",
        ),
        (
            lambda: dn.ops.rms_normalization(X, epsilon=0.0),
            dn.ArgumentError,
            r"rms_normalization\(epsilon=0.0\): epsilon must be a number > 0",
        ),
        (lambda: dn.ops.psnr(X, X[0], 1.0), dn.ShapeError, r"psnr: x1 and x2 must have one shape"),
        (lambda: dn.ops.psnr(X, X, -1.0), dn.ArgumentError, r"psnr\(max_val=-1.0\): max_val must be a number > 0"),
    ],
)
def test_bad_arguments(backend: str, call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
