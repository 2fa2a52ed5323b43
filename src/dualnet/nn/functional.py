"""``dn.Model(inputs, outputs)``: a functional graph as a normal ``Module``.

The functional API lives in four files: ``symbolic.py`` (the symbolic tensor
and the recording of one layer call), ``graph.py`` (the nodes the outputs need,
compiled into flat steps), this file (``Model``) and ``functional_config.py``
(the graph as JSON for ``dn.save``, layers by registry only).
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn.graph import Graph
from dualnet.nn.module import Module
from dualnet.nn.symbolic import SymbolicTensor, leaves, replace, symbolic_call

__all__ = ["Model"]


class Model(Module):
    """A model defined by its graph, as Keras's functional ``keras.Model(inputs, outputs)``.

    ``inputs`` are ``dn.Input`` tensors (one, a list, or a dict by name) and
    ``outputs`` the symbolic tensors that layers called on them returned (one,
    a list or a dict). The model is a ``Module`` like any other: its layers are
    its children under their names (``dense``, ``dense_1``, ... for layers
    given no ``name=``, in graph order), so parameters read ``dense_1.kernel``;
    ``state_dict``, ``train``/``eval``, ``summary`` (with a "Connected to"
    column), ``native()``, ``dn.save``/``dn.load``, exports and ``Trainer``
    work on it. A layer called twice is one layer (shared weights); a model
    can be called as a layer in another graph (nested).

    Calling it: ``model(x)`` for one input; ``model(a, b)`` or ``model([a, b])``
    for a list; ``model({"a": a, "b": b})`` for a dict. Each input has the shape
    of its ``dn.Input`` with the batch axis first; the output has the structure
    of ``outputs``. Running it costs one call per node, as the same model written
    as a subclass.

    Raises:
        ArgumentError: inputs that are not ``dn.Input`` tensors, outputs that are not symbolic tensors, a graph
            whose outputs need an input not in ``inputs`` (disconnected), two layers with one name.
        ShapeError: (at call) an input whose shape differs from its ``dn.Input``'s.
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None) -> None:
        super().__init__()
        if name is not None:
            self._set_name(name)
        where = f"Model({self.name!r})"
        in_kind, in_keys, in_list = _structure(inputs, "inputs", where)
        for tensor in in_list:
            if tensor.node is not None:
                raise ArgumentError(
                    f"{where}: inputs must be dn.Input tensors, got the output of layer {tensor.node.layer.name!r}; "
                    "start the graph at dn.Input(...) (a feature extractor keeps the model's inputs: "
                    "dn.Model(model.input, model.get_layer('block').output))"
                )
        out_kind, out_keys, _ = _structure(outputs, "outputs", where)
        graph = Graph(in_list, outputs, where)
        _name_layers(graph.layers, where)
        for layer in graph.layers:
            if layer is self:
                raise ArgumentError(f"{where}: a model cannot be a layer of its own graph")
            layer_name = layer.name
            if hasattr(Model, layer_name) or layer_name in self.__dict__:
                raise ArgumentError(
                    f"{where}: a layer is named {layer_name!r}, which is an attribute of Model; give it another "
                    f"name=, e.g. name='{layer_name}_layer'"
                )
            path = layer._named_path()
            if path is not None and "." not in path and not path.isdigit():
                layer._name_as(layer_name)  # named by its first symbolic call: take the final name
            setattr(self, layer_name, layer)
        d = self.__dict__
        d["_graph"], d["_in_kind"], d["_in_keys"], d["_out_kind"] = graph, in_kind, in_keys, out_kind
        d["_given_inputs"], d["_given_outputs"], d["_out_keys"] = inputs, outputs, out_keys

    # -- running -------------------------------------------------------------------------------

    def forward(self, *args: Any) -> Any:
        graph: Graph = self.__dict__["_graph"]
        values: list[Any] = [None] * graph.size
        kind = self.__dict__["_in_kind"]
        if kind == "single":
            if len(args) != 1:
                raise self._count_error(args)
            values[0] = args[0]
        elif kind == "list":
            if len(args) == 1 and isinstance(args[0], list | tuple):
                args = tuple(args[0])
            if len(args) != len(graph.inputs):
                raise self._count_error(args)
            if any(type(a) is SymbolicTensor for a in args):  # nested in another graph
                return symbolic_call(self, (list(args),), {})
            values[: len(args)] = args
        else:
            given = args[0] if len(args) == 1 and isinstance(args[0], dict) else None
            keys = self.__dict__["_in_keys"]
            if given is None or set(given) != set(keys):
                raise self._count_error(args)
            if any(type(v) is SymbolicTensor for v in given.values()):
                return symbolic_call(self, (given,), {})
            for i, key in enumerate(keys):
                values[i] = given[key]
        graph.run(values)
        out_kind, slots = self.__dict__["_out_kind"], graph.output_slots
        if out_kind == "single":
            return values[slots]
        if out_kind == "dict":
            return {key: values[i] for key, i in slots.items()}
        return type(slots)(values[i] for i in slots)

    def _count_error(self, args: tuple[Any, ...]) -> ArgumentError:
        kind, keys = self.__dict__["_in_kind"], self.__dict__["_in_keys"]
        expected = {
            "single": "one input",
            "list": f"{len(keys)} inputs ({', '.join(keys)}), as separate arguments or one list",
            "dict": f"one dict with the keys {sorted(keys)}",
        }[kind]
        got = (
            f"a dict with the keys {sorted(args[0])}"
            if len(args) == 1 and isinstance(args[0], dict)
            else (f"{len(args)} argument(s)")
        )
        return ArgumentError(f"model {self.name!r} (Model) takes {expected}; got {got}: pass one tensor per dn.Input")

    def check_inputs(self, *args: Any) -> None:
        graph: Graph = self.__dict__["_graph"]
        kind = self.__dict__["_in_kind"]
        if kind == "list" and len(args) == 1 and isinstance(args[0], list | tuple):
            args = tuple(args[0])
        given = list(args[0].get(k) for k in self.__dict__["_in_keys"]) if kind == "dict" and args else list(args)
        for spec, value in zip(graph.inputs, given):
            if value is None or isinstance(value, SymbolicTensor):
                continue
            try:
                shape = tuple(B.shape(value))
            except Exception:
                continue
            if len(shape) != len(spec.shape) or any(
                s is not None and t is not None and s != t for s, t in zip(spec.shape, shape)
            ):
                label = spec.name or f"input {graph.inputs.index(spec)}"
                raise ShapeError(
                    f"model {self.name!r} (Model): {label!r} expects shape {spec.shape} (None: any size), got "
                    f"{shape}; pass inputs shaped like its dn.Input"
                )

    # -- the Keras model API ---------------------------------------------------------------------

    @property
    def layers(self) -> list[Module]:
        """The graph's layers, in graph order, each once."""
        return list(self.__dict__["_graph"].layers)

    @property
    def inputs(self) -> list[SymbolicTensor]:
        """The ``dn.Input`` tensors, as a list."""
        return list(self.__dict__["_graph"].inputs)

    @property
    def outputs(self) -> list[SymbolicTensor]:
        """The output tensors, as a list."""
        return [t for t in leaves(self.__dict__["_given_outputs"]) if isinstance(t, SymbolicTensor)]

    @property
    def input(self) -> Any:
        """The inputs as given to the constructor (one tensor, a list or a dict)."""
        return self.__dict__["_given_inputs"]

    @property
    def output(self) -> Any:
        """The outputs as given to the constructor (one tensor, a list or a dict)."""
        return self.__dict__["_given_outputs"]

    def get_layer(self, name: str | int | None = None, index: int | None = None) -> Module:
        """The layer called ``name`` (a string), or at position ``index`` (an int) in :attr:`layers`.

        Raises:
            ArgumentError: no such layer (the message lists the names).
        """
        layers = self.layers
        key = index if name is None else name
        if is_integer(key):
            if -len(layers) <= key < len(layers):
                return layers[key]
        elif isinstance(key, str):
            for layer in layers:
                if layer.name == key:
                    return layer
        raise ArgumentError(
            f"model {self.name!r}.get_layer({key!r}): no such layer; its layers are "
            f"{[layer.name for layer in layers]} (by name, or an index below {len(layers)})"
        )

    def _graph_parts(self) -> tuple[Graph, str, list[str], str]:
        """(graph, input kind, input keys, output kind), for the config code."""
        d = self.__dict__
        return d["_graph"], d["_in_kind"], d["_in_keys"], d["_out_kind"]

    def _connections(self) -> dict[int, tuple[str, str]]:
        """For each layer (by id): its symbolic output shape(s) and the tensors its calls take (for summary).

        A layer called several times (shared) lists its calls separated by ``;``, the tensors of one call by ``,``.
        """
        graph: Graph = self.__dict__["_graph"]
        labels = graph.tensor_labels()
        shapes: dict[int, list[str]] = {}
        takes: dict[int, list[str]] = {}
        for node in graph.nodes:
            out = [str(t.shape) for t in node.outputs]
            shape = out[0] if len(out) == 1 else f"[{', '.join(out)}]"
            if shape not in shapes.setdefault(id(node.layer), []):
                shapes[id(node.layer)].append(shape)
            takes.setdefault(id(node.layer), []).append(", ".join(labels[id(t)] for t in node.inputs))
        return {key: ("; ".join(shapes[key]), "; ".join(calls)) for key, calls in takes.items()}

    def _output_text(self) -> str:
        """The symbolic output shape(s), in the structure of ``outputs``: the summary's root row."""
        return str(replace(self.__dict__["_given_outputs"], lambda t: t.shape if isinstance(t, SymbolicTensor) else t))

    def _input_rows(self) -> list[tuple[str, str]]:
        """(display name, shape) of each ``dn.Input``: the summary's input rows."""
        graph: Graph = self.__dict__["_graph"]
        return [(name, str(t.shape)) for name, t in zip(graph.input_names(), graph.inputs)]

    # -- config (dn.save / dn.load, dn.nn.clone) -------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """``{"name", "layers", "graph"}``: the layers (saved by their own configs) and the graph as JSON values."""
        from dualnet.nn.functional_config import graph_config

        return graph_config(self)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Model:
        """The model :meth:`get_config` describes: its layers replayed on new inputs (layers by registry only)."""
        from dualnet.nn.functional_config import model_from_config

        return model_from_config(cls, config)


