"""dn.ops.image on both backends against keras.ops.image (Keras on TensorFlow), SciPy and torch.

Where the references disagree the docstrings of ``dualnet.ops.image`` say which
one dualnet follows; the tests below pin each of those choices.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
import scipy.ndimage
import torch

import dualnet as dn

I = dn.ops.image  # noqa: E741
K = keras.ops.image
_rng = np.random.default_rng(11)
X = _rng.random((2, 9, 11, 3)).astype(np.float32)
Y = np.clip(X + 0.1 * _rng.standard_normal(X.shape), 0, 1).astype(np.float32)
VOLUMES = _rng.random((2, 6, 7, 5, 2)).astype(np.float32)
TRANSFORMS = np.array(
    [[1.1, 0.2, -1.5, 0.1, 0.9, 0.7, 0.0, 0.0], [0.8, -0.3, 2.0, 0.2, 1.2, -1.0, 0.01, -0.02]], np.float32
)
START = np.array([[0, 0], [10, 0], [0, 8], [10, 8]], np.float32)
END = np.array([[1, 1], [9, 0], [0, 7], [10, 8]], np.float32)


def close(got: Any, want: Any, tol: float = 2e-6) -> None:
    got, want = dn.ops.to_numpy(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"])
def test_resize_matches_keras(backend: str, method: str) -> None:
    for size in [(5, 7), (13, 17)]:
        for antialias in (False, True):
            # TF's plain bicubic kernel is tabulated in 1/1024 steps; ours is exact (as its antialias path)
            tol = 1e-3 if method == "bicubic" and not antialias else 2e-6
            close(I.resize(X, size, method, antialias), K.resize(X, size, method, antialias), tol)
    close(I.resize(X[0], (4, 6), method), K.resize(X[0], (4, 6), method), 1e-3)  # unbatched


def test_resize_aspect_ratio_options_match_keras(backend: str) -> None:
    close(I.resize(X, (4, 8), crop_to_aspect_ratio=True), K.resize(X, (4, 8), crop_to_aspect_ratio=True))
    for size in [(4, 8), (8, 4)]:
        want = K.resize(X, size, pad_to_aspect_ratio=True, fill_value=0.5)
        close(I.resize(X, size, pad_to_aspect_ratio=True, fill_value=0.5), want)


def test_resize_matches_torch_interpolate_half_pixel(backend: str) -> None:
    """Bilinear and nearest are torch's ``align_corners=False`` / ``nearest-exact`` (not torch's bicubic)."""
    nchw = torch.from_numpy(X).permute(0, 3, 1, 2)
    for mode, method in [("bilinear", "bilinear"), ("nearest-exact", "nearest")]:
        kwargs = {"align_corners": False} if mode == "bilinear" else {}
        want = torch.nn.functional.interpolate(nchw, size=(13, 6), mode=mode, **kwargs).permute(0, 2, 3, 1)
        close(I.resize(X, (13, 6), method), want.numpy())


def test_resize_dtypes(backend: str) -> None:
    pixels = (X * 255).astype(np.uint8)
    assert dn.ops.dtype(I.resize(pixels, (4, 4))) == "float32"  # as tf.image.resize
    assert dn.ops.dtype(I.resize(pixels, (4, 4), "nearest")) == "uint8"
    assert dn.ops.dtype(I.resize(X.astype(np.float64), (4, 4))) == "float64"


def test_resize_compiles(backend: str) -> None:
    """Under XLA and torch.compile (plain tf.function: test_compiled_ops_take_any_batch_size)."""
    f = dn.function(lambda x: I.resize(x, (5, 14), "bicubic", antialias=True), jit=True)
    close(f(dn.ops.convert_to_tensor(X)), K.resize(X, (5, 14), "bicubic", antialias=True))


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_keras(backend: str, interpolation: str) -> None:
    for fill_mode in ("constant", "nearest", "wrap", "reflect"):
        want = K.affine_transform(X, TRANSFORMS, interpolation, fill_mode, 0.3)
        close(I.affine_transform(X, TRANSFORMS, interpolation, fill_mode, 0.3), want)
    close(
        I.affine_transform(X[0], TRANSFORMS[0], interpolation), K.affine_transform(X[0], TRANSFORMS[0], interpolation)
    )


def test_integer_images_keep_their_dtype_as_in_keras(backend: str) -> None:
    """Projective sampling truncates as TF's kernel; map_coordinates rounds, as Keras does."""
    pixels = (X * 255).astype(np.uint8)
    for interpolation in ("bilinear", "nearest"):
        got = I.affine_transform(pixels, TRANSFORMS, interpolation)
        assert dn.ops.dtype(got) == "uint8"
        np.testing.assert_array_equal(
            dn.ops.to_numpy(got), np.asarray(K.affine_transform(pixels, TRANSFORMS, interpolation))
        )
    counts = (X[0, ..., 0] * 100).astype(np.int32)
    coordinates = _rng.uniform(0, 8, (2, 4, 3)).astype(np.float32)
    got = I.map_coordinates(counts, coordinates, 1)
    assert dn.ops.dtype(got) == "int32"
    np.testing.assert_array_equal(dn.ops.to_numpy(got), np.asarray(K.map_coordinates(counts, coordinates, 1)))


