"""Framework-free arithmetic of the image ops, shared by both backends.

Sizes, boxes, paddings and filter taps depend only on static shapes and Python
numbers, so they are computed here once, in NumPy float64, and both backends
apply the same arrays: resampling is one ``(in, out)`` weight matrix per
spatial axis (TensorFlow's ``ScaleAndTranslate`` kernels and half-pixel
centres), so torch and tensorflow give the same numbers for every method.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np

from dualnet.errors import ArgumentError

__all__: list[str] = []

RESIZE_METHODS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5")
SCALE_METHODS = ("linear", "bilinear", "trilinear", "cubic", "bicubic", "tricubic", "lanczos3", "lanczos5")
SAMPLE_ORDER = {"nearest": 0, "bilinear": 1}
AFFINE_FILL_MODES = ("constant", "nearest", "wrap", "reflect")
MAP_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
GRAY_WEIGHTS = (0.2989, 0.5870, 0.1140)


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 1.0 - x)


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    # Keys (1981) with a = -0.5, as TensorFlow's resize and ScaleAndTranslate use (torch's bicubic uses -0.75).
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


def _lanczos(radius: float) -> Callable[[np.ndarray], np.ndarray]:
    def kernel(x: np.ndarray) -> np.ndarray:
        safe = np.where(x > 1e-3, x, 1.0)
        y = radius * np.sin(np.pi * safe) * np.sin(np.pi * safe / radius) / (np.pi**2 * safe**2)
        return np.where(x > radius, 0.0, np.where(x > 1e-3, y, 1.0))

    return kernel


_KERNELS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": _triangle,
    "cubic": _keys_cubic,
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
}


def kernel_name(method: str) -> str:
    """A resize interpolation or scale_and_translate method as the name of its kernel."""
    if method in ("bilinear", "linear", "trilinear"):
        return "linear"
    if method in ("bicubic", "cubic", "tricubic"):
        return "cubic"
    return method


def scale_weights(
    in_size: int, out_size: int, scale: float, translation: float, kernel: str, antialias: bool
) -> np.ndarray:
    """The ``(in_size, out_size)`` matrix of ScaleAndTranslate: output ``j`` samples input ``(j + .5 - t) / s - .5``.

    Weights of each output column are renormalised over the taps inside the
    input, and columns sampling outside ``[-0.5, in_size - 0.5]`` are zero.
    """
    inv = 1.0 / scale
    spread = max(inv, 1.0) if antialias else 1.0
    sample = (np.arange(out_size) + 0.5) * inv - translation * inv - 0.5
    weights = _KERNELS[kernel](np.abs(sample[None, :] - np.arange(in_size)[:, None]) / spread)
    total = weights.sum(axis=0, keepdims=True)
    weights = np.where(np.abs(total) > 1000.0 * np.finfo(np.float32).eps, weights / np.where(total != 0, total, 1), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[None, :], weights, 0.0)


def area_weights(in_size: int, out_size: int) -> np.ndarray:
    """The ``(in_size, out_size)`` matrix of TensorFlow's area resize: each output averages the inputs it overlaps."""
    span = in_size / out_size
    low = np.arange(out_size) * span
    cells = np.arange(in_size)[:, None]
    overlap = np.minimum(cells + 1, low + span) - np.maximum(cells, low)
    weights: np.ndarray = np.clip(overlap, 0.0, None) / span
    return weights


def resize_weights(in_size: int, out_size: int, method: str, antialias: bool) -> np.ndarray:
    """The ``(in_size, out_size)`` resampling matrix of ``resize`` along one axis (any method but nearest)."""
    if method == "area":
        return area_weights(in_size, out_size)
    return scale_weights(in_size, out_size, out_size / in_size, 0.0, kernel_name(method), antialias)


def nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    """Source index per output index of half-pixel nearest resizing (TF's and torch's ``nearest-exact``)."""
    scale = np.float32(in_size) / np.float32(out_size)
    source = np.floor((np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale).astype(np.int64)
    indices: np.ndarray = np.minimum(source, in_size - 1)
    return indices


def aspect_crop(height: int, width: int, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``(top, left, crop_height, crop_width)``: the centred box of the target's aspect ratio, as Keras takes it."""
    crop_h = max(min(height, int(width * size[0] / size[1])), 1)
    crop_w = max(min(width, int(height * size[1] / size[0])), 1)
    return int((height - crop_h) / 2), int((width - crop_w) / 2), crop_h, crop_w


def aspect_pad(height: int, width: int, size: tuple[int, int]) -> tuple[int, int]:
    """``(rows, cols)`` added on each side to reach the target's aspect ratio, as Keras adds them."""
    pad_h = max(height, int(width * size[0] / size[1]))
    pad_w = max(width, int(height * size[1] / size[0]))
    return int((pad_h - height) / 2), int((pad_w - width) / 2)


def box(
    length: int, before: int | None, after: int | None, target: int | None, op: str, *, pad: bool
) -> tuple[int, int, int]:
    """``(before, after, target)`` along one side of ``length``, the one of three left None inferred.

    Raises:
        ArgumentError: the inferred amount is negative (the target does not fit).
    """
    sign = 1 if pad else -1
    if before is not None and after is not None:
        target = length + sign * (before + after)
    elif before is not None and target is not None:
        after = sign * (target - length) - before
    elif after is not None and target is not None:
        before = sign * (target - length) - after
    else:
        raise ArgumentError(f"image.{op}: give two of the three amounts of each side, got one")
    if min(before, after, target) < 0:
        raise ArgumentError(
            f"image.{op}: the amounts given leave before={before}, after={after}, target={target} on a side of "
            f"{length} pixels; each must be >= 0, so choose amounts that fit the image"
        )
    return before, after, target


def patch_geometry(
    size: int | Sequence[int],
    strides: int | Sequence[int] | None,
    dilation: int | Sequence[int],
    rank: int | None = None,
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """``(size, strides, dilation)`` of a patch as tuples of ``rank`` ints (strides default to the size)."""
    rank = rank or (2 if isinstance(size, int) else len(size))

    def spread(value: int | Sequence[int]) -> tuple[int, ...]:
        return (value,) * rank if isinstance(value, int) else tuple(int(v) for v in value)

    sizes = spread(size)
    return sizes, spread(sizes if strides is None else strides), spread(dilation)


def same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """``(before, after)`` of ``"same"`` padding, TensorFlow's split (the extra one after)."""
    span = (kernel - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def patch_offsets(size: Sequence[int]) -> list[tuple[int, ...]]:
    """The kernel offsets of a patch in row-major order: the order of ``extract_patches``' features."""
    return list(itertools.product(*(range(k) for k in size)))


def gaussian_1d(size: int, sigma: float) -> np.ndarray:
    """A normalised Gaussian of ``size`` taps centred on the middle."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    taps: np.ndarray = np.exp(-0.5 * (x / sigma) ** 2)
    normalised: np.ndarray = taps / taps.sum()
    return normalised


def gaussian_2d(kernel_size: tuple[int, int], sigma: tuple[float, float]) -> np.ndarray:
    """The ``(kh, kw)`` separable Gaussian: rows use ``kernel_size[0]``, ``sigma[0]`` (height), columns the second."""
    return np.outer(gaussian_1d(kernel_size[0], sigma[0]), gaussian_1d(kernel_size[1], sigma[1]))


def sobel_kernels() -> np.ndarray:
    """``(3, 3, 2)``: the vertical (dy) then horizontal (dx) Sobel filters, as ``tf.image.sobel_edges``."""
    dy = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float64)
    return np.stack([dy, dy.T], axis=-1)


def elastic_kernel_size(sigma: float) -> int:
    """The blur of elastic_transform's displacements: ``6 * int(sigma)`` taps made odd, as Keras sizes it."""
    return 6 * int(sigma) | 1
