"""image ops on torch, channels-last; the arithmetic of sizes and filter taps is in ``backend/image_common.py``.

Resampling applies ``image_common``'s weight matrices (TensorFlow's kernels and
half-pixel centres, not torch's ``interpolate``: its bicubic uses a = -0.75 and
its antialias another filter), so results match the TensorFlow backend; plain
bilinear, where the two agree, runs in ``interpolate``.
Projective sampling is TensorFlow's ``ImageProjectiveTransformV3`` written out
in differentiable ops, so gradients reach the images exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from dualnet.backend import image_common as common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor, target_device


def _batch(images: ArrayLike, rank: int = 4) -> tuple[torch.Tensor, bool]:
    x = convert_to_tensor(images)
    return (x.unsqueeze(0), True) if x.ndim == rank - 1 else (x, False)


def _unbatch(x: torch.Tensor, squeeze: bool) -> torch.Tensor:
    return x.squeeze(0) if squeeze else x


def _floating(x: torch.Tensor) -> torch.Tensor:
    return x if x.is_floating_point() else x.to(torch.float32)


def _constant(array: np.ndarray, like: torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(array, dtype=like.dtype, device=like.device)


def _resample(x: torch.Tensor, weights: np.ndarray, axis: int) -> torch.Tensor:
    return torch.movedim(torch.tensordot(x, _constant(weights, x), dims=([axis], [0])), -1, axis)


def _restore(value: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return value.to(dtype) if dtype.is_floating_point else torch.round(value).to(dtype)


# ---------------------------------------------------------------- colour


def image_rgb_to_grayscale(images: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(images)
    if x.shape[-1] == 1:
        return x.clone()
    y = _floating(x)
    return (y @ torch.tensor(common.GRAY_WEIGHTS, dtype=y.dtype, device=y.device)).unsqueeze(-1).to(x.dtype)


def image_rgb_to_hsv(images: ArrayLike) -> torch.Tensor:
    x = convert_to_tensor(images)
    x = torch.where(torch.abs(x) < torch.finfo(x.dtype).eps, 0.0, x)
    r, g, b = x.unbind(-1)
    value = torch.maximum(torch.maximum(r, g), b)
    spread = value - torch.minimum(torch.minimum(r, g), b)
    saturation = torch.where(value > 0, spread / torch.where(value > 0, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * torch.where(spread > 0, spread, 1.0))
    hue = torch.where(value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = torch.where(value == r, norm * (g - b), hue)
    hue = torch.where(spread > 0, hue, 0.0) + (hue < 0.0).to(hue.dtype)
    return torch.stack([hue, saturation, value], dim=-1)


def image_hsv_to_rgb(images: ArrayLike) -> torch.Tensor:
    hue, saturation, value = convert_to_tensor(images).unbind(-1)
    dh = torch.remainder(hue, 1.0) * 6.0
    planes = (
        torch.clip(torch.abs(dh - 3.0) - 1.0, 0.0, 1.0),
        torch.clip(2.0 - torch.abs(dh - 2.0), 0.0, 1.0),
        torch.clip(2.0 - torch.abs(dh - 4.0), 0.0, 1.0),
    )
    return torch.stack([value * (1.0 - saturation + saturation * p) for p in planes], dim=-1)


# ---------------------------------------------------------------- resizing


def image_resize(
    images: ArrayLike,
    size: tuple[int, int],
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> torch.Tensor:
    x, squeeze = _batch(images)
    if crop_to_aspect_ratio:
        top, left, height, width = common.aspect_crop(x.shape[1], x.shape[2], size)
        x = x[:, top : top + height, left : left + width]
    elif pad_to_aspect_ratio:
        rows, cols = common.aspect_pad(x.shape[1], x.shape[2], size)
        x = F.pad(x, (0, 0, cols, cols, rows, rows), value=fill_value)
    if interpolation != "nearest":
        x = _floating(x)
    if interpolation == "bilinear" and not antialias:  # the same weights, in torch's kernel
        resized = F.interpolate(x.permute(0, 3, 1, 2), size=size, mode="bilinear", align_corners=False)
        return _unbatch(resized.permute(0, 2, 3, 1), squeeze)
    for axis, out in ((1, size[0]), (2, size[1])):
        if interpolation == "nearest":
            x = torch.index_select(
                x, axis, torch.as_tensor(common.nearest_indices(x.shape[axis], out), device=x.device)
            )
        else:
            x = _resample(x, common.resize_weights(x.shape[axis], out, interpolation, antialias), axis)
    return _unbatch(x, squeeze)


def image_scale_and_translate(
    images: ArrayLike,
    output_shape: Sequence[int],
    scale: Sequence[float],
    translation: Sequence[float],
    spatial_dims: Sequence[int],
    method: str,
    antialias: bool = True,
) -> torch.Tensor:
    x = convert_to_tensor(images)
    out = _floating(x)
    kernel = common.kernel_name(method)
    for i, axis in enumerate(spatial_dims):
        axis %= x.ndim
        weights = common.scale_weights(x.shape[axis], output_shape[axis], scale[i], translation[i], kernel, antialias)
        out = _resample(out, weights, axis)
    if x.is_floating_point():
        return out
    return torch.clip(torch.round(out), x.min(), x.max()).to(x.dtype)


# ---------------------------------------------------------------- projective sampling (TF's ImageProjectiveTransformV3)


def _fill_coordinate(c: torch.Tensor, size: int, mode: str) -> torch.Tensor:
    """TensorFlow's ``MapCoordinate``: a source coordinate brought inside ``[0, size - 1]`` as ``mode`` says."""
    if mode == "constant":
        return c
    if mode == "nearest" or size <= 1:
        return c.clamp(0, size - 1) if size > 1 else torch.zeros_like(c)
    if mode == "reflect":
        sz2 = 2 * size
        low = torch.where(c < -sz2, sz2 * torch.trunc(-c / sz2) + c, c)
        low = torch.where(low < -size, low + sz2, -low - 1)
        high = c - sz2 * torch.trunc(c / sz2)
        high = torch.where(high >= size, sz2 - high - 1, high)
    else:  # wrap
        low = c + size * (torch.trunc(-c / (size - 1)) + 1)
        high = c - size * torch.trunc(c / (size - 1))
    return torch.where(c < 0, low, torch.where(c > size - 1, high, c)).clamp(0, size - 1)


