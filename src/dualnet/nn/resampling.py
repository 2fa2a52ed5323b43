"""Resampling layers, channels-last: ``UpSampling1D/2D/3D``, ``Upsample``, pixel shuffles, ``Resizing``, ``CenterCrop``.

Upsampling by integer factors: ``"nearest"`` repeats each cell ``size``
times along its axis (Keras's and torch's nearest agree for integer factors);
the other 2-D interpolations go through :func:`dualnet.ops.image.resize`
(half-pixel centres: torch's ``align_corners=False``). The pixel shuffles
move channels to space in PyTorch's channel order. None has weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import (
    argument_error,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_int_tuple,
    is_integer,
)
from dualnet.backend.dispatch import B
from dualnet.backend.image_common import RESIZE_METHODS
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn.conv import LAYOUTS, check_spatial_inputs
from dualnet.nn.module import Module
from dualnet.ops import image, saturate_cast

__all__ = [
    "CenterCrop",
    "PixelShuffle",
    "PixelUnshuffle",
    "Resizing",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "Upsample",
]

# Keras's UpSampling2D interpolations; "area" is left out, as Keras leaves it out.
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")


def _upsample(x: Any, size: tuple[int, ...], interpolation: str) -> Any:
    if interpolation == "nearest":
        for axis, factor in enumerate(size, start=1):
            if factor > 1:
                x = B.repeat(x, factor, axis=axis)
        return x
    shape = B.shape(x)
    return image.resize(x, (shape[1] * size[0], shape[2] * size[1]), interpolation=interpolation)


class _UpSampling(Module):
    rank = 2

    def __init__(self, size: int | Sequence[int] = 2) -> None:
        super().__init__()
        self.size = check_int_tuple(type(self).__name__, "size", size, self.rank)
        self.interpolation = "nearest"

    def forward(self, x: Any) -> Any:
        return _upsample(x, self.size, self.interpolation)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        check_spatial_inputs(self, x, self.rank, float_only=self.interpolation != "nearest")

    def extra_repr(self) -> str:
        return f"size={self.size}, interpolation={self.interpolation!r}"


class UpSampling1D(_UpSampling):
    """Repeat each step ``size`` times (Keras ``UpSampling1D``): ``(N, W, C)`` -> ``(N, W * size, C)``.

    Raises:
        ArgumentError: at construction, ``size`` is not a positive int.
        ShapeError: the input is not of rank 3 ``(N, W, C)``.
    """

    rank = 1


class UpSampling2D(_UpSampling):
    """Upsample rows and columns (Keras ``UpSampling2D``): ``(N, H, W, C)`` -> ``(N, H * sh, W * sw, C)``.

    ``size``: an int or ``(sh, sw)``. ``interpolation``: ``"nearest"`` (repeat
    each pixel; any dtype), ``"bilinear"``, ``"bicubic"``, ``"lanczos3"`` or
    ``"lanczos5"`` (floats; :func:`dualnet.ops.image.resize`, half-pixel centres,
    so ``"bilinear"`` equals ``torch.nn.Upsample(mode="bilinear", align_corners=False)``).

    Raises:
        ArgumentError: at construction, a bad ``size`` or an unknown ``interpolation``.
        ShapeError: the input is not of rank 4 ``(N, H, W, C)``.
        DTypeError: integer inputs with an interpolation other than ``"nearest"``.
    """

    rank = 2

    def __init__(self, size: int | Sequence[int] = 2, interpolation: str = "nearest") -> None:
        super().__init__(size)
        self.interpolation = check_choice("UpSampling2D", "interpolation", interpolation, INTERPOLATIONS)


class UpSampling3D(_UpSampling):
    """Repeat each voxel (Keras ``UpSampling3D``): ``(N, D, H, W, C)`` -> ``(N, D * sd, H * sh, W * sw, C)``.

    Raises:
        ArgumentError: at construction, ``size`` is not an int or 3 ints >= 1.
        ShapeError: the input is not of rank 5 ``(N, D, H, W, C)``.
    """

    rank = 3


class Upsample(Module):
    """``torch.nn.Upsample`` by integer ``scale_factor`` on channels-last inputs of rank 3, 4 or 5.

    ``mode="nearest"`` repeats each cell (any rank); ``"linear"``, ``"bilinear"``
    and ``"trilinear"`` take ``(N, W, C)``, ``(N, H, W, C)`` and ``(N, D, H, W, C)``
    and equal torch's: half-pixel centres for ``align_corners=False`` (torch's
    default; ``in = max((out + 0.5) / factor - 0.5, 0)``) and corner-aligned
    sampling, ``in = out * (size_in - 1) / (size_out - 1)``, for ``align_corners=True``.
    ``align_corners`` is ignored with ``"nearest"`` (torch refuses it there).
    Only what matches torch exactly is offered: no ``size`` (use
    :class:`dualnet.nn.Resizing`) and no fractional factors (torch's nearest
    rule for them differs from TensorFlow's); ``scale_factor`` defaults to 2,
    where torch has no default.

    Raises:
        ArgumentError: at construction, ``size`` given, a ``scale_factor`` that is not a positive int or tuple of
            them, an unknown ``mode``, or an ``align_corners`` that is not a bool or None.
        ShapeError: the input's rank does not fit the mode, or a tuple ``scale_factor`` has the wrong length.
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: int | Sequence[int] = 2,
        mode: str = "nearest",
        align_corners: bool | None = None,
    ) -> None:
        super().__init__()
        if size is not None:
            raise argument_error(
                "Upsample", "size", size, "None", "to resize to a fixed size use dn.nn.Resizing(height, width)"
            )
        if not (is_integer(scale_factor) or isinstance(scale_factor, Sequence)):
            raise argument_error(
                "Upsample", "scale_factor", scale_factor, "a positive int or a tuple of them", "pass scale_factor=2"
            )
        self.scale_factor = check_int_tuple("Upsample", "scale_factor", scale_factor, None)
        self._scalar = is_integer(scale_factor)
        self.mode = check_choice("Upsample", "mode", mode, ("nearest", *_LINEAR_RANKS))
        self.align_corners = check_bool("Upsample", "align_corners", align_corners, or_none=True)

    def _size(self, spatial: int) -> tuple[int, ...]:
        return self.scale_factor * spatial if self._scalar else self.scale_factor

    def forward(self, x: Any) -> Any:
        factors = self._size(len(B.shape(x)) - 2)
        if self.mode == "nearest" or (self.mode == "bilinear" and not self.align_corners):
            return _upsample(x, factors, self.mode)
        for axis, factor in enumerate(factors, start=1):
            x = _linear(self, x, axis, factor, bool(self.align_corners))  # linear interpolation is separable by axis
        return x

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        ranks = (3, 4, 5) if self.mode == "nearest" else (_LINEAR_RANKS[self.mode],)
        if len(shape) not in ranks:
            layouts = " or ".join(LAYOUTS[r - 2] for r in ranks)
            raise ShapeError(
                f"{self._where()} with mode={self.mode!r} expects channels-last inputs {layouts}, got shape {shape}; "
                "add the batch and channel axes (dn.ops.expand_dims)"
            )
        check_spatial_inputs(self, x, len(shape) - 2, float_only=self.mode != "nearest")
        if not self._scalar and len(self.scale_factor) != len(shape) - 2:
            raise ShapeError(
                f"{self._where()} has scale_factor={self.scale_factor} for inputs of shape {shape} with "
                f"{len(shape) - 2} spatial axes; pass one factor per spatial axis or a single int"
            )

    def extra_repr(self) -> str:
        factor = self.scale_factor[0] if self._scalar else self.scale_factor
        corners = "" if self.align_corners is None else f", align_corners={self.align_corners}"
        return f"scale_factor={factor}, mode={self.mode!r}{corners}"


