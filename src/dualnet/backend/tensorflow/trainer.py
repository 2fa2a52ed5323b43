"""The pieces of the Trainer's step that differ per framework, on TensorFlow.

``compile_step(fn, jit)``: the step as a ``tf.function`` (XLA when ``jit``), called through ``CompiledStep``,
that is traced once per input signature; ``reduce_retracing`` makes the second
batch shape (the smaller last batch) trace a shape-generic graph instead of one
graph per size, and Python arguments (the step's mode flags) are part of the
signature. Autograph is off: the step's Python control flow runs on Python
values while tracing. ``run_if(pred, fn)``: run ``fn`` when a scalar bool
tensor is true (``tf.cond`` inside a graph, a Python branch when eager).
``leading_size(x)``: the batch size of ``x`` as a number or a scalar tensor.
``traces_checks()``: True, the Trainer's value checks become flags the step returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

from dualnet.backend.tensorflow.autograd import compiled


def compile_step(fn: Callable[..., Any], jit: bool) -> Callable[..., Any]:
    """``fn`` as a ``tf.function`` (XLA-compiled when ``jit``), called through :class:`CompiledStep`."""
    return CompiledStep(compiled(fn, bool(jit), reduce_retracing=True, autograph=False))


class CompiledStep:
    """A ``tf.function`` whose traces, once made, are called without its per-call signature matching.

    ``tf.function.__call__`` binds the arguments and builds their trace types on every call: about
    0.2 ms, half of a small model's whole training step on CPU. The step is called with the same
    structure, shapes and flags batch after batch, so the concrete function traced for a signature is
    kept under a cheap key (structure, dtypes, shapes, Python values) and called with the flat
    tensors. Anything else in the arguments (variables, arrays) takes the ``tf.function`` call.
    """

    def __init__(self, function: Any) -> None:
        self.function = function
        self._traces: dict[tuple[Any, ...], Any] = {}

    def __call__(self, *args: Any) -> Any:
        key: list[Any] = []
        tensors: list[Any] = []
        if not (tf.executing_eagerly() and _flatten(args, key, tensors)):
            return self.function(*args)
        signature = tuple(key)
        concrete = self._traces.get(signature, _UNSEEN)
        if concrete is _UNSEEN:
            out = self.function(*args)  # traces when new, as always
            if len(self._traces) < _MAX_KEYS:  # inputs of ever-new shapes: the tf.function call for the rest
                self._traces[signature] = _trace_for(self.function, args, len(tensors))
            return out
        if concrete is None:
            return self.function(*args)
        return concrete._call_flat(tensors, concrete.captured_inputs)


_UNSEEN = object()
_MAX_KEYS = 64
_EAGER_TENSOR = type(tf.constant(0.0))
_PLAIN = (bool, int, float, str, type(None))


def _flatten(value: Any, key: list[Any], tensors: list[Any]) -> bool:
    """Append ``value``'s signature to ``key`` and its tensors to ``tensors`` in ``tf.nest`` order; False if unsure."""
    if isinstance(value, _EAGER_TENSOR):
        key.append((value.dtype, tuple(value.shape)))
        tensors.append(value)
        return True
    if isinstance(value, _PLAIN):
        key.append((type(value), value))
        return True
    if type(value) in (tuple, list):
        key.append((type(value), len(value)))
        return all(_flatten(item, key, tensors) for item in value)
    if type(value) is dict and all(type(k) is str for k in value):
        names = sorted(value)
        key.append((dict, *names))
        return all(_flatten(value[k], key, tensors) for k in names)
    return False


def _trace_for(function: Any, args: tuple[Any, ...], count: int) -> Any:
    """The concrete function ``function(*args)`` just ran, if it takes exactly those ``count`` tensors, else None."""
    try:
        concrete = function.get_concrete_function(*args)
    except (TypeError, ValueError):
        return None
    if not hasattr(concrete, "_call_flat") or len(concrete.inputs) - len(concrete.captured_inputs) != count:
        return None
    return concrete


def traces_checks() -> bool:
    """True: ``tf.function`` traces the step without values (and XLA drops asserts), so checks return flags."""
    return True


def run_if(pred: Any, fn: Callable[[], None]) -> None:
    """Call ``fn()`` when ``pred`` (a scalar bool tensor) is true; a ``tf.cond`` while tracing."""
    if tf.executing_eagerly():
        if bool(pred):
            fn()
        return

    def taken() -> tf.Tensor:
        fn()
        return tf.constant(True)

    tf.cond(tf.reshape(tf.cast(pred, tf.bool), ()), taken, lambda: tf.constant(False))


def leading_size(x: Any) -> Any:
    """``x``'s first dimension: a float when known while tracing, else a float32 scalar tensor."""
    static = x.shape[0]
    return float(static) if static is not None else tf.cast(tf.shape(x)[0], tf.float32)
