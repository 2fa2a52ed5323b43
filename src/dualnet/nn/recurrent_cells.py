"""Recurrent cells ``SimpleRNNCell``, ``LSTMCell`` and ``GRUCell``: one time step, Keras's names and weight layouts.

A cell is called on one step, ``cell(x_t, states) -> (output, new_states)``
with ``x_t`` (N, F) and ``states`` a list of (N, size) tensors, one per entry of
``state_size`` (zeros when left out); :class:`dualnet.nn.RNN` runs it over a sequence. Weights are
the ones of the matching layer (``LSTMCell`` holds what ``LSTM`` holds), so
weights move between a cell in an ``RNN`` and the layer by renaming alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn import activations, initializers
from dualnet.nn.module import Module
from dualnet.nn.recurrent_steps import dropout_mask, gru_step, lstm_step, simple_rnn_step

__all__ = ["GRUCell", "LSTMCell", "SimpleRNNCell"]


def check_rate(where: str, name: str, value: Any) -> float:
    return check_probability(where, name, value, high_open=True, example=f"{name}=0.2, the fraction of units to drop")


def forget_bias_init(bias_initializer: Any, units: int) -> Any:
    """Keras's ``unit_forget_bias``: ``[init(units), ones(units), init(2 * units)]`` for gates i, f, c, o."""
    base = initializers.get(bias_initializer)

    def init(shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
        i = base((units,), dtype, rng)
        rest = base((2 * units,), dtype, rng)
        return np.concatenate([i, np.ones((units,), i.dtype), rest])

    return init


class _Cell(Module):
    """What the three cells share: arguments, weights, dropout masks and the input checks."""

    _gates: int
    _states: int
    _activation: Any
    _recurrent_activation: Any
    _masks: list[Any]

    def __init__(
        self,
        units: int,
        activation: Any,
        recurrent_activation: Any,
        use_bias: bool,
        kernel_initializer: Any,
        recurrent_initializer: Any,
        bias_initializer: Any,
        dropout: float,
        recurrent_dropout: float,
        in_features: int | None,
        dtype: str,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.units = check_int(name, "units", units, low=1, example=f"{name}(64)")
        self.in_features = check_int(
            name, "in_features", in_features, low=1, or_none=True, example="in_features=32, or None (inferred)"
        )
        self.__dict__["_activation"] = activations.get(activation, where=f"{name}(activation={activation!r})")
        self.__dict__["_recurrent_activation"] = activations.get(
            recurrent_activation, where=f"{name}(recurrent_activation={recurrent_activation!r})"
        )
        self.activation = activation
        self.recurrent_activation = recurrent_activation
        for arg, value in (
            ("kernel_initializer", kernel_initializer),
            ("recurrent_initializer", recurrent_initializer),
            ("bias_initializer", bias_initializer),
        ):
            initializers.get(value, where=f"{name}({arg}={value!r})")  # fail now, not at the first call
        self.use_bias = check_bool(name, "use_bias", use_bias)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.dropout = check_rate(name, "dropout", dropout)
        self.recurrent_dropout = check_rate(name, "recurrent_dropout", recurrent_dropout)
        self.dtype = dtype
        self.__dict__["_masks"] = [None, None]  # (input, recurrent) dropout masks of the running sequence
        self.built = False

    @property
    def state_size(self) -> int | list[int]:
        """The size of each state: ``units``, or ``[units, units]`` (h, c) for the LSTM cell."""
        return self.units if self._states == 1 else [self.units] * self._states

    def reset_dropout_mask(self) -> None:
        """Forget the cached dropout masks, so the next step draws new ones (RNN calls it per sequence)."""
        self.__dict__["_masks"] = [None, None]

    def build(self, x: Any, *rest: Any) -> None:
        self._create(int(B.shape(x)[-1]))

    def _create(self, in_features: int) -> None:
        self.in_features = in_features
        width = self._gates * self.units
        self.kernel = self.add_weight("kernel", (in_features, width), self.kernel_initializer, self.dtype)
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", (self.units, width), self.recurrent_initializer, self.dtype
        )
        self.bias = (
            self.add_weight("bias", self._bias_shape(), self._bias_init(), self.dtype) if self.use_bias else None
        )
        self.built = True

    def _bias_shape(self) -> tuple[int, ...]:
        return (self._gates * self.units,)

    def _bias_init(self) -> Any:
        return self.bias_initializer

    def _states_list(self, states: Any, x: Any = None) -> list[Any]:
        if states is None and x is not None:  # no states: start from zeros
            return [B.zeros((int(B.shape(x)[0]), self.units), B.dtype(x))] * self._states
        return list(states) if isinstance(states, list | tuple) else [states]

    def _dropped(self, x: Any, h: Any) -> tuple[Any, Any]:
        """``x`` with its input mask applied, and the recurrent mask for ``h`` (None when not dropping)."""
        if not self.training:
            return x, None
        masks = self._masks
        if self.dropout > 0 and masks[0] is None:
            masks[0] = dropout_mask(x, self.dropout)
        if self.recurrent_dropout > 0 and masks[1] is None:
            masks[1] = dropout_mask(h, self.recurrent_dropout)
        return (x if masks[0] is None else B.multiply(x, masks[0])), masks[1]

    def check_inputs(self, x: Any = None, states: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        if len(shape) != 2:
            fix = "run a sequence through dn.nn.RNN(cell)" if len(shape) == 3 else "pass (batch, features)"
            raise ShapeError(f"{self._where()} expects one step of inputs, rank 2 (N, F), got shape {shape}; {fix}")
        if self.in_features is not None and shape[-1] not in (self.in_features, None):
            raise ShapeError(
                f"{self._where()} expects inputs with {self.in_features} features (last axis), got shape {shape}; "
                "feed every call steps with the same number of features"
            )
        got = self._states_list(states, x)
        if len(got) != self._states:
            raise ArgumentError(
                f"{self._where()} expects {self._states} state tensor(s) of shape (N, {self.units}), got {len(got)}; "
                "pass a list as long as cell.state_size"
            )
        for state in got:
            if tuple(B.shape(state)) != (shape[0], self.units):
                raise ShapeError(
                    f"{self._where()} expects states of shape (N, units) = {(shape[0], self.units)}, got "
                    f"{tuple(B.shape(state))}; pass one state row per input row"
                )

    def _check_call(self, x: Any, states: Any) -> list[Any]:
        got = self._states_list(states, x)
        if len(got) != self._states:
            self.check_inputs(x, states)
        return got

    def extra_repr(self) -> str:
        return f"units={self.units}, in_features={self.in_features}"


class SimpleRNNCell(_Cell):
    """Cell of :class:`SimpleRNN` (Keras ``SimpleRNNCell``): ``h = activation(x @ kernel + h @ rec_kernel + bias)``.

    ``forward(x, states)``: ``x`` (N, F), ``states`` ``[h]`` (or ``h``), (N, units); returns ``(h, [h])``.
    Weights: ``kernel`` (F, units), ``recurrent_kernel`` (units, units), ``bias`` (units,). ``dropout`` /
    ``recurrent_dropout`` drop inputs / the previous state with one mask per sequence, while training only.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values; at call, for the wrong number
            of states.
        ShapeError: for inputs that are not (N, F) or states that are not (N, units), naming the layer path.
    """

    _gates = 1
    _states = 1

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        in_features: int | None = None,
        dtype: str = "float32",
    ) -> None:
        super().__init__(
            units,
            activation,
            None,
            use_bias,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            dropout,
            recurrent_dropout,
            in_features,
            dtype,
        )
        if self.in_features is not None:
            self._create(self.in_features)

    def forward(self, x: Any, states: Any = None) -> tuple[Any, list[Any]]:
        (h,) = self._check_call(x, states)
        x, rec = self._dropped(x, h)
        h = simple_rnn_step(x, h, self.kernel, self.recurrent_kernel, self.bias, self._activation, rec)
        return h, [h]


class LSTMCell(_Cell):
    """Cell of :class:`LSTM` (Keras ``LSTMCell``; torch.nn ``LSTMCell`` with gates i, f, g, o = Keras's i, f, c, o).

    ``forward(x, states)``: ``x`` (N, F), ``states`` ``[h, c]``, each (N, units); returns ``(h, [h, c])``.
    Weights: ``kernel`` (F, 4*units), ``recurrent_kernel`` (units, 4*units), ``bias`` (4*units,), the forget
    slice ones when ``unit_forget_bias``. Dropout as for :class:`SimpleRNNCell`: one input mask and one mask
    on ``h`` before its product, shared by the four gates.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values; at call, for the wrong number
            of states.
        ShapeError: for inputs that are not (N, F) or states that are not (N, units), naming the layer path.
    """

    _gates = 4
    _states = 2

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        in_features: int | None = None,
        dtype: str = "float32",
    ) -> None:
        super().__init__(
            units,
            activation,
            recurrent_activation,
            use_bias,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            dropout,
            recurrent_dropout,
            in_features,
            dtype,
        )
        self.unit_forget_bias = check_bool("LSTMCell", "unit_forget_bias", unit_forget_bias)
        if self.in_features is not None:
            self._create(self.in_features)

    def _bias_init(self) -> Any:
        return forget_bias_init(self.bias_initializer, self.units) if self.unit_forget_bias else self.bias_initializer

    def forward(self, x: Any, states: Any = None) -> tuple[Any, list[Any]]:
        h, c = self._check_call(x, states)
        x, rec = self._dropped(x, h)
        h, c = lstm_step(
            x, h, c, self.kernel, self.recurrent_kernel, self.bias, self._activation, self._recurrent_activation, rec
        )
        return h, [h, c]


