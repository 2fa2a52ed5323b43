"""A functional graph: the nodes its outputs need, in order, and the flat steps that run them.

Every symbolic tensor gets a slot in a list of values: the inputs first, then
each node's outputs. A step reads its inputs' slots, calls its layer and
writes its outputs' slots, so running the graph is a loop of plain calls with
list indexing, no more than a subclassed model's ``forward`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dualnet.errors import ArgumentError
from dualnet.nn.symbolic import GraphNode, SymbolicTensor, leaves, replace

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__: list[str] = []


class Slot:
    """A place in the graph's value list, standing for a symbolic tensor in a call's argument template."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


class Graph:
    """Inputs, ordered nodes and output structure of a functional model, compiled into steps."""

    def __init__(self, inputs: list[SymbolicTensor], outputs: Any, where: str) -> None:
        self.inputs = inputs
        self.nodes = _ordered_nodes(inputs, outputs, where)
        slots: dict[int, int] = {id(t): i for i, t in enumerate(inputs)}
        for node in self.nodes:
            for tensor in node.outputs:
                slots[id(tensor)] = len(slots)
        self.size = len(slots)
        self.steps: list[tuple[int, Module, Any, Any]] = [_step(node, slots) for node in self.nodes]
        self.output_slots = replace(outputs, lambda t: slots[id(t)])
        self.layers: list[Module] = []
        for node in self.nodes:
            if all(node.layer is not layer for layer in self.layers):
                self.layers.append(node.layer)

    def run(self, values: list[Any]) -> None:
        """Fill ``values`` (the inputs set, the rest None) by running every step in order."""
        for kind, layer, ins, outs in self.steps:
            if kind == 0:
                values[outs] = layer(values[ins])
            elif kind == 1:
                values[outs] = layer(*[values[i] for i in ins])
            else:
                args, kwargs = replace(ins, lambda leaf: values[leaf.index] if isinstance(leaf, Slot) else leaf)
                flat = list(leaves(layer(*args, **kwargs)))
                for position, slot in outs:
                    values[slot] = flat[position]

    def input_names(self) -> list[str]:
        """A display name per input: its ``name=``, else ``input``, ``input_1``, ... (unique, as Keras's)."""
        taken = {layer.name for layer in self.layers}
        names: list[str] = []
        for tensor in self.inputs:
            base = candidate = tensor.name or "input"
            count = 0
            while candidate in taken or candidate in names:
                count += 1
                candidate = f"{base}_{count}"
            names.append(candidate)
        return names

    def tensor_labels(self) -> dict[int, str]:
        """Each symbolic tensor's label (by id), Keras's ``layer[call][output]``: ``shared[1][0]``, ``a[0][0]``."""
        labels = {id(t): f"{name}[0][0]" for t, name in zip(self.inputs, self.input_names())}
        calls: dict[int, int] = {}
        for node in self.nodes:
            call = calls.get(id(node.layer), 0)
            calls[id(node.layer)] = call + 1
            for tensor in node.outputs:
                labels[id(tensor)] = f"{node.layer.name}[{call}][{tensor.index}]"
        return labels


def _step(node: GraphNode, slots: dict[int, int]) -> tuple[int, Module, Any, Any]:
    single_out = isinstance(node.structure, SymbolicTensor)
    plain_args = not node.kwargs and all(isinstance(a, SymbolicTensor) for a in node.args)
    if single_out and plain_args and len(node.args) == 1:
        return 0, node.layer, slots[id(node.args[0])], slots[id(node.structure)]
    if single_out and plain_args:
        return 1, node.layer, [slots[id(a)] for a in node.args], slots[id(node.structure)]
    template = replace((node.args, node.kwargs), lambda t: Slot(slots[id(t)]) if isinstance(t, SymbolicTensor) else t)
    flat = list(leaves(node.structure))
    outs = [(i, slots[id(t)]) for i, t in enumerate(flat) if isinstance(t, SymbolicTensor)]
    return 2, node.layer, template, outs


def _ordered_nodes(inputs: list[SymbolicTensor], outputs: Any, where: str) -> list[GraphNode]:
    """The nodes the outputs depend on, each after the nodes it takes values from."""
    known = {id(t) for t in inputs}
    ordered: list[GraphNode] = []
    seen: set[int] = set()
    # An explicit stack, not recursion: a deep graph (hundreds of layers) must not hit Python's recursion limit.
    stack: list[tuple[SymbolicTensor, GraphNode | None, bool]] = [(t, None, False) for t in leaves(outputs)]
    stack.reverse()
    while stack:
        tensor, consumer, expanded = stack.pop()
        node = tensor.node
        if node is None:
            if id(tensor) not in known:
                taker = "is an output" if consumer is None else f"is taken by layer {consumer.layer.name!r}"
                raise ArgumentError(
                    f"{where}: the graph is disconnected: input {tensor.name or tensor.shape!r} (a dn.Input of "
                    f"shape {tensor.shape}) {taker} but is not among the model's inputs; add it to inputs=[...]"
                )
            continue
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            ordered.append(node)
            continue
        stack.append((tensor, consumer, True))
        for source in reversed(node.inputs):
            if source.node is None or id(source.node) not in seen:
                stack.append((source, node, False))
    return ordered
