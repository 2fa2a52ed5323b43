"""rnn ops on tensorflow: LSTM and GRU over whole sequences, Keras weight layouts.

The input projection of every step is one product; then a loop over time runs
the cell. Called eagerly, the whole op runs as a cached ``tf.function`` (op by
op, the Python loop made an LSTM(128) over 50 steps about 3x slower); inside a
caller's trace it becomes part of that graph. With a static sequence length the
loop is unrolled in Python; with an unknown length (sizes are relaxed after a
retrace), or when XLA compiles the trace (``jit=True``), it is a
``tf.while_loop``. Both run the same step function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.autograd import in_xla
from dualnet.backend.tensorflow.core import convert_to_tensor


def _operands(
    x: ArrayLike, kernel: ArrayLike, recurrent_kernel: ArrayLike, bias: ArrayLike | None
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | None]:
    kernel = convert_to_tensor(kernel)
    x = convert_to_tensor(x, kernel.dtype.name)
    recurrent_kernel = convert_to_tensor(recurrent_kernel, kernel.dtype.name)
    bias = None if bias is None else convert_to_tensor(bias, kernel.dtype.name)
    return x, kernel, recurrent_kernel, bias


def _state(state: ArrayLike | None, x: tf.Tensor, units: Any) -> tf.Tensor:
    if state is None:
        return tf.zeros(tf.stack([tf.shape(x)[0], units]), x.dtype)
    return convert_to_tensor(state, x.dtype.name)


States = tuple[tf.Tensor, ...]
Step = Callable[[tf.Tensor, States], tuple[tf.Tensor, States]]


def _scan(step: Step, projected: tf.Tensor, keep: tf.Tensor | None, states: States) -> tuple[tf.Tensor, States]:
    """Run ``step(x_t, states) -> (h_new, new_states)`` over axis 1 of ``projected`` (N, T, G).

    ``keep`` (T, N, 1) bool or None. Masked steps carry the states and output zeros.
    Returns ``(outputs (N, T, H), final states)``.
    """
    # Time-major, then split into steps by unstack / TensorArray: their gradients are one stack, where
    # indexing step t (a strided slice) has a gradient that writes a whole (T, N, G) tensor per step (an
    # LSTM(128) over 50 steps spent 3/4 of its training step there).
    steps = tf.transpose(projected, (1, 0, 2))

    def advance(t: Any, x_t: tf.Tensor, states: States) -> tuple[tf.Tensor, States]:
        h_new, new_states = step(x_t, states)
        if keep is None:
            return h_new, new_states
        kept = tuple(tf.where(keep[t], n, s) for n, s in zip(new_states, states))
        return tf.where(keep[t], h_new, tf.zeros_like(h_new)), kept

    length = projected.shape[1]
    if length is not None and not in_xla():
        outputs = []
        for t, x_t in enumerate(tf.unstack(steps, num=length)):
            out, states = advance(t, x_t, states)
            outputs.append(out)
        return tf.stack(outputs, 1), states
    # XLA compiles a while_loop with a static trip count into one tight loop (an unrolled LSTM(128) over
    # 50 steps trained at 31 ms a step under XLA, the loop at 19 ms); it needs the sizes static.
    size = length if length is not None else tf.shape(projected)[1]
    inputs = tf.TensorArray(projected.dtype, size=size).unstack(steps)
    array = tf.TensorArray(projected.dtype, size=size)

    def body(t: Any, array: Any, states: States) -> tuple[Any, Any, States]:
        out, states = advance(t, inputs.read(t), states)
        return t + 1, array.write(t, out), states

    loop = tf.while_loop(lambda t, *_: t < size, body, (0, array, states), maximum_iterations=length)
    _, array, states = loop
    return tf.transpose(array.stack(), (1, 0, 2)), states


_GRAPHS: dict[Any, Any] = {}  # (_lstm / _gru, weight shapes) -> its tf.function


def _compiled(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, run as a graph when called eagerly."""
    if not tf.executing_eagerly():
        return fn(*args)  # already being traced: the caller's graph holds the loop
    # One function per weight shapes: with reduce_retracing a shared function relaxes to a trace that
    # layers of different sizes would share, and a run of the full suite saw one layer's sizes reach another's
    # call. Input shapes (batch, time) still relax within a layer.
    key = (fn, *(None if a is None else tuple(getattr(a, "shape", ())) for a in args[1:4]))
    graph = _GRAPHS.get(key)
    if graph is None:
        graph = _GRAPHS[key] = tf.function(fn, autograph=False, reduce_retracing=True)
    return graph(*args)


