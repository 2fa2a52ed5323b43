"""One time step of SimpleRNN, LSTM and GRU on Keras weight layouts, and the loop that runs any step over time.

The cells (``recurrent_cells.py``) and the layers' per-step path (``recurrent.py``)
both call these functions, so a cell and its layer compute the same math. The
fused whole-sequence ops (``dn.ops.lstm`` / ``dn.ops.gru``) compute it too, with
the default activations and no recurrent dropout.

Dropout follows Keras's ``DropoutRNNCell``: one mask per sequence (drawn at the
first step, reused at every step), on the step input (``dropout``) and on the
previous output before its recurrent product (``recurrent_dropout``), shared
by all gates. The masks come from the framework's generator, which ``dn.seed``
seeds (``dn.ops.random.dropout``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dualnet.backend.dispatch import B

__all__: list[str] = []

Activation = Callable[[Any], Any] | None
Step = Callable[[Any, list[Any]], tuple[Any, list[Any]]]


def dropout_mask(like: Any, rate: float) -> Any:
    """A mask shaped like ``like``: zeros with probability ``rate``, ``1 / (1 - rate)`` elsewhere."""
    return B.random_dropout(B.ones_like(like), rate, None, None)


def _act(fn: Activation, x: Any) -> Any:
    return x if fn is None else fn(x)


def _project(x: Any, kernel: Any, bias: Any) -> Any:
    z = B.matmul(x, kernel)
    return z if bias is None else B.add(z, bias)


def simple_rnn_step(
    x: Any, h: Any, kernel: Any, recurrent_kernel: Any, bias: Any, activation: Activation, rec_mask: Any = None
) -> Any:
    """``activation(x @ kernel + bias + h @ recurrent_kernel)``, ``h`` times ``rec_mask`` in the product."""
    h_in = h if rec_mask is None else B.multiply(h, rec_mask)
    return _act(activation, B.add(_project(x, kernel, bias), B.matmul(h_in, recurrent_kernel)))


def lstm_step(
    x: Any,
    h: Any,
    c: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    activation: Activation,
    recurrent_activation: Activation,
    rec_mask: Any = None,
) -> tuple[Any, Any]:
    """Keras gates i, f, c, o: returns ``(h, c)`` after one step."""
    h_in = h if rec_mask is None else B.multiply(h, rec_mask)
    z = B.add(_project(x, kernel, bias), B.matmul(h_in, recurrent_kernel))
    i, f, g, o = B.split(z, 4, axis=-1)
    c = B.add(
        B.multiply(_act(recurrent_activation, f), c),
        B.multiply(_act(recurrent_activation, i), _act(activation, g)),
    )
    return B.multiply(_act(recurrent_activation, o), _act(activation, c)), c


def gru_step(
    x: Any,
    h: Any,
    kernel: Any,
    recurrent_kernel: Any,
    bias: Any,
    reset_after: bool,
    activation: Activation,
    recurrent_activation: Activation,
    rec_mask: Any = None,
) -> Any:
    """Keras gates z, r, h (``bias`` (2, 3U) with ``reset_after``, else (3U,)): the new ``h``."""
    h_in = h if rec_mask is None else B.multiply(h, rec_mask)
    if reset_after:
        in_bias, rec_bias = (None, None) if bias is None else B.unstack(bias, 2, axis=0)
        xz, xr, xh = B.split(_project(x, kernel, in_bias), 3, axis=-1)
        hz, hr, hh = B.split(_project(h_in, recurrent_kernel, rec_bias), 3, axis=-1)
        z = _act(recurrent_activation, B.add(xz, hz))
        r = _act(recurrent_activation, B.add(xr, hr))
        candidate = _act(activation, B.add(xh, B.multiply(r, hh)))
    else:
        xz, xr, xh = B.split(_project(x, kernel, bias), 3, axis=-1)
        k_zr, k_h = B.split(recurrent_kernel, [2 * int(B.shape(recurrent_kernel)[0])], axis=-1)
        hz, hr = B.split(B.matmul(h_in, k_zr), 2, axis=-1)
        z = _act(recurrent_activation, B.add(xz, hz))
        r = _act(recurrent_activation, B.add(xr, hr))
        candidate = _act(activation, B.add(xh, B.matmul(B.multiply(r, h_in), k_h)))
    return B.add(B.multiply(z, h), B.multiply(B.subtract(1.0, z), candidate))


def run_steps(step: Step, x: Any, states: Sequence[Any], mask: Any = None) -> tuple[Any, Any, list[Any]]:
    """Run ``step(x_t, states) -> (output, new_states)`` over axis 1 of ``x`` (N, T, F), in order.

    ``mask`` (N, T) bool: at a False step the states are carried and the output is zeros (Keras with
    ``zero_output_for_mask=True``, as ``dn.ops.lstm``). Returns ``(outputs (N, T, U), last output, states)``,
    the last output being the output of the last unmasked step (the state after it, for the built-in cells).
    """
    steps = B.unstack(x, int(B.shape(x)[1]), axis=1)  # a static length: the loop is unrolled on both backends
    keeps = None if mask is None else B.unstack(B.expand_dims(B.cast(mask, "bool"), -1), len(steps), axis=1)
    states = list(states)
    outputs: list[Any] = []
    last: Any = None
    for t, x_t in enumerate(steps):
        out, new_states = step(x_t, states)
        new_states = list(new_states)
        if keeps is None:
            states, last = new_states, out
        else:
            keep = keeps[t]
            states = [B.where(keep, n, s) for n, s in zip(new_states, states)]
            last = B.where(keep, out, B.zeros_like(out) if last is None else last)
            out = B.where(keep, out, B.zeros_like(out))
        outputs.append(out)
    return B.stack(outputs, axis=1), last, states
