"""depth_to_space, space_to_depth, unfold and fold on torch, channels-last.

The block moves are views and one permute (torch's ``pixel_shuffle`` orders
channels (C, b, b), TensorFlow and Keras (b, b, C), which is what dualnet
gives). ``unfold``/``fold`` run ``F.unfold``/``F.fold`` on the channels-first
view and reorder each patch from torch's (C, kh, kw) to (kh, kw, C).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor

IntOrPair = int | Sequence[int]


def _pair(value: IntOrPair) -> tuple[int, int]:
    return (int(value), int(value)) if isinstance(value, int) else (int(value[0]), int(value[1]))


def depth_to_space(x: ArrayLike, block_size: int) -> torch.Tensor:
    x = convert_to_tensor(x)
    n, h, w, c = x.shape
    b = block_size
    y = x.reshape(n, h, w, b, b, c // (b * b)).permute(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h * b, w * b, c // (b * b))


def space_to_depth(x: ArrayLike, block_size: int) -> torch.Tensor:
    x = convert_to_tensor(x)
    n, h, w, c = x.shape
    b = block_size
    y = x.reshape(n, h // b, b, w // b, b, c).permute(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h // b, w // b, b * b * c)


def unfold(
    x: ArrayLike, kernel_size: IntOrPair, dilation: IntOrPair = 1, padding: IntOrPair = 0, stride: IntOrPair = 1
) -> torch.Tensor:
    x = convert_to_tensor(x)
    n, c = x.shape[0], x.shape[-1]
    kh, kw = _pair(kernel_size)
    cols = F.unfold(x.permute(0, 3, 1, 2), (kh, kw), _pair(dilation), _pair(padding), _pair(stride))
    # (N, C * kh * kw, L) -> (N, L, kh * kw, C) -> (N, L, kh * kw * C)
    return cols.reshape(n, c, kh * kw, -1).permute(0, 3, 2, 1).reshape(n, -1, kh * kw * c)


def fold(
    x: ArrayLike,
    output_size: IntOrPair,
    kernel_size: IntOrPair,
    dilation: IntOrPair = 1,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
) -> torch.Tensor:
    x = convert_to_tensor(x)
    n, length, depth = x.shape
    kh, kw = _pair(kernel_size)
    c = depth // (kh * kw)
    cols = x.reshape(n, length, kh * kw, c).permute(0, 3, 2, 1).reshape(n, c * kh * kw, length)
    y = F.fold(cols, _pair(output_size), (kh, kw), _pair(dilation), _pair(padding), _pair(stride))
    return y.permute(0, 2, 3, 1)