def _read(x: torch.Tensor, y: torch.Tensor, col: torch.Tensor, fill: float) -> torch.Tensor:
    """``x[n, y, col]`` per output pixel (float indices of integer value), ``fill`` outside the image."""
    n, height, width, channels = x.shape
    valid = (y >= 0) & (y < height) & (col >= 0) & (col < width)
    flat = (torch.arange(n, device=x.device).view(n, 1, 1) * height + y.clamp(0, height - 1).long()) * width
    gathered = x.reshape(n * height * width, channels)[flat + col.clamp(0, width - 1).long()]
    return torch.where(valid.unsqueeze(-1), gathered, fill)


def _project(
    x: torch.Tensor, transforms: torch.Tensor, interpolation: str, fill_mode: str, fill: float
) -> torch.Tensor:
    """``x`` (N, H, W, C) sampled at ``transforms`` (N or 1, 8) of each output pixel; same shape."""
    source = _floating(x)
    n, height, width, _ = x.shape
    t = transforms.to(source.dtype).reshape(-1, 8, 1, 1).expand(n, 8, 1, 1)
    rows, cols = torch.meshgrid(
        torch.arange(height, dtype=source.dtype, device=x.device),
        torch.arange(width, dtype=source.dtype, device=x.device),
        indexing="ij",
    )
    k = t[:, 6] * cols + t[:, 7] * rows + 1
    degenerate = k == 0
    k = torch.where(degenerate, 1.0, k)
    src_x = _fill_coordinate((t[:, 0] * cols + t[:, 1] * rows + t[:, 2]) / k, width, fill_mode)
    src_y = _fill_coordinate((t[:, 3] * cols + t[:, 4] * rows + t[:, 5]) / k, height, fill_mode)
    if interpolation == "nearest":
        # std::round: halves away from zero (torch.round rounds them to even)
        value = _read(
            source,
            torch.sign(src_y) * torch.floor(torch.abs(src_y) + 0.5),
            torch.sign(src_x) * torch.floor(torch.abs(src_x) + 0.5),
            fill,
        )
    else:
        y0, x0 = torch.floor(src_y), torch.floor(src_x)
        wy, wx = (src_y - y0).unsqueeze(-1), (src_x - x0).unsqueeze(-1)
        top = (1 - wx) * _read(source, y0, x0, fill) + wx * _read(source, y0, x0 + 1, fill)
        bottom = (1 - wx) * _read(source, y0 + 1, x0, fill) + wx * _read(source, y0 + 1, x0 + 1, fill)
        value = (1 - wy) * top + wy * bottom
    # integer images truncate, as the C++ kernel's static_cast does
    return torch.where(degenerate.unsqueeze(-1), fill, value).to(x.dtype)