def _keep(mask: ArrayLike | None) -> tf.Tensor | None:
    return None if mask is None else tf.expand_dims(tf.transpose(tf.cast(convert_to_tensor(mask), tf.bool)), -1)


def lstm(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
    h0: ArrayLike | None = None,
    c0: ArrayLike | None = None,
    mask: ArrayLike | None = None,
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    result: tuple[tf.Tensor, tf.Tensor, tf.Tensor] = _compiled(_lstm, x, kernel, recurrent_kernel, bias, h0, c0, mask)
    return result


def _lstm(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None,
    h0: ArrayLike | None,
    c0: ArrayLike | None,
    mask: ArrayLike | None,
) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    x, kernel, recurrent_kernel, bias = _operands(x, kernel, recurrent_kernel, bias)
    units = tf.shape(recurrent_kernel)[0]  # dynamic: shapes are relaxed after retracing
    projected = tf.matmul(x, kernel)
    if bias is not None:
        projected = projected + bias

    def step(x_t: tf.Tensor, states: States) -> tuple[tf.Tensor, States]:
        h, c = states
        z = x_t + tf.matmul(h, recurrent_kernel)
        i, f, g, o = tf.split(z, 4, axis=1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (h, c)

    outputs, (h, c) = _scan(step, projected, _keep(mask), (_state(h0, x, units), _state(c0, x, units)))
    return outputs, h, c


def gru(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None = None,
    h0: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    reset_after: bool = True,
) -> tuple[tf.Tensor, tf.Tensor]:
    result: tuple[tf.Tensor, tf.Tensor] = _compiled(_gru, x, kernel, recurrent_kernel, bias, h0, mask, reset_after)
    return result


def _gru(
    x: ArrayLike,
    kernel: ArrayLike,
    recurrent_kernel: ArrayLike,
    bias: ArrayLike | None,
    h0: ArrayLike | None,
    mask: ArrayLike | None,
    reset_after: bool,
) -> tuple[tf.Tensor, tf.Tensor]:
    x, kernel, recurrent_kernel, bias = _operands(x, kernel, recurrent_kernel, bias)
    units = tf.shape(recurrent_kernel)[0]  # dynamic: shapes are relaxed after retracing
    input_bias = recurrent_bias = None
    if bias is not None:
        input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, None)
    projected = tf.matmul(x, kernel)
    if input_bias is not None:
        projected = projected + input_bias

    def step(x_t: tf.Tensor, states: States) -> tuple[tf.Tensor, States]:
        (h,) = states
        x_z, x_r, x_h = tf.split(x_t, 3, axis=1)
        if reset_after:
            inner = tf.matmul(h, recurrent_kernel)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
            h_z, h_r, h_h = tf.split(inner, 3, axis=1)
            r = tf.sigmoid(x_r + h_r)
            candidate = tf.tanh(x_h + r * h_h)
        else:
            h_z, h_r = tf.split(tf.matmul(h, recurrent_kernel[:, : 2 * units]), 2, axis=1)
            r = tf.sigmoid(x_r + h_r)
            candidate = tf.tanh(x_h + tf.matmul(r * h, recurrent_kernel[:, 2 * units :]))
        z = tf.sigmoid(x_z + h_z)
        h = z * h + (1 - z) * candidate
        return h, (h,)

    outputs, (h,) = _scan(step, projected, _keep(mask), (_state(h0, x, units),))
    return outputs, h