_LINEAR_RANKS = {"linear": 3, "bilinear": 4, "trilinear": 5}


def _linear(layer: Module, x: Any, axis: int, factor: int, align_corners: bool) -> Any:
    """Linear interpolation along ``axis`` to ``factor`` times its size, sampling where torch samples."""
    size = B.shape(x)[axis]
    if size is None:
        raise ShapeError(
            f"{layer._where()} with a linear mode needs the spatial sizes when it is traced, got shape "
            f"{tuple(B.shape(x))}; trace with fixed spatial sizes"
        )
    out = size * factor
    if align_corners:
        where = np.arange(out) * ((size - 1) / (out - 1) if out > 1 else 0.0)
    else:
        where = np.maximum((np.arange(out) + 0.5) / factor - 0.5, 0.0)
    low = np.minimum(np.floor(where).astype("int64"), size - 1)
    high = np.minimum(low + 1, size - 1)
    shape = [1] * len(B.shape(x))
    shape[axis] = out
    weight = B.convert_to_tensor((where - low).reshape(shape), B.dtype(x))
    below, above = B.take(x, B.convert_to_tensor(low), axis=axis), B.take(x, B.convert_to_tensor(high), axis=axis)
    return B.add(below, B.multiply(B.subtract(above, below), weight))


class PixelShuffle(Module):
    """``torch.nn.PixelShuffle``, channels-last shapes: ``(N, H, W, C * r * r)`` -> ``(N, H * r, W * r, C)``.

    ``r`` is ``upscale_factor``.

    Input channel ``c * r * r + i * r + j`` goes to pixel ``(h * r + i, w * r + j)``
    of output channel ``c``: torch's order (channel-major), so the result is
    ``torch.nn.PixelShuffle`` on the NCHW view. :func:`dualnet.ops.depth_to_space`
    (TensorFlow's, block-major) reads input channel ``(i * r + j) * C + c``
    instead; the two agree only for ``C == 1``.

    Raises:
        ArgumentError: at construction, ``upscale_factor`` is not a positive int.
        ShapeError: the input is not of rank 4, or its channels are not divisible by ``r * r``.
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = check_int(
            "PixelShuffle", "upscale_factor", upscale_factor, low=1, example="PixelShuffle(2)"
        )

    def forward(self, x: Any) -> Any:
        r = self.upscale_factor
        _, h, w, c = B.shape(x)
        y = B.reshape(x, (-1, h, w, c // (r * r), r, r))
        y = B.transpose(y, (0, 1, 4, 2, 5, 3))
        return B.reshape(y, (-1, h * r, w * r, c // (r * r)))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = check_spatial_inputs(self, x, 2, float_only=False)
        r2 = self.upscale_factor**2
        if shape[-1] is not None and shape[-1] % r2:
            raise ShapeError(
                f"{self._where()} expects a channel count divisible by upscale_factor ** 2 = {r2}, got shape "
                f"{shape}; give the layer before it a multiple of {r2} channels"
            )

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """``torch.nn.PixelUnshuffle``, channels-last shapes: ``(N, H * r, W * r, C)`` -> ``(N, H, W, C * r * r)``.

    The inverse of :class:`PixelShuffle`; ``r`` is ``downscale_factor``.

    Pixel ``(h * r + i, w * r + j)`` of channel ``c`` goes to output channel
    ``c * r * r + i * r + j`` (torch's order; :func:`dualnet.ops.space_to_depth`
    puts it at ``(i * r + j) * C + c``).

    Raises:
        ArgumentError: at construction, ``downscale_factor`` is not a positive int.
        ShapeError: the input is not of rank 4, or its height or width is not divisible by ``r``.
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = check_int(
            "PixelUnshuffle", "downscale_factor", downscale_factor, low=1, example="PixelUnshuffle(2)"
        )

    def forward(self, x: Any) -> Any:
        r = self.downscale_factor
        _, h, w, c = B.shape(x)
        y = B.reshape(x, (-1, h // r, r, w // r, r, c))
        y = B.transpose(y, (0, 1, 3, 5, 2, 4))
        return B.reshape(y, (-1, h // r, w // r, c * r * r))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = check_spatial_inputs(self, x, 2, float_only=False)
        r = self.downscale_factor
        if any(s is not None and s % r for s in shape[1:3]):
            raise ShapeError(
                f"{self._where()} expects height and width divisible by downscale_factor = {r}, got shape {shape}; "
                f"crop or pad the input to a multiple of {r} (dn.nn.Cropping2D / dn.nn.ZeroPadding2D)"
            )

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class Resizing(Module):
    """Resize images to ``(height, width)`` (Keras ``Resizing``): ``(N, H, W, C)`` -> ``(N, height, width, C)``.

    Single images ``(H, W, C)`` are taken too, as in Keras. The arguments are
    :func:`dualnet.ops.image.resize`'s (TensorFlow's half-pixel resampling):
    ``interpolation`` (default ``"bilinear"``), ``crop_to_aspect_ratio`` (crop
    the centred box of the target's aspect ratio first), ``pad_to_aspect_ratio``
    (pad to it with ``fill_value`` instead), ``antialias``. Integer images keep
    their dtype, as in Keras: the resampled values are rounded (half to even)
    and clipped to the dtype's range.

    Raises:
        ArgumentError: at construction, a bad size, an unknown interpolation, or both aspect-ratio options.
        ShapeError: the input is not of rank 3 or 4.
    """

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
    ) -> None:
        super().__init__()
        self.height = check_int("Resizing", "height", height, low=1, example="Resizing(224, 224)")
        self.width = check_int("Resizing", "width", width, low=1, example="Resizing(224, 224)")
        self.interpolation = check_choice("Resizing", "interpolation", interpolation, RESIZE_METHODS)
        crop = check_bool("Resizing", "crop_to_aspect_ratio", crop_to_aspect_ratio)
        pad = check_bool("Resizing", "pad_to_aspect_ratio", pad_to_aspect_ratio)
        if crop and pad:
            raise ArgumentError("Resizing: crop_to_aspect_ratio and pad_to_aspect_ratio exclude each other; pick one")
        self._options: dict[str, Any] = {
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": crop,
            "pad_to_aspect_ratio": pad,
            "fill_mode": check_choice("Resizing", "fill_mode", fill_mode, ("constant",)),
            "fill_value": check_float("Resizing", "fill_value", fill_value, example="fill_value=0.0"),
            "antialias": check_bool("Resizing", "antialias", antialias),
        }

    def forward(self, x: Any) -> Any:
        y = image.resize(x, (self.height, self.width), **self._options)
        dtype = B.dtype(x)
        if B.dtype(y) != dtype and not is_float(dtype):
            y = saturate_cast(B.round(y), dtype)
        return y

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        _check_images(self, x)

    def extra_repr(self) -> str:
        return f"height={self.height}, width={self.width}, interpolation={self.interpolation!r}"


def _check_images(layer: Module, x: Any) -> tuple[int | None, ...]:
    shape = tuple(B.shape(x))
    if len(shape) not in (3, 4):
        raise ShapeError(
            f"{layer._where()} expects images (N, H, W, C) or a single image (H, W, C), got shape {shape}; "
            "for single-channel images add the channel axis with dn.ops.expand_dims(x, -1)"
        )
    return shape


class CenterCrop(Module):
    """Crop the centre ``(height, width)`` (Keras ``CenterCrop``): ``(N, H, W, C)`` -> ``(N, height, width, C)``.

    Single images ``(H, W, C)`` are taken too. The crop starts at
    ``(H - height) // 2``. As in Keras, an input smaller than the target along
    either axis is instead resized to it (bilinear, cropped to the target's
    aspect ratio first, Keras's ``smart_resize``). The output is float32 for
    integer inputs (Keras casts to its compute dtype); floats keep their dtype.

    Raises:
        ArgumentError: at construction, ``height`` or ``width`` is not a positive int.
        ShapeError: the input is not of rank 3 or 4.
    """

    def __init__(self, height: int, width: int) -> None:
        super().__init__()
        self.height = check_int("CenterCrop", "height", height, low=1, example="CenterCrop(224, 224)")
        self.width = check_int("CenterCrop", "width", width, low=1, example="CenterCrop(224, 224)")

    def forward(self, x: Any) -> Any:
        x = B.convert_to_tensor(x)
        if not is_float(B.dtype(x)):
            x = B.cast(x, "float32")
        shape = B.shape(x)
        h, w = shape[-3], shape[-2]
        if h is None or w is None or h < self.height or w < self.width:
            # Unknown sizes (a relaxed trace) take the resize path too: it is right for every size.
            return image.resize(x, (self.height, self.width), crop_to_aspect_ratio=True)
        top, left = (h - self.height) // 2, (w - self.width) // 2
        rows, cols = slice(top, top + self.height), slice(left, left + self.width)
        return x[(slice(None), rows, cols)] if len(shape) == 4 else x[(rows, cols)]

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        _check_images(self, x)

    def extra_repr(self) -> str:
        return f"height={self.height}, width={self.width}"