def image_affine_transform(
    images: ArrayLike,
    transform: ArrayLike,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> torch.Tensor:
    x, squeeze = _batch(images)
    t = convert_to_tensor(transform)
    return _unbatch(_project(x, t.reshape(-1, 8), interpolation, fill_mode, fill_value), squeeze)


def _homography(start: torch.Tensor, end: torch.Tensor) -> torch.Tensor:
    """``(B, 8)``: the projective map taking each output point ``end`` to its source ``start`` (both ``(B, 4, 2)``)."""
    sx, sy, ex, ey = start[..., 0], start[..., 1], end[..., 0], end[..., 1]
    one, zero = torch.ones_like(ex), torch.zeros_like(ex)
    rows_x = torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], dim=-1)
    rows_y = torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], dim=-1)
    system = torch.stack([rows_x, rows_y], dim=2).reshape(-1, 8, 8)
    return torch.linalg.solve(system, torch.stack([sx, sy], dim=2).reshape(-1, 8, 1))[..., 0]


def image_perspective_transform(
    images: ArrayLike,
    start_points: ArrayLike,
    end_points: ArrayLike,
    interpolation: str = "bilinear",
    fill_value: float = 0.0,
) -> torch.Tensor:
    x, squeeze = _batch(images)
    start = convert_to_tensor(start_points, "float64").reshape(-1, 4, 2)
    end = convert_to_tensor(end_points, "float64").reshape(-1, 4, 2)
    return _unbatch(_project(x, _homography(start, end), interpolation, "constant", fill_value), squeeze)


# ---------------------------------------------------------------- map_coordinates (SciPy's modes)


def _fix_index(index: torch.Tensor, size: int, mode: str) -> torch.Tensor:
    if mode == "wrap":
        return torch.remainder(index, size)
    if mode in ("mirror", "reflect") and size > 1:
        if mode == "reflect":  # reflect of size n is mirror of the half-steps on 2n + 1
            return torch.div(_fix_index(2 * index + 1, 2 * size + 1, "mirror") - 1, 2, rounding_mode="floor")
        s = size - 1
        return torch.abs(torch.remainder(index + s, 2 * s) - s)
    return index.clamp(0, size - 1)


def _nodes(c: torch.Tensor, order: int, dtype: torch.dtype) -> list[tuple[torch.Tensor, torch.Tensor | float]]:
    if not c.is_floating_point():
        return [(c.long(), 1.0)]
    if order == 0:
        return [(torch.round(c).long(), 1.0)]
    low = torch.floor(c)
    upper = (c - low).to(dtype)
    return [(low.long(), 1 - upper), (low.long() + 1, upper)]


