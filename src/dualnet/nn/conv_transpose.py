"""Transposed convolutions ``Conv1DTranspose``, ``Conv2DTranspose``, ``Conv3DTranspose`` (Keras), channels-last."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_int, check_int_tuple
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from dualnet.nn import initializers
from dualnet.nn.conv import _SpatialConv, effective_window

__all__ = ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"]


class _ConvTranspose(_SpatialConv):
    """A transposed convolution; subclasses set ``rank``."""

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        output_padding: int | Sequence[int] | None = None,
        dilation_rate: int | Sequence[int] = 1,
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
        self.filters = check_int(where, "filters", filters, low=1, example="filters=32")
        self._common(
            kernel_size, strides, padding, dilation_rate, activation, use_bias, bias_initializer, in_channels, dtype
        )
        self.output_padding: tuple[int, ...] | None = None
        if output_padding is not None:
            self.output_padding = check_int_tuple(
                where,
                "output_padding",
                output_padding,
                self.rank,
                low=0,
                example="output_padding=1 or output_padding=(1, 1), each smaller than its stride",
            )
            if any(p >= s for p, s in zip(self.output_padding, self.strides)):
                raise ArgumentError(
                    f"{where}(output_padding={output_padding!r}, strides={strides!r}): each output_padding must be "
                    "smaller than its stride; lower output_padding or leave it None"
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
        shape = (*self.kernel_size, in_channels, self.filters)
        self.kernel = self.add_weight(
            "kernel", shape, self.kernel_initializer, self.dtype, **self._penalties_of("kernel")
        )
        self._bias(self.filters)
        self.built = True

    def forward(self, x: Any) -> Any:
        y = B.conv_transpose(x, self.kernel, self.strides, self.padding, self.output_padding, self.dilation_rate)
        return self._finish(y)

    def _min_window(self) -> tuple[int, ...] | None:
        return None  # every input size gives an output

    def _work(self, x: Any = None, *rest: Any) -> tuple[int, int]:
        n, *spatial, channels = (int(s if s is not None else 1) for s in B.shape(x))
        window = effective_window(self.kernel_size, self.dilation_rate)
        # The full output before Keras's cells are sliced out, and TensorFlow's input with the strides' zeros put in.
        full = (
            n
            * self.filters
            * math.prod((size - 1) * s + max(w, s) for size, s, w in zip(spatial, self.strides, window))
        )
        spread = n * channels * math.prod((size - 1) * s + 1 for size, s in zip(spatial, self.strides))
        # TensorFlow's kernel grows with the stride as well as the window (strides 2**11 on 4x4 took minutes).
        per_output = math.prod(self.kernel_size) * channels + sum(self.strides)
        return max(full, spread), full * per_output

    def extra_repr(self) -> str:
        extra = f", output_padding={self.output_padding}" if self.output_padding is not None else ""
        return f"filters={self.filters}, {self._spatial_repr()}{extra}, in_channels={self.in_channels}"


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution: inputs ``(N, W, C_in)`` -> ``(N, W_out, filters)``.

    The kernel has dualnet's canonical layout ``(k, C_in, filters)``, in
    before out like every other kernel (Keras stores ``(k, filters, C_in)``
    here; torch's ``ConvTranspose1d`` weight is ``kernel.transpose(1, 2, 0)``); bias ``(filters,)``.
    Output sizes per spatial dimension follow Keras,
    with ``ke = (k - 1) * dilation_rate + 1``:

    - ``"valid"``: ``(size - 1) * strides + max(ke, strides)``, or
      ``(size - 1) * strides + ke + output_padding`` when ``output_padding`` is given;
    - ``"same"``: ``size * strides``, or ``(size - 1) * strides + ke % 2 + output_padding``.

    ``output_padding`` (int or tuple, each smaller than the stride) adds cells at the end.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 1


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution: inputs ``(N, H, W, C_in)`` -> ``(N, H_out, W_out, filters)``.

    The kernel has dualnet's canonical layout ``(kh, kw, C_in, filters)``, in
    before out like every other kernel (Keras stores ``(kh, kw, filters, C_in)``
    here); bias ``(filters,)``. Output sizes per spatial dimension follow Keras,
    with ``ke = (k - 1) * dilation_rate + 1``:

    - ``"valid"``: ``(size - 1) * strides + max(ke, strides)``, or
      ``(size - 1) * strides + ke + output_padding`` when ``output_padding`` is given;
    - ``"same"``: ``size * strides``, or ``(size - 1) * strides + ke % 2 + output_padding``.

    ``output_padding`` (int or tuple, each smaller than the stride) adds cells at the end.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 2


class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution: inputs ``(N, D, H, W, C_in)`` -> ``(N, D_out, H_out, W_out, filters)``.

    The kernel has dualnet's canonical layout ``(kd, kh, kw, C_in, filters)``, in
    before out like every other kernel (Keras stores ``(kd, kh, kw, filters, C_in)``
    here; torch's ``ConvTranspose3d`` weight is ``kernel.transpose(3, 4, 0, 1, 2)``); bias ``(filters,)``.
    Output sizes per spatial dimension follow Keras,
    with ``ke = (k - 1) * dilation_rate + 1``:

    - ``"valid"``: ``(size - 1) * strides + max(ke, strides)``, or
      ``(size - 1) * strides + ke + output_padding`` when ``output_padding`` is given;
    - ``"same"``: ``size * strides``, or ``(size - 1) * strides + ke % 2 + output_padding``.

    ``output_padding`` (int or tuple, each smaller than the stride) adds cells at the end.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 3