def test_perspective_transform_matches_keras(backend: str) -> None:
    for interpolation in ("bilinear", "nearest"):
        close(
            I.perspective_transform(X, START, END, interpolation),
            K.perspective_transform(X, START, END, interpolation),
            2e-5,
        )
    batch = np.stack([START, START + 0.5])
    close(
        I.perspective_transform(X, batch, np.stack([END, END])),
        K.perspective_transform(X, batch, np.stack([END, END])),
        2e-5,
    )


_SCIPY_MODES = {
    "constant": "grid-constant",
    "nearest": "nearest",
    "wrap": "grid-wrap",
    "mirror": "mirror",
    "reflect": "reflect",
}


@pytest.mark.parametrize("order", [0, 1])
def test_map_coordinates_matches_scipy_and_keras(backend: str, order: int) -> None:
    image = _rng.random((7, 8))
    coordinates = _rng.uniform(-2, 10, (2, 5, 4))
    for mode, scipy_mode in _SCIPY_MODES.items():
        want = scipy.ndimage.map_coordinates(image, coordinates, order=order, mode=scipy_mode, cval=0.5)
        close(I.map_coordinates(image, coordinates, order, mode, 0.5), want, 1e-12)
    for mode in ("constant", "nearest", "wrap"):  # Keras-TF's reflect and mirror depart from SciPy's (mirror fails)
        want = K.map_coordinates(image.astype(np.float32), coordinates.astype(np.float32), order, mode, 0.5)
        close(I.map_coordinates(image.astype(np.float32), coordinates.astype(np.float32), order, mode, 0.5), want)
    volume = _rng.random((3, 4, 5))
    points = list(_rng.uniform(-1, 5, (3, 6)))
    close(
        I.map_coordinates(volume, points, order),
        scipy.ndimage.map_coordinates(volume, points, order=order, mode="grid-constant"),
        1e-12,
    )


def test_colour_conversions_match_keras(backend: str) -> None:
    close(I.rgb_to_grayscale(X), K.rgb_to_grayscale(X))
    close(I.rgb_to_grayscale(X[..., :1]), X[..., :1])
    close(I.rgb_to_hsv(X), K.rgb_to_hsv(X))
    close(I.hsv_to_rgb(X), K.hsv_to_rgb(X))
    close(I.hsv_to_rgb(I.rgb_to_hsv(X[0])), X[0], 1e-5)
    pixels = (X * 255).astype(np.uint8)
    grey = I.rgb_to_grayscale(pixels)
    assert dn.ops.dtype(grey) == "uint8"
    np.testing.assert_array_equal(dn.ops.to_numpy(grey), np.asarray(K.rgb_to_grayscale(pixels)))


def test_crop_and_pad_match_keras(backend: str) -> None:
    close(
        I.crop_images(X, 1, 2, target_height=5, right_cropping=3),
        K.crop_images(X, 1, 2, target_height=5, right_cropping=3),
    )
    close(I.crop_images(X[0], None, 1, 2, 4, 6), K.crop_images(X[0], None, 1, 2, 4, 6))
    close(
        I.pad_images(X, 1, 2, target_height=15, right_padding=3),
        K.pad_images(X, 1, 2, target_height=15, right_padding=3),
    )
    close(I.pad_images(X[0], None, 0, 2, 1, 12), K.pad_images(X[0], None, 0, 2, 1, 12))


@pytest.mark.parametrize(
    ("size", "strides", "dilation", "padding"),
    [((3, 3), None, 1, "valid"), ((3, 2), (2, 1), 1, "same"), (2, (1, 1), 2, "valid"), ((3, 3), (2, 2), 1, "SAME")],
)
def test_extract_patches_matches_keras(backend: str, size: Any, strides: Any, dilation: int, padding: str) -> None:
    close(
        I.extract_patches(X, size, strides, dilation, padding),
        K.extract_patches(X, size, strides, dilation, padding.lower()),
    )


