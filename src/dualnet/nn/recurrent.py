"""Recurrent layers ``LSTM`` and ``GRU`` with Keras's arguments and weight layouts.

Both read batch-first sequences ``(N, T, F)`` and run the whole sequence in one
op (``dn.ops.lstm`` / ``dn.ops.gru``): the input projection of every step is a
single product, then the backend's fused kernel or its loop over time does the
recurrence. Weights are Keras's, name for name and shape for shape, so a
Keras ``LSTM``/``GRU`` weight list loads as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_int
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn import initializers
from dualnet.nn.module import Module

__all__ = ["GRU", "LSTM"]


class _Recurrent(Module):
    """What LSTM and GRU share: arguments, weights, input checks and the shape of the result."""

    _gates: int
    _state_names: tuple[str, ...]

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
    ) -> None:
        super().__init__()
        name = type(self).__name__
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
        self.built = False  # subclasses set their own options, then create weights if in_features is known

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
        flags = "".join(f", {flag}=True" for flag in ("return_sequences", "return_state") if getattr(self, flag))
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

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for inputs that are not ``(N, T, F)``, sequences of length ``T = 0`` (torch.nn refuses
            them too; Keras returns the initial state), or a mask or initial state of the wrong shape.
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
        )
        self.unit_forget_bias = check_bool("LSTM", "unit_forget_bias", unit_forget_bias)
        if self.in_features is not None:
            self._create(self.in_features)

    def _bias_init(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        base = initializers.get(self.bias_initializer)
        units = self.units

        def init(shape: tuple[int, ...], dtype: str, rng: np.random.Generator) -> np.ndarray:
            # Keras: [bias_init(units), ones(units), bias_init(2 * units)] -> i, f, c, o.
            i = base((units,), dtype, rng)
            rest = base((2 * units,), dtype, rng)
            return np.concatenate([i, np.ones((units,), i.dtype), rest])

        return init

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        self._check_steps(tuple(B.shape(x)))  # TensorFlow's loop would return zeros for T = 0
        if mask is not None or initial_state is not None:
            self._check_extras(tuple(B.shape(x)), mask, initial_state)
        h0, c0 = self._initial_states(initial_state)
        outputs, h, c = B.lstm(x, self.kernel, self.recurrent_kernel, self.bias, h0, c0, mask)
        return self._result(outputs, h, c)


class GRU(_Recurrent):
    """Gated recurrent unit layer (Keras ``GRU``, tanh and sigmoid activations).

    Input ``(N, T, F)`` -> ``(N, units)``, or ``(N, T, units)`` with
    ``return_sequences``; with ``return_state`` the result is ``(output, h)``.

    Weights (Keras layout, gates z, r, h): ``kernel`` (F, 3*units),
    ``recurrent_kernel`` (units, 3*units), ``bias`` (2, 3*units) with
    ``reset_after`` (input and recurrent biases; the reset gate multiplies the
    recurrent product, as in PyTorch and cuDNN) or (3*units,) without.
    ``forward(x, mask=None, initial_state=None)`` as for :class:`LSTM`, with
    ``initial_state`` one tensor ``h0`` (N, units) (or ``[h0]``).

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for inputs that are not ``(N, T, F)``, sequences of length ``T = 0`` (torch.nn refuses
            them too; Keras returns the initial state), or a mask or initial state of the wrong shape.
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
        (h0,) = self._initial_states(initial_state)
        outputs, h = B.gru(x, self.kernel, self.recurrent_kernel, self.bias, h0, mask, self.reset_after)
        return self._result(outputs, h)
