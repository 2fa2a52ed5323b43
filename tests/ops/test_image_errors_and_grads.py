"""dn.ops.image gradients against float64 finite differences, and the errors of bad arguments, on both backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.ops.nn_reference import numeric_grads

I = dn.ops.image  # noqa: E741
_rng = np.random.default_rng(5)
IMAGES = _rng.random((1, 4, 4, 1))
WEIGHTS = _rng.standard_normal((1, 4, 4, 1))
# Away from integer source positions, where bilinear sampling has kinks.
TRANSFORM = np.array([0.9, 0.13, 0.37, -0.11, 1.05, 0.29, 0.0, 0.0])
COORDINATES = _rng.uniform(0.1, 3.3, (2, 3, 2)) + 0.05


def _check_grads(op: Callable[..., Any], arrays: list[np.ndarray], weights: np.ndarray) -> None:
    def loss(*tensors: Any) -> Any:
        return dn.ops.sum(dn.ops.multiply(op(*tensors), weights))

    _, grads = dn.value_and_grad(loss, wrt=tuple(range(len(arrays))))(*[dn.ops.convert_to_tensor(a) for a in arrays])
    expected = numeric_grads(lambda *a: float(np.sum(dn.ops.to_numpy(op(*a)) * weights)), arrays)
    for got, want in zip(grads, expected, strict=True):
        np.testing.assert_allclose(dn.ops.to_numpy(got), want, rtol=1e-6, atol=1e-8)


def test_resize_gradients(backend: str) -> None:
    for size, antialias in [((7, 3), False), ((2, 3), True)]:
        weights = _rng.standard_normal((1, *size, 1))
        _check_grads(lambda x, s=size, a=antialias: I.resize(x, s, "bilinear", a), [IMAGES], weights)


def test_affine_transform_gradients(backend: str) -> None:
    # Some output pixels sample outside the 4 x 4 input: the constant fill takes no gradient there.
    _check_grads(lambda x: I.affine_transform(x, TRANSFORM, fill_value=0.5), [IMAGES], WEIGHTS)


def test_map_coordinates_gradients(backend: str) -> None:
    """Linear interpolation is differentiable in both the values and the coordinates."""
    image = IMAGES[0, ..., 0]
    weights = _rng.standard_normal((3, 2))
    _check_grads(lambda x, c: I.map_coordinates(x, c, 1), [image, COORDINATES], weights)


_BAD: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    (
        "interpolation",
        lambda: I.resize(IMAGES, (2, 2), "cubic"),
        dn.ArgumentError,
        r"image\.resize.*interpolation.*'bilinear'",
    ),
    ("rank", lambda: I.resize(IMAGES[0, ..., 0], (2, 2)), dn.ShapeError, r"image\.resize.*rank 3 or 4.*batch axis"),
    ("size", lambda: I.resize(IMAGES, (0, 2)), dn.ArgumentError, r"image\.resize.*size.*size=\(224, 224\)"),
    ("size length", lambda: I.resize(IMAGES, (2, 2, 2)), dn.ArgumentError, r"image\.resize.*size"),
    (
        "both aspect",
        lambda: I.resize(IMAGES, (2, 2), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
        dn.ArgumentError,
        r"image\.resize.*pick one",
    ),
    ("fill_mode", lambda: I.resize(IMAGES, (2, 2), fill_mode="reflect"), dn.ArgumentError, r"fill_mode.*'constant'"),
    (
        "affine interpolation",
        lambda: I.affine_transform(IMAGES, TRANSFORM, "bicubic"),
        dn.ArgumentError,
        r"image\.affine_transform.*interpolation",
    ),
    (
        "affine fill",
        lambda: I.affine_transform(IMAGES, TRANSFORM, fill_mode="mirror"),
        dn.ArgumentError,
        r"image\.affine_transform.*fill_mode",
    ),
    ("transform", lambda: I.affine_transform(IMAGES, TRANSFORM[:6]), dn.ShapeError, r"image\.affine_transform.*\(8,\)"),
    (
        "order",
        lambda: I.map_coordinates(IMAGES[0, ..., 0], COORDINATES, 3),
        dn.ArgumentError,
        r"image\.map_coordinates.*order",
    ),
    (
        "coordinates",
        lambda: I.map_coordinates(IMAGES, COORDINATES, 1),
        dn.ShapeError,
        r"image\.map_coordinates.*rank 4",
    ),
    ("crop", lambda: I.crop_images(IMAGES, 1, 1, 1, 1, 2, None), dn.ArgumentError, r"image\.crop_images.*exactly two"),
    ("crop fit", lambda: I.crop_images(IMAGES, 3, 0, 3, 0), dn.ArgumentError, r"image\.crop_images.*fit"),
    ("pad", lambda: I.pad_images(IMAGES, -1, 0, 1, 0), dn.ArgumentError, r"image\.pad_images.*top_padding"),
    ("patches", lambda: I.extract_patches(IMAGES, (5, 5)), dn.ShapeError, r"image\.extract_patches.*padding='same'"),
    ("patches padding", lambda: I.extract_patches(IMAGES, 2, padding="full"), dn.ArgumentError, r"padding.*'valid'"),
    (
        "patches 3d rank",
        lambda: I.extract_patches_3d(IMAGES[0], 2),
        dn.ShapeError,
        r"image\.extract_patches_3d.*rank 4 or 5",
    ),
    ("blur sigma", lambda: I.gaussian_blur(IMAGES, sigma=(0.0, 1.0)), dn.ArgumentError, r"image\.gaussian_blur.*sigma"),
    ("hsv dtype", lambda: I.rgb_to_hsv(np.zeros((2, 2, 3), np.uint8)), dn.DTypeError, r"image\.rgb_to_hsv.*cast"),
    (
        "grey channels",
        lambda: I.rgb_to_grayscale(np.zeros((4, 4, 2))),
        dn.ShapeError,
        r"image\.rgb_to_grayscale.*1 or 3 channels",
    ),
    (
        "elastic sigma",
        lambda: I.elastic_transform(IMAGES, sigma=0),
        dn.ArgumentError,
        r"image\.elastic_transform.*sigma",
    ),
    (
        "points",
        lambda: I.perspective_transform(IMAGES, np.zeros((3, 2)), np.zeros((3, 2))),
        dn.ShapeError,
        r"image\.perspective_transform.*\(4, 2\)",
    ),
    (
        "method",
        lambda: I.scale_and_translate(IMAGES, (1, 2, 2, 2), [1, 1], [0, 0], (1, 2), "area"),
        dn.ArgumentError,
        r"image\.scale_and_translate.*method",
    ),
    (
        "scale",
        lambda: I.scale_and_translate(IMAGES, (1, 2, 2, 2), [1], [0, 0], (1, 2), "linear"),
        dn.ArgumentError,
        r"image\.scale_and_translate.*scale",
    ),
    (
        "translation",
        lambda: I.scale_and_translate(IMAGES, (1, 2, 2, 1), [1, 1], ["a", 0], (1, 2), "linear"),
        dn.ArgumentError,
        r"image\.scale_and_translate.*translation.*concrete",
    ),
    ("ssim shapes", lambda: I.ssim(IMAGES, IMAGES[:, :3]), dn.ShapeError, r"image\.ssim.*one shape"),
    ("ssim filter", lambda: I.ssim(IMAGES, IMAGES), dn.ShapeError, r"image\.ssim.*filter_size"),
    ("sobel rank", lambda: I.sobel_edges(IMAGES[0, 0]), dn.ShapeError, r"image\.sobel_edges.*rank"),
]


@pytest.mark.parametrize(("case", "call", "error", "match"), _BAD, ids=[b[0] for b in _BAD])
def test_bad_arguments_raise_dualnet_errors(
    backend: str, case: str, call: Callable[[], Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call()
