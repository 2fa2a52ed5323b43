"""image ops on tensorflow, channels-last; the arithmetic of sizes and filter taps is in ``backend/image_common.py``.

Resampling applies ``image_common``'s weight matrices rather than
``tf.image.resize``, which computes in float32 whatever the input: float64
stays float64 here, and the torch backend applies the same matrices. Plain
bilinear below float64 runs in ``tf.image.resize`` (the same weights).
Projective sampling is ``ImageProjectiveTransformV3``'s arithmetic written out
in differentiable ops: the raw op's registered gradient warps the output
gradient by the inverse transform, which is not the exact gradient.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import tensorflow as tf

from dualnet.backend import image_common as common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor, placed

_F = TypeVar("_F", bound=Callable[..., Any])


def _placed(fn: _F) -> _F:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with placed():
            return fn(*args, **kwargs)

    # The Python branches here test static values only: nothing for autograph to convert, and converting is slow.
    return tf.autograph.experimental.do_not_convert(run)  # type: ignore[no-any-return]


def _batch(images: ArrayLike, rank: int = 4) -> tuple[tf.Tensor, bool]:
    x = convert_to_tensor(images)
    return (x[None], True) if x.shape.rank == rank - 1 else (x, False)


def _unbatch(x: tf.Tensor, squeeze: bool) -> tf.Tensor:
    return x[0] if squeeze else x


def _floating(x: tf.Tensor) -> tf.Tensor:
    return x if x.dtype.is_floating else tf.cast(x, tf.float32)


def _resample(x: tf.Tensor, weights: np.ndarray, axis: int) -> tf.Tensor:
    y = tf.tensordot(x, tf.constant(weights, dtype=x.dtype), [[axis], [0]])
    rank = x.shape.rank
    return tf.transpose(y, [*range(axis), rank - 1, *range(axis, rank - 1)])


def _restore(value: tf.Tensor, dtype: tf.DType) -> tf.Tensor:
    return tf.cast(value if dtype.is_floating else tf.round(value), dtype)


def _trunc(v: tf.Tensor) -> tf.Tensor:
    return tf.sign(v) * tf.floor(tf.abs(v))


# ---------------------------------------------------------------- colour


@_placed
def image_rgb_to_grayscale(images: ArrayLike) -> tf.Tensor:
    x = convert_to_tensor(images)
    if x.shape[-1] == 1:
        return tf.identity(x)
    y = _floating(x)
    weights = tf.constant(common.GRAY_WEIGHTS, dtype=y.dtype)
    return tf.cast(tf.tensordot(y, weights, [[-1], [0]])[..., None], x.dtype)


@_placed
def image_rgb_to_hsv(images: ArrayLike) -> tf.Tensor:
    return tf.image.rgb_to_hsv(convert_to_tensor(images))


@_placed
def image_hsv_to_rgb(images: ArrayLike) -> tf.Tensor:
    return tf.image.hsv_to_rgb(convert_to_tensor(images))


# ---------------------------------------------------------------- resizing


@_placed
def image_resize(
    images: ArrayLike,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> tf.Tensor:
    x, squeeze = _batch(images)
    if crop_to_aspect_ratio:
        top, left, height, width = common.aspect_crop(x.shape[1], x.shape[2], size)
        x = x[:, top : top + height, left : left + width]
    elif pad_to_aspect_ratio:
        rows, cols = common.aspect_pad(x.shape[1], x.shape[2], size)
        x = tf.pad(x, [[0, 0], [rows, rows], [cols, cols], [0, 0]], constant_values=tf.cast(fill_value, x.dtype))
    if interpolation != "nearest":
        x = _floating(x)
    if interpolation == "bilinear" and not antialias and x.dtype != tf.float64:  # TF's kernel computes in float32
        return _unbatch(tf.cast(tf.image.resize(x, size, "bilinear"), x.dtype), squeeze)
    for axis, out in ((1, size[0]), (2, size[1])):
        if interpolation == "nearest":
            x = tf.gather(x, common.nearest_indices(x.shape[axis], out), axis=axis)
        else:
            x = _resample(x, common.resize_weights(x.shape[axis], out, interpolation, antialias), axis)
    return _unbatch(x, squeeze)


@_placed
def image_scale_and_translate(
    images: ArrayLike,
    output_shape: Sequence[int],
    scale: Sequence[float],
    translation: Sequence[float],
    spatial_dims: Sequence[int],
    method: str,
    antialias: bool = True,
) -> tf.Tensor:
    x = convert_to_tensor(images)
    out = _floating(x)
    kernel = common.kernel_name(method)
    for i, axis in enumerate(spatial_dims):
        axis %= x.shape.rank
        weights = common.scale_weights(x.shape[axis], output_shape[axis], scale[i], translation[i], kernel, antialias)
        out = _resample(out, weights, axis)
    if x.dtype.is_floating:
        return out
    low, high = tf.cast(tf.reduce_min(x), out.dtype), tf.cast(tf.reduce_max(x), out.dtype)
    return tf.cast(tf.clip_by_value(tf.round(out), low, high), x.dtype)


# ---------------------------------------------------------------- projective sampling (ImageProjectiveTransformV3)


def _fill_coordinate(c: tf.Tensor, size: int, mode: str) -> tf.Tensor:
    """TensorFlow's ``MapCoordinate``: a source coordinate brought inside ``[0, size - 1]`` as ``mode`` says."""
    if mode == "constant":
        return c
    if mode == "nearest" or size <= 1:
        return tf.clip_by_value(c, 0.0, size - 1.0) if size > 1 else tf.zeros_like(c)
    if mode == "reflect":
        sz2 = 2.0 * size
        low = tf.where(c < -sz2, sz2 * _trunc(-c / sz2) + c, c)
        low = tf.where(low < -size, low + sz2, -low - 1)
        high = c - sz2 * _trunc(c / sz2)
        high = tf.where(high >= size, sz2 - high - 1, high)
    else:  # wrap
        low = c + size * (_trunc(-c / (size - 1)) + 1)
        high = c - size * _trunc(c / (size - 1))
    return tf.clip_by_value(tf.where(c < 0, low, tf.where(c > size - 1, high, c)), 0.0, size - 1.0)