def _structure(value: Any, what: str, where: str) -> tuple[str, list[str], list[SymbolicTensor]]:
    """(kind, keys, tensors) of ``inputs`` or ``outputs``: one tensor, a list/tuple, or a dict of them."""
    if isinstance(value, SymbolicTensor):
        return "single", [value.name or "input"], [value]
    items: list[Any]
    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        kind, keys, items = "dict", list(value), list(value.values())
    elif isinstance(value, list | tuple) and value:
        kind, items = "list", list(value)
        keys = [getattr(t, "name", None) or f"{what}[{i}]" for i, t in enumerate(items)]
    else:
        items, kind, keys = [], "", []
    if not items or not all(isinstance(t, SymbolicTensor) for t in items):
        raise ArgumentError(
            f"{where}: {what} must be a symbolic tensor (dn.Input, or a layer's output on one), a list or a "
            f"dict of them, got {type(value).__name__}; e.g. dn.Model(inputs=x, outputs=dn.nn.Dense(1)(x))"
        )
    return kind, keys, items


def _name_layers(layers: list[Module], where: str) -> None:
    """Give each unnamed layer a name unique in the graph (``dense``, ``dense_1``...); refuse duplicates."""
    used: dict[str, Module] = {}
    for layer in layers:
        given = layer._given_name()
        if given is None:
            continue
        if given in used and used[given] is not layer:
            raise ArgumentError(
                f"{where}: two layers are named {given!r} ({type(used[given]).__name__} and "
                f"{type(layer).__name__}); layer names in a model must be unique: pass another name="
            )
        used[given] = layer
    for layer in layers:
        if layer._given_name() is None:
            base = candidate = layer.name
            count = 0
            while candidate in used:
                count += 1
                candidate = f"{base}_{count}"
            layer._set_name(candidate)
            used[candidate] = layer
