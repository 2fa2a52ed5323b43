"""separable_conv on both backends: keras.ops.separable_conv and torch's grouped conv + 1x1 conv agree."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import dualnet as dn
from tests.ops.nn_reference import check_grads, rand

X = rand(2, 6, 5, 3)
DEPTHWISE = rand(3, 3, 3, 2, seed=1)
POINTWISE = rand(1, 1, 6, 4, seed=2)


def _torch(x: np.ndarray, dk: np.ndarray, pk: np.ndarray, stride: int, padding: Any, dilation: int) -> np.ndarray:
    xc = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    # (kh, kw, C, m) -> (C * m, 1, kh, kw): output channel c * m + j is channel c's j-th filter.
    weight = torch.from_numpy(dk.reshape(*dk.shape[:2], -1).transpose(2, 0, 1)[:, None].copy())
    y = F.conv2d(xc, weight, stride=stride, padding=padding, dilation=dilation, groups=x.shape[-1])
    y = F.conv2d(y, torch.from_numpy(pk[0, 0].T[:, :, None, None].copy()))
    return y.permute(0, 2, 3, 1).numpy()


@pytest.mark.parametrize(("strides", "padding", "dilation"), [(1, "valid", 1), (2, "same", 1), (1, "valid", 2)])
def test_matches_keras_and_torch(backend: str, strides: int, padding: str, dilation: int) -> None:
    got = dn.ops.separable_conv(X, DEPTHWISE, POINTWISE, strides=strides, padding=padding, dilation=dilation)
    expected = keras.ops.separable_conv(
        X, DEPTHWISE, POINTWISE, strides=strides, padding=padding, dilation_rate=dilation
    )
    np.testing.assert_allclose(dn.ops.to_numpy(got), expected, rtol=1e-5, atol=1e-5)
    if padding == "valid":
        np.testing.assert_allclose(
            dn.ops.to_numpy(got), _torch(X, DEPTHWISE, POINTWISE, strides, 0, dilation), rtol=1e-5, atol=1e-5
        )


def test_one_d(backend: str) -> None:
    got = dn.ops.separable_conv(X[:, 0], DEPTHWISE[0], POINTWISE[0], padding="same")
    expected = keras.ops.separable_conv(X[:, 0], DEPTHWISE[0], POINTWISE[0], padding="same")
    np.testing.assert_allclose(dn.ops.to_numpy(got), expected, rtol=1e-5, atol=1e-5)


def test_gradient(backend: str) -> None:
    x, dk, pk = X[:1, :4, :4].astype(np.float64), DEPTHWISE.astype(np.float64), POINTWISE.astype(np.float64)

    def ref(a: np.ndarray, d: np.ndarray, p: np.ndarray) -> np.ndarray:
        return _torch(a, d, p, 1, 0, 1).reshape(-1)

    check_grads(lambda *t: dn.ops.reshape(dn.ops.separable_conv(*t), (-1,)), ref, [x, dk, pk])


def test_pointwise_kernel_must_be_one_by_one(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"separable_conv: pointwise_kernel must be 1x1"):
        dn.ops.separable_conv(X, DEPTHWISE, np.ones((2, 2, 6, 4), np.float32))
    with pytest.raises(dn.ShapeError, match=r"conv: x has 6 channels but the kernel"):
        dn.ops.separable_conv(X, DEPTHWISE, np.ones((1, 1, 5, 4), np.float32))
