"""SpectralNormalization against Keras 3's layer on the same kernel and u; modes, arguments, parity, dn.save."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn

X = np.random.default_rng(1).standard_normal((3, 5)).astype("float32")
IMAGES = np.random.default_rng(2).standard_normal((2, 6, 6, 3)).astype("float32")


def _np(x: Any) -> np.ndarray:
    return np.asarray(dn.ops.to_numpy(x))


CASES = {
    "dense": (lambda: dn.nn.Dense(4), lambda k: k.layers.Dense(4), X, "kernel"),
    "conv": (lambda: dn.nn.Conv2D(4, 3), lambda k: k.layers.Conv2D(4, 3), IMAGES, "kernel"),
}


@pytest.mark.parametrize("power_iterations", [1, 3])
@pytest.mark.parametrize("case", list(CASES))
def test_matches_keras_on_the_same_kernel_and_u(backend: str, case: str, power_iterations: int) -> None:
    import keras

    ours_layer, keras_layer, x, _ = CASES[case]
    dn.seed(0)
    layer = dn.nn.SpectralNormalization(ours_layer(), power_iterations=power_iterations)
    layer.build(x.shape)
    start = layer.state_dict()
    reference = keras.layers.SpectralNormalization(keras_layer(keras), power_iterations=power_iterations)
    reference.build(x.shape)
    reference.layer.kernel.assign(start["layer.kernel"])
    reference.layer.bias.assign(start["layer.bias"])
    reference.vector_u.assign(start["vector_u"])
    for _ in range(2):  # the second call starts from the u and kernel the first stored
        ours, theirs = _np(layer(x)), np.asarray(reference(x, training=True))
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.state_dict()["layer.kernel"], np.asarray(reference.layer.kernel), atol=1e-6)
    np.testing.assert_allclose(layer.state_dict()["vector_u"], np.asarray(reference.vector_u), atol=1e-6)
    # after normalising, the kernel's largest singular value is about 1
    kernel = layer.state_dict()["layer.kernel"]
    assert np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0] == pytest.approx(1.0, rel=0.2)


def test_u_is_a_seeded_buffer_and_inference_leaves_the_kernel(backend: str) -> None:
    def make() -> dn.nn.SpectralNormalization:
        dn.seed(4)
        layer = dn.nn.SpectralNormalization(dn.nn.Dense(3))
        layer.build(X.shape)
        return layer

    first, second = make(), make()
    np.testing.assert_array_equal(first.state_dict()["vector_u"], second.state_dict()["vector_u"])
    assert [n for n, _ in first.named_parameters()] == ["layer.kernel", "layer.bias"]
    assert [n for n, _ in first.named_buffers()] == ["vector_u"]
    assert np.abs(first.state_dict()["vector_u"]).max() <= 0.04  # truncated at two stddevs of 0.02
    before = first.state_dict()
    first.eval()
    first(X)
    for key, value in first.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_same_numbers_on_both_backends() -> None:
    dn.testing.module_parity(lambda: dn.nn.SpectralNormalization(dn.nn.Dense(4), 2), [X], training=True)


def test_bad_arguments(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"power_iterations=0\): power_iterations must be"):
        dn.nn.SpectralNormalization(dn.nn.Dense(2), power_iterations=0)
    with pytest.raises(dn.ArgumentError, match=r"layer must be a dn\.nn module"):
        dn.nn.SpectralNormalization("dense")  # type: ignore[arg-type]
    with pytest.raises(dn.ArgumentError, match="no 'kernel' nor 'embeddings'"):
        dn.nn.SpectralNormalization(dn.nn.LayerNorm())(X)


def test_save_load_round_trip(backend: str, tmp_path: Path) -> None:
    dn.seed(0)
    model = dn.nn.Sequential([dn.nn.SpectralNormalization(dn.nn.Dense(3), power_iterations=2)])
    model(X)
    model.eval()
    expected = _np(model(X))
    dn.save(model, tmp_path / "m.safetensors")
    loaded = dn.load(tmp_path / "m.safetensors")
    loaded.eval()
    np.testing.assert_allclose(_np(loaded(X)), expected, atol=1e-6)