def _map(x: torch.Tensor, coordinates: Sequence[torch.Tensor], order: int, mode: str, fill: float) -> torch.Tensor:
    dtype = x.dtype if x.is_floating_point() else torch.float32
    axes = [_nodes(c, order, dtype) for c in coordinates]
    total: Any = 0.0
    for taps in itertools.product(*axes):
        indices = [_fix_index(index, size, mode) for (index, _), size in zip(taps, x.shape, strict=True)]
        gathered = x[tuple(indices)].to(dtype)
        if mode == "constant":
            inside = [(index >= 0) & (index < size) for (index, _), size in zip(taps, x.shape, strict=True)]
            gathered = torch.where(torch.stack(inside).all(0), gathered, fill)
        weight: Any = 1.0
        for _, w in taps:
            weight = weight * w
        total = total + weight * gathered
    return _restore(torch.as_tensor(total, dtype=dtype, device=x.device), x.dtype)


def image_map_coordinates(
    inputs: ArrayLike, coordinates: ArrayLike, order: int, fill_mode: str = "constant", fill_value: float = 0.0
) -> torch.Tensor:
    x = convert_to_tensor(inputs)
    coords = [convert_to_tensor(c) for c in coordinates] if isinstance(coordinates, list | tuple) else None
    coords = coords or list(convert_to_tensor(coordinates).unbind(0))
    return _map(x, coords, order, fill_mode, fill_value)


def image_elastic_transform(
    images: ArrayLike,
    alpha: float = 20.0,
    sigma: float = 5.0,
    interpolation: str = "bilinear",
    fill_mode: str = "reflect",
    fill_value: float = 0.0,
    seed: int | None = None,
) -> torch.Tensor:
    x, squeeze = _batch(images)
    dtype = _floating(x).dtype
    n, height, width, channels = x.shape
    device = target_device()
    generator = None if seed is None else torch.Generator(device=device).manual_seed(seed)
    noise = torch.randn((2 * n, height, width, 1), generator=generator, dtype=dtype, device=device) * sigma
    size = common.elastic_kernel_size(sigma)
    dy, dx = image_gaussian_blur(noise, (size, size), (sigma, sigma)).reshape(2, n, height, width, 1)
    shape = (n, height, width, channels)
    grid = [torch.arange(s, device=device).view(*(s if i == a else 1 for i in range(4))) for a, s in enumerate(shape)]
    coords = [
        grid[0].expand(shape),
        (grid[1].to(dtype) + alpha * dy).expand(shape),
        (grid[2].to(dtype) + alpha * dx).expand(shape),
        grid[3].expand(shape),
    ]
    return _unbatch(_map(x, coords, common.SAMPLE_ORDER[interpolation], fill_mode, fill_value), squeeze)


# ---------------------------------------------------------------- cropping, padding, patches


def image_crop_images(
    images: ArrayLike,
    top_cropping: int | None = None,
    left_cropping: int | None = None,
    bottom_cropping: int | None = None,
    right_cropping: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
) -> torch.Tensor:
    x = convert_to_tensor(images)
    top, _, height = common.box(x.shape[-3], top_cropping, bottom_cropping, target_height, "crop_images", pad=False)
    left, _, width = common.box(x.shape[-2], left_cropping, right_cropping, target_width, "crop_images", pad=False)
    return x[..., top : top + height, left : left + width, :]


def image_pad_images(
    images: ArrayLike,
    top_padding: int | None = None,
    left_padding: int | None = None,
    bottom_padding: int | None = None,
    right_padding: int | None = None,
    target_height: int | None = None,
    target_width: int | None = None,
) -> torch.Tensor:
    x = convert_to_tensor(images)
    top, bottom, _ = common.box(x.shape[-3], top_padding, bottom_padding, target_height, "pad_images", pad=True)
    left, right, _ = common.box(x.shape[-2], left_padding, right_padding, target_width, "pad_images", pad=True)
    return F.pad(x, (0, 0, left, right, top, bottom))


