"""The argument checks of ``dn.ops.image``: each raises a dualnet error naming the op and the fix."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import argument_error, check_choice, check_int, check_int_tuple, is_integer
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError

__all__: list[str] = []


def shape_of(op: str, name: str, x: Any, ranks: Sequence[int] = (3, 4), what: str = "(H, W, C) or (N, H, W, C)") -> Any:
    """The static shape of ``x``, whose rank must be one of ``ranks``."""
    shape = tuple(B.shape(x))
    if len(shape) not in ranks:
        raise ShapeError(
            f"image.{op}: {name} must have rank {' or '.join(map(str, ranks))} {what}, channels last; "
            f"got shape {shape}; add or remove a batch axis (e.g. x[None] for one image)"
        )
    return shape


def channels(op: str, shape: tuple[int, ...], allowed: Sequence[int]) -> None:
    if shape[-1] not in allowed:
        raise ShapeError(
            f"image.{op}: images must have {' or '.join(map(str, allowed))} channels on the last axis "
            f"(channels-last), got shape {shape}"
        )


def floating(op: str, x: Any) -> None:
    dtype = B.dtype(x)
    if not is_float(dtype):
        raise DTypeError(f"image.{op}: images must be a float dtype, got {dtype}; cast with dn.ops.cast(x, 'float32')")


def choice(op: str, name: str, value: Any, choices: Sequence[str]) -> str:
    return check_choice(f"image.{op}", name, value, choices)


def flag(op: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise argument_error(f"image.{op}", name, value, "True or False", f"pass e.g. {name}=True")
    return bool(value)


def number(op: str, name: str, value: Any, *, positive: bool = False, non_negative: bool = False) -> float:
    good = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(float(value))
    if good and (not positive or value > 0) and (not non_negative or value >= 0):
        return float(value)
    what = "a positive number" if positive else "a number >= 0" if non_negative else "a finite number"
    raise argument_error(f"image.{op}", name, value, what, f"pass e.g. {name}=1.0")


def numbers_pair(op: str, name: str, value: Any) -> tuple[float, float]:
    items = (value, value) if isinstance(value, numbers.Real) else value
    if isinstance(items, Sequence) and len(items) == 2:
        return number(op, name, items[0], positive=True), number(op, name, items[1], positive=True)
    raise argument_error(
        f"image.{op}", name, value, "a positive number or a pair of them", f"pass e.g. {name}=(1.0, 1.0)"
    )


def size_pair(op: str, name: str, value: Any) -> tuple[int, int]:
    pair = check_int_tuple(f"image.{op}", name, value, 2, low=1, example=f"{name}=(224, 224)")
    return pair[0], pair[1]


def seed(op: str, value: Any) -> int | None:
    return check_int(f"image.{op}", "seed", value, low=0, or_none=True, example="seed=0")


def order(op: str, value: Any) -> int:
    return check_int(f"image.{op}", "order", value, low=0, high=1, example="order=1 (bilinear) or order=0 (nearest)")


def two_of_three(op: str, names: tuple[str, str, str], values: tuple[Any, Any, Any]) -> None:
    """Exactly two of three box amounts given, each a non-negative int."""
    if sum(v is None for v in values) != 1:
        given = ", ".join(f"{n}={v!r}" for n, v in zip(names, values, strict=True))
        raise ArgumentError(f"image.{op}: give exactly two of {', '.join(names)}; got {given}")
    for n, v in zip(names, values, strict=True):
        check_int(f"image.{op}", n, v, low=0, or_none=True, example=f"{n}=2")


def patch_size(op: str, size: Any, rank: int | None) -> tuple[int, ...]:
    """A patch size: an int, or a tuple of 2 (or 3) positive ints; ``rank`` None lets the tuple choose."""
    if is_integer(size):
        return check_int_tuple(f"image.{op}", "size", size, rank or 2)
    if rank is None and isinstance(size, Sequence) and len(size) == 3:
        rank = 3
    return check_int_tuple(f"image.{op}", "size", size, rank or 2)


def patch_output(op: str, spatial: Sequence[int], size: Sequence[int], dilation: Sequence[int], padding: str) -> None:
    if padding == "valid" and any((k - 1) * d + 1 > s for s, k, d in zip(spatial, size, dilation, strict=True)):
        raise ShapeError(
            f"image.{op}: a patch of size {tuple(size)} (dilation {tuple(dilation)}) does not fit inputs of spatial "
            f"shape {tuple(spatial)} with padding='valid'; use a smaller size or padding='same'"
        )


def points(op: str, name: str, value: Any) -> tuple[int, ...]:
    shape = tuple(B.shape(value))
    if len(shape) not in (2, 3) or shape[-2:] != (4, 2):
        raise ShapeError(f"image.{op}: {name} must have shape (4, 2) or (N, 4, 2): four (x, y) corners, got {shape}")
    return shape


def transform_rows(op: str, transform: Any, batch: int | None) -> None:
    shape = tuple(B.shape(transform))
    rows_ok = len(shape) == 1 or (len(shape) == 2 and shape[0] in (1, batch or 1))
    if not (shape and shape[-1] == 8 and rows_ok):
        raise ShapeError(
            f"image.{op}: transform must have shape (8,) or (N, 8) with N the batch size (or 1), got {shape}; "
            "a row is [a0, a1, a2, b0, b1, b2, c0, c1]"
        )


def patch_args(op: str, x: Any, size: Any, strides: Any, dilation_rate: Any, padding: Any, rank: int | None) -> Any:
    sizes = patch_size(op, size, rank)
    dims = len(sizes)
    shape = shape_of(
        op,
        "images" if dims == 2 else "volumes",
        x,
        (dims + 1, dims + 2),
        "(H, W, C) or (N, H, W, C)" if dims == 2 else "(D, H, W, C) or (N, D, H, W, C)",
    )
    step = sizes if strides is None else check_int_tuple(f"image.{op}", "strides", strides, dims)
    dilation = check_int_tuple(f"image.{op}", "dilation_rate", dilation_rate, dims)
    padding = check_choice(f"image.{op}", "padding", padding, ("valid", "same"), ignore_case=True)
    patch_output(op, shape[-dims - 1 : -1], sizes, dilation, padding)
    return sizes, step, dilation, padding


def floats(name: str, value: Any, count: int) -> tuple[float, ...]:
    """``value`` as ``count`` Python floats: concrete numbers (the resampling matrices are built from them)."""
    try:
        array = np.asarray(B.to_numpy(value) if B.is_tensor(value) else value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):  # not numbers, or a symbolic tensor inside a trace
        array = np.full(count + 1, np.nan)
    if array.size != count or not np.all(np.isfinite(array)):
        raise argument_error(
            "image.scale_and_translate",
            name,
            value,
            f"{count} concrete finite numbers (one per spatial dim)",
            f"pass e.g. {name}=[1.0] * {count}",
        )
    return tuple(float(v) for v in array)


def coordinate_rows(inputs: Any, coordinates: Any) -> None:
    rank = len(B.shape(inputs))
    count = len(coordinates) if isinstance(coordinates, list | tuple) else B.shape(coordinates)[0]
    if count != rank:
        raise ShapeError(
            f"image.map_coordinates: coordinates must have one row per axis of inputs (rank {rank}), got {count}; "
            "stack them as coordinates[axis] = positions along that axis"
        )


def scale_geometry(
    images: Any, output_shape: Any, spatial_dims: Any, scale: Any
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[float, ...]]:
    """scale_and_translate's ``(output_shape, spatial_dims, scale)`` as tuples, checked against the images' rank."""
    shape = tuple(B.shape(images))
    dims = tuple(spatial_dims)
    if not all(is_integer(d) and -len(shape) <= d < len(shape) for d in dims):
        raise ArgumentError(
            f"image.scale_and_translate: spatial_dims must be axes of a rank-{len(shape)} input, got {dims}"
        )
    out = tuple(output_shape)
    if len(out) != len(shape) or not all(is_integer(s) and s > 0 for s in out):
        raise ShapeError(
            f"image.scale_and_translate: output_shape must give all {len(shape)} sizes of the output, got {out}"
        )
    scales = floats("scale", scale, len(dims))
    if min(scales, default=1.0) <= 0:
        raise ArgumentError(f"image.scale_and_translate: scale must be positive, got {scales}")
    return out, dims, scales


def ssim_filter(image1: Any, image2: Any, filter_size: Any) -> int:
    """ssim's filter size, checked against the images, which must share one shape."""
    shape = shape_of("ssim", "image1", image1)
    if tuple(B.shape(image2)) != shape:
        raise ShapeError(f"image.ssim: image1 and image2 must have one shape, got {shape} and {tuple(B.shape(image2))}")
    size = size_pair("ssim", "filter_size", filter_size)[0]
    if min(shape[-3:-1]) < size:
        raise ShapeError(
            f"image.ssim: images of spatial shape {shape[-3:-1]} are smaller than filter_size={size}; "
            "pass a smaller filter_size"
        )
    return size
