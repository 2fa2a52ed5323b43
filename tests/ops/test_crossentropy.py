"""Keras's cross-entropy ops on both backends: NumPy's definition, keras.ops and torch.nn.functional agree.

Probabilities are clipped to [1e-7, 1 - 1e-7] as Keras does; the references
clip the same way. Gradients are checked against finite differences in float64.
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
from tests.ops.nn_reference import check_grads, log_softmax, sigmoid_xent

EPS = 1e-7
RNG = np.random.default_rng(3)
PROBS = RNG.uniform(0.05, 1.0, size=(4, 5)).astype(np.float32)
LOGITS = RNG.normal(size=(4, 5)).astype(np.float32)
IDS = np.array([0, 3, 4, 1])
ONE_HOT = np.eye(5, dtype=np.float32)[IDS]


def _bce(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def _cce(t: np.ndarray, p: np.ndarray, axis: int = -1) -> np.ndarray:
    p = np.clip(p / p.sum(axis, keepdims=True), EPS, 1 - EPS)
    return -(t * np.log(p)).sum(axis)


def _scce(ids: np.ndarray, p: np.ndarray) -> np.ndarray:
    logp = log_softmax(np.log(np.clip(p, EPS, 1 - EPS)))
    return -np.take_along_axis(logp, ids[:, None], -1)[:, 0]


def test_binary_matches_numpy_keras_and_torch(backend: str) -> None:
    target = (RNG.uniform(size=PROBS.shape) > 0.5).astype(np.float32)
    got = dn.ops.binary_crossentropy(target, PROBS)
    assert_matches_numpy(got, _bce(target, PROBS.astype(np.float64)).astype(np.float32), rtol=1e-5)
    np.testing.assert_allclose(dn.ops.to_numpy(got), keras.ops.binary_crossentropy(target, PROBS), rtol=1e-5)
    torch_ref = F.binary_cross_entropy(torch.from_numpy(PROBS), torch.from_numpy(target), reduction="none")
    np.testing.assert_allclose(dn.ops.to_numpy(got), torch_ref.numpy(), rtol=1e-5)
    logits = dn.ops.binary_crossentropy(target, LOGITS, from_logits=True)
    np.testing.assert_allclose(dn.ops.to_numpy(logits), sigmoid_xent(LOGITS, target), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        dn.ops.to_numpy(logits), keras.ops.binary_crossentropy(target, LOGITS, from_logits=True), rtol=1e-5
    )


def test_clipping_follows_keras(backend: str) -> None:
    """Probabilities 0 and 1 give finite values, Keras's, where torch's BCE clamps the log at -100 instead."""
    target, output = np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0])
    got = dn.ops.to_numpy(dn.ops.binary_crossentropy(target, output))
    np.testing.assert_allclose(got, keras.ops.binary_crossentropy(target, output), rtol=1e-6)
    np.testing.assert_allclose(got, _bce(target, output), rtol=1e-6)


@pytest.mark.parametrize("axis", [-1, 0])
def test_categorical_matches_numpy_keras_and_torch(backend: str, axis: int) -> None:
    target = ONE_HOT if axis == -1 else ONE_HOT.T.copy()
    probs, logits = (PROBS, LOGITS) if axis == -1 else (PROBS.T.copy(), LOGITS.T.copy())
    got = dn.ops.categorical_crossentropy(target, probs, axis=axis)
    assert_matches_numpy(got, _cce(target, probs.astype(np.float64), axis).astype(np.float32), rtol=1e-5)
    np.testing.assert_allclose(
        dn.ops.to_numpy(got), keras.ops.categorical_crossentropy(target, probs, axis=axis), rtol=1e-5
    )
    from_logits = dn.ops.categorical_crossentropy(target, logits, from_logits=True, axis=axis)
    torch_ref = F.cross_entropy(torch.from_numpy(LOGITS), torch.from_numpy(ONE_HOT), reduction="none")
    np.testing.assert_allclose(dn.ops.to_numpy(from_logits), torch_ref.numpy(), rtol=1e-5)
    np.testing.assert_allclose(
        dn.ops.to_numpy(from_logits),
        keras.ops.categorical_crossentropy(target, logits, from_logits=True, axis=axis),
        rtol=1e-5,
    )


def test_sparse_matches_numpy_keras_and_torch(backend: str) -> None:
    got = dn.ops.sparse_categorical_crossentropy(IDS, PROBS)
    assert_matches_numpy(got, _scce(IDS, PROBS.astype(np.float64)).astype(np.float32), rtol=1e-5)
    np.testing.assert_allclose(dn.ops.to_numpy(got), keras.ops.sparse_categorical_crossentropy(IDS, PROBS), rtol=1e-5)
    logits = dn.ops.sparse_categorical_crossentropy(IDS[:, None], LOGITS, from_logits=True)  # (N, 1) is squeezed
    torch_ref = F.cross_entropy(torch.from_numpy(LOGITS), torch.from_numpy(IDS), reduction="none")
    np.testing.assert_allclose(dn.ops.to_numpy(logits), torch_ref.numpy(), rtol=1e-5)
    np.testing.assert_allclose(
        dn.ops.to_numpy(logits), keras.ops.sparse_categorical_crossentropy(IDS, LOGITS, from_logits=True), rtol=1e-5
    )
    # A class axis other than the last (Keras's TensorFlow backend refuses it; its definition is the same).
    moved = dn.ops.sparse_categorical_crossentropy(IDS, PROBS.T.copy(), axis=0)
    np.testing.assert_allclose(dn.ops.to_numpy(moved), dn.ops.to_numpy(got), rtol=1e-6)


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_gradient(backend: str, name: str) -> None:
    target = IDS[:3] if name.startswith("sparse") else ONE_HOT[:3]
    ref = {"binary_crossentropy": _bce, "categorical_crossentropy": _cce, "sparse_categorical_crossentropy": _scce}
    probs = PROBS[:3].astype(np.float64) * 0.9  # inside (0, 1), away from the clip
    op = getattr(dn.ops, name)
    check_grads(lambda p: op(target, p), lambda p: ref[name](target, p), [probs])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: dn.ops.binary_crossentropy(np.ones((2, 3)), np.ones((3, 2))),
            dn.ShapeError,
            r"binary_crossentropy: target must have output's shape \(3, 2\), got \(2, 3\)",
        ),
        (
            lambda: dn.ops.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 4))),
            dn.ShapeError,
            r"categorical_crossentropy: target must have output's shape",
        ),
        (
            lambda: dn.ops.categorical_crossentropy(np.ones((2, 3)), np.ones((2, 3)), axis=2),
            dn.ShapeError,
            r"categorical_crossentropy: axis 2 is out of range",
        ),
        (
            lambda: dn.ops.sparse_categorical_crossentropy(np.array([0, 1, 2]), np.ones((2, 3))),
            dn.ShapeError,
            r"sparse_categorical_crossentropy: target \(integer class ids\) must have output's shape less axis",
        ),
        (
            lambda: dn.ops.sparse_categorical_crossentropy(np.array([0, 5]), np.ones((2, 3)) / 3),
            dn.ArgumentError,
            r"sparse_categorical_crossentropy: class ids must lie in \[0, 3\)",
        ),
        (
            lambda: dn.ops.binary_crossentropy(np.ones(2), np.ones(2), from_logits="yes"),
            dn.ArgumentError,
            r"binary_crossentropy\(from_logits='yes'\): from_logits must be True or False",
        ),
    ],
)
def test_bad_arguments(backend: str, call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
