"""Gradients, no-grad scopes and compilation on TensorFlow."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any

import tensorflow as tf

from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.errors import ShapeError


class _Tapes(threading.local):
    """The tapes this thread's ``value_and_grad`` calls are recording, innermost last.

    Per thread: no_grad() pauses only its own thread's tapes. A tape shared across threads
    was paused and resumed by another thread mid-recording (seen: segfaults, "Tape is not
    recording", "gradient() cannot be invoked within the GradientTape context").
    """

    def __init__(self) -> None:
        self.open: list[tf.GradientTape] = []


_tapes = _Tapes()


def value_and_grad(
    fn: Callable[[list[tf.Tensor]], Any],
    variables: Sequence[tf.Variable],
    inputs: Sequence[Any],
    has_aux: bool,
) -> tuple[tf.Tensor, Any, list[tf.Tensor]]:
    watched = [convert_to_tensor(x) for x in inputs]
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(list(variables))
        tape.watch(watched)
        recording = _tapes.open
        recording.append(tape)
        try:
            out = fn(watched)
        finally:
            recording.pop()
        value, aux = out if has_aux else (out, None)
    if not isinstance(value, tf.Tensor) or value.shape.num_elements() != 1:
        got = tuple(value.shape) if isinstance(value, tf.Tensor) else type(value).__name__
        raise ShapeError(
            f"value_and_grad: the function must return a scalar loss, got {got}; "
            "reduce it first, e.g. with dn.ops.mean(...)"
        )
    grads = tape.gradient(value, [*variables, *watched], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    # Embedding lookups give IndexedSlices; optimizers and users expect dense tensors.
    return value, aux, [tf.convert_to_tensor(g) for g in grads]


@contextmanager
def _paused() -> Iterator[None]:
    with ExitStack() as stack:
        for tape in _tapes.open:
            stack.enter_context(tape.stop_recording())
        yield


def no_grad() -> AbstractContextManager[None]:
    return _paused()


def stop_gradient(x: Any) -> tf.Tensor:
    return tf.stop_gradient(x)


def function(fn: Callable[..., Any], jit: bool) -> Callable[..., Any]:
    graph: Callable[..., Any] = compiled(fn, jit)
    return graph


_tracing = threading.local()  # .xla: how many XLA traces this thread is inside


def compiled(fn: Callable[..., Any], jit: bool, **options: Any) -> Any:
    """``fn`` as a ``tf.function``; with ``jit``, XLA-compiled and traced with :func:`in_xla` true.

    Some ops pick a different graph for XLA (a recurrent loop is a ``tf.while_loop``
    there, which XLA compiles well, and unrolled otherwise, which TensorFlow's own
    executor runs faster), so they need to know which compiler will get the trace.
    """
    if not jit:
        return tf.function(fn, **options)

    @functools.wraps(fn)
    def traced(*args: Any, **kwargs: Any) -> Any:
        _tracing.xla = getattr(_tracing, "xla", 0) + 1
        try:
            return fn(*args, **kwargs)
        finally:
            _tracing.xla -= 1

    return tf.function(traced, jit_compile=True, **options)


def in_xla() -> bool:
    """True while a function made by :func:`compiled` with ``jit=True`` is being traced."""
    return getattr(_tracing, "xla", 0) > 0
