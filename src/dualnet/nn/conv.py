"""Convolution layers, channels-last: ``Conv1D/2D/3D``, ``DepthwiseConv1D/2D``.

Inputs are ``(N, W, C)`` for 1-D, ``(N, H, W, C)`` for 2-D and ``(N, D, H, W, C)`` for 3-D layers; kernels
have the canonical layout ``(*kernel_size, in_channels // groups, filters)``
(depthwise: ``(*kernel_size, in_channels, depth_multiplier)``), biases
``(out_channels,)``. Arguments follow Keras; the input channel count is taken
from the first call unless ``in_channels`` is given. The argument and input
checks here are shared with :mod:`dualnet.nn.conv_transpose` and
:mod:`dualnet.nn.pooling`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_choice, check_int, check_int_tuple
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn import activations, initializers
from dualnet.nn.module import Module

__all__ = ["Conv1D", "Conv2D", "Conv3D", "DepthwiseConv1D", "DepthwiseConv2D"]

LAYOUTS = {1: "(N, W, C)", 2: "(N, H, W, C)", 3: "(N, D, H, W, C)"}
PADDINGS = ("valid", "same")


# -- argument checks, shared by every spatial layer ----------------------------------------------


def padding_arg(where: str, value: Any) -> str:
    """``value`` lower-cased if it is ``"valid"`` or ``"same"`` in any case, else ArgumentError naming ``padding``."""
    return check_choice(
        where,
        "padding",
        value,
        PADDINGS,
        ignore_case=True,
        fix="use 'valid' for no padding or 'same' to keep ceil(size / strides) positions",
    )


def effective_window(kernel_size: Sequence[int], dilation: Sequence[int]) -> tuple[int, ...]:
    """Spatial extent of a dilated kernel: ``(k - 1) * d + 1`` per dimension."""
    return tuple((k - 1) * d + 1 for k, d in zip(kernel_size, dilation))


def window_cost(
    x: Any, window: Sequence[int], strides: Sequence[int], padding: str, out_channels: int, per_output: int
) -> tuple[int, int]:
    """``(largest array, operations)`` of a windowed op on ``x`` (channels-last), for ``Module._work``.

    The largest array is the output or, for ``"same"``, the padded input (torch
    pads with an explicit copy); each output cell costs ``per_output`` operations.
    """
    n, *spatial, channels = (int(s if s is not None else 1) for s in B.shape(x))
    if padding == "same":
        out = [-(-size // s) for size, s in zip(spatial, strides)]
        padded = n * channels * math.prod(size + w - 1 for size, w in zip(spatial, window))
    else:
        out = [max((size - w) // s + 1, 0) for size, w, s in zip(spatial, window, strides)]
        padded = 0
    cells = n * out_channels * math.prod(out)
    return max(padded, cells), cells * per_output


# -- input checks ---------------------------------------------------------------------------------


def check_spatial_inputs(
    layer: Module,
    x: Any,
    rank: int,
    channels: int | None = None,
    window: Sequence[int] | None = None,
    float_only: bool = True,
) -> tuple[int | None, ...]:
    """Raise a dualnet error naming ``layer`` unless ``x`` is a channels-last batch of ``rank`` spatial dims.

    ``channels``: the channel count fixed at build time, if any. ``window``: the
    smallest spatial size that gives an output (``"valid"`` padding), if any.
    Returns the shape.
    """
    shape = tuple(B.shape(x))
    layout = LAYOUTS[rank]
    if len(shape) != rank + 2:
        if len(shape) == rank + 1:
            fix = (
                "for single-channel data add the channel axis with dn.ops.expand_dims(x, -1); "
                "for a single sample add the batch axis with dn.ops.expand_dims(x, 0)"
            )
        else:
            fix = f"pass a batch of channels-last inputs {layout}"
        raise ShapeError(f"{layer._where()} expects inputs of rank {rank + 2} {layout}, got shape {shape}; {fix}")
    dtype = B.dtype(x)
    if float_only and not is_float(dtype):
        raise DTypeError(
            f"{layer._where()} expects floating-point inputs, got {dtype}; cast first, e.g. dn.ops.cast(x, 'float32')"
        )
    if channels is not None and shape[-1] not in (channels, None):
        raise ShapeError(
            f"{layer._where()} expects inputs with {channels} channels (last axis), got shape {shape}; "
            f"the channel count is fixed when the layer is built: pass {channels}-channel inputs "
            "or use a new layer"
        )
    if window is not None:
        spatial = shape[1:-1]
        if any(size is not None and size < w for size, w in zip(spatial, window)):
            raise ShapeError(
                f"{layer._where()} expects spatial sizes of at least {tuple(window)} with padding='valid', "
                f"got shape {shape}; use padding='same' or larger inputs"
            )
    return shape


# -- layers ------------------------------------------------------------------------------------------


class _SpatialConv(Module):
    """What every convolution layer shares: spatial arguments, bias, activation, lazy build, input checks."""

    rank = 2
    in_channels: int | None

    def _common(
        self,
        kernel_size: Any,
        strides: Any,
        padding: Any,
        dilation_rate: Any,
        activation: Any,
        use_bias: bool,
        bias_initializer: Any,
        in_channels: int | None,
        dtype: str,
    ) -> None:
        where = type(self).__name__
        self.kernel_size = check_int_tuple(where, "kernel_size", kernel_size, self.rank)
        self.strides = check_int_tuple(where, "strides", strides, self.rank)
        self.padding = padding_arg(where, padding)
        self.dilation_rate = check_int_tuple(where, "dilation_rate", dilation_rate, self.rank)
        self.activation = activations.get(activation, where=f"{where}(activation={activation!r})")
        self.use_bias = check_bool(where, "use_bias", use_bias)
        initializers.get(bias_initializer, where=f"{where}(bias_initializer={bias_initializer!r})")
        self.bias_initializer = bias_initializer
        self.in_channels = check_int(
            where, "in_channels", in_channels, low=1, or_none=True, example="in_channels=3, or None (inferred)"
        )
        self.dtype = dtype
        self.built = False

    def build(self, x: Any) -> None:
        self._create(int(B.shape(x)[-1]))

    def _create(self, in_channels: int) -> None:
        raise NotImplementedError

    def _bias(self, out_channels: int) -> None:
        self.bias = (
            self.add_weight("bias", (out_channels,), self.bias_initializer, self.dtype, **self._penalties_of("bias"))
            if self.use_bias
            else None
        )

    def _finish(self, y: Any) -> Any:
        # A (C,) bias broadcast over the last axis keeps torch's channels-last output contiguous: no copy.
        if self.bias is not None:
            y = B.add(y, self.bias)
        return y if self.activation is None else self.activation(y)

    def _min_window(self) -> tuple[int, ...] | None:
        return effective_window(self.kernel_size, self.dilation_rate) if self.padding == "valid" else None

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        check_spatial_inputs(self, x, self.rank, self.in_channels, self._min_window())

    def _work(self, x: Any = None, *rest: Any) -> tuple[int, int]:
        window = effective_window(self.kernel_size, self.dilation_rate)
        channels = int(B.shape(x)[-1] or 1)
        out_channels, fan_in = self._out_channels_and_fan_in(channels)
        padding = "same" if self.padding == "causal" else self.padding  # both pad the input to a copy
        return window_cost(x, window, self.strides, padding, out_channels, math.prod(self.kernel_size) * fan_in)

    def _out_channels_and_fan_in(self, channels: int) -> tuple[int, int]:
        raise NotImplementedError

    def _spatial_repr(self) -> str:
        parts = [f"kernel_size={self.kernel_size}", f"strides={self.strides}", f"padding={self.padding!r}"]
        if any(d != 1 for d in self.dilation_rate):
            parts.append(f"dilation_rate={self.dilation_rate}")
        return ", ".join(parts)


class _Conv(_SpatialConv):
    """``Conv1D``/``Conv2D``: ``y = activation(conv(x, kernel) + bias)``."""

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        dilation_rate: int | Sequence[int] = 1,
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        in_channels: int | None = None,
        dtype: str = "float32",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
    ) -> None:
        super().__init__()
        where = type(self).__name__
        self.filters = filters = check_int(where, "filters", filters, low=1, example="filters=32")
        self.groups = groups = check_int(where, "groups", groups, low=1, example="groups=1")
        if filters % groups:
            raise ArgumentError(
                f"{where}(filters={filters}, groups={groups}): filters must be divisible by groups; change one of them"
            )
        # Keras's "causal" (Conv1D only): pad (k - 1) * dilation_rate cells at the start, then a valid conv.
        causal = self.rank == 1 and isinstance(padding, str) and padding.lower() == "causal"
        self._common(
            kernel_size,
            strides,
            "valid" if causal else padding,
            dilation_rate,
            activation,
            use_bias,
            bias_initializer,
            in_channels,
            dtype,
        )
        if causal:
            self.padding = "causal"
        if self.in_channels is not None and self.in_channels % groups:
            raise ArgumentError(
                f"{where}(in_channels={self.in_channels}, groups={groups}): in_channels must be divisible by groups; "
                "change one of them"
            )
        initializers.get(kernel_initializer, where=f"{where}(kernel_initializer={kernel_initializer!r})")
        self.kernel_initializer = kernel_initializer
        self._set_penalties(
            where,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
        )
        if self.in_channels is not None:
            self._create(self.in_channels)

    def _create(self, in_channels: int) -> None:
        self.in_channels = in_channels
        shape = (*self.kernel_size, in_channels // self.groups, self.filters)
        self.kernel = self.add_weight(
            "kernel", shape, self.kernel_initializer, self.dtype, **self._penalties_of("kernel")
        )
        self._bias(self.filters)
        self.built = True

    def forward(self, x: Any) -> Any:
        padding = self.padding
        if padding == "causal":
            x = B.pad(x, [(0, 0), ((self.kernel_size[0] - 1) * self.dilation_rate[0], 0), (0, 0)])
            padding = "valid"
        y = B.conv(x, self.kernel, self.strides, padding, self.dilation_rate, self.groups, self.bias)
        return y if self.activation is None else self.activation(y)

    def _out_channels_and_fan_in(self, channels: int) -> tuple[int, int]:
        return self.filters, max(channels // self.groups, 1)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = check_spatial_inputs(self, x, self.rank, self.in_channels, self._min_window())
        channels = shape[-1]
        if self.in_channels is None and channels is not None and channels % self.groups:
            raise ShapeError(
                f"{self._where()} expects a channel count divisible by groups={self.groups}, got shape {shape}; "
                "change groups or the number of input channels"
            )

    def extra_repr(self) -> str:
        groups = f", groups={self.groups}" if self.groups != 1 else ""
        return f"filters={self.filters}, {self._spatial_repr()}{groups}, in_channels={self.in_channels}"


class Conv1D(_Conv):
    """1-D convolution (Keras ``Conv1D``) over inputs ``(N, W, C_in)`` -> ``(N, W_out, filters)``.

    Kernel ``(k, C_in // groups, filters)``, bias ``(filters,)``. ``W_out`` is
    ``(W - (k - 1) * dilation_rate - 1) // strides + 1`` with ``"valid"`` padding
    and ``ceil(W / strides)`` with ``"same"`` or ``"causal"``. ``"causal"`` (Keras)
    pads ``(k - 1) * dilation_rate`` zeros at the start only, so output ``t`` sees
    no input after ``t``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
            Also when C_in differs from the built kernel's.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 1


class Conv2D(_Conv):
    """2-D convolution (Keras ``Conv2D``) over inputs ``(N, H, W, C_in)`` -> ``(N, H_out, W_out, filters)``.

    Kernel ``(kh, kw, C_in // groups, filters)``, bias ``(filters,)``. Output sizes
    per spatial dimension as in :class:`Conv1D`. ``groups`` splits the channels
    into independent groups (``groups == C_in == filters`` is a depthwise conv).

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
            Also when C_in differs from the built kernel's.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 2


class Conv3D(_Conv):
    """3-D convolution (Keras ``Conv3D``) over ``(N, D, H, W, C_in)`` -> ``(N, D_out, H_out, W_out, filters)``.

    Kernel ``(kd, kh, kw, C_in // groups, filters)`` (canonical, as Keras; torch's
    ``Conv3d`` weight is its ``permute(4, 3, 0, 1, 2)``), bias ``(filters,)``.
    Output sizes per spatial dimension as in :class:`Conv1D`.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
            Also when C_in differs from the built kernel's.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 3


class _Depthwise(_SpatialConv):
    """Depthwise convolution; subclasses set ``rank``."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        dilation_rate: int | Sequence[int] = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        in_channels: int | None = None,
        dtype: str = "float32",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
    ) -> None:
        super().__init__()
        where = type(self).__name__
        self.depth_multiplier = check_int(
            where, "depth_multiplier", depth_multiplier, low=1, example="depth_multiplier=1"
        )
        self._common(
            kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer, in_channels, dtype
        )
        initializers.get(depthwise_initializer, where=f"{where}(depthwise_initializer={depthwise_initializer!r})")
        self.depthwise_initializer = depthwise_initializer
        self._set_penalties(
            where,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
        )
        if self.in_channels is not None:
            self._create(self.in_channels)

    def _create(self, in_channels: int) -> None:
        self.in_channels = in_channels
        shape = (*self.kernel_size, in_channels, self.depth_multiplier)
        self.kernel = self.add_weight(
            "kernel", shape, self.depthwise_initializer, self.dtype, **self._penalties_of("depthwise")
        )
        self._bias(in_channels * self.depth_multiplier)
        self.built = True

    def _out_channels_and_fan_in(self, channels: int) -> tuple[int, int]:
        return channels * self.depth_multiplier, 1

    def forward(self, x: Any) -> Any:
        return self._finish(B.depthwise_conv(x, self.kernel, self.strides, self.padding, self.dilation_rate))

    def extra_repr(self) -> str:
        return f"{self._spatial_repr()}, depth_multiplier={self.depth_multiplier}, in_channels={self.in_channels}"


class DepthwiseConv1D(_Depthwise):
    """Depthwise 1-D convolution (Keras ``DepthwiseConv1D``): each input channel gets its own filters.

    Input ``(N, W, C)`` -> output ``(N, W_out, C * depth_multiplier)``; output
    channel ``c * depth_multiplier + m`` is channel ``c`` convolved with
    ``kernel[:, c, m]``. Kernel ``(k, C, depth_multiplier)``, bias
    ``(C * depth_multiplier,)``; torch's ``Conv1d(C, C * m, k, groups=C)`` weight is
    ``kernel.reshape(k, 1, C * m).transpose(2, 1, 0)``. Output sizes as in :class:`Conv1D`.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 1


class DepthwiseConv2D(_Depthwise):
    """Depthwise 2-D convolution (Keras ``DepthwiseConv2D``): each input channel gets its own filters.

    Input ``(N, H, W, C)`` -> output ``(N, H_out, W_out, C * depth_multiplier)``;
    output channel ``c * depth_multiplier + m`` is channel ``c`` convolved with
    ``kernel[:, :, c, m]``. Kernel ``(kh, kw, C, depth_multiplier)``, bias
    ``(C * depth_multiplier,)``. Output sizes as in :class:`Conv2D`.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 2
