"""conv and pool ops on torch, channels-last without layout copies.

A contiguous ``(N, *S, C)`` tensor permuted to ``(N, C, *S)`` is a
``channels_last``-strided view; torch's conv and pool kernels keep that memory
format, so permuting the result back is a contiguous channels-last tensor again:
no copy on either side. 1-D inputs run through the 2-D kernels with a unit
height, because ``conv1d``/``max_pool1d`` have no channels-last format: they copy
to ``(N, C, W)`` and ran 2x slower than the 2-D path here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F

from dualnet import dtypes
from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import check_same_device, convert_to_tensor, native_dtype
from dualnet.errors import ArgumentError, DTypeError, ShapeError

IntOrTuple = int | Sequence[int]

# Keyed by the rank of the channels-first tensor: 1-D inputs arrive here as 2-D.
_CONV: dict[int, Callable[..., Any]] = {4: F.conv2d, 5: F.conv3d}
_CONV_T: dict[int, Callable[..., Any]] = {4: F.conv_transpose2d, 5: F.conv_transpose3d}
_MAX_POOL: dict[int, Callable[..., Any]] = {4: F.max_pool2d, 5: F.max_pool3d}
_AVG_POOL: dict[int, Callable[..., Any]] = {4: F.avg_pool2d, 5: F.avg_pool3d}

_LAYOUTS = {3: "(N, W, C)", 4: "(N, H, W, C)", 5: "(N, D, H, W, C)"}


def _name(t: torch.Tensor) -> str:
    return str(t.dtype).removeprefix("torch.")


def _input(op: str, x: ArrayLike, ranks: tuple[int, ...] = (3, 4, 5)) -> torch.Tensor:
    x = convert_to_tensor(x)
    if x.ndim not in ranks:
        expected = " or ".join(_LAYOUTS[r] for r in ranks)
        raise ShapeError(
            f"{op}: expects x of shape {expected} (channels-last), got shape {tuple(x.shape)}; "
            "add or remove the batch/channel axis"
        )
    if not x.is_floating_point():
        raise DTypeError(
            f"{op}: expects a floating-point x, got {_name(x)}; cast it first, e.g. dn.ops.cast(x, 'float32')"
        )
    return x


def _operands(
    op: str, x: ArrayLike, kernel: ArrayLike, ranks: tuple[int, ...] = (3, 4, 5)
) -> tuple[torch.Tensor, torch.Tensor]:
    x = _input(op, x, ranks)
    kernel = convert_to_tensor(kernel)
    if kernel.ndim != x.ndim:
        raise ShapeError(
            f"{op}: a {x.ndim - 2}-D input needs a kernel of rank {x.ndim} (*kernel_size, in, out), "
            f"got shape {tuple(kernel.shape)}"
        )
    if not kernel.is_floating_point():
        raise DTypeError(
            f"{op}: expects a floating-point kernel, got {_name(kernel)}; "
            "cast it first, e.g. dn.ops.cast(kernel, 'float32')"
        )
    if x.dtype != kernel.dtype:
        joint = native_dtype(dtypes.result_type(_name(x), _name(kernel)))
        x, kernel = x.to(joint), kernel.to(joint)
    return x, kernel


def _tuple(op: str, name: str, value: Any, n: int, one_d: bool, unit: int | None = 1) -> tuple[Any, ...]:
    """``value`` as one entry per spatial dim, with ``unit`` for the added height of 1-D inputs."""
    value = common.spatial_tuple(op, name, value, n)
    return (unit, *value) if one_d else value


def _channels_first(x: torch.Tensor) -> torch.Tensor:
    if x.ndim == 3:
        x = x.unsqueeze(1)
    return x.permute(0, x.ndim - 1, *range(1, x.ndim - 1))


def _channels_last(y: torch.Tensor, one_d: bool) -> torch.Tensor:
    y = y.permute(0, *range(2, y.ndim), 1)
    return y.squeeze(1) if one_d else y


def _padded(
    op: str,
    xc: torch.Tensor,
    padding: str,
    window: Sequence[int],
    strides: Sequence[int],
    dilation: Sequence[int],
    value: float,
) -> tuple[torch.Tensor, int | tuple[int, ...]]:
    """``xc`` and the symmetric torch padding that give ``padding``'s output sizes.

    Torch pads both sides alike; TensorFlow's "same" puts an odd extra cell at the
    end, so only that case pads explicitly (a copy, kept off the common path).
    """
    if padding == "valid":
        common.check_window_fits(op, xc.shape[2:], window, dilation, padding)
        return xc, 0
    pads = []
    for size, k, s, d in zip(xc.shape[2:], window, strides, dilation):
        total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)
        pads.append((total // 2, total - total // 2))
    if all(lo == hi for lo, hi in pads):
        return xc, tuple(lo for lo, _ in pads)
    flat = [p for pair in reversed(pads) for p in pair]
    return F.pad(xc, flat, value=value), 0


def conv(
    x: ArrayLike,
    kernel: ArrayLike,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    dilation: IntOrTuple = 1,
    groups: int = 1,
    bias: ArrayLike | None = None,
) -> torch.Tensor:
    x, kernel = _operands("conv", x, kernel)
    n, one_d = x.ndim - 2, x.ndim == 3
    channels, (k_in, k_out) = x.shape[-1], kernel.shape[-2:]
    if channels != k_in * groups:
        raise ShapeError(
            f"conv: x has {channels} channels but the kernel of shape {tuple(kernel.shape)} with groups={groups} "
            f"expects in_channels = {k_in} * {groups} = {k_in * groups}; the kernel's second-to-last axis must be "
            "in_channels // groups"
        )
    if k_out % groups:
        raise ShapeError(f"conv: out_channels {k_out} (kernel's last axis) must be divisible by groups={groups}")
    if bias is not None:
        bias = _conv_bias(bias, k_out, kernel.dtype)
    strides = _tuple("conv", "strides", strides, n, one_d)
    dilation = _tuple("conv", "dilation", dilation, n, one_d)
    if one_d:
        kernel = kernel.unsqueeze(0)
    weight = kernel.permute(kernel.ndim - 1, kernel.ndim - 2, *range(kernel.ndim - 2))
    xc, pad = _padded("conv", _channels_first(x), padding, weight.shape[2:], strides, dilation, 0.0)
    try:
        y = _CONV[xc.ndim](xc, weight, None, strides, pad, dilation, groups)
        if bias is not None:
            # Added in place, not inside the convolution kernel: no second output-sized tensor, and the bias
            # gradient is the plain sum of the output gradient whatever the batch, where mkldnn's fused kernel
            # sums in an order that depends on the batch size (data-parallel ranks would drift from one process).
            y.add_(bias.view(-1, *(1,) * (y.ndim - 2)))
    except RuntimeError:
        check_same_device("conv", x, kernel, bias)
        raise
    return _channels_last(y, one_d)


def _conv_bias(bias: ArrayLike, out_channels: int, dtype: torch.dtype) -> torch.Tensor:
    bias = convert_to_tensor(bias)
    common.check_conv_bias(bias.shape, out_channels)
    return bias.to(dtype)


def depthwise_conv(
    x: ArrayLike, kernel: ArrayLike, strides: IntOrTuple = 1, padding: str = "valid", dilation: IntOrTuple = 1
) -> torch.Tensor:
    x, kernel = _operands("depthwise_conv", x, kernel, ranks=(3, 4))
    channels = x.shape[-1]
    if kernel.shape[-2] != channels:
        raise ShapeError(
            f"depthwise_conv: x has {channels} channels but the kernel of shape {tuple(kernel.shape)} expects "
            f"{kernel.shape[-2]}; the kernel is (*kernel_size, in_channels, multiplier)"
        )
    # Output channel c * multiplier + m is group c's m-th filter: a grouped conv with one group per channel.
    merged = kernel.reshape(*kernel.shape[:-2], 1, channels * kernel.shape[-1])
    return conv(x, merged, strides, padding, dilation, channels)


def conv_transpose(
    x: ArrayLike,
    kernel: ArrayLike,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    output_padding: IntOrTuple | None = None,
    dilation: IntOrTuple = 1,
) -> torch.Tensor:
    x, kernel = _operands("conv_transpose", x, kernel)
    n, one_d = x.ndim - 2, x.ndim == 3
    if x.shape[-1] != kernel.shape[-2]:
        raise ShapeError(
            f"conv_transpose: x has {x.shape[-1]} channels but the kernel of shape {tuple(kernel.shape)} expects "
            f"{kernel.shape[-2]}; the kernel is (*kernel_size, in_channels, out_channels)"
        )
    strides = _tuple("conv_transpose", "strides", strides, n, one_d)
    dilation = _tuple("conv_transpose", "dilation", dilation, n, one_d)
    output_padding = _tuple("conv_transpose", "output_padding", output_padding, n, one_d, unit=None)
    if one_d:
        kernel = kernel.unsqueeze(0)
    xc = _channels_first(x)
    starts, extras, lengths = [], [], []
    for size, k, s, d, op in zip(xc.shape[2:], kernel.shape[:-2], strides, dilation, output_padding):
        if op is not None and op >= s:
            raise ArgumentError(
                f"conv_transpose: output_padding {op} must be smaller than the stride {s}; lower it or omit it"
            )
        start, tail = common.transpose_window(k, s, d, padding, op)
        # Torch cuts `start` cells at both ends of the full output, then appends `extra` cells.
        starts.append(start)
        extras.append(max(tail - (k - 1) * d - 1 + 2 * start, 0))
        lengths.append((size - 1) * s + tail)
    weight = kernel.permute(kernel.ndim - 2, kernel.ndim - 1, *range(kernel.ndim - 2))
    try:
        y = _CONV_T[xc.ndim](xc, weight, None, strides, tuple(starts), tuple(extras), 1, dilation)
    except RuntimeError:
        check_same_device("conv_transpose", x, kernel)
        raise
    if tuple(y.shape[2:]) != tuple(lengths):
        # Keras cuts an odd count of cells with the extra one at the end (e.g. "same", kernel 3,
        # stride 2), which torch's symmetric padding cannot express: slice (a view, no copy).
        y = y[(slice(None), slice(None), *(slice(0, length) for length in lengths))]
    return _channels_last(y, one_d)


def _pool_args(
    op: str, x: torch.Tensor, pool_size: IntOrTuple, strides: IntOrTuple | None
) -> tuple[tuple[int, ...], tuple[int, ...], bool]:
    n, one_d = x.ndim - 2, x.ndim == 3
    strides = pool_size if strides is None else strides
    return _tuple(op, "pool_size", pool_size, n, one_d), _tuple(op, "strides", strides, n, one_d), one_d


def max_pool(
    x: ArrayLike, pool_size: IntOrTuple, strides: IntOrTuple | None = None, padding: str = "valid"
) -> torch.Tensor:
    x = _input("max_pool", x)
    pool_size, strides, one_d = _pool_args("max_pool", x, pool_size, strides)
    xc, pad = _padded("max_pool", _channels_first(x), padding, pool_size, strides, (1,) * len(pool_size), float("-inf"))
    return _channels_last(_MAX_POOL[xc.ndim](xc, pool_size, strides, pad), one_d)


def avg_pool(
    x: ArrayLike, pool_size: IntOrTuple, strides: IntOrTuple | None = None, padding: str = "valid"
) -> torch.Tensor:
    x = _input("avg_pool", x)
    pool_size, strides, one_d = _pool_args("avg_pool", x, pool_size, strides)
    xc = _channels_first(x)
    padded, pad = _padded("avg_pool", xc, padding, pool_size, strides, (1,) * len(pool_size), 0.0)
    y = _AVG_POOL[xc.ndim](padded, pool_size, strides, pad, count_include_pad=False)
    if padded is not xc:
        # Explicit (asymmetric) padding counts as real cells to torch: rescale each window by
        # the fraction of it that is real, pooled from a (1, 1, *spatial) mask.
        ones = torch.ones((1, 1, *xc.shape[2:]), dtype=xc.dtype, device=xc.device)
        mask, _ = _padded("avg_pool", ones, padding, pool_size, strides, (1,) * len(pool_size), 0.0)
        y = y / _AVG_POOL[xc.ndim](mask, pool_size, strides, 0)
    return _channels_last(y, one_d)


def separable_conv(
    x: ArrayLike,
    depthwise_kernel: ArrayLike,
    pointwise_kernel: ArrayLike,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    dilation: IntOrTuple = 1,
) -> torch.Tensor:
    # Keras's definition: the depthwise conv carries strides, padding and dilation, the 1x1 conv mixes channels.
    return conv(depthwise_conv(x, depthwise_kernel, strides, padding, dilation), pointwise_kernel)
