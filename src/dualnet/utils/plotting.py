"""A model diagram: the graph of a ``dn.Model`` (or the chain of a ``dn.nn.Sequential``) as Graphviz DOT.

:func:`model_to_dot` writes the DOT source itself, so it needs nothing
installed; :func:`plot_model` renders it to a file through pydot and the
Graphviz ``dot`` program, as Keras's ``keras.utils.plot_model`` does, and says
what to install when they are missing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dualnet.arguments import argument_error, check_bool, check_choice, check_int
from dualnet.errors import ArgumentError, UnsupportedError
from dualnet.nn.containers import Sequential
from dualnet.nn.functional import Model
from dualnet.nn.module import Module

__all__ = ["model_to_dot", "plot_model"]

RANKDIRS = ("TB", "LR", "BT", "RL")
FORMATS = ("png", "svg", "pdf", "jpg", "jpeg")
INSTALL = "pip install pydot (or pip install 'dualnet[plot]') and the Graphviz system package (apt install graphviz)"


def model_to_dot(
    model: Module,
    show_shapes: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    dpi: int = 96,
) -> str:
    """The Graphviz DOT source of ``model``'s diagram: one box per input and layer, an arrow per connection.

    A ``dn.Model`` draws each ``dn.Input`` (labelled ``name (Input)``) and each
    layer once (``name (Type)``; a nested model is one box), with an arrow from
    every layer or input whose output a layer takes: a shared layer has an arrow
    from each of its callers. A ``dn.nn.Sequential`` draws one input and its
    layers in a chain. ``show_shapes`` adds each box's input and output shapes
    (``None`` for the batch axis; a Sequential's after its first call).
    Node names in the source are the layer names (the inputs' display names for
    inputs), quoted.

    Raises:
        ArgumentError: ``model`` is neither a ``dn.Model`` nor a ``dn.nn.Sequential``; a bad ``rankdir`` (one of
            TB, LR, BT, RL), ``dpi`` (a positive int) or flag.
    """
    where = "dn.utils.model_to_dot"
    show_shapes = check_bool(where, "show_shapes", show_shapes)
    show_layer_names = check_bool(where, "show_layer_names", show_layer_names)
    rankdir = check_choice(where, "rankdir", rankdir, RANKDIRS)
    dpi = check_int(where, "dpi", dpi, low=1, example="dpi=96")
    if isinstance(model, Model):
        boxes, edges = _functional(model)
    elif isinstance(model, Sequential):
        boxes, edges = _sequential(model)
    else:
        raise ArgumentError(
            f"{where}: expected a functional dn.Model or a dn.nn.Sequential, got {type(model).__name__}, whose "
            "connections live in its forward code; build it with dn.Input and dn.Model to draw it"
        )
    lines = [
        f"digraph {_quote(model.name)} {{",
        f'  graph [rankdir="{rankdir}", dpi={dpi}];',
        '  node [shape="box", fontname="Helvetica"];',
    ]
    for name, kind, ins, outs in boxes:
        label = [f"{name} ({kind})" if show_layer_names else kind]
        if show_shapes:
            label.append(f"{ins} -> {outs}" if ins else outs)
        lines.append(f"  {_quote(name)} [label={_quote(chr(10).join(label))}];")
    lines += [f"  {_quote(source)} -> {_quote(target)};" for source, target in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(
    model: Module,
    to_file: str | os.PathLike[str] = "model.png",
    show_shapes: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    dpi: int = 96,
) -> Path:
    """Draw ``model`` (see :func:`model_to_dot`) into ``to_file``, whose suffix picks the format (.png, .svg, ...).

    Needs the ``pydot`` package and Graphviz's ``dot`` program, as Keras's
    ``plot_model``; :func:`model_to_dot` gives the DOT source without either.
    Returns the path written.

    Raises:
        ArgumentError: a suffix other than .png, .svg, .pdf, .jpg or .jpeg, or what :func:`model_to_dot` refuses.
        UnsupportedError: pydot is not installed, or Graphviz's ``dot`` program is not found (the message says
            what to install).
    """
    path = Path(to_file)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise argument_error(
            "dn.utils.plot_model",
            "to_file",
            str(to_file),
            "a file name ending .png, .svg, .pdf, .jpg or .jpeg (the format)",
            "name the file e.g. 'model.png' or 'model.svg'",
        )
    source = model_to_dot(model, show_shapes, show_layer_names, rankdir, dpi)
    try:
        import pydot
    except ImportError as exc:
        raise UnsupportedError(
            f"dn.utils.plot_model needs the pydot package, which is not installed; {INSTALL}. "
            "dn.utils.model_to_dot(model) gives the DOT source without it"
        ) from exc
    graphs = pydot.graph_from_dot_data(source)
    if not graphs:  # the DOT is ours, so a parse failure is a bug here, not the user's input
        raise UnsupportedError(f"dn.utils.plot_model: pydot could not parse the DOT source it was given:\n{source}")
    graph = graphs[0]
    try:
        graph.write(str(path), format=fmt)
    except FileNotFoundError as exc:  # pydot runs the `dot` program; without Graphviz it is not on PATH
        raise UnsupportedError(
            f"dn.utils.plot_model: Graphviz's 'dot' program was not found ({exc}); {INSTALL}. "
            "dn.utils.model_to_dot(model) gives the DOT source without it"
        ) from exc
    return path


def _functional(model: Model) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    graph = model._graph_parts()[0]
    inputs = {id(t): name for t, name in zip(graph.inputs, graph.input_names())}
    boxes = [(name, "Input", "", str(t.shape)) for name, t in zip(graph.input_names(), graph.inputs)]
    ins: dict[int, list[str]] = {}
    outs: dict[int, list[str]] = {}
    edges: list[tuple[str, str]] = []
    for node in graph.nodes:
        ins.setdefault(id(node.layer), []).append(_shapes([t.shape for t in node.inputs]))
        outs.setdefault(id(node.layer), []).append(_shapes([t.shape for t in node.outputs]))
        for tensor in node.inputs:
            edge = (inputs[id(tensor)] if tensor.node is None else tensor.node.layer.name, node.layer.name)
            if edge not in edges:
                edges.append(edge)
    for layer in graph.layers:
        boxes.append((layer.name, type(layer).__name__, _calls(ins[id(layer)]), _calls(outs[id(layer)])))
    return boxes, edges


def _sequential(model: Sequential) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    boxes = [("input", "Input", "", "?")]
    edges: list[tuple[str, str]] = []
    previous, shape = "input", "?"
    for index, layer in enumerate(model):
        path = str(index)
        out = layer._first_output_shape()
        out_text = "?" if out is None else str(_batchless(out))
        boxes.append((path, type(layer).__name__, shape, out_text))
        edges.append((previous, path))
        previous, shape = path, out_text
    return boxes, edges


def _batchless(shape: Any) -> Any:
    """A recorded shape with its batch size shown as None, as the functional shapes show it."""
    if isinstance(shape, tuple) and shape and all(isinstance(s, int) for s in shape):
        return (None, *shape[1:])
    return shape


def _shapes(shapes: list[tuple[int | None, ...]]) -> str:
    return str(shapes[0]) if len(shapes) == 1 else f"[{', '.join(map(str, shapes))}]"


def _calls(texts: list[str]) -> str:
    """One text per call of a layer; a shared layer's distinct ones joined by ';'."""
    unique: list[str] = []
    for text in texts:
        if text not in unique:
            unique.append(text)
    return "; ".join(unique)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