def _read(x: tf.Tensor, y: tf.Tensor, col: tf.Tensor, fill: float) -> tf.Tensor:
    """``x[n, y, col]`` per output pixel (float indices of integer value), ``fill`` outside the image."""
    _, height, width, channels = x.shape
    n = tf.shape(x, out_type=tf.int64)[0]  # the batch may be unknown in a relaxed trace
    valid = (y >= 0) & (y < height) & (col >= 0) & (col < width)
    rows = tf.cast(tf.clip_by_value(y, 0.0, height - 1.0), tf.int64)
    cols = tf.cast(tf.clip_by_value(col, 0.0, width - 1.0), tf.int64)
    flat = (tf.range(n, dtype=tf.int64)[:, None, None] * height + rows) * width + cols
    gathered = tf.gather(tf.reshape(x, [-1, channels]), flat)
    return tf.where(valid[..., None], gathered, tf.cast(fill, x.dtype))


def _project(x: tf.Tensor, transforms: tf.Tensor, interpolation: str, fill_mode: str, fill: float) -> tf.Tensor:
    """``x`` (N, H, W, C) sampled at ``transforms`` (N or 1, 8) of each output pixel; same shape."""
    source = _floating(x)
    _, height, width, _ = x.shape
    t = tf.reshape(tf.cast(transforms, source.dtype), [-1, 8, 1, 1])  # one row broadcasts over the batch
    rows, cols = tf.meshgrid(tf.range(height, dtype=source.dtype), tf.range(width, dtype=source.dtype), indexing="ij")
    k = t[:, 6] * cols + t[:, 7] * rows + 1
    degenerate = tf.equal(k, 0)
    k = tf.where(degenerate, tf.ones_like(k), k)
    src_x = _fill_coordinate((t[:, 0] * cols + t[:, 1] * rows + t[:, 2]) / k, width, fill_mode)
    src_y = _fill_coordinate((t[:, 3] * cols + t[:, 4] * rows + t[:, 5]) / k, height, fill_mode)
    if interpolation == "nearest":
        # std::round: halves away from zero (tf.round rounds them to even)
        value = _read(
            source, tf.sign(src_y) * tf.floor(tf.abs(src_y) + 0.5), tf.sign(src_x) * tf.floor(tf.abs(src_x) + 0.5), fill
        )
    else:
        y0, x0 = tf.floor(src_y), tf.floor(src_x)
        wy, wx = (src_y - y0)[..., None], (src_x - x0)[..., None]
        top = (1 - wx) * _read(source, y0, x0, fill) + wx * _read(source, y0, x0 + 1, fill)
        bottom = (1 - wx) * _read(source, y0 + 1, x0, fill) + wx * _read(source, y0 + 1, x0 + 1, fill)
        value = (1 - wy) * top + wy * bottom
    # integer images truncate, as the C++ kernel's static_cast does
    return tf.cast(tf.where(degenerate[..., None], tf.cast(fill, value.dtype), value), x.dtype)