def _patches(
    x: torch.Tensor, size: Sequence[int], strides: Sequence[int], dilation: Sequence[int], padding: str
) -> Any:
    spatial = x.shape[1:-1]
    if padding == "same":
        pads = [common.same_padding(*args) for args in zip(spatial, size, strides, dilation, strict=True)]
        x = F.pad(x, [0, 0, *(p for pair in reversed(pads) for p in pair)])
    outs = [(s - (k - 1) * d - 1) // st + 1 for s, k, st, d in zip(x.shape[1:-1], size, strides, dilation, strict=True)]
    pieces = []
    for offset in common.patch_offsets(size):
        window = (slice(o * d, o * d + (m - 1) * st + 1, st) for o, d, m, st in zip(offset, dilation, outs, strides))
        pieces.append(x[(slice(None), *window, slice(None))])
    return torch.cat(pieces, dim=-1)


def image_extract_patches(
    images: ArrayLike,
    size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    dilation_rate: int | Sequence[int] = 1,
    padding: str = "valid",
) -> torch.Tensor:
    x, squeeze = _batch(images, 2 + len(size) if isinstance(size, Sequence) else 4)
    return _unbatch(_patches(x, *common.patch_geometry(size, strides, dilation_rate), padding), squeeze)


def image_extract_patches_3d(
    volumes: ArrayLike,
    size: int | Sequence[int],
    strides: int | Sequence[int] | None = None,
    dilation_rate: int | Sequence[int] = 1,
    padding: str = "valid",
) -> torch.Tensor:
    x, squeeze = _batch(volumes, 5)
    return _unbatch(_patches(x, *common.patch_geometry(size, strides, dilation_rate, 3), padding), squeeze)


# ---------------------------------------------------------------- filters


def _depthwise(x: torch.Tensor, taps: np.ndarray, padding: tuple[int, int, int, int], mode: str) -> torch.Tensor:
    """``x`` (N, H, W, C) correlated per channel with each of ``taps`` (kh, kw, K): ``(N, H', W', C, K)``."""
    n, _, _, channels = x.shape
    weight = _constant(taps, x).permute(2, 0, 1).unsqueeze(1).repeat(channels, 1, 1, 1)
    y = F.conv2d(F.pad(x.permute(0, 3, 1, 2), padding, mode=mode), weight, groups=channels)
    return y.reshape(n, channels, taps.shape[-1], *y.shape[2:]).permute(0, 3, 4, 1, 2)


def image_gaussian_blur(
    images: ArrayLike, kernel_size: tuple[int, int] = (3, 3), sigma: tuple[float, float] = (1.0, 1.0)
) -> torch.Tensor:
    x, squeeze = _batch(images)
    rows = common.same_padding(x.shape[1], kernel_size[0], 1, 1)
    cols = common.same_padding(x.shape[2], kernel_size[1], 1, 1)
    taps = common.gaussian_2d(kernel_size, sigma)[..., None]
    return _unbatch(_depthwise(_floating(x), taps, (*cols, *rows), "constant")[..., 0], squeeze)


def image_sobel_edges(images: ArrayLike) -> torch.Tensor:
    x, squeeze = _batch(images)
    return _unbatch(_depthwise(_floating(x), common.sobel_kernels(), (1, 1, 1, 1), "reflect"), squeeze)


def image_ssim(
    image1: ArrayLike,
    image2: ArrayLike,
    max_val: float = 1.0,
    filter_size: int = 11,
    filter_sigma: float = 1.5,
    k1: float = 0.01,
    k2: float = 0.03,
) -> torch.Tensor:
    a, squeeze = _batch(image1)
    a = _floating(a)
    b = convert_to_tensor(image2).reshape(a.shape).to(a.dtype)
    taps = common.gaussian_2d((filter_size, filter_size), (filter_sigma, filter_sigma))[..., None]

    def blur(z: torch.Tensor) -> torch.Tensor:
        return _depthwise(z, taps, (0, 0, 0, 0), "constant")

    mu1, mu2 = blur(a), blur(b)
    var1, var2, cov = blur(a * a) - mu1 * mu1, blur(b * b) - mu2 * mu2, blur(a * b) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = (2 * mu1 * mu2 + c1) * (2 * cov + c2) / ((mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2))
    return _unbatch(ssim_map.mean(dim=(1, 2, 3, 4)), squeeze)
