"""The pieces of the Trainer's step that differ per framework, on TensorFlow.

``compile_step(fn, jit)``: the step as a ``tf.function`` (XLA when ``jit``)
that is traced once per input signature; ``reduce_retracing`` makes the second
batch shape (the smaller last batch) trace a shape-generic graph instead of one
graph per size, and Python arguments (the step's mode flags) are part of the
signature. Autograph is off: the step's Python control flow runs on Python
values while tracing. ``run_if(pred, fn)``: run ``fn`` when a scalar bool
tensor is true (``tf.cond`` inside a graph, a Python branch when eager).
``leading_size(x)``: the batch size of ``x`` as a number or a scalar tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tensorflow as tf

from dualnet.backend.tensorflow.autograd import compiled

__all__ = ["compile_step", "run_if", "leading_size"]


def compile_step(fn: Callable[..., Any], jit: bool) -> Callable[..., Any]:
    """``fn`` as a ``tf.function``; XLA-compiled when ``jit``."""
    return compiled(fn, bool(jit), reduce_retracing=True, autograph=False)


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