@_placed
def image_affine_transform(
    images: ArrayLike,
    transform: ArrayLike,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> tf.Tensor:
    x, squeeze = _batch(images)
    t = tf.reshape(convert_to_tensor(transform), [-1, 8])
    return _unbatch(_project(x, t, interpolation, fill_mode, fill_value), squeeze)


def _homography(start: tf.Tensor, end: tf.Tensor) -> tf.Tensor:
    """``(B, 8)``: the projective map taking each output point ``end`` to its source ``start`` (both ``(B, 4, 2)``)."""
    sx, sy, ex, ey = start[..., 0], start[..., 1], end[..., 0], end[..., 1]
    one, zero = tf.ones_like(ex), tf.zeros_like(ex)
    rows_x = tf.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], axis=-1)
    rows_y = tf.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], axis=-1)
    system = tf.reshape(tf.stack([rows_x, rows_y], axis=2), [-1, 8, 8])
    return tf.linalg.solve(system, tf.reshape(tf.stack([sx, sy], axis=2), [-1, 8, 1]))[..., 0]


@_placed
def image_perspective_transform(
    images: ArrayLike,
    start_points: ArrayLike,
    end_points: ArrayLike,
    interpolation: str = "bilinear",
    fill_value: float = 0.0,
) -> tf.Tensor:
    x, squeeze = _batch(images)
    start = tf.reshape(convert_to_tensor(start_points, "float64"), [-1, 4, 2])
    end = tf.reshape(convert_to_tensor(end_points, "float64"), [-1, 4, 2])
    return _unbatch(_project(x, _homography(start, end), interpolation, "constant", fill_value), squeeze)


# ---------------------------------------------------------------- map_coordinates (SciPy's modes)


def _fix_index(index: tf.Tensor, size: Any, mode: str) -> tf.Tensor:
    if mode == "wrap":
        return tf.math.floormod(index, size)
    if mode in ("mirror", "reflect") and (not isinstance(size, int) or size > 1):  # an unknown size: a batch axis
        if mode == "reflect":  # reflect of size n is mirror of the half-steps on 2n + 1
            return tf.math.floordiv(_fix_index(2 * index + 1, 2 * size + 1, "mirror") - 1, 2)
        s = size - 1 if isinstance(size, int) else tf.maximum(size - 1, 1)  # a batch of 1 holds index 0 only
        return tf.abs(tf.math.floormod(index + s, 2 * s) - s)
    return tf.clip_by_value(index, 0, size - 1)


def _nodes(c: tf.Tensor, order: int, dtype: tf.DType) -> list[tuple[tf.Tensor, Any]]:
    if not c.dtype.is_floating:
        return [(tf.cast(c, tf.int64), 1.0)]
    if order == 0:
        return [(tf.cast(tf.round(c), tf.int64), 1.0)]
    low = tf.floor(c)
    upper = tf.cast(c - low, dtype)
    return [(tf.cast(low, tf.int64), 1 - upper), (tf.cast(low, tf.int64) + 1, upper)]


