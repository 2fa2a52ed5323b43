"""conv and pool ops on torch, channels-last without layout copies.

A contiguous ``(N, *S, C)`` tensor permuted to ``(N, C, *S)`` is a
``channels_last``-strided view; torch's conv and pool kernels keep that memory
format, so permuting the result back is a contiguous channels-last tensor again:
no copy on either side. 1-D inputs run through the 2-D kernels with a unit
height, because ``conv1d``/``max_pool1d`` have no channels-last format: they copy
to ``(N, C, W)`` and ran 2x slower than the 2-D path here.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from dualnet import dtypes
from dualnet.backend import common
from dualnet.backend.torch.core import check_same_device, convert_to_tensor, native_dtype
from dualnet.errors import ArgumentError, DTypeError, ShapeError

__all__ = ["conv", "depthwise_conv", "conv_transpose", "max_pool", "avg_pool"]

# Keyed by the rank of the channels-first tensor: 1-D inputs arrive here as 2-D.
_CONV = {4: F.conv2d, 5: F.conv3d}
_CONV_T = {4: F.conv_transpose2d, 5: F.conv_transpose3d}
_MAX_POOL = {4: F.max_pool2d, 5: F.max_pool3d}
_AVG_POOL = {4: F.avg_pool2d, 5: F.avg_pool3d}

_LAYOUTS = {3: "(N, W, C)", 4: "(N, H, W, C)", 5: "(N, D, H, W, C)"}


def _name(t):
    return str(t.dtype).removeprefix("torch.")


def _input(op, x, ranks=(3, 4, 5)):
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


def _operands(op, x, kernel, ranks=(3, 4, 5)):
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


def _tuple(op, name, value, n, one_d, unit=1):
    """``value`` as one entry per spatial dim, with ``unit`` for the added height of 1-D inputs."""
    value = common.spatial_tuple(op, name, value, n)
    return (unit, *value) if one_d else value


def _channels_first(x):
    if x.ndim == 3:
        x = x.unsqueeze(1)
    return x.permute(0, x.ndim - 1, *range(1, x.ndim - 1))


def _channels_last(y, one_d):
    y = y.permute(0, *range(2, y.ndim), 1)
    return y.squeeze(1) if one_d else y


def _padded(op, xc, padding, window, strides, dilation, value):
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


def conv(x, kernel, strides, padding, dilation, groups, bias=None):
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


def _conv_bias(bias, out_channels, dtype):
    bias = convert_to_tensor(bias)
    common.check_conv_bias(bias.shape, out_channels)
    return bias.to(dtype)


def depthwise_conv(x, kernel, strides, padding, dilation):
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


def conv_transpose(x, kernel, strides, padding, output_padding, dilation):
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


def _pool_args(op, x, pool_size, strides):
    n, one_d = x.ndim - 2, x.ndim == 3
    return _tuple(op, "pool_size", pool_size, n, one_d), _tuple(op, "strides", strides, n, one_d), one_d


def max_pool(x, pool_size, strides, padding):
    x = _input("max_pool", x)
    pool_size, strides, one_d = _pool_args("max_pool", x, pool_size, strides)
    xc, pad = _padded("max_pool", _channels_first(x), padding, pool_size, strides, (1,) * len(pool_size), float("-inf"))
    return _channels_last(_MAX_POOL[xc.ndim](xc, pool_size, strides, pad), one_d)


def avg_pool(x, pool_size, strides, padding):
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