class GRUCell(_Cell):
    """Cell of :class:`GRU` (Keras ``GRUCell``; with ``reset_after=True``, the default, torch.nn ``GRUCell``).

    ``forward(x, states)``: ``x`` (N, F), ``states`` ``[h]`` (or ``h``), (N, units); returns ``(h, [h])``.
    Weights (gates z, r, h; torch's r, z, n): ``kernel`` (F, 3*units), ``recurrent_kernel`` (units, 3*units),
    ``bias`` (2, 3*units) with ``reset_after`` (input and recurrent biases, the reset gate multiplying the
    recurrent product) or (3*units,) without (the reset gate multiplies ``h`` before the product). Dropout as
    for :class:`SimpleRNNCell`.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values; at call, for the wrong number
            of states.
        ShapeError: for inputs that are not (N, F) or states that are not (N, units), naming the layer path.
    """

    _gates = 3
    _states = 1

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        reset_after: bool = True,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        in_features: int | None = None,
        dtype: str = "float32",
    ) -> None:
        super().__init__(
            units,
            activation,
            recurrent_activation,
            use_bias,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            dropout,
            recurrent_dropout,
            in_features,
            dtype,
        )
        self.reset_after = check_bool("GRUCell", "reset_after", reset_after)
        if self.in_features is not None:
            self._create(self.in_features)

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def forward(self, x: Any, states: Any = None) -> tuple[Any, list[Any]]:
        (h,) = self._check_call(x, states)
        x, rec = self._dropped(x, h)
        h = gru_step(
            x,
            h,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            self.reset_after,
            self._activation,
            self._recurrent_activation,
            rec,
        )
        return h, [h]
