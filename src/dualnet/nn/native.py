"""Native interop: a dualnet model as the framework's own module, and a framework module inside dualnet.

``to_native(model)`` (``model.native()``) gives a ``torch.nn.Module`` on torch
or a ``tf.Module`` on tensorflow whose variables ARE the model's: train it with
a native optimizer, ``torch.compile`` it or ``tf.saved_model.save`` it, and the
dualnet model sees every change.

``wrap(native)`` (``dn.nn.wrap``) goes the other way: a ``torch.nn.Module`` on
torch or a Keras 3 layer on tensorflow becomes a dualnet :class:`Module` whose
parameters are the native ones, named ``<attribute>.<native name>`` in the
enclosing model, with gradients flowing through ``dn.value_and_grad``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.backend.dispatch import B
from dualnet.backend.selection import ensure_backend
from dualnet.errors import ArgumentError, StateError
from dualnet.nn.module import Module

__all__ = ["Wrapped", "wrap"]

# Root package of an object's class (or a base class) -> the backend that can run it.
_FRAMEWORKS = {"torch": "torch", "keras": "tensorflow", "tf_keras": "tensorflow", "tensorflow": "tensorflow"}


def to_native(model: Module, input_signature: Sequence[Any] | None = None) -> Any:
    """The model as the active framework's own module, sharing its variables (no copies).

    torch: a ``torch.nn.Module`` whose ``forward`` calls ``model`` and whose
    parameters and buffers are the model's, registered under its dotted paths
    (``named_parameters()`` and ``state_dict()`` keys equal dualnet's);
    ``train()``/``eval()`` on it set the model's mode.

    tensorflow: a ``tf.Module`` whose ``__call__`` calls ``model``, with
    ``trainable_variables`` the model's trainable parameters and ``weights``
    every variable by dotted path. ``input_signature`` (``tf.TensorSpec`` or
    ``(shape, dtype)`` pairs, e.g. ``[((None, 4), "float32")]``) adds ``serve``,
    a ``tf.function`` running the model in inference mode, which
    ``tf.saved_model.save`` exports as ``serving_default``. Ignored on torch.

    The model must be built (called once) first; layers added afterwards are
    not seen by an earlier native view.
    """
    unbuilt = [path or type(m).__name__ for path, m in model.named_modules() if not m.built]
    if unbuilt:
        raise StateError(
            f"{type(model).__name__}.native(): layers {', '.join(repr(p) for p in unbuilt[:8])} are not built yet; "
            "call the model once on an example input first"
        )

    def inference(*inputs: Any) -> Any:
        with model._in_mode(False):
            return model(*inputs)

    return B.native_module(
        model.__call__,
        inference,
        model.train,
        model.named_parameters(),
        model.trainable_mask(),
        model.named_buffers(),
        input_signature,
        type(model).__name__,
    )


def _framework_of(obj: Any) -> str | None:
    """The backend able to run ``obj``, from its classes' packages (no framework is imported)."""
    for cls in type(obj).__mro__:
        root = (cls.__module__ or "").split(".")[0]
        if root in _FRAMEWORKS:
            return _FRAMEWORKS[root]
    return None


class Wrapped(Module):
    """A native ``torch.nn.Module`` or Keras layer as a dualnet module; build it with :func:`wrap`.

    ``forward(*inputs)`` returns the native object's output on ``inputs`` (its
    own shapes and layout: torch modules take their usual NCHW images), with the
    native training flag set from ``self.training``. Its parameters are the
    native variables (torch: the ``nn.Parameter`` objects; Keras: the
    ``tf.Variable`` behind each ``keras.Variable``), under the native names
    (``weight``, ``0.bias``, ``kernel``); torch buffers are dualnet buffers and
    Keras non-trainable weights are frozen parameters. A Keras layer that is
    not built yet is built from the shapes of the first call.

    Raises:
        ArgumentError: when the native object belongs to the other framework than the active backend, or to neither.
    """

    _adapter: Any  # the backend's view of the native object: its variables, build and call

    def __init__(self, native: Any) -> None:
        super().__init__()
        self.wrapped = native
        self._set_plain("_adapter", B.native_adapter(native))
        self.built = bool(self._adapter.is_built())
        if self.built:
            self._register()

    def _register(self) -> None:
        self._register_variables(self._adapter.named_parameters(), self._adapter.named_buffers())

    def build(self, *inputs: Any) -> None:
        """Build the native object from the first inputs, then track its variables."""
        self._adapter.build(*inputs)
        self._register()

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        """The native object's output on ``inputs`` (shapes as the native module defines them)."""
        return self._adapter.call(self.training, *inputs, **kwargs)

    def extra_repr(self) -> str:
        return type(self.wrapped).__name__


def wrap(native: Any) -> Wrapped:
    """``native`` (a ``torch.nn.Module`` on torch, a Keras 3 layer or model on tensorflow) as a dualnet module.

    The wrapped module takes and returns tensors of the shapes ``native`` takes and returns, in that
    framework's layout (no conversion between channels-first and channels-last).

    Raises:
        ArgumentError: ``native`` is already a dualnet Module, belongs to the other framework than the active
            backend, or to neither.
    """

    if isinstance(native, Module):
        raise ArgumentError(f"dn.nn.wrap: {type(native).__name__} is already a dualnet Module; use it directly")
    framework = _framework_of(native)
    active = ensure_backend()  # wrap may be the first dualnet call: activate DUALNET_BACKEND (or the default)
    if framework is None:
        raise ArgumentError(
            f"dn.nn.wrap: expected a torch.nn.Module (torch backend) or a Keras layer (tensorflow backend), "
            f"got {type(native).__module__}.{type(native).__name__}; pass a native module or layer"
        )
    if framework != active:
        kind = "a torch.nn.Module" if framework == "torch" else "a Keras/TensorFlow object"
        raise ArgumentError(
            f"dn.nn.wrap: got {kind} ({type(native).__name__}) but the active backend is {active!r}; "
            f"call dn.set_backend({framework!r}) before building the model, or wrap "
            f"{'a Keras layer' if active == 'tensorflow' else 'a torch.nn.Module'} instead"
        )
    return Wrapped(native)
