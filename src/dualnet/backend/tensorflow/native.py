"""Native interop on TensorFlow: a dualnet model seen as a ``tf.Module``, and a Keras layer inside dualnet.

Both directions share the variables themselves (the same ``tf.Variable``
objects), never copies, so an update made on one side is seen on the other.
Keras is reached through ``tf.keras`` (Keras 3), only when a layer is wrapped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import tensorflow as tf

from dualnet.backend.tensorflow.core import native_dtype
from dualnet.errors import ArgumentError


class NativeModule(tf.Module):  # type: ignore[misc]  # tensorflow is Any to mypy (not followed)
    """A ``tf.Module`` view of a dualnet model: calling it calls the model, its variables are the model's.

    ``weights`` maps each dotted path (``fc1.kernel``) to the model's
    ``tf.Variable``, which is what checkpoints and ``tf.saved_model.save``
    track. ``trainable_variables`` are the model's trainable parameters, in
    ``model.parameters()`` order. With an input signature, ``serve`` is a
    ``tf.function`` running the model in inference mode; ``tf.saved_model.save``
    exports it as the ``serving_default`` signature.
    """

    def __init__(
        self,
        forward: Callable[..., Any],
        inference: Callable[..., Any],
        named_variables: Sequence[tuple[str, tf.Variable]],
        trainable: Sequence[tf.Variable],
        input_signature: Sequence[tf.TensorSpec] | None,
    ) -> None:
        super().__init__(name="dualnet_native")
        self._dn_forward = forward
        self._dn_inference = inference
        self.weights = dict(named_variables)
        self._dn_trainable = tuple(trainable)
        if input_signature is not None:
            self.serve = tf.function(self._serve, input_signature=list(input_signature))

    def __call__(self, *inputs: Any, **kwargs: Any) -> Any:
        """Run the dualnet model on ``inputs`` in its current mode (record it with ``tf.GradientTape``)."""
        return self._dn_forward(*inputs, **kwargs)

    def _serve(self, *inputs: tf.Tensor) -> Any:
        return self._dn_inference(*inputs)

    @property
    def trainable_variables(self) -> tuple[tf.Variable, ...]:
        """The model's trainable parameters (dualnet's trainable flags, not ``tf.Variable.trainable``)."""
        return self._dn_trainable

    @property
    def variables(self) -> tuple[tf.Variable, ...]:
        """Every parameter and buffer of the model."""
        return tuple(self.weights.values())


def _spec(entry: Any) -> tf.TensorSpec:
    if isinstance(entry, tf.TensorSpec):
        return entry
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], tuple | list):
        return tf.TensorSpec(shape=list(entry[0]), dtype=native_dtype(entry[1]))
    raise ArgumentError(
        f"native(input_signature=...): each entry must be a tf.TensorSpec or a (shape, dtype) pair such as "
        f"((None, 4), 'float32'), got {entry!r}; use None for a dimension that may vary"
    )


def native_module(
    forward: Callable[..., Any],
    inference: Callable[..., Any],
    set_training: Callable[[bool], object],
    named_parameters: Sequence[tuple[str, Any]],
    trainable_mask: Sequence[bool],
    named_buffers: Sequence[tuple[str, Any]],
    input_signature: Sequence[Any] | None,
    name: str,
) -> NativeModule:
    """A :class:`NativeModule`; ``input_signature`` (``tf.TensorSpec`` or ``(shape, dtype)`` pairs) adds ``serve``.

    ``set_training`` and ``name`` serve torch's ``train()``/``repr`` and are not
    needed here: a ``tf.Module`` has no mode, the model's own mode is used.
    """
    specs = None if input_signature is None else [_spec(e) for e in input_signature]
    trainable = [var for (_, var), flag in zip(named_parameters, trainable_mask) if flag]
    return NativeModule(forward, inference, [*named_parameters, *named_buffers], trainable, specs)


def _is_layer(obj: Any) -> bool:
    return isinstance(obj, tf.keras.layers.Layer)


def _children(layer: Any) -> list[tuple[str, Any]]:
    """Sublayers by public attribute name (``encoder``, ``blocks.0``), else by position in ``layer.layers``."""
    found: list[tuple[str, Any]] = []
    for attr, value in vars(layer).items():
        if attr.startswith("_"):
            continue
        if _is_layer(value):
            found.append((attr, value))
        elif isinstance(value, list | tuple):
            found.extend((f"{attr}.{i}", v) for i, v in enumerate(value) if _is_layer(v))
    if not found and isinstance(getattr(layer, "layers", None), list):
        found = [(str(i), sub) for i, sub in enumerate(layer.layers)]
    return found


def _named_weights(layer: Any, prefix: str, seen: set[int]) -> list[tuple[str, Any]]:
    """``(dotted name, keras variable)``: the layer's own weights by name, then its sublayers', each once."""
    children = _children(layer)
    in_children = {id(v) for _, sub in children for v in sub.weights}
    out: list[tuple[str, Any]] = []
    for var in layer.weights:
        if id(var) in in_children or id(var) in seen:
            continue
        seen.add(id(var))
        base = f"{prefix}{var.name}"
        taken = {n for n, _ in out}
        key, i = base, 1
        while key in taken:
            key, i = f"{base}_{i}", i + 1
        out.append((key, var))
    for name, sub in children:
        out.extend(_named_weights(sub, f"{prefix}{name}.", seen))
    return out


class KerasAdapter:
    """What a dualnet ``Wrapped`` module needs from a Keras 3 layer: its state, its build and its call."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer

    def is_built(self) -> bool:
        return bool(self.layer.built)

    def build(self, *inputs: Any) -> None:
        """Build the layer symbolically from the first inputs' shapes (batch size left free)."""
        with tf.init_scope():
            specs = [
                tf.keras.KerasTensor(shape=(None, *tuple(x.shape)[1:]), dtype=tf.as_dtype(x.dtype).name) for x in inputs
            ]
            self.layer(*specs)

    def named_parameters(self) -> list[tuple[str, Any, bool]]:
        """``(dotted name, tf.Variable, trainable)``; ``trainable`` follows ``layer.trainable_weights``."""
        trainable = {id(v) for v in self.layer.trainable_weights}
        out = []
        for key, var in _named_weights(self.layer, "", set()):
            value = var.value
            if not isinstance(value, tf.Variable):
                raise ArgumentError(
                    f"dn.nn.wrap: Keras variable {var.path!r} is not backed by a tf.Variable "
                    f"(got {type(value).__name__}); use Keras with its tensorflow backend (KERAS_BACKEND=tensorflow)"
                )
            out.append((key, value, id(var) in trainable))
        return out

    def named_buffers(self) -> list[tuple[str, Any]]:
        """None: non-trainable Keras weights (moving statistics) are frozen parameters instead."""
        return []

    def call(self, training: bool, *inputs: Any, **kwargs: Any) -> Any:
        """The layer's output on ``inputs`` with Keras's ``training`` argument."""
        return self.layer(*inputs, training=training, **kwargs)


def native_adapter(obj: Any) -> KerasAdapter:
    """A :class:`KerasAdapter` for ``obj``, which must be a Keras 3 layer or model."""
    if not _is_layer(obj):
        raise ArgumentError(
            f"dn.nn.wrap: expected a Keras layer or model on the tensorflow backend, got {type(obj).__name__}; "
            "wrap a keras.layers.Layer (a tf.Module that is not a Keras layer cannot be wrapped)"
        )
    return KerasAdapter(obj)
