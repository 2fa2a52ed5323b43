"""``SeparableConv1D``/``SeparableConv2D`` (Keras): a depthwise convolution, then a 1x1 one mixing the channels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_int
from dualnet.backend.dispatch import B
from dualnet.nn import initializers
from dualnet.nn.conv import _SpatialConv

__all__ = ["SeparableConv1D", "SeparableConv2D"]


class _SeparableConv(_SpatialConv):
    """Subclasses set ``rank``."""

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        dilation_rate: int | Sequence[int] = 1,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        in_channels: int | None = None,
        dtype: str = "float32",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
    ) -> None:
        super().__init__()
        where = type(self).__name__
        self.filters = check_int(where, "filters", filters, low=1, example="filters=32")
        self.depth_multiplier = check_int(
            where, "depth_multiplier", depth_multiplier, low=1, example="depth_multiplier=1"
        )
        self._common(
            kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer, in_channels, dtype
        )
        for name, value in (
            ("depthwise_initializer", depthwise_initializer),
            ("pointwise_initializer", pointwise_initializer),
        ):
            initializers.get(value, where=f"{where}({name}={value!r})")
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self._set_penalties(
            where,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
        )
        if self.in_channels is not None:
            self._create(self.in_channels)

    def _create(self, in_channels: int) -> None:
        self.in_channels = in_channels
        mid = in_channels * self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel",
            (*self.kernel_size, in_channels, self.depth_multiplier),
            self.depthwise_initializer,
            self.dtype,
            **self._penalties_of("depthwise"),
        )
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel",
            (*(1,) * self.rank, mid, self.filters),
            self.pointwise_initializer,
            self.dtype,
            **self._penalties_of("pointwise"),
        )
        self._bias(self.filters)
        self.built = True

    def forward(self, x: Any) -> Any:
        y = B.separable_conv(
            x, self.depthwise_kernel, self.pointwise_kernel, self.strides, self.padding, self.dilation_rate
        )
        return self._finish(y)

    def _out_channels_and_fan_in(self, channels: int) -> tuple[int, int]:
        # An upper bound: as if every output channel saw the whole depthwise window of every mid channel.
        return self.filters, max(channels * self.depth_multiplier, 1)

    def extra_repr(self) -> str:
        return (
            f"filters={self.filters}, {self._spatial_repr()}, depth_multiplier={self.depth_multiplier}, "
            f"in_channels={self.in_channels}"
        )


class SeparableConv1D(_SeparableConv):
    """Depthwise-separable 1-D convolution (Keras ``SeparableConv1D``): ``(N, W, C)`` -> ``(N, W_out, filters)``.

    Weights: ``depthwise_kernel`` ``(k, C, depth_multiplier)``, ``pointwise_kernel``
    ``(1, C * depth_multiplier, filters)`` and ``bias`` ``(filters,)``, Keras's
    layouts. ``strides``, ``padding`` and ``dilation_rate`` apply to the depthwise
    step; output sizes as in :class:`~dualnet.nn.Conv1D`. PyTorch has no such
    layer: it is ``Conv1d(C, C * m, k, groups=C)`` followed by ``Conv1d(C * m, filters, 1)``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
            Also when C differs from the built kernel's.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 1


class SeparableConv2D(_SeparableConv):
    """Depthwise-separable 2-D convolution (Keras ``SeparableConv2D``): ``(N, H, W, C)`` -> ``(N, H_o, W_o, filters)``.

    Weights: ``depthwise_kernel`` ``(kh, kw, C, depth_multiplier)``, ``pointwise_kernel``
    ``(1, 1, C * depth_multiplier, filters)`` and ``bias`` ``(filters,)``, Keras's
    layouts. ``strides``, ``padding`` and ``dilation_rate`` apply to the depthwise
    step; output sizes as in :class:`~dualnet.nn.Conv2D`.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
            Also when C differs from the built kernel's.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 2
