"""``Module.get_layer``: a layer of a model by name or by position, as Keras's ``model.get_layer``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dualnet.arguments import is_integer
from dualnet.errors import ArgumentError

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__: list[str] = []


def get_layer(model: Module, name: Any = None, index: Any = None) -> Module:
    """The layer of ``model`` called ``name``, or at position ``index`` among its layers (see ``Module.get_layer``)."""
    where = f"{model._where()}.get_layer"
    if name is not None and index is not None:
        raise ArgumentError(f"{where}(name={name!r}, index={index!r}): pass a name or an index, not both")
    key = index if name is None else name
    layers = model._direct_children()
    if is_integer(key):
        if -len(layers) <= key < len(layers):
            return layers[key][1]  # type: ignore[return-value]
        raise ArgumentError(
            f"{where}({key!r}): index {key} is out of range, the model has {len(layers)} layers; "
            f"pass an index in {-len(layers)}..{len(layers) - 1}, or a name: {_names(layers)}"
        )
    if not isinstance(key, str):
        raise ArgumentError(
            f"{where}({key!r}): pass a layer's name (a string) or its position (an int), e.g. get_layer('dense') "
            "or get_layer(0)"
        )
    for attribute, layer in layers:
        if attribute == key:
            return layer  # type: ignore[return-value]
    if "." in key:
        for path, module in model.named_modules():
            if path == key:
                return module
    for _, layer in layers:
        if layer.name == key:  # type: ignore[attr-defined]
            return layer  # type: ignore[return-value]
    raise ArgumentError(f"{where}({key!r}): no such layer; its layers are {_names(layers)} (by name, or an index)")


def _names(layers: list[tuple[str, Any]]) -> list[str]:
    """Each layer's attribute name, with its layer name in parentheses where that differs."""
    return [path if layer.name == path else f"{path} ({layer.name})" for path, layer in layers]
