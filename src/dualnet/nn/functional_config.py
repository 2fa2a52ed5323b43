"""A functional model's config: its layers (each saved by its own config) and its graph as JSON values.

The graph names layers by position in ``layers`` and tensors by slot (the
inputs first, then each node's outputs in order), so ``dn.load`` rebuilds it
by calling registered layers on new ``dn.Input`` tensors; nothing in the file
is executed. Constants in a call (``axis=1``) must be JSON values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dualnet.errors import ArgumentError
from dualnet.nn.graph import Slot
from dualnet.nn.module import Module
from dualnet.nn.spec import Input
from dualnet.nn.symbolic import SymbolicTensor, leaves, replace

if TYPE_CHECKING:
    from dualnet.nn.functional import Model

__all__: list[str] = []

SLOT = "__slot__"
KINDS = ("single", "list", "dict")


def _json_template(template: Any) -> Any:
    if isinstance(template, Slot):
        return {SLOT: template.index}
    if isinstance(template, tuple | list):
        return type(template)(_json_template(t) for t in template)
    if isinstance(template, dict):
        return {k: _json_template(v) for k, v in template.items()}
    return template


def graph_config(model: Model) -> dict[str, Any]:
    """``{"name", "layers", "graph"}`` for ``model`` (see the module docstring)."""
    graph, in_kind, in_keys, out_kind = model._graph_parts()
    layers = graph.layers
    position = {id(layer): i for i, layer in enumerate(layers)}
    slots: dict[int, int] = {id(t): i for i, t in enumerate(graph.inputs)}
    for node in graph.nodes:
        for tensor in node.outputs:
            slots[id(tensor)] = len(slots)
    nodes = []
    for node in graph.nodes:
        template = replace(
            (node.args, node.kwargs), lambda t: {SLOT: slots[id(t)]} if isinstance(t, SymbolicTensor) else t
        )
        nodes.append({"layer": position[id(node.layer)], "args": list(template[0]), "kwargs": template[1]})
    document = {
        "inputs": [{"shape": list(t.shape), "dtype": t.dtype, "name": t.name} for t in graph.inputs],
        "input_kind": in_kind,
        "input_keys": list(in_keys),
        "nodes": nodes,
        "outputs": _json_template(replace(graph.output_slots, Slot)),
        "output_kind": out_kind,
    }
    return {"name": model.name, "layers": list(layers), "graph": document}


def _bad(what: str, value: Any) -> ArgumentError:
    return ArgumentError(
        f"saved model, functional graph: {what} is not valid ({value!r:.100}); the file is damaged or was edited: "
        "save the model again with dn.save"
    )


def model_from_config(cls: type[Model], config: dict[str, Any]) -> Model:
    """Rebuild the model of :func:`graph_config` from decoded layers; every index and slot is checked first."""
    layers, graph, name = config.get("layers"), config.get("graph"), config.get("name")
    if not isinstance(layers, list) or not all(isinstance(layer, Module) for layer in layers):
        raise _bad("'layers'", layers)
    if (
        not isinstance(graph, dict)
        or not isinstance(graph.get("inputs"), list)
        or not isinstance(graph.get("nodes"), list)
    ):
        raise _bad("'graph'", graph)
    values: list[Any] = []
    for item in graph["inputs"]:
        if not isinstance(item, dict) or not isinstance(item.get("shape"), list | tuple):
            raise _bad("an input", item)
        values.append(
            Input(
                tuple(item["shape"])[1:],
                item.get("dtype", "float32"),
                item.get("name"),
                item["shape"][0] if item["shape"] else None,
            )
        )
    inputs = list(values)

    def fill(template: Any) -> Any:
        if isinstance(template, dict) and set(template) == {SLOT}:
            index = template[SLOT]
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(values):
                raise _bad("a tensor slot", template)
            return values[index]
        if isinstance(template, tuple | list):
            return type(template)(fill(t) for t in template)
        if isinstance(template, dict):
            return {k: fill(v) for k, v in template.items()}
        return template

    for node in graph["nodes"]:
        if not isinstance(node, dict) or not isinstance(node.get("layer"), int) or not 0 <= node["layer"] < len(layers):
            raise _bad("a node", node)
        args, kwargs = fill(node.get("args", [])), fill(node.get("kwargs", {}))
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise _bad("a node's arguments", node)
        out = layers[node["layer"]](*args, **kwargs)
        values.extend(t for t in leaves(out) if isinstance(t, SymbolicTensor))
    kind, keys = graph.get("input_kind"), graph.get("input_keys")
    if kind not in KINDS or not isinstance(keys, list) or len(keys) != len(inputs):
        raise _bad("'input_kind'", kind)
    given: Any = inputs[0] if kind == "single" else dict(zip(keys, inputs)) if kind == "dict" else inputs
    outputs = fill(graph.get("outputs"))
    return cls(given, outputs, name=name if isinstance(name, str) else None)