def _map(x: tf.Tensor, coordinates: Sequence[tf.Tensor], order: int, mode: str, fill: float) -> tf.Tensor:
    dtype = x.dtype if x.dtype.is_floating else tf.float32
    axes = [_nodes(c, order, dtype) for c in coordinates]
    dynamic = tf.shape(x, out_type=tf.int64)
    sizes = [dynamic[i] if s is None else s for i, s in enumerate(x.shape)]
    total: Any = 0.0
    for taps in itertools.product(*axes):
        indices = [_fix_index(index, size, mode) for (index, _), size in zip(taps, sizes, strict=True)]
        gathered = tf.cast(tf.gather_nd(x, tf.stack(indices, axis=-1)), dtype)
        if mode == "constant":
            inside = [(index >= 0) & (index < size) for (index, _), size in zip(taps, sizes, strict=True)]
            gathered = tf.where(tf.reduce_all(tf.stack(inside), axis=0), gathered, tf.cast(fill, dtype))
        weight: Any = 1.0
        for _, w in taps:
            weight = weight * w
        total = total + weight * gathered
    return _restore(tf.convert_to_tensor(total, dtype=dtype), x.dtype)


@_placed
def image_map_coordinates(
    inputs: ArrayLike, coordinates: ArrayLike, order: int, fill_mode: str = "constant", fill_value: float = 0.0
) -> tf.Tensor:
    x = convert_to_tensor(inputs)
    if isinstance(coordinates, list | tuple):
        coords = [convert_to_tensor(c) for c in coordinates]
    else:
        coords = tf.unstack(convert_to_tensor(coordinates), axis=0)
    return _map(x, coords, order, fill_mode, fill_value)


@_placed
def image_elastic_transform(
    images: ArrayLike,
    alpha: float = 20.0,
    sigma: float = 5.0,
    interpolation: str = "bilinear",
    fill_mode: str = "reflect",
    fill_value: float = 0.0,
    seed: int | None = None,
) -> tf.Tensor:
    x, squeeze = _batch(images)
    dtype = _floating(x).dtype
    _, height, width, _ = x.shape
    n = tf.shape(x)[0]
    shape = tf.stack([2 * n, height, width, 1])
    if seed is None:
        noise = tf.random.normal(shape, dtype=dtype)
    else:
        noise = tf.random.stateless_normal(shape, [seed, 0], dtype=dtype)
    size = common.elastic_kernel_size(sigma)
    blurred = tf.reshape(image_gaussian_blur(noise * sigma, (size, size), (sigma, sigma)), [2, -1, height, width, 1])
    full = tf.shape(x)
    grid = [tf.reshape(tf.range(full[a], dtype=tf.int64), [-1 if i == a else 1 for i in range(4)]) for a in range(4)]
    coords = [
        tf.broadcast_to(grid[0], full),
        tf.broadcast_to(tf.cast(grid[1], dtype) + alpha * blurred[0], full),
        tf.broadcast_to(tf.cast(grid[2], dtype) + alpha * blurred[1], full),
        tf.broadcast_to(grid[3], full),
    ]
    return _unbatch(_map(x, coords, common.SAMPLE_ORDER[interpolation], fill_mode, fill_value), squeeze)


# ---------------------------------------------------------------- cropping, padding, patches


@_placed
def image_crop_images(
    images: ArrayLike,
    top_cropping: int | None = None,
    left_cropping: int | None = None,
    bottom_cropping: int | None = None,
    right_cropping: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
) -> tf.Tensor:
    x = convert_to_tensor(images)
    top, _, height = common.box(x.shape[-3], top_cropping, bottom_cropping, target_height, "crop_images", pad=False)
    left, _, width = common.box(x.shape[-2], left_cropping, right_cropping, target_width, "crop_images", pad=False)
    return x[..., top : top + height, left : left + width, :]


@_placed
def image_pad_images(
    images: ArrayLike,
    top_padding: int | None = None,
    left_padding: int | None = None,
    bottom_padding: int | None = None,
    right_padding: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
) -> tf.Tensor:
    x = convert_to_tensor(images)
    top, bottom, _ = common.box(x.shape[-3], top_padding, bottom_padding, target_height, "pad_images", pad=True)
    left, right, _ = common.box(x.shape[-2], left_padding, right_padding, target_width, "pad_images", pad=True)
    return tf.pad(x, [[0, 0]] * (x.shape.rank - 3) + [[top, bottom], [left, right], [0, 0]])