def test_extract_patches_3d_matches_keras(backend: str) -> None:
    close(I.extract_patches_3d(VOLUMES, (2, 3, 2)), K.extract_patches_3d(VOLUMES, (2, 3, 2)))
    want = K.extract_patches_3d(VOLUMES, 3, (1, 2, 1), 1, "same")
    close(I.extract_patches_3d(VOLUMES, 3, (1, 2, 1), 1, "same"), want)
    close(I.extract_patches(VOLUMES[0], (2, 2, 2)), K.extract_patches(VOLUMES[0], (2, 2, 2)))  # unbatched, via size


def test_filters_match_keras(backend: str) -> None:
    close(I.gaussian_blur(X), K.gaussian_blur(X))
    close(I.gaussian_blur(X[0], (5, 5), (1.5, 1.5)), K.gaussian_blur(X[0], (5, 5), (1.5, 1.5)))
    close(I.sobel_edges(X), K.sobel_edges(X))
    close(I.ssim(X, Y, filter_size=5), K.ssim(X, Y, filter_size=5))
    close(I.ssim(X[0], Y[0], max_val=2.0, filter_size=3, filter_sigma=0.8), K.ssim(X[0], Y[0], 2.0, 3, 0.8))


def test_gaussian_blur_rows_follow_height_arguments(backend: str) -> None:
    """kernel_size / sigma are (height, width), as Keras documents: SciPy's separable correlation says so."""
    image = _rng.random((1, 8, 9, 1))
    got = dn.ops.to_numpy(I.gaussian_blur(image, (5, 3), (1.3, 0.6)))[0, ..., 0]
    want = scipy.ndimage.correlate(image[0, ..., 0], _taps(5, 1.3)[:, None] * _taps(3, 0.6)[None, :], mode="constant")
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def _taps(size: int, sigma: float) -> np.ndarray:
    taps = np.exp(-0.5 * ((np.arange(size) - (size - 1) / 2) / sigma) ** 2)
    return taps / taps.sum()


def test_scale_and_translate_matches_keras(backend: str) -> None:
    for method, antialias in [("linear", True), ("cubic", True), ("lanczos3", False), ("lanczos5", True)]:
        args = ((2, 5, 14, 3), np.array([0.6, 1.3]), np.array([0.4, -1.0]), (1, 2), method, antialias)
        close(I.scale_and_translate(X, *args), K.scale_and_translate(X, *args))


def test_elastic_transform_is_seeded_and_zero_alpha_is_identity(backend: str) -> None:
    first = dn.ops.to_numpy(I.elastic_transform(X, alpha=5.0, sigma=1.5, seed=3))
    assert first.shape == X.shape
    np.testing.assert_array_equal(first, dn.ops.to_numpy(I.elastic_transform(X, alpha=5.0, sigma=1.5, seed=3)))
    assert np.abs(first - dn.ops.to_numpy(I.elastic_transform(X, alpha=5.0, sigma=1.5, seed=4))).max() > 1e-3
    assert np.abs(first - X).max() > 1e-3
    for fill_mode in ("reflect", "constant"):
        close(I.elastic_transform(X[0], alpha=0.0, fill_mode=fill_mode, seed=1), X[0], 1e-6)
    assert I.elastic_transform(X, interpolation="nearest", seed=0).shape == X.shape


def test_compiled_ops_take_any_batch_size(backend: str) -> None:
    """Traced once per batch size, or with the batch left unknown once TensorFlow relaxes the shape."""

    def ops(x: Any, t: Any) -> tuple[Any, ...]:
        return (
            I.affine_transform(x, t, fill_mode="reflect"),
            I.elastic_transform(x, alpha=2.0, sigma=1.0, seed=2),
            I.ssim(x, x, filter_size=3),
            I.resize(x, (4, 5)),
            I.resize(x, (4, 5), "bicubic"),
            I.extract_patches(x, 3, padding="same"),
        )

    f = dn.function(ops)
    for n in (1, 2, 3):
        affine, elastic, similarity, resized, bicubic, patches = f(
            dn.ops.convert_to_tensor(X[:1].repeat(n, 0)), TRANSFORMS[:1]
        )
        close(affine, K.affine_transform(X[:1].repeat(n, 0), TRANSFORMS[:1], fill_mode="reflect"))
        assert dn.ops.shape(elastic) == (n, *X.shape[1:])
        close(similarity, np.ones(n), 1e-5)
        close(resized, K.resize(X[:1].repeat(n, 0), (4, 5)))
        close(bicubic, K.resize(X[:1].repeat(n, 0), (4, 5), "bicubic"), 1e-3)
        close(patches, K.extract_patches(X[:1].repeat(n, 0), 3, padding="same"))
