"""RotaryEmbedding against a NumPy rotate-half RoPE (Hugging Face's apply_rotary_pos_emb), gradients, parity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn import RotaryEmbedding
from tests.nn import layer_references as layer_refs


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _rotate_half(x: np.ndarray) -> np.ndarray:
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], -1)


def numpy_rope(x: np.ndarray, positions: np.ndarray, wavelength: float = 1e4, scaling: float = 1.0) -> np.ndarray:
    """(N, T, ..., D) with the sequence on axis 1, as transformers' LlamaRotaryEmbedding + apply_rotary_pos_emb."""
    d = x.shape[-1]
    inv_freq = 1.0 / wavelength ** (np.arange(0, d, 2, dtype="float64") / d)
    freqs = np.outer(positions / scaling, inv_freq)
    emb = np.concatenate([freqs, freqs], -1).reshape(1, len(positions), *([1] * (x.ndim - 3)), d)
    return x * np.cos(emb) + _rotate_half(x) * np.sin(emb)


@pytest.mark.parametrize(
    ("shape", "kwargs", "start"),
    [((2, 5, 8), {}, 0), ((2, 5, 3, 4), {"max_wavelength": 100.0, "scaling_factor": 2.0}, 3)],
    ids=["3d", "heads_scaled_offset"],
)
def test_matches_numpy_rotate_half(backend: str, shape: tuple[int, ...], kwargs: Any, start: int) -> None:
    x = _x(*shape)
    y = RotaryEmbedding(**kwargs)(x, start_index=start)
    wavelength, scaling = kwargs.get("max_wavelength", 1e4), kwargs.get("scaling_factor", 1.0)
    want = numpy_rope(x.astype("float64"), np.arange(start, start + shape[1], dtype="float64"), wavelength, scaling)
    np.testing.assert_allclose(dn.ops.to_numpy(y), want, rtol=1e-5, atol=1e-5)


def test_gradient_is_the_transposed_rotation(backend: str) -> None:
    x = _x(2, 4, 6)
    cot = layer_refs.cotangent(x.shape)
    _, dx, grads = layer_refs.ours(RotaryEmbedding(), x, cot)
    d = x.shape[-1]
    freqs = np.outer(np.arange(4.0), 1.0 / 1e4 ** (np.arange(0, d, 2) / d))
    cos, sin = np.cos(np.concatenate([freqs, freqs], -1)), np.sin(np.concatenate([freqs, freqs], -1))
    g = cot * sin
    rotate_t = np.concatenate([g[..., d // 2 :], -g[..., : d // 2]], -1)  # the transpose of rotate_half
    np.testing.assert_allclose(dx, cot * cos + rotate_t, rtol=1e-5, atol=1e-5)
    assert grads == {}


def test_other_axes_and_positions(backend: str) -> None:
    x = _x(2, 6, 5)  # (N, D, T): features on axis 1, sequence last
    positions = np.array([4.0, 0.0, 2.0, 7.0, 1.0])
    y = RotaryEmbedding(sequence_axis=-1, feature_axis=1)(x, positions=positions)
    want = numpy_rope(x.transpose(0, 2, 1).astype("float64"), positions).transpose(0, 2, 1)
    np.testing.assert_allclose(dn.ops.to_numpy(y), want, rtol=1e-5, atol=1e-5)


def test_parity() -> None:
    dn.testing.module_parity(RotaryEmbedding, [_x(2, 3, 2, 4)], training=True)


@pytest.mark.parametrize(
    ("layer", "x", "error", "match"),
    [
        (RotaryEmbedding(), _x(2, 3, 5), dn.ShapeError, r"an even feature size"),
        (RotaryEmbedding(), _x(4), dn.ShapeError, r"inputs of rank >= 2"),
        (RotaryEmbedding(sequence_axis=2), _x(2, 3, 4), dn.ArgumentError, r"one axis for inputs of rank 3"),
        (RotaryEmbedding(sequence_axis=5), _x(2, 3, 4), dn.ShapeError, r"sequence_axis=5, outside an input of rank 3"),
    ],
    ids=["odd", "rank", "same_axis", "outside"],
)
def test_errors(backend: str, layer: Any, x: np.ndarray, error: type, match: str) -> None:
    with pytest.raises(error, match=r"RotaryEmbedding (expects|has) .*" + match):
        layer(x)


def test_bad_arguments() -> None:
    with pytest.raises(dn.ArgumentError, match=r"RotaryEmbedding\(max_wavelength=0\)"):
        RotaryEmbedding(max_wavelength=0)