def _patches(x: tf.Tensor, size: Sequence[int], strides: Sequence[int], dilation: Sequence[int], padding: str) -> Any:
    spatial = x.shape[1:-1]
    if padding == "same":
        pads = [common.same_padding(*args) for args in zip(spatial, size, strides, dilation, strict=True)]
        x = tf.pad(x, [[0, 0], *pads, [0, 0]])
    outs = [(s - (k - 1) * d - 1) // st + 1 for s, k, st, d in zip(x.shape[1:-1], size, strides, dilation, strict=True)]
    pieces = []
    for offset in common.patch_offsets(size):
        window = (slice(o * d, o * d + (m - 1) * st + 1, st) for o, d, m, st in zip(offset, dilation, outs, strides))
        pieces.append(x[(slice(None), *window, slice(None))])
    return tf.concat(pieces, axis=-1)


@_placed
def image_extract_patches(
    images: ArrayLike,
    size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    dilation_rate: int | Sequence[int] = 1,
    padding: str = "valid",
) -> tf.Tensor:
    x, squeeze = _batch(images, 2 + len(size) if isinstance(size, Sequence) else 4)
    return _unbatch(_patches(x, *common.patch_geometry(size, strides, dilation_rate), padding), squeeze)


@_placed
def image_extract_patches_3d(
    volumes: ArrayLike,
    size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    dilation_rate: int | Sequence[int] = 1,
    padding: str = "valid",
) -> tf.Tensor:
    x, squeeze = _batch(volumes, 5)
    return _unbatch(_patches(x, *common.patch_geometry(size, strides, dilation_rate, 3), padding), squeeze)


# ---------------------------------------------------------------- filters


def _depthwise(x: tf.Tensor, taps: np.ndarray, padding: list[list[int]], mode: str) -> tf.Tensor:
    """``x`` (N, H, W, C) correlated per channel with each of ``taps`` (kh, kw, K): ``(N, H', W', C, K)``."""
    channels = x.shape[-1]
    kernel = tf.tile(tf.constant(taps[:, :, None, :], dtype=x.dtype), [1, 1, channels, 1])
    y = tf.nn.depthwise_conv2d(tf.pad(x, padding, mode=mode), kernel, [1, 1, 1, 1], "VALID")
    return tf.reshape(y, [-1, y.shape[1], y.shape[2], channels, taps.shape[-1]])


@_placed
def image_gaussian_blur(
    images: ArrayLike, kernel_size: tuple[int, int] = (3, 3), sigma: tuple[float, float] = (1.0, 1.0)
) -> tf.Tensor:
    x, squeeze = _batch(images)
    rows = common.same_padding(x.shape[1], kernel_size[0], 1, 1)
    cols = common.same_padding(x.shape[2], kernel_size[1], 1, 1)
    taps = common.gaussian_2d(kernel_size, sigma)[..., None]
    padding = [[0, 0], list(rows), list(cols), [0, 0]]
    return _unbatch(_depthwise(_floating(x), taps, padding, "CONSTANT")[..., 0], squeeze)


@_placed
def image_sobel_edges(images: ArrayLike) -> tf.Tensor:
    x, squeeze = _batch(images)
    padding = [[0, 0], [1, 1], [1, 1], [0, 0]]
    return _unbatch(_depthwise(_floating(x), common.sobel_kernels(), padding, "REFLECT"), squeeze)


@_placed
def image_ssim(
    image1: ArrayLike,
    image2: ArrayLike,
    max_val: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
) -> tf.Tensor:
    a, squeeze = _batch(image1)
    a = _floating(a)
    b = tf.cast(tf.reshape(convert_to_tensor(image2), a.shape), a.dtype)
    taps = common.gaussian_2d((filter_size, filter_size), (filter_sigma, filter_sigma))[..., None]

    def blur(z: tf.Tensor) -> tf.Tensor:
        return _depthwise(z, taps, [[0, 0]] * 4, "CONSTANT")

    mu1, mu2 = blur(a), blur(b)
    var1, var2, cov = blur(a * a) - mu1 * mu1, blur(b * b) - mu2 * mu2, blur(a * b) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = (2 * mu1 * mu2 + c1) * (2 * cov + c2) / ((mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2))
    return _unbatch(tf.reduce_mean(ssim_map, axis=[1, 2, 3, 4]), squeeze)
