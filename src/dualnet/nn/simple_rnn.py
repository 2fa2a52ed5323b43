"""``SimpleRNN``: the fully connected recurrent layer, Keras's arguments and weight layout."""

from __future__ import annotations

from typing import Any

from dualnet.backend.dispatch import B
from dualnet.nn.recurrent import _Recurrent
from dualnet.nn.recurrent_steps import simple_rnn_step

__all__ = ["SimpleRNN"]


class SimpleRNN(_Recurrent):
    """Fully connected RNN (Keras ``SimpleRNN``; torch.nn ``RNN`` with ``nonlinearity="tanh"``, one layer).

    Per step ``h = activation(x_t @ kernel + h @ recurrent_kernel + bias)``. Input ``(N, T, F)`` ->
    ``(N, units)``, or ``(N, T, units)`` with ``return_sequences``; with ``return_state`` the result is
    ``(output, h)``. Weights: ``kernel`` (F, units), ``recurrent_kernel`` (units, units), ``bias`` (units,)
    (torch's ``weight_ih_l0`` is ``kernel.T``, ``weight_hh_l0`` is ``recurrent_kernel.T``, and its two biases
    sum to ``bias``). ``forward(x, mask=None, initial_state=None)``, ``dropout``, ``recurrent_dropout``,
    ``go_backwards``, ``stateful`` (with ``reset_states()``) and ``unroll`` as for :class:`LSTM`; there is no
    fused op, so every call runs the per-step path.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for inputs that are not ``(N, T, F)``, sequences of length ``T = 0``, a mask or initial
            state of the wrong shape, or (stateful) a batch size other than the kept states'.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    _gates = 1
    _state_names = ("h",)

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
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        in_features: int | None = None,
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
            activation=activation,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
        )
        if self.in_features is not None:
            self._create(self.in_features)

    def _fused(self) -> bool:
        return False

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        self._check_steps(tuple(B.shape(x)))
        if mask is not None or initial_state is not None:
            self._check_extras(tuple(B.shape(x)), mask, initial_state)
        return self._run(x, mask, initial_state)

    def _step(self, x: Any, states: list[Any], rec_mask: Any) -> tuple[Any, list[Any]]:
        h = simple_rnn_step(x, states[0], self.kernel, self.recurrent_kernel, self.bias, self._activation, rec_mask)
        return h, [h]
