"""Convolutional LSTMs ``ConvLSTM1D/2D/3D``: Keras's arguments, weight layouts and gate order, channels-last.

Both gate products of Keras's ``ConvLSTMCell`` are convolutions: the input one
(with the layer's strides, padding and dilation) and the recurrent one on the
state (stride 1, ``"same"`` padding). The input convolution of every step is
one call on the sequence folded into the batch; only the recurrent one runs
step by step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_int, check_int_tuple
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn import activations, initializers
from dualnet.nn.conv import effective_window, padding_arg
from dualnet.nn.module import Module

__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]

_LAYOUTS = {1: "(N, T, W, C)", 2: "(N, T, H, W, C)", 3: "(N, T, D, H, W, C)"}


class _ConvLSTM(Module):
    """What the three ranks share; ``rank`` is the number of spatial axes of each step."""

    rank = 2

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        dilation_rate: int | Sequence[int] = 1,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        in_channels: int | None = None,
        dtype: str = "float32",
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.filters = check_int(name, "filters", filters, low=1, example=f"{name}(filters=16, kernel_size=3)")
        self.kernel_size = check_int_tuple(name, "kernel_size", kernel_size, self.rank)
        self.strides = check_int_tuple(name, "strides", strides, self.rank)
        self.padding = padding_arg(name, padding)
        self.dilation_rate = check_int_tuple(name, "dilation_rate", dilation_rate, self.rank)
        if any(s != 1 for s in self.strides) and any(d != 1 for d in self.dilation_rate):
            raise ArgumentError(
                f"{name}(strides={self.strides}, dilation_rate={self.dilation_rate}): strides above 1 cannot be "
                "combined with dilation_rate above 1 (as in Keras); set one of them to 1"
            )
        self.activation = activations.get(activation, where=f"{name}(activation={activation!r})")
        self.recurrent_activation = activations.get(
            recurrent_activation, where=f"{name}(recurrent_activation={recurrent_activation!r})"
        )
        for arg, value in (
            ("kernel_initializer", kernel_initializer),
            ("recurrent_initializer", recurrent_initializer),
            ("bias_initializer", bias_initializer),
        ):
            initializers.get(value, where=f"{name}({arg}={value!r})")  # fail now, not at the first call
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.use_bias = check_bool(name, "use_bias", use_bias)
        self.unit_forget_bias = check_bool(name, "unit_forget_bias", unit_forget_bias)
        self.return_sequences = check_bool(name, "return_sequences", return_sequences)
        self.return_state = check_bool(name, "return_state", return_state)
        self.go_backwards = check_bool(name, "go_backwards", go_backwards)
        self.in_channels = check_int(
            name, "in_channels", in_channels, low=1, or_none=True, example="in_channels=3, or None (inferred)"
        )
        self.dtype = dtype
        self.built = False
        if self.in_channels is not None:
            self._create(self.in_channels)

    def build(self, x: Any, *rest: Any) -> None:
        self._create(int(B.shape(x)[-1]))

    def _create(self, in_channels: int) -> None:
        self.in_channels = in_channels
        width = 4 * self.filters
        self.kernel = self.add_weight(
            "kernel", (*self.kernel_size, in_channels, width), self.kernel_initializer, self.dtype
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", (*self.kernel_size, self.filters, width), self.recurrent_initializer, self.dtype
        )
        self.bias = self.add_weight("bias", (width,), self._bias_init(), self.dtype) if self.use_bias else None
        self.built = True

    def _bias_init(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        base = initializers.get(self.bias_initializer)
        filters = self.filters

        def init(shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
            # Keras: [bias_init(filters), ones(filters), bias_init(2 * filters)] -> gates i, f, c, o.
            i = base((filters,), dtype, rng)
            rest = base((2 * filters,), dtype, rng)
            return np.concatenate([i, np.ones((filters,), i.dtype), rest])

        return init

    # -- inputs -----------------------------------------------------------------

    def check_inputs(self, x: Any = None, initial_state: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        layout = _LAYOUTS[self.rank]
        if len(shape) != self.rank + 3:
            fix = (
                "add a time axis with dn.ops.expand_dims(x, 1)"
                if len(shape) == self.rank + 2
                else f"pass a batch of channels-last sequences {layout}"
            )
            raise ShapeError(
                f"{self._where()} expects inputs of rank {self.rank + 3} {layout}, got shape {shape}; {fix}"
            )
        if shape[1] == 0:
            raise ShapeError(
                f"{self._where()} got sequences of length 0 (shape {shape}); a recurrent layer needs at least one "
                "time step: drop empty sequences"
            )
        if not is_float(B.dtype(x)):
            raise DTypeError(
                f"{self._where()} expects floating-point inputs, got {B.dtype(x)}; "
                "cast first, e.g. dn.ops.cast(x, 'float32')"
            )
        if self.in_channels is not None and shape[-1] not in (self.in_channels, None):
            raise ShapeError(
                f"{self._where()} expects inputs with {self.in_channels} channels (last axis), got shape {shape}; "
                "the channel count is fixed when the layer is built: feed every call the same number of channels"
            )
        window = effective_window(self.kernel_size, self.dilation_rate)
        if self.padding == "valid" and any(s is not None and s < w for s, w in zip(shape[2:-1], window)):
            raise ShapeError(
                f"{self._where()} expects spatial sizes of at least {window} with padding='valid', got shape "
                f"{shape}; use padding='same' or larger inputs"
            )

    def _out_spatial(self, spatial: Sequence[int]) -> list[int]:
        window = effective_window(self.kernel_size, self.dilation_rate)
        if self.padding == "same":
            return [-(-size // s) for size, s in zip(spatial, self.strides)]
        return [max((size - w) // s + 1, 0) for size, w, s in zip(spatial, window, self.strides)]

    def _work(self, x: Any = None, *rest: Any, **kwargs: Any) -> tuple[int, int]:
        n, steps, *spatial, channels = (int(s if s is not None else 1) for s in B.shape(x))
        out = math.prod(self._out_spatial(spatial))
        cells = n * steps * out * 4 * self.filters
        window = effective_window(self.kernel_size, self.dilation_rate)
        padded = n * steps * channels * math.prod(s + w - 1 for s, w in zip(spatial, window))  # "same": a copy
        largest = max(cells, padded if self.padding == "same" else 0)
        return largest, cells * math.prod(self.kernel_size) * (channels + self.filters)

    # -- the recurrence -----------------------------------------------------------

    def forward(self, x: Any, initial_state: Any = None) -> Any:
        if self.go_backwards:
            x = B.flip(x, 1)
        n, steps, *spatial = B.shape(x)
        if steps == 0:
            self.check_inputs(x)
        batch = -1 if n is None else n
        z = B.conv(
            B.reshape(x, (-1, *spatial)), self.kernel, self.strides, self.padding, self.dilation_rate, 1, self.bias
        )
        z = B.reshape(z, (batch, steps, *B.shape(z)[1:]))
        h, c = self._initial_states(initial_state, x)
        ones = (1,) * self.rank
        outputs = []
        for z_t in B.unstack(z, steps, axis=1):
            if h is not None:  # a zero state adds nothing: the first step without initial_state skips its conv
                z_t = B.add(z_t, B.conv(h, self.recurrent_kernel, ones, "same", ones, 1, None))
            i, f, g, o = B.split(z_t, 4, axis=-1)
            i, f, o = self._gate(i), self._gate(f), self._gate(o)
            g = self._act(g)
            c = B.multiply(i, g) if c is None else B.add(B.multiply(f, c), B.multiply(i, g))
            h = B.multiply(o, self._act(c))
            if self.return_sequences:
                outputs.append(h)
        out = B.stack(outputs, axis=1) if self.return_sequences else h
        return (out, h, c) if self.return_state else out

    def _gate(self, v: Any) -> Any:
        return v if self.recurrent_activation is None else self.recurrent_activation(v)

    def _act(self, v: Any) -> Any:
        return v if self.activation is None else self.activation(v)

    def _initial_states(self, initial_state: Any, x: Any) -> tuple[Any, Any]:
        if initial_state is None:
            return None, None
        states = list(initial_state) if isinstance(initial_state, list | tuple) else [initial_state]
        if len(states) != 2:
            raise ArgumentError(
                f"{self._where()} expects initial_state as [h, c] (2 tensors of the output step's shape), got "
                f"{len(states)}; pass a list [h0, c0]"
            )
        n, _, *spatial, _ = B.shape(x)
        want = (n, *self._out_spatial(spatial), self.filters)
        for name, state in zip("hc", states):
            got = tuple(B.shape(state))
            if len(got) != len(want) or any(g is not None and w is not None and g != w for g, w in zip(got, want)):
                raise ShapeError(
                    f"{self._where()} expects initial state {name} of shape (N, *output_spatial, filters) = {want}, "
                    f"got {got}; pass one state per sequence, shaped like one output step"
                )
        return states[0], states[1]

    def extra_repr(self) -> str:
        flags = "".join(
            f", {flag}=True" for flag in ("return_sequences", "return_state", "go_backwards") if getattr(self, flag)
        )
        return (
            f"filters={self.filters}, kernel_size={self.kernel_size}, strides={self.strides}, "
            f"padding={self.padding!r}, in_channels={self.in_channels}{flags}"
        )


class ConvLSTM1D(_ConvLSTM):
    """Convolutional LSTM over sequences of 1-D steps (Keras ``ConvLSTM1D``), channels-last.

    Input ``(N, T, W, C)`` -> ``(N, W_out, filters)``, or ``(N, T, W_out, filters)`` with
    ``return_sequences``; with ``return_state`` the result is ``(output, h, c)``, ``h`` and ``c``
    of one output step's shape ``(N, W_out, filters)``. See :class:`ConvLSTM2D` for the weights,
    the recurrence and the errors.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input that is not ``(N, T, W, C)`` or too small for the kernel.
        DTypeError: for integer inputs.
    """

    rank = 1


class ConvLSTM2D(_ConvLSTM):
    """Convolutional LSTM over sequences of images (Keras ``ConvLSTM2D``), channels-last.

    Input ``(N, T, H, W, C)`` -> ``(N, H_out, W_out, filters)``, or
    ``(N, T, H_out, W_out, filters)`` with ``return_sequences``; with ``return_state`` the result
    is ``(output, h, c)``, ``h`` and ``c`` of one output step's shape. The output sizes are a
    convolution's with the given ``strides``, ``padding`` and ``dilation_rate``; the recurrent
    convolution on the state keeps them (stride 1, ``"same"``), as in Keras. With ``go_backwards``
    the sequence is read last step first and ``return_sequences`` gives the outputs in that
    reversed order (Keras).

    Weights (Keras layout, gates i, f, c, o): ``kernel`` ``(kh, kw, C, 4 * filters)``,
    ``recurrent_kernel`` ``(kh, kw, filters, 4 * filters)``, ``bias`` ``(4 * filters,)`` (the
    forget slice initialised to ones with ``unit_forget_bias``). ``forward(x, initial_state=None)``:
    ``initial_state`` is ``[h0, c0]``, each of one output step's shape, zeros by default. No mask
    (Keras's ConvLSTM takes one; here pad with zeros or cut the sequences).

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it), or for
            strides and dilation_rate both above 1 (as Keras); for an initial_state that is not two tensors.
        ShapeError: for an input that is not ``(N, T, H, W, C)``, sequences of length 0, spatial sizes smaller
            than the dilated kernel with ``"valid"`` padding, another channel count than the built kernel's,
            or an initial state of the wrong shape.
        DTypeError: for integer inputs.
    """

    rank = 2


class ConvLSTM3D(_ConvLSTM):
    """Convolutional LSTM over sequences of volumes (Keras ``ConvLSTM3D``), channels-last.

    Input ``(N, T, D, H, W, C)`` -> ``(N, D_out, H_out, W_out, filters)``, or with ``return_sequences``
    ``(N, T, D_out, H_out, W_out, filters)``; with ``return_state`` the result is ``(output, h, c)``.
    See :class:`ConvLSTM2D` for the weights, the recurrence and the errors.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input that is not ``(N, T, D, H, W, C)`` or too small for the kernel.
        DTypeError: for integer inputs.
    """

    rank = 3
