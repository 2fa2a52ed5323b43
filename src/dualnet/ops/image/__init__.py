"""Image ops with ``keras.ops.image``'s names, arguments and defaults, channels-last.

Images are ``(N, H, W, C)`` batches or ``(H, W, C)`` single images (volumes
``(N, D, H, W, C)`` / ``(D, H, W, C)``); Keras's ``data_format`` argument is
absent, as every dualnet layout is channels-last. The reference is
``keras.ops.image`` on TensorFlow: resampling uses TensorFlow's half-pixel
centres and kernels (bilinear as ``torch.nn.functional.interpolate`` with
``align_corners=False``; bicubic is Keys' a = -0.5, not torch's -0.75), and
projective sampling is ``ImageProjectiveTransformV3``'s. Both backends compute
the same arithmetic, and gradients are exact (TensorFlow's raw transform op
approximates its own).

Reached as ``dn.ops.image.resize(...)``; not star-exported into ``dn.ops``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.backend import image_common as common
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.ops.image import arguments as check

__all__ = [
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "hsv_to_rgb",
    "resize",
    "affine_transform",
    "map_coordinates",
    "crop_images",
    "pad_images",
    "extract_patches",
    "extract_patches_3d",
    "gaussian_blur",
    "elastic_transform",
    "perspective_transform",
    "scale_and_translate",
    "sobel_edges",
    "ssim",
]

Tensor = Any
IntOrTuple = int | Sequence[int]


def rgb_to_grayscale(images: Any) -> Tensor:
    """``(..., H, W, 3)`` RGB as ``(..., H, W, 1)`` luma ``0.2989 R + 0.5870 G + 0.1140 B``, in the input dtype.

    One-channel images are returned unchanged (a copy).

    Raises:
        ShapeError: the rank is not 3 or 4, or the last axis is not 1 or 3.
    """
    check.channels("rgb_to_grayscale", check.shape_of("rgb_to_grayscale", "images", images), (1, 3))
    return B.image_rgb_to_grayscale(images)


def rgb_to_hsv(images: Any) -> Tensor:
    """``(..., H, W, 3)`` float RGB in ``[0, 1]`` as HSV in ``[0, 1]`` (hue as a fraction of a turn); same shape.

    Raises:
        ShapeError: the rank is not 3 or 4, or the last axis is not 3.
        DTypeError: the images are not float.
    """
    check.channels("rgb_to_hsv", check.shape_of("rgb_to_hsv", "images", images), (3,))
    check.floating("rgb_to_hsv", images)
    return B.image_rgb_to_hsv(images)


def hsv_to_rgb(images: Any) -> Tensor:
    """``(..., H, W, 3)`` float HSV in ``[0, 1]`` as RGB in ``[0, 1]``; same shape.

    Raises:
        ShapeError: the rank is not 3 or 4, or the last axis is not 3.
        DTypeError: the images are not float.
    """
    check.channels("hsv_to_rgb", check.shape_of("hsv_to_rgb", "images", images), (3,))
    check.floating("hsv_to_rgb", images)
    return B.image_hsv_to_rgb(images)


def resize(
    images: Any,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> Tensor:
    """``(..., H, W, C)`` resized to ``(..., size[0], size[1], C)``, pixel centres at half-integers (TF's resize).

    ``interpolation``: ``"bilinear"``, ``"nearest"``, ``"bicubic"`` (Keys, a = -0.5), ``"area"``,
    ``"lanczos3"``, ``"lanczos5"``. ``antialias=True`` widens the kernel when downsampling
    (bilinear, bicubic, lanczos; TF's ``ScaleAndTranslate``). ``crop_to_aspect_ratio`` first crops
    the centred box of the target's aspect ratio; ``pad_to_aspect_ratio`` pads to it with
    ``fill_value`` instead. Float images keep their dtype; integer images come back float32,
    except with ``"nearest"``, which keeps the dtype (as ``tf.image.resize``). TensorFlow's own
    bicubic tabulates the kernel in 1/1024 steps, so it differs from this exact one by ~1e-3.

    Raises:
        ShapeError: the rank is not 3 or 4.
        ArgumentError: an unknown interpolation or fill_mode, a size that is not two positive ints,
            or both aspect-ratio options.
    """
    check.shape_of("resize", "images", images)
    size = check.size_pair("resize", "size", size)
    interpolation = check.choice("resize", "interpolation", interpolation, common.RESIZE_METHODS)
    antialias = check.flag("resize", "antialias", antialias)
    crop = check.flag("resize", "crop_to_aspect_ratio", crop_to_aspect_ratio)
    pad = check.flag("resize", "pad_to_aspect_ratio", pad_to_aspect_ratio)
    if crop and pad:
        raise ArgumentError("image.resize: crop_to_aspect_ratio and pad_to_aspect_ratio exclude each other; pick one")
    fill_mode = check.choice("resize", "fill_mode", fill_mode, ("constant",))
    fill_value = check.number("resize", "fill_value", fill_value)
    return B.image_resize(images, size, interpolation, antialias, crop, pad, fill_mode, fill_value)


def affine_transform(
    images: Any, transform: Any, interpolation: str = "bilinear", fill_mode: str = "constant", fill_value: float = 0.0
) -> Tensor:
    """``(..., H, W, C)`` resampled through ``transform``; same shape.

    A transform row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (shape ``(8,)``, or ``(N, 8)``
    one per image) maps output pixel ``(x, y)`` to the input point
    ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``, ``k = c0 x + c1 y + 1``
    (the inverse of the motion, as TF's). ``interpolation``: ``"bilinear"`` or
    ``"nearest"``; ``fill_mode`` for points outside: ``"constant"`` (``fill_value``),
    ``"nearest"``, ``"wrap"``, ``"reflect"`` (TF's meanings). Gradients reach the images.
    Integer images keep their dtype, the interpolated values truncated (as TF's kernel does).

    Raises:
        ShapeError: the images' rank is not 3 or 4, or the transform's shape is not (8,) / (N, 8).
        ArgumentError: an unknown interpolation or fill_mode.
    """
    shape = check.shape_of("affine_transform", "images", images)
    check.transform_rows("affine_transform", transform, shape[0] if len(shape) == 4 else 1)
    interpolation = check.choice("affine_transform", "interpolation", interpolation, tuple(common.SAMPLE_ORDER))
    fill_mode = check.choice("affine_transform", "fill_mode", fill_mode, common.AFFINE_FILL_MODES)
    fill_value = check.number("affine_transform", "fill_value", fill_value)
    return B.image_affine_transform(images, transform, interpolation, fill_mode, fill_value)


def map_coordinates(
    inputs: Any, coordinates: Any, order: int, fill_mode: str = "constant", fill_value: float = 0.0
) -> Tensor:
    """``inputs`` of rank r sampled at ``coordinates`` of shape ``(r, *out)`` (or r arrays): shape ``out``.

    ``order`` 0 is nearest, 1 is linear. ``fill_mode`` follows SciPy's
    ``scipy.ndimage.map_coordinates`` for ``"nearest"``, ``"mirror"`` and ``"reflect"``;
    ``"wrap"`` is SciPy's ``"grid-wrap"`` and ``"constant"`` its ``"grid-constant"``
    (each corner outside the input reads ``fill_value``), as in JAX. Keras-on-TF agrees for
    ``"constant"``, ``"nearest"`` and ``"wrap"``; its ``"reflect"`` differs from SciPy's and its
    ``"mirror"`` indexes outside the input. Integer inputs keep their dtype, values rounded.

    Raises:
        ShapeError: coordinates' leading size is not the rank of ``inputs``.
        ArgumentError: order is not 0 or 1, or an unknown fill_mode.
    """
    check.coordinate_rows(inputs, coordinates)
    order = check.order("map_coordinates", order)
    fill_mode = check.choice("map_coordinates", "fill_mode", fill_mode, common.MAP_FILL_MODES)
    fill_value = check.number("map_coordinates", "fill_value", fill_value)
    return B.image_map_coordinates(inputs, coordinates, order, fill_mode, fill_value)


def crop_images(
    images: Any,
    top_cropping: int | None = None,
    left_cropping: int | None = None,
    bottom_cropping: int | None = None,
    right_cropping: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
) -> Tensor:
    """``(..., H, W, C)`` cropped to ``(..., target_height, target_width, C)``.

    Give two of ``top_cropping``, ``bottom_cropping``, ``target_height`` and two of
    ``left_cropping``, ``right_cropping``, ``target_width``; the third is inferred.

    Raises:
        ShapeError: the rank is not 3 or 4.
        ArgumentError: not exactly two of three per axis, a negative amount, or a box that does not fit.
    """
    check.shape_of("crop_images", "images", images)
    check.two_of_three(
        "crop_images",
        ("top_cropping", "bottom_cropping", "target_height"),
        (top_cropping, bottom_cropping, target_height),
    )
    check.two_of_three(
        "crop_images",
        ("left_cropping", "right_cropping", "target_width"),
        (left_cropping, right_cropping, target_width),
    )
    return B.image_crop_images(
        images, top_cropping, left_cropping, bottom_cropping, right_cropping, target_height, target_width
    )


def pad_images(
    images: Any,
    top_padding: int | None = None,
    left_padding: int | None = None,
    bottom_padding: int | None = None,
    right_padding: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
) -> Tensor:
    """``(..., H, W, C)`` zero-padded to ``(..., target_height, target_width, C)``.

    Give two of ``top_padding``, ``bottom_padding``, ``target_height`` and two of
    ``left_padding``, ``right_padding``, ``target_width``; the third is inferred.

    Raises:
        ShapeError: the rank is not 3 or 4.
        ArgumentError: not exactly two of three per axis, a negative amount, or a target smaller than the image.
    """
    check.shape_of("pad_images", "images", images)
    check.two_of_three(
        "pad_images", ("top_padding", "bottom_padding", "target_height"), (top_padding, bottom_padding, target_height)
    )
    check.two_of_three(
        "pad_images", ("left_padding", "right_padding", "target_width"), (left_padding, right_padding, target_width)
    )
    return B.image_pad_images(
        images, top_padding, left_padding, bottom_padding, right_padding, target_height, target_width
    )


def extract_patches(
    images: Any,
    size: IntOrTuple,
    strides: IntOrTuple | None = None,
    dilation_rate: IntOrTuple = 1,
    padding: str = "valid",
) -> Tensor:
    """``(..., H, W, C)`` as ``(..., H', W', kh * kw * C)`` patches, features in ``(kh, kw, C)`` order.

    ``strides`` default to ``size`` (non-overlapping patches); ``padding`` is ``"valid"``
    or ``"same"`` (zeros, TF's split). A 3-tuple ``size`` extracts 3-D patches from
    volumes, as :func:`extract_patches_3d`. Unlike TF, strides and dilation combine.

    Raises:
        ShapeError: the rank does not match the size, or a patch does not fit with ``"valid"``.
        ArgumentError: a size, stride or dilation that is not positive ints, or an unknown padding.
    """
    sizes, step, dilation, padding = check.patch_args(
        "extract_patches", images, size, strides, dilation_rate, padding, None
    )
    return B.image_extract_patches(images, sizes, step, dilation, padding)


def extract_patches_3d(
    volumes: Any,
    size: IntOrTuple,
    strides: IntOrTuple | None = None,
    dilation_rate: IntOrTuple = 1,
    padding: str = "valid",
) -> Tensor:
    """``(..., D, H, W, C)`` as ``(..., D', H', W', kd * kh * kw * C)`` patches, features in ``(kd, kh, kw, C)`` order.

    Raises:
        ShapeError: the rank is not 4 or 5, or a patch does not fit with ``"valid"``.
        ArgumentError: a size, stride or dilation that is not positive ints, or an unknown padding.
    """
    sizes, step, dilation, padding = check.patch_args(
        "extract_patches_3d", volumes, size, strides, dilation_rate, padding, 3
    )
    return B.image_extract_patches_3d(volumes, sizes, step, dilation, padding)


def gaussian_blur(images: Any, kernel_size: Any = (3, 3), sigma: Any = (1.0, 1.0)) -> Tensor:
    """``(..., H, W, C)`` blurred per channel by a normalised Gaussian, zero ``"same"`` padding; same shape.

    ``kernel_size`` and ``sigma`` are (height, width) pairs (a single number serves both),
    as Keras documents them (Keras's own kernel pairs them crosswise when they differ).
    Integer images come back float32.

    Raises:
        ShapeError: the rank is not 3 or 4.
        ArgumentError: kernel_size is not positive ints, or sigma not positive numbers.
    """
    check.shape_of("gaussian_blur", "images", images)
    return B.image_gaussian_blur(
        images,
        check.size_pair("gaussian_blur", "kernel_size", kernel_size),
        check.numbers_pair("gaussian_blur", "sigma", sigma),
    )


def elastic_transform(
    images: Any,
    alpha: float = 20.0,
    sigma: float = 5.0,
    interpolation: str = "bilinear",
    fill_mode: str = "reflect",
    fill_value: float = 0.0,
    seed: int | None = None,
) -> Tensor:
    """``(..., H, W, C)`` resampled along a random displacement field; same shape.

    The field is standard normal noise times ``sigma``, blurred by a Gaussian of
    ``sigma`` (``6 * int(sigma) | 1`` taps) and scaled by ``alpha`` (0: the identity).
    ``seed`` makes the draw deterministic (the framework's stream: it differs between
    backends); None uses the generator ``dn.seed`` seeds. Unlike Keras, the row and
    column displacements are independent draws.

    Raises:
        ShapeError: the rank is not 3 or 4.
        ArgumentError: a negative alpha, a non-positive sigma, an unknown interpolation or fill_mode.
    """
    check.shape_of("elastic_transform", "images", images)
    return B.image_elastic_transform(
        images,
        check.number("elastic_transform", "alpha", alpha, non_negative=True),
        check.number("elastic_transform", "sigma", sigma, positive=True),
        check.choice("elastic_transform", "interpolation", interpolation, tuple(common.SAMPLE_ORDER)),
        check.choice("elastic_transform", "fill_mode", fill_mode, common.AFFINE_FILL_MODES),
        check.number("elastic_transform", "fill_value", fill_value),
        check.seed("elastic_transform", seed),
    )


def perspective_transform(
    images: Any, start_points: Any, end_points: Any, interpolation: str = "bilinear", fill_value: float = 0.0
) -> Tensor:
    """``(..., H, W, C)`` warped so that the corners ``start_points`` move to ``end_points``; same shape.

    Points are ``(4, 2)`` or ``(N, 4, 2)`` ``(x, y)`` pixel positions; outside points read ``fill_value``.

    Raises:
        ShapeError: the rank is not 3 or 4, or the points are not (4, 2) / (N, 4, 2) of one shape.
        ArgumentError: an unknown interpolation.
    """
    check.shape_of("perspective_transform", "images", images)
    if check.points("perspective_transform", "start_points", start_points) != check.points(
        "perspective_transform", "end_points", end_points
    ):
        raise ShapeError("image.perspective_transform: start_points and end_points must have the same shape")
    interpolation = check.choice("perspective_transform", "interpolation", interpolation, tuple(common.SAMPLE_ORDER))
    fill_value = check.number("perspective_transform", "fill_value", fill_value)
    return B.image_perspective_transform(images, start_points, end_points, interpolation, fill_value)


def scale_and_translate(
    images: Any,
    output_shape: Sequence[int],
    scale: Any,
    translation: Any,
    spatial_dims: Sequence[int],
    method: str,
    antialias: bool = True,
) -> Tensor:
    """``images`` resampled along ``spatial_dims`` to ``output_shape`` (the full output shape), as JAX's.

    Output index ``j`` along a spatial dim samples input position ``(j + 0.5 - t) / s - 0.5``
    (``s``, ``t``: that dim's ``scale`` and ``translation``, concrete numbers); ``method`` is
    ``"linear"``, ``"cubic"`` (also ``"bilinear"``, ``"trilinear"``, ``"bicubic"``, ``"tricubic"``),
    ``"lanczos3"`` or ``"lanczos5"``. Integer images are rounded and clipped to their range.

    Raises:
        ArgumentError: an unknown method, mismatched lengths, or a non-positive scale.
        ShapeError: output_shape's length is not the images' rank.
    """
    out, dims, scales = check.scale_geometry(images, output_shape, spatial_dims, scale)
    method = check.choice("scale_and_translate", "method", method, common.SCALE_METHODS)
    return B.image_scale_and_translate(
        images,
        out,
        scales,
        check.floats("translation", translation, len(dims)),
        dims,
        method,
        check.flag("scale_and_translate", "antialias", antialias),
    )


def sobel_edges(images: Any) -> Tensor:
    """``(..., H, W, C)`` as ``(..., H, W, C, 2)``: vertical then horizontal 3x3 Sobel responses, reflect padding.

    Raises:
        ShapeError: the rank is not 3 or 4.
    """
    check.shape_of("sobel_edges", "images", images)
    return B.image_sobel_edges(images)


def ssim(
    image1: Any,
    image2: Any,
    max_val: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
) -> Tensor:
    """Structural similarity of ``(N, H, W, C)`` pairs: ``(N,)``, a scalar for ``(H, W, C)`` (Keras's formula).

    Local statistics use a ``filter_size`` Gaussian of ``filter_sigma``, valid padding;
    the map is averaged over space and channels. Integer images are compared in float32
    and the result stays float (Keras casts it back to the input dtype).

    Raises:
        ShapeError: ranks other than 3 or 4, different shapes, or images smaller than the filter.
        ArgumentError: a non-positive max_val, filter_size or filter_sigma.
    """
    size = check.ssim_filter(image1, image2, filter_size)
    return B.image_ssim(
        image1,
        image2,
        check.number("ssim", "max_val", max_val, positive=True),
        size,
        check.number("ssim", "filter_sigma", filter_sigma, positive=True),
        check.number("ssim", "k1", k1),
        check.number("ssim", "k2", k2),
    )
