"""conv and pool ops on tensorflow.

TensorFlow's kernels are channels-last natively and its "SAME" padding is the
one dualnet specifies, so most ops are one call. ``tf.nn.conv1d/2d/3d`` are
used rather than ``tf.nn.convolution``, which refuses strides > 1 together with
dilation > 1 although the kernels underneath accept it. A dilated kernel is
spread out with zeros (:func:`_spread`) and run undilated: TensorFlow's CPU
kernels have no gradient (and in 3-D no forward) for dilation rates above 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from dualnet.backend import common
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor, promote
from dualnet.errors import ArgumentError, DTypeError, ShapeError

IntOrTuple = int | Sequence[int]

_LAYOUTS = {3: "(N, W, C)", 4: "(N, H, W, C)", 5: "(N, D, H, W, C)"}


def _input(op: str, x: ArrayLike, ranks: tuple[int, ...] = (3, 4, 5)) -> tf.Tensor:
    x = convert_to_tensor(x)
    if x.shape.rank not in ranks:
        expected = " or ".join(_LAYOUTS[r] for r in ranks)
        raise ShapeError(
            f"{op}: expects x of shape {expected} (channels-last), got shape {tuple(x.shape)}; "
            "add or remove the batch/channel axis"
        )
    if not x.dtype.is_floating:
        raise DTypeError(
            f"{op}: expects a floating-point x, got {x.dtype.name}; cast it first, e.g. dn.ops.cast(x, 'float32')"
        )
    return x


def _operands(
    op: str, x: ArrayLike, kernel: ArrayLike, ranks: tuple[int, ...] = (3, 4, 5)
) -> tuple[tf.Tensor, tf.Tensor]:
    x = _input(op, x, ranks)
    kernel = convert_to_tensor(kernel)
    if kernel.shape.rank != x.shape.rank:
        raise ShapeError(
            f"{op}: a {x.shape.rank - 2}-D input needs a kernel of rank {x.shape.rank} (*kernel_size, in, out), "
            f"got shape {tuple(kernel.shape)}"
        )
    if not kernel.dtype.is_floating:
        raise DTypeError(
            f"{op}: expects a floating-point kernel, got {kernel.dtype.name}; "
            "cast it first, e.g. dn.ops.cast(kernel, 'float32')"
        )
    if x.dtype != kernel.dtype:
        x, kernel = promote(x, kernel)
    return x, kernel


def _spread(kernel: tf.Tensor, dilation: tuple[int, ...]) -> tf.Tensor:
    """``kernel`` (*k, in, out) with ``d - 1`` zeros between its taps along each spatial axis: (*((k-1)d+1), in, out).

    The same cells as the dilated kernel, so a convolution with it and dilation 1 is the dilated convolution,
    on any device and with gradients to the original taps.
    """
    for axis, d in enumerate(dilation):
        if d == 1:
            continue
        k = kernel.shape[axis]
        spaced = tf.pad(
            tf.expand_dims(kernel, axis + 1),
            [[0, d - 1] if i == axis + 1 else [0, 0] for i in range(kernel.shape.rank + 1)],
        )
        shape = [*kernel.shape[:axis], k * d, *kernel.shape[axis + 1 :]]
        kernel = tf.reshape(spaced, shape)[(slice(None),) * axis + (slice(0, (k - 1) * d + 1),)]
    return kernel


def _conv(
    x: tf.Tensor, kernel: tf.Tensor, strides: tuple[int, ...], padding: str, dilation: tuple[int, ...]
) -> tf.Tensor:
    n = x.shape.rank - 2
    if any(d > 1 for d in dilation):
        kernel, dilation = _spread(kernel, dilation), (1,) * n
    if n == 1:
        return tf.nn.conv1d(x, kernel, strides[0], padding, dilations=dilation[0])
    if n == 2:
        return tf.nn.conv2d(x, kernel, strides, padding, dilations=dilation)
    return tf.nn.conv3d(x, kernel, (1, *strides, 1), padding, dilations=(1, *dilation, 1))


def conv(
    x: ArrayLike,
    kernel: ArrayLike,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    dilation: IntOrTuple = 1,
    groups: int = 1,
    bias: ArrayLike | None = None,
) -> tf.Tensor:
    x, kernel = _operands("conv", x, kernel)
    n = x.shape.rank - 2
    channels, (k_in, k_out) = x.shape[-1], kernel.shape[-2:]
    if channels is not None and channels != k_in * groups:
        raise ShapeError(
            f"conv: x has {channels} channels but the kernel of shape {tuple(kernel.shape)} with groups={groups} "
            f"expects in_channels = {k_in} * {groups} = {k_in * groups}; the kernel's second-to-last axis must be "
            "in_channels // groups"
        )
    if k_out % groups:
        raise ShapeError(f"conv: out_channels {k_out} (kernel's last axis) must be divisible by groups={groups}")
    strides = common.spatial_tuple("conv", "strides", strides, n)
    dilation = common.spatial_tuple("conv", "dilation", dilation, n)
    common.check_window_fits("conv", x.shape[1:-1], kernel.shape[:-2], dilation, padding)
    if bias is not None:
        bias = _conv_bias(bias, k_out, kernel.dtype)
    if groups > 1:
        # One conv per group: TensorFlow's CPU Conv3D has no grouped kernel, and without oneDNN (AMD CPUs) its
        # 1-D/2-D grouped kernels have no gradient ("Gradients for grouped convolutions are not supported on CPU").
        parts = zip(tf.split(x, groups, axis=-1), tf.split(kernel, groups, axis=-1))
        y = tf.concat([_conv(a, b, strides, padding.upper(), dilation) for a, b in parts], axis=-1)
    else:
        y = _conv(x, kernel, strides, padding.upper(), dilation)
    # A plain broadcast add, not BiasAdd: its gradient is the plain sum of the output gradient, where BiasAddGrad
    # sums in an order that depends on the batch size (data-parallel ranks would drift from one process).
    return y if bias is None else y + bias


def _conv_bias(bias: ArrayLike, out_channels: int, dtype: tf.DType) -> tf.Tensor:
    bias = convert_to_tensor(bias)
    common.check_conv_bias(bias.shape, out_channels)
    return tf.cast(bias, dtype)


def depthwise_conv(
    x: ArrayLike, kernel: ArrayLike, strides: IntOrTuple = 1, padding: str = "valid", dilation: IntOrTuple = 1
) -> tf.Tensor:
    x, kernel = _operands("depthwise_conv", x, kernel, ranks=(3, 4))
    channels = x.shape[-1]
    if channels is not None and kernel.shape[-2] != channels:
        raise ShapeError(
            f"depthwise_conv: x has {channels} channels but the kernel of shape {tuple(kernel.shape)} expects "
            f"{kernel.shape[-2]}; the kernel is (*kernel_size, in_channels, multiplier)"
        )
    n = x.shape.rank - 2
    strides = common.spatial_tuple("depthwise_conv", "strides", strides, n)
    rates = common.spatial_tuple("depthwise_conv", "dilation", dilation, n)
    common.check_window_fits("depthwise_conv", x.shape[1:-1], kernel.shape[:-2], rates, padding)
    if any(d > 1 for d in rates):
        kernel, rates = _spread(kernel, rates), (1,) * n
    if n == 2:
        return tf.nn.depthwise_conv2d(x, kernel, (1, *strides, 1), padding.upper(), dilations=rates)
    # No 1-D depthwise kernel: run the 2-D one on a unit height, its stride equal to the width's (a unit height
    # gives one row at any stride, and some CPU kernels take only equal row and column strides).
    y = tf.nn.depthwise_conv2d(
        x[:, None], kernel[None], (1, strides[0], strides[0], 1), padding.upper(), dilations=(1, *rates)
    )
    return y[:, 0]


def _sizes(x: tf.Tensor) -> list[Any]:
    """Spatial sizes: static ints where known, else scalar tensors (inside tf.function)."""
    dynamic = None
    sizes = []
    for i, size in enumerate(x.shape[1:-1], start=1):
        if size is None:
            dynamic = tf.shape(x) if dynamic is None else dynamic
            size = dynamic[i]
        sizes.append(size)
    return sizes


def conv_transpose(
    x: ArrayLike,
    kernel: ArrayLike,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    output_padding: IntOrTuple | None = None,
    dilation: IntOrTuple = 1,
) -> tf.Tensor:
    x, kernel = _operands("conv_transpose", x, kernel)
    if x.shape[-1] is not None and x.shape[-1] != kernel.shape[-2]:
        raise ShapeError(
            f"conv_transpose: x has {x.shape[-1]} channels but the kernel of shape {tuple(kernel.shape)} expects "
            f"{kernel.shape[-2]}; the kernel is (*kernel_size, in_channels, out_channels)"
        )
    n = x.shape.rank - 2
    strides = common.spatial_tuple("conv_transpose", "strides", strides, n)
    dilation = common.spatial_tuple("conv_transpose", "dilation", dilation, n)
    output_padding = common.spatial_tuple("conv_transpose", "output_padding", output_padding, n)
    starts, tails = [], []
    for k, s, d, op in zip(kernel.shape[:-2], strides, dilation, output_padding):
        if op is not None and op >= s:
            raise ArgumentError(
                f"conv_transpose: output_padding {op} must be smaller than the stride {s}; lower it or omit it"
            )
        start, tail = common.transpose_window(k, s, d, padding, op)
        starts.append(start)
        tails.append(tail)
    batch = x.shape[0] if x.shape[0] is not None else tf.shape(x)[0]
    sizes = _sizes(x)
    lengths = [(size - 1) * s + tail for size, s, tail in zip(sizes, strides, tails)]
    # TensorFlow wants the filter as (*k, out, in); a dilated one spread out (the geometry above is unchanged).
    filters = tf.transpose(_spread(kernel, dilation), (*range(n), n + 1, n))
    sizes_k = [(k - 1) * d + 1 for k, d in zip(kernel.shape[:-2], dilation)]
    dilation = (1,) * n
    if all(tails):
        # TensorFlow's VALID/SAME give Keras' cells whenever ceil(length / stride) == size (tail >= 1).
        shape = [batch, *lengths, kernel.shape[-1]]
        return tf.nn.conv_transpose(x, filters, shape, strides, padding.upper(), dilations=dilation)
    # "same" with an even kernel and output_padding=0 has length (size - 1) * stride, which
    # TensorFlow's SAME rejects: take the full output and slice Keras' cells out of it.
    full = [(size - 1) * s + k for size, s, k in zip(sizes, strides, sizes_k)]
    y = tf.nn.conv_transpose(x, filters, [batch, *full, kernel.shape[-1]], strides, "VALID", dilations=dilation)
    return y[(slice(None), *(slice(a, a + length) for a, length in zip(starts, lengths)))]


_CHANNELS_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def max_pool(
    x: ArrayLike, pool_size: IntOrTuple, strides: IntOrTuple | None = None, padding: str = "valid"
) -> tf.Tensor:
    x = _input("max_pool", x)
    strides = pool_size if strides is None else strides
    n = x.shape.rank - 2
    pool_size, strides = (
        common.spatial_tuple("max_pool", "pool_size", pool_size, n),
        common.spatial_tuple("max_pool", "strides", strides, n),
    )
    common.check_window_fits("max_pool", x.shape[1:-1], pool_size, (1,) * n, padding)
    # An explicit data_format: with None, the 3-D pool's recorded op has no format and its gradient fails.
    return tf.nn.max_pool(x, pool_size, strides, padding.upper(), data_format=_CHANNELS_LAST[n])


def avg_pool(
    x: ArrayLike, pool_size: IntOrTuple, strides: IntOrTuple | None = None, padding: str = "valid"
) -> tf.Tensor:
    x = _input("avg_pool", x)
    strides = pool_size if strides is None else strides
    n = x.shape.rank - 2
    pool_size, strides = (
        common.spatial_tuple("avg_pool", "pool_size", pool_size, n),
        common.spatial_tuple("avg_pool", "strides", strides, n),
    )
    common.check_window_fits("avg_pool", x.shape[1:-1], pool_size, (1,) * n, padding)
    # TensorFlow's SAME average already divides by the real (non-padded) cells.
    return tf.nn.avg_pool(x, pool_size, strides, padding.upper(), data_format=_CHANNELS_LAST[n])


def separable_conv(
    x: ArrayLike,
    depthwise_kernel: ArrayLike,
    pointwise_kernel: ArrayLike,
    strides: IntOrTuple = 1,
    padding: str = "valid",
    dilation: IntOrTuple = 1,
) -> tf.Tensor:
    # Keras's definition: the depthwise conv carries strides, padding and dilation, the 1x1 conv mixes channels.
    return conv(depthwise_conv(x, depthwise_kernel, strides, padding, dilation), pointwise_kernel)
