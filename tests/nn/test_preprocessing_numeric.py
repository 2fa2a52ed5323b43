"""Rescaling, Normalization, Discretization, CategoryEncoding against Keras 3's layers; model and pipeline agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import nn

X = np.random.default_rng(0).normal(3.0, 2.0, (12, 5, 4)).astype("float32")


def _both(layer: nn.Module, x: Any) -> np.ndarray:
    """The layer in a model and on NumPy (the pipeline path) give the same values; return them."""
    in_model = dn.ops.to_numpy(layer(x))
    np.testing.assert_allclose(layer.transform(np.asarray(x)), in_model, rtol=1e-6, atol=1e-6)
    return in_model


@pytest.mark.parametrize("scale, offset", [(1 / 255, 0.0), (1 / 127.5, -1.0), ([0.5, 2.0, 1.0, 3.0], 1.0)])
def test_rescaling_equals_keras(backend: str, scale: Any, offset: float) -> None:
    import keras

    ours = _both(nn.Rescaling(scale, offset), X)
    np.testing.assert_allclose(ours, np.asarray(keras.layers.Rescaling(scale, offset)(X)), rtol=1e-6)
    assert _both(nn.Rescaling(0.5), np.arange(6, dtype="uint8")).dtype == np.float32


@pytest.mark.parametrize("axis", [-1, (1, 2), None, 1], ids=str)
def test_normalization_adapt_equals_keras(backend: str, axis: Any) -> None:
    import keras

    ours = nn.Normalization(axis=axis)
    ours.adapt([X[:5], X[5:]])  # batches combine exactly
    theirs = keras.layers.Normalization(axis=axis)
    theirs.adapt(X)
    np.testing.assert_allclose(_both(ours, X), np.asarray(theirs(X)), rtol=1e-5, atol=1e-5)
    back = nn.Normalization(axis=axis, invert=True)
    back.adapt(X)
    np.testing.assert_allclose(_both(back, _both(ours, X)), X, rtol=1e-5, atol=1e-4)


def test_normalization_given_statistics_save_and_errors(backend: str, tmp_path: Path) -> None:
    import keras

    mean, variance = [1.0, 2.0, 3.0, 4.0], [1.0, 4.0, 0.25, 0.0]
    ours = nn.Normalization(mean=mean, variance=variance)
    theirs = keras.layers.Normalization(mean=mean, variance=variance)
    np.testing.assert_allclose(_both(ours, X[0]), np.asarray(theirs(X[0])), rtol=1e-6)
    other = "tensorflow" if backend == "torch" else "torch"
    adapted = nn.Normalization()
    adapted.adapt(X)
    expected = dn.ops.to_numpy(adapted(X))
    path = dn.save(adapted, tmp_path / "norm.safetensors")
    dn.set_backend(other)
    np.testing.assert_allclose(dn.ops.to_numpy(dn.load(path)(X)), expected, rtol=1e-6)
    dn.set_backend(backend)
    with pytest.raises(dn.StateError, match="adapt"):
        nn.Normalization()(X)
    with pytest.raises(dn.ArgumentError, match="both mean and variance"):
        nn.Normalization(mean=[1.0])
    with pytest.raises(dn.ShapeError, match="do not fit"):
        adapted(X[..., :3])


@pytest.mark.parametrize("output_mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_equals_keras(backend: str, output_mode: str) -> None:
    import keras

    x = X[:, 0, :2] if output_mode in ("int", "multi_hot", "count") else X[:, 0, 0]
    boundaries = [0.0, 2.0, 3.5, 5.0]
    ours = _both(nn.Discretization(bin_boundaries=boundaries, output_mode=output_mode), x)
    theirs = keras.layers.Discretization(bin_boundaries=boundaries, output_mode=output_mode)(x)
    np.testing.assert_array_equal(ours, np.asarray(theirs))


@pytest.mark.parametrize("data", ["small", "large"])
def test_discretization_adapt_boundaries_equal_keras(backend: str, data: str, tmp_path: Path) -> None:
    import keras

    values = X.reshape(-1) if data == "small" else np.random.default_rng(1).exponential(2.0, 2000).astype("float32")
    ours = nn.Discretization(num_bins=5)
    ours.adapt(values)
    theirs = keras.layers.Discretization(num_bins=5)
    theirs.adapt(values)
    np.testing.assert_allclose(ours.bin_boundaries, theirs.bin_boundaries, rtol=1e-6)
    np.testing.assert_array_equal(_both(ours, values[:20]), np.asarray(theirs(values[:20])))
    loaded = dn.load(dn.save(ours, tmp_path / "d.safetensors"))
    assert loaded.bin_boundaries == ours.bin_boundaries
    with pytest.raises(dn.ArgumentError, match="not both"):
        nn.Discretization([1.0], num_bins=3)
    with pytest.raises(dn.StateError, match="adapt"):
        nn.Discretization(num_bins=3)(values)


@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding_equals_keras(backend: str, output_mode: str) -> None:
    import keras

    ids = np.array([[0, 3, 3], [2, 1, 0]]) if output_mode != "one_hot" else np.array([[3], [0], [2]])
    ours = _both(nn.CategoryEncoding(4, output_mode=output_mode), ids)
    theirs = keras.layers.CategoryEncoding(4, output_mode=output_mode)(ids)
    np.testing.assert_array_equal(ours, np.asarray(theirs))
    with pytest.raises(dn.ShapeError, match="integer category ids"):
        nn.CategoryEncoding(4)(np.ones((2, 2), "float32"))
