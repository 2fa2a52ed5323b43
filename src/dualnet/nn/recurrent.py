"""Recurrent layers ``LSTM`` and ``GRU`` with Keras's arguments and weight layouts.

Both read batch-first sequences ``(N, T, F)`` and by default run the whole
sequence in one op (``dn.ops.lstm`` / ``dn.ops.gru``): the input projection of
every step is a single product, then the backend's fused kernel or its loop
over time does the recurrence. Like Keras's cuDNN conditions, a non-default
``activation`` / ``recurrent_activation``, ``recurrent_dropout > 0`` or
``unroll=True`` take the generic path instead, one step at a time
(``recurrent_steps.py``), the math the cells compute. Weights are Keras's, name
for name and shape for shape, so a Keras ``LSTM``/``GRU`` weight list loads as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_int
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn import activations, initializers
from dualnet.nn.module import Module
from dualnet.nn.recurrent_cells import check_rate, forget_bias_init
from dualnet.nn.recurrent_state import keep_states, reset_states, reverse_time, start_states
from dualnet.nn.recurrent_steps import dropout_mask, gru_step, lstm_step, run_steps

__all__ = ["GRU", "LSTM"]

_OPTIONS = {
    "activation": "tanh",
    "recurrent_activation": "sigmoid",
    "dropout": 0.0,
    "recurrent_dropout": 0.0,
    "go_backwards": False,
    "stateful": False,
    "unroll": False,
}


class _Recurrent(Module):
    """What LSTM, GRU and SimpleRNN share: arguments, weights, input checks, options and the shape of the result."""

    _gates: int
    _state_names: tuple[str, ...]
    _activation: Any
    _recurrent_activation: Any

    def keep_states(self, states: list[Any] | None) -> None:
        """Set the states the next call of a stateful layer starts from (None: zeros)."""
        self.__dict__["_kept"] = states

    def __init__(
        self,
        units: int,
        return_sequences: bool,
        return_state: bool,
        in_features: int | None,
        kernel_initializer: Any,
        recurrent_initializer: Any,
        bias_initializer: Any,
        use_bias: bool,
        dtype: str,
        **options: Any,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        options = {**_OPTIONS, **options}
        units = check_int(name, "units", units, low=1, example=f"{name}(64)")
        in_features = check_int(
            name, "in_features", in_features, low=1, or_none=True, example="in_features=32, or None (inferred)"
        )
        for arg, value in (
            ("kernel_initializer", kernel_initializer),
            ("recurrent_initializer", recurrent_initializer),
            ("bias_initializer", bias_initializer),
        ):
            initializers.get(value, where=f"{name}({arg}={value!r})")  # fail now, not at the first call
        self.units = units
        self.return_sequences = check_bool(name, "return_sequences", return_sequences)
        self.return_state = check_bool(name, "return_state", return_state)
        self.in_features = in_features
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.use_bias = check_bool(name, "use_bias", use_bias)
        self.dtype = dtype
        self.__dict__["_activation"] = activations.get(
            options["activation"], where=f"{name}(activation={options['activation']!r})"
        )
        self.__dict__["_recurrent_activation"] = activations.get(
            options["recurrent_activation"], where=f"{name}(recurrent_activation={options['recurrent_activation']!r})"
        )
        self.activation = options["activation"]
        self.recurrent_activation = options["recurrent_activation"]
        self.dropout = check_rate(name, "dropout", options["dropout"])
        self.recurrent_dropout = check_rate(name, "recurrent_dropout", options["recurrent_dropout"])
        self.go_backwards = check_bool(name, "go_backwards", options["go_backwards"])
        self.stateful = check_bool(name, "stateful", options["stateful"])
        self.unroll = check_bool(name, "unroll", options["unroll"])
        self.__dict__["_kept"] = None
        self.built = False  # subclasses set their own options, then create weights if in_features is known

    def reset_states(self) -> None:
        """Start the next call from zero states (``stateful=True`` layers keep the last call's states)."""
        reset_states(self)

    def _fused(self) -> bool:
        # Keras's cuDNN conditions: the fused op computes tanh/sigmoid cells without recurrent dropout.
        return (
            self.activation == "tanh"
            and self.recurrent_activation == "sigmoid"
            and self.recurrent_dropout == 0.0
            and not self.unroll
        )

    def _run(self, x: Any, mask: Any, initial_state: Any) -> Any:
        """The whole call after the checks: start states, direction, dropout, fused or per-step path, result."""
        states = start_states(self, x, self._initial_states(initial_state), [self.units] * len(self._state_names))
        if self.go_backwards:
            x, mask = reverse_time(x, mask)
        training = self.training
        if training and self.dropout > 0:
            n, _, features = (int(s) for s in B.shape(x))
            x = B.multiply(x, B.expand_dims(dropout_mask(B.zeros((n, features), B.dtype(x)), self.dropout), 1))
        if self._fused():
            outputs, *states = self._fused_op(x, states, mask)
        else:
            rec = dropout_mask(states[0], self.recurrent_dropout) if training and self.recurrent_dropout > 0 else None
            outputs, _, states = run_steps(lambda x_t, s: self._step(x_t, s, rec), x, states, mask)
        keep_states(self, states)
        return self._result(outputs, *states)

    def _fused_op(self, x: Any, states: list[Any], mask: Any) -> tuple[Any, ...]:
        raise NotImplementedError

    def _step(self, x: Any, states: list[Any], rec_mask: Any) -> tuple[Any, list[Any]]:
        raise NotImplementedError

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

    def _work(self, x: Any = None, *rest: Any) -> tuple[int, int]:
        n, steps, features = (int(s if s is not None else 1) for s in B.shape(x))
        cells = n * steps * self._gates * self.units
        return cells, cells * (features + self.units)

    def _bias_shape(self) -> tuple[int, ...]:
        return (self._gates * self.units,)

    def _bias_init(self) -> Any:
        return self.bias_initializer

    # -- inputs -----------------------------------------------------------------

    def _initial_states(self, initial_state: Any) -> tuple[Any, ...]:
        """``initial_state`` as one tensor (or None) per state, in :attr:`_state_names` order."""
        count = len(self._state_names)
        if initial_state is None:
            return (None,) * count
        states = tuple(initial_state) if isinstance(initial_state, list | tuple) else (initial_state,)
        if len(states) != count:
            names = ", ".join(self._state_names)
            raise ArgumentError(
                f"{self._where()} expects initial_state as [{names}] ({count} tensors of shape (N, {self.units})), "
                f"got {len(states)}; pass {'a list [h, c]' if count == 2 else 'one tensor h'}"
            )
        return states

    def check_inputs(self, x: Any = None, mask: Any = None, initial_state: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        if len(shape) != 3:
            fix = "add a time axis with dn.ops.expand_dims(x, 1)" if len(shape) == 2 else "pass (batch, time, features)"
            raise ShapeError(f"{self._where()} expects inputs of rank 3 (N, T, F), got shape {shape}; {fix}")
        self._check_steps(shape)
        dtype = B.dtype(x)
        if not is_float(dtype):
            raise DTypeError(
                f"{self._where()} expects floating-point inputs, got {dtype}; "
                "embed integer ids first (dn.nn.Embedding) or cast, e.g. dn.ops.cast(x, 'float32')"
            )
        if self.in_features is not None and shape[-1] not in (self.in_features, None):
            raise ShapeError(
                f"{self._where()} expects inputs with {self.in_features} features (last axis), got shape {shape}; "
                "feed every call sequences with the same number of features"
            )
        self._check_extras(shape, mask, initial_state)

    def _check_steps(self, shape: tuple[Any, ...]) -> None:
        # torch's kernels refuse T = 0 and Keras returns the initial state: we follow torch on both backends,
        # as an empty sequence is nearly always a bug upstream (a bad slice or an empty padded batch).
        if len(shape) == 3 and shape[1] == 0:
            raise ShapeError(
                f"{self._where()} got sequences of length 0 (shape {shape}); a recurrent layer needs at least one "
                "time step: drop empty sequences, or pad them to length 1 with a mask that is False there"
            )

    def _check_extras(self, shape: tuple[Any, ...], mask: Any, initial_state: Any) -> None:
        if mask is not None:
            got = tuple(B.shape(mask))
            if not _fits(got, shape[:2]):
                raise ShapeError(
                    f"{self._where()} expects mask of shape (N, T) = {shape[:2]}, got {got}; "
                    "pass one bool per sequence step, True for steps to run"
                )
        for name, state in zip(self._state_names, self._initial_states(initial_state)):
            if state is not None and not _fits(tuple(B.shape(state)), (shape[0], self.units)):
                raise ShapeError(
                    f"{self._where()} expects initial state {name} of shape (N, units) = {(shape[0], self.units)}, "
                    f"got {tuple(B.shape(state))}; pass one state row per sequence"
                )

    def _result(self, outputs: Any, h: Any, *states: Any) -> Any:
        out = outputs if self.return_sequences else h
        return (out, h, *states) if self.return_state else out

    def extra_repr(self) -> str:
        names = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll")
        flags = "".join(f", {flag}=True" for flag in names if getattr(self, flag))
        return f"units={self.units}, in_features={self.in_features}{flags}"


def _fits(got: Sequence[Any], want: Sequence[Any]) -> bool:
    # None is a size unknown while tracing: it fits anything.
    return len(got) == len(want) and all(g is None or w is None or g == w for g, w in zip(got, want))


class LSTM(_Recurrent):
    """Long short-term memory layer (Keras ``LSTM``, tanh and sigmoid activations).

    Input ``(N, T, F)`` -> ``(N, units)``, or ``(N, T, units)`` with
    ``return_sequences``; with ``return_state`` the result is ``(output, h, c)``
    with ``h``, ``c`` of shape ``(N, units)``.

    Weights (Keras layout, gates i, f, c, o): ``kernel`` (F, 4*units),
    ``recurrent_kernel`` (units, 4*units), ``bias`` (4*units,), the forget
    slice initialised to ones when ``unit_forget_bias``. ``forward(x,
    mask=None, initial_state=None)``: ``mask`` (N, T) bool, True for steps to
    run; masked steps carry the state unchanged and give zero outputs (Keras
    with ``zero_output_for_mask=True``), so ``h`` is the state after the last
    unmasked step. ``initial_state`` is ``[h0, c0]``, each (N, units), zeros
    by default.

    Options (Keras's): ``activation`` / ``recurrent_activation`` (tanh /
    sigmoid); ``dropout`` and ``recurrent_dropout``, one mask per sequence on
    the inputs and on ``h`` before its product, in training mode only, drawn
    from the framework's generator that ``dn.seed`` seeds; ``go_backwards``
    (process the reversed sequence and return outputs in that order);
    ``stateful`` (each call starts from the last call's final states, without
    their gradients; ``reset_states()`` zeroes them; same batch size every
    call); ``unroll`` (the per-step path; dualnet's loops are unrolled
    already, so it only turns the fused op off). A non-default activation,
    ``recurrent_dropout`` or ``unroll`` runs the per-step path, like Keras's
    cuDNN conditions; both paths compute the same numbers.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for inputs that are not ``(N, T, F)``, sequences of length ``T = 0`` (torch.nn refuses
            them too; Keras returns the initial state), a mask or initial state of the wrong shape, or (stateful)
            a batch size other than the kept states'.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    _gates = 4
    _state_names = ("h", "c")

    def __init__(
        self,
        units: int,
        return_sequences: bool = False,
        return_state: bool = False,
        in_features: int | None = None,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        use_bias: bool = True,
        dtype: str = "float32",
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
    ) -> None:
        super().__init__(
            units,
            return_sequences,
            return_state,
            in_features,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            use_bias,
            dtype,
            activation=activation,
            recurrent_activation=recurrent_activation,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
        )
        self.unit_forget_bias = check_bool("LSTM", "unit_forget_bias", unit_forget_bias)
        if self.in_features is not None:
            self._create(self.in_features)

    def _bias_init(self) -> Any:
        return forget_bias_init(self.bias_initializer, self.units) if self.unit_forget_bias else self.bias_initializer

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        self._check_steps(tuple(B.shape(x)))  # TensorFlow's loop would return zeros for T = 0
        if mask is not None or initial_state is not None:
            self._check_extras(tuple(B.shape(x)), mask, initial_state)
        return self._run(x, mask, initial_state)

    def _fused_op(self, x: Any, states: list[Any], mask: Any) -> tuple[Any, ...]:
        outputs, h, c = B.lstm(x, self.kernel, self.recurrent_kernel, self.bias, states[0], states[1], mask)
        return outputs, h, c

    def _step(self, x: Any, states: list[Any], rec_mask: Any) -> tuple[Any, list[Any]]:
        h, c = lstm_step(
            x,
            states[0],
            states[1],
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            self._activation,
            self._recurrent_activation,
            rec_mask,
        )
        return h, [h, c]


class GRU(_Recurrent):
    """Gated recurrent unit layer (Keras ``GRU``, tanh and sigmoid activations).

    Input ``(N, T, F)`` -> ``(N, units)``, or ``(N, T, units)`` with
    ``return_sequences``; with ``return_state`` the result is ``(output, h)``.

    Weights (Keras layout, gates z, r, h): ``kernel`` (F, 3*units),
    ``recurrent_kernel`` (units, 3*units), ``bias`` (2, 3*units) with
    ``reset_after`` (input and recurrent biases; the reset gate multiplies the
    recurrent product, as in PyTorch and cuDNN) or (3*units,) without.
    ``forward(x, mask=None, initial_state=None)`` as for :class:`LSTM`, with
    ``initial_state`` one tensor ``h0`` (N, units) (or ``[h0]``). Options
    (``activation``, ``dropout``, ``go_backwards``, ``stateful``, ...) as for
    :class:`LSTM`.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for inputs that are not ``(N, T, F)``, sequences of length ``T = 0`` (torch.nn refuses
            them too; Keras returns the initial state), a mask or initial state of the wrong shape, or (stateful)
            a batch size other than the kept states'.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    _gates = 3
    _state_names = ("h",)

    def __init__(
        self,
        units: int,
        return_sequences: bool = False,
        return_state: bool = False,
        in_features: int | None = None,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        reset_after: bool = True,
        use_bias: bool = True,
        dtype: str = "float32",
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
    ) -> None:
        super().__init__(
            units,
            return_sequences,
            return_state,
            in_features,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            use_bias,
            dtype,
            activation=activation,
            recurrent_activation=recurrent_activation,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
        )
        self.reset_after = check_bool("GRU", "reset_after", reset_after)
        if self.in_features is not None:
            self._create(self.in_features)

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        self._check_steps(tuple(B.shape(x)))  # TensorFlow's loop would return zeros for T = 0
        if mask is not None or initial_state is not None:
            self._check_extras(tuple(B.shape(x)), mask, initial_state)
        return self._run(x, mask, initial_state)

    def _fused_op(self, x: Any, states: list[Any], mask: Any) -> tuple[Any, ...]:
        outputs, h = B.gru(x, self.kernel, self.recurrent_kernel, self.bias, states[0], mask, self.reset_after)
        return outputs, h

    def _step(self, x: Any, states: list[Any], rec_mask: Any) -> tuple[Any, list[Any]]:
        h = gru_step(
            x,
            states[0],
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            self.reset_after,
            self._activation,
            self._recurrent_activation,
            rec_mask,
        )
        return h, [h]
