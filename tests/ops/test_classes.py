"""in_top_k and multi_hot on both backends: NumPy's definition, keras.ops and torch agree."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
import torch

import dualnet as dn
from tests.helpers import assert_matches_numpy

PREDICTIONS = np.array(
    [[0.1, 0.5, 0.2, 0.9], [0.3, 0.3, 0.3, 0.1], [0.0, -1.0, 2.0, 1.0], [1.0, np.nan, 0.0, 0.5]], np.float32
)
TARGETS = np.array([2, 1, 3, 0])


def _in_top_k(targets: np.ndarray, predictions: np.ndarray, k: int) -> np.ndarray:
    """TensorFlow's rule: ties at the k-th value count; a row holding a non-finite value is False."""
    picked = predictions[np.arange(len(targets)), targets]
    above = (predictions > picked[:, None]).sum(1)
    return (above < k) & np.isfinite(predictions).all(1)


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_in_top_k_matches_numpy_keras_and_torch(backend: str, k: int, dtype: str) -> None:
    predictions = PREDICTIONS.astype(dtype)
    got = dn.ops.in_top_k(TARGETS, predictions, k)
    assert_matches_numpy(got, _in_top_k(TARGETS, predictions, k))
    np.testing.assert_array_equal(dn.ops.to_numpy(got), keras.ops.in_top_k(TARGETS, PREDICTIONS, k))
    # torch.topk membership on the rows without ties or NaN (rows 0 and 2).
    top = torch.topk(torch.from_numpy(PREDICTIONS[[0, 2]]), k).indices.numpy()
    np.testing.assert_array_equal(dn.ops.to_numpy(got)[[0, 2]], (top == TARGETS[[0, 2], None]).any(1))


def test_in_top_k_out_of_range_target_is_false(backend: str) -> None:
    got = dn.ops.in_top_k(np.array([4, -1]), PREDICTIONS[:2], 4)
    np.testing.assert_array_equal(dn.ops.to_numpy(got), [False, False])


@pytest.mark.parametrize("ids", [np.array([[0, 2, 2], [1, 1, 4]]), np.array([3, 0, 3]), np.array([[0, 7, -1]])])
def test_multi_hot_matches_numpy_keras_and_torch(backend: str, ids: np.ndarray) -> None:
    got = dn.ops.multi_hot(ids, 5)
    rows = ids.reshape(-1, ids.shape[-1])
    expected = np.array([[float(c in row) for c in range(5)] for row in rows], np.float32).reshape(*ids.shape[:-1], 5)
    assert_matches_numpy(got, expected)
    np.testing.assert_array_equal(dn.ops.to_numpy(got), keras.ops.multi_hot(ids, 5))
    if ids.min() >= 0 and ids.max() < 5:
        torch_ref = torch.nn.functional.one_hot(torch.from_numpy(ids), 5).amax(-2).numpy()
        np.testing.assert_array_equal(dn.ops.to_numpy(got), torch_ref)


def test_multi_hot_dtype_and_axis(backend: str) -> None:
    ids = np.array([[0, 2], [1, 1]])
    assert dn.ops.dtype(dn.ops.multi_hot(ids, 3, dtype="int32")) == "int32"
    assert dn.ops.dtype(dn.ops.multi_hot(ids, 3, dtype="bool")) == "bool"
    np.testing.assert_array_equal(dn.ops.to_numpy(dn.ops.multi_hot(ids, 3, axis=0)), [[1, 0], [0, 1], [1, 0]])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: dn.ops.in_top_k(TARGETS, PREDICTIONS, 0), dn.ArgumentError, r"in_top_k\(k=0\): k must be a positive"),
        (
            lambda: dn.ops.in_top_k(TARGETS[:2], PREDICTIONS, 1),
            dn.ShapeError,
            r"in_top_k: expects predictions \(N, C\) and targets \(N,\), got \(4, 4\) and \(2,\)",
        ),
        (
            lambda: dn.ops.in_top_k(TARGETS.astype(np.float32), PREDICTIONS, 1),
            dn.DTypeError,
            r"in_top_k: targets must hold integer class ids",
        ),
        (lambda: dn.ops.multi_hot(TARGETS), dn.ArgumentError, r"multi_hot\(num_classes=None\): num_classes must be"),
        (
            lambda: dn.ops.multi_hot(TARGETS, 4, sparse=True),
            dn.ArgumentError,
            r"multi_hot\(sparse=True\): dualnet has no sparse tensors",
        ),
        (lambda: dn.ops.multi_hot(TARGETS, 4, axis=2), dn.ShapeError, r"multi_hot: inputs of shape \(4,\)"),
    ],
)
def test_bad_arguments(backend: str, call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
