"""Native interop on PyTorch: a dualnet model seen as a ``torch.nn.Module``, and a ``torch.nn.Module`` inside dualnet.

Both directions share the variables themselves (the same ``torch.nn.Parameter``
objects), never copies, so an update made on one side is seen on the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from dualnet.errors import ArgumentError


class NativeModule(torch.nn.Module):  # type: ignore[misc]  # torch is Any to mypy (not followed)
    """A ``torch.nn.Module`` view of a dualnet model: ``forward`` calls the model, parameters are its own.

    Parameters and buffers are registered under the model's dotted paths
    (``fc1.kernel`` is the parameter ``kernel`` of the submodule ``fc1``), so
    ``named_parameters()`` and ``state_dict()`` keys equal the dualnet ones.
    """

    def __init__(self, forward: Callable[..., Any], set_training: Callable[[bool], object], name: str) -> None:
        super().__init__()
        self._dn_forward = forward
        self._dn_set_training = set_training
        self._dn_name = name

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        """Run the dualnet model on ``inputs`` (shapes as the model takes them)."""
        return self._dn_forward(*inputs, **kwargs)

    def train(self, mode: bool = True) -> NativeModule:
        """Set the mode here and on the dualnet model (dropout, batch statistics)."""
        super().train(mode)
        self._dn_set_training(mode)
        return self

    def _apply(self, fn: Callable[[torch.Tensor], torch.Tensor], recurse: bool = True) -> NativeModule:
        # ``.to()``, ``.half()``, ``.cuda()``: convert in place (swap ``.data``) so the
        # dualnet model keeps holding the very same parameter and buffer objects.
        with torch.no_grad():
            for module in self.modules():
                for registry in (module._parameters, module._buffers):
                    for tensor in registry.values():
                        if tensor is None:
                            continue
                        tensor.data = fn(tensor.data)
                        if tensor.grad is not None:
                            tensor.grad.data = fn(tensor.grad.data)
        return self

    def extra_repr(self) -> str:
        return f"dualnet model {self._dn_name}"


def _node(root: torch.nn.Module, parts: list[str]) -> torch.nn.Module:
    node = root
    for part in parts:
        child = node._modules.get(part)
        if child is None:
            child = torch.nn.Module()
            node.add_module(part, child)
        node = child
    return node


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
    """A :class:`NativeModule` holding ``named_parameters`` and ``named_buffers`` under their dotted paths.

    ``inference`` and ``input_signature`` serve TensorFlow's SavedModel and are
    not needed here (a torch module traces from example inputs instead);
    ``trainable_mask`` is already each parameter's ``requires_grad``.
    """
    root = NativeModule(forward, set_training, name)
    for path, param in named_parameters:
        *parents, leaf = path.split(".")
        _node(root, parents).register_parameter(leaf, param)
    for path, buf in named_buffers:
        *parents, leaf = path.split(".")
        _node(root, parents).register_buffer(leaf, buf)
    return root


class TorchAdapter:
    """What a dualnet ``Wrapped`` module needs from a ``torch.nn.Module``: its state, its build and its call."""

    def __init__(self, module: torch.nn.Module) -> None:
        self.module = module

    def is_built(self) -> bool:
        """False while lazy modules (``torch.nn.LazyLinear``) still hold uninitialised parameters."""
        return not any(isinstance(p, torch.nn.parameter.UninitializedParameter) for p in self.module.parameters())

    def build(self, *inputs: Any) -> None:
        """Materialise lazy parameters with one call on the first inputs, recording no gradients."""
        with torch.no_grad():
            self.module(*inputs)

    def named_parameters(self) -> list[tuple[str, Any, bool]]:
        """``(native dotted name, parameter, trainable)`` in the module's own order."""
        return [(n, p, p.requires_grad) for n, p in self.module.named_parameters()]

    def named_buffers(self) -> list[tuple[str, Any]]:
        """``(native dotted name, buffer)`` for the module's buffers (running statistics...)."""
        return list(self.module.named_buffers())

    def call(self, training: bool, *inputs: Any, **kwargs: Any) -> Any:
        """The module's output on ``inputs``, after putting it in ``training`` mode if it was not."""
        if self.module.training != training:
            self.module.train(training)
        return self.module(*inputs, **kwargs)


def native_adapter(obj: Any) -> TorchAdapter:
    """A :class:`TorchAdapter` for ``obj``, which must be a ``torch.nn.Module``."""
    if not isinstance(obj, torch.nn.Module):
        raise ArgumentError(
            f"dn.nn.wrap: expected a torch.nn.Module on the torch backend, got {type(obj).__name__}; "
            "wrap a torch module, or build the model on the backend that matches the object"
        )
    return TorchAdapter(obj)
