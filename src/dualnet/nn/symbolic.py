"""Symbolic tensors (``dn.Input``) and the graph node a layer call on them records.

A layer called on symbolic tensors is run once, in inference mode, without
gradients, on zeros of the symbolic shapes (an unknown batch size as 2, other
unknown sizes as 32, and a second run with other sizes when there are such):
this builds its lazily sized weights, checks the shapes with the layer's own
input checks (so a shape error is raised where the model is defined, naming
the layer) and gives the output shapes. No BatchNorm statistic moves and no
dropout mask is drawn. ``dn.ops`` functions do not take symbolic tensors: they
raise an ArgumentError saying to wrap the function in ``dn.nn.Lambda``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.dtypes import standardize
from dualnet.errors import ArgumentError, DualnetError, ShapeError
from dualnet.nn.symbolic_errors import in_user_shapes

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__: list[str] = []

BATCH_SIZES = (2, 3)  # stand-ins for an unknown batch size (axis 0)
OTHER_SIZES = (32, 48)  # stand-ins for other unknown sizes (a sequence length, an image side)


def _ops_error(what: str) -> ArgumentError:
    return ArgumentError(
        f"{what} got a symbolic tensor (from dn.Input): dn.ops functions and operators run on real tensors "
        "only; in a functional model, wrap the computation in a layer: dn.nn.Lambda(lambda t: dn.ops.relu(t))(x), "
        "or use a merge layer such as dn.nn.Add()([a, b])"
    )


class SymbolicTensor:
    """A placeholder for a tensor in a functional graph: a shape (``None`` where unknown), a dtype, its origin.

    Made by ``dn.Input`` and by calling a layer on symbolic tensors; never holds values.
    """

    __slots__ = ("dtype", "index", "name", "node", "shape")

    def __init__(
        self,
        shape: tuple[int | None, ...],
        dtype: str,
        node: GraphNode | None = None,
        index: int = 0,
        name: str | None = None,
    ) -> None:
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node  # None for an input
        self.index = index  # which output of the node
        self.name = name

    @property
    def ndim(self) -> int:
        """The rank, batch axis included."""
        return len(self.shape)

    def __repr__(self) -> str:
        origin = f"input {self.name!r}" if self.node is None else f"output of layer {self.node.layer.name!r}"
        return f"<SymbolicTensor shape={self.shape} dtype={self.dtype} ({origin})>"

    # Frameworks reach these when a symbolic tensor is passed to dn.ops: a clear error instead of theirs.
    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        raise _ops_error(f"dn.ops ({getattr(func, '__name__', func)})")

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise _ops_error("a NumPy conversion")

    def __tf_tensor__(self, *args: Any, **kwargs: Any) -> Any:
        raise _ops_error("a TensorFlow conversion")

    def __iter__(self) -> Iterator[Any]:
        raise _ops_error("iteration")

    def __bool__(self) -> bool:
        raise _ops_error("bool()")


def _operator(name: str) -> Any:
    def refuse(self: SymbolicTensor, *args: Any) -> Any:
        raise _ops_error(f"the operator {name}")

    return refuse


for _name in ("add", "sub", "mul", "truediv", "matmul", "pow", "neg", "getitem", "radd", "rsub", "rmul", "rtruediv"):
    setattr(SymbolicTensor, f"__{_name}__", _operator(f"__{_name}__"))


class GraphNode:
    """One layer call in a graph: ``layer(*args, **kwargs)`` with symbolic leaves, and its outputs."""

    __slots__ = ("args", "inputs", "kwargs", "layer", "outputs", "structure")

    def __init__(self, layer: Module, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.inputs: list[SymbolicTensor] = [t for t in leaves((args, kwargs)) if isinstance(t, SymbolicTensor)]
        self.outputs: list[SymbolicTensor] = []
        self.structure: Any = None  # the call's output with SymbolicTensor leaves


def leaves(tree: Any) -> Iterator[Any]:
    """The leaves of nested tuples, lists and dicts (dicts in key order)."""
    if isinstance(tree, tuple | list):
        for item in tree:
            yield from leaves(item)
    elif isinstance(tree, dict):
        for key in tree:
            yield from leaves(tree[key])
    else:
        yield tree


def replace(tree: Any, fn: Any) -> Any:
    """``tree`` with every leaf ``x`` replaced by ``fn(x)``."""
    if isinstance(tree, tuple | list):
        return type(tree)(replace(item, fn) for item in tree)
    if isinstance(tree, dict):
        return {key: replace(value, fn) for key, value in tree.items()}
    return fn(tree)


def has_symbolic(inputs: Any, kwargs: dict[str, Any]) -> bool:
    """True if a symbolic tensor is among the (nested) inputs or keyword arguments."""
    return any(isinstance(leaf, SymbolicTensor) for leaf in leaves((inputs, kwargs)))


def symbolic_call(layer: Module, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Record ``layer(*inputs, **kwargs)`` on symbolic tensors as a graph node; return its symbolic outputs."""
    where = f"layer {layer.name!r} ({type(layer).__name__})"
    for leaf in leaves((inputs, kwargs)):
        if not isinstance(leaf, SymbolicTensor) and (B.is_tensor(leaf) or isinstance(leaf, np.ndarray)):
            raise ArgumentError(
                f"{where} was called on both symbolic tensors (dn.Input) and a real tensor of shape "
                f"{tuple(B.shape(leaf))}; a functional graph takes its values only from its inputs: make the "
                "tensor a dn.Input, or create it inside a layer"
            )
    if layer._named_path() is None:
        layer._name_as(layer.name)  # its error messages name it; dn.Model gives the final name
        layer.materialize()
    node = GraphNode(layer, inputs, kwargs)
    first = _run(layer, inputs, kwargs, 0, where)
    unknown = any(None in t.shape[1:] for t in node.inputs)
    second = _run(layer, inputs, kwargs, 1, where) if unknown else None
    batch_unknown = any(t.shape[:1] == (None,) for t in node.inputs)
    flat_first = list(leaves(first))
    flat_second = list(leaves(second)) if second is not None else [None] * len(flat_first)
    outputs: list[SymbolicTensor] = []

    def symbolic(value: Any) -> Any:
        if not B.is_tensor(value):
            return value  # a constant output (rare): carried as it is
        i = len(outputs)
        shape: list[int | None] = [int(s) for s in B.shape(value)]
        other = flat_second[i] if i < len(flat_second) else None
        if other is not None and B.is_tensor(other):
            shape = [s if s == int(o) else None for s, o in zip(shape, B.shape(other))]
        if batch_unknown and shape and shape[0] == BATCH_SIZES[0]:
            shape[0] = None
        tensor = SymbolicTensor(tuple(shape), B.dtype(value), node, i)
        outputs.append(tensor)
        return tensor

    del flat_first
    node.structure = replace(first, symbolic)
    node.outputs = outputs
    layer._record_symbolic_call(inputs[0] if len(inputs) == 1 else inputs, node.structure)
    return node.structure


def _concrete(inputs: tuple[Any, ...], kwargs: dict[str, Any], pass_: int) -> tuple[Any, Any]:
    """``(args, kwargs)`` with each symbolic tensor replaced by zeros, its unknown sizes by pass ``pass_``'s."""

    def concrete(leaf: Any) -> Any:
        if not isinstance(leaf, SymbolicTensor):
            return leaf
        shape = [
            (BATCH_SIZES[pass_] if axis == 0 else OTHER_SIZES[pass_]) if size is None else size
            for axis, size in enumerate(leaf.shape)
        ]
        return B.zeros(tuple(shape), standardize(leaf.dtype))

    return replace((inputs, kwargs), concrete)  # type: ignore[no-any-return]


def _call(layer: Module, args: Any, kw: Any) -> Any:
    with layer._in_mode(False), B.no_grad():
        return layer(*args, **kw)


def _run(layer: Module, inputs: tuple[Any, ...], kwargs: dict[str, Any], pass_: int, where: str) -> Any:
    args, kw = _concrete(inputs, kwargs, pass_)
    try:
        return _call(layer, args, kw)
    except Exception as exc:
        shapes = [t.shape for t in leaves((inputs, kwargs)) if isinstance(t, SymbolicTensor)]
        text = _user_shapes(str(exc), layer, inputs, kwargs, pass_, args, kw, shapes)
        if isinstance(exc, DualnetError):
            exc.args = (text, *exc.args[1:])
            raise
        raise ShapeError(
            f"{where} cannot take inputs of shapes {', '.join(map(str, shapes))} "
            f"({type(exc).__name__}: {text[:200]}); check the shapes the layer expects"
        ) from exc


def _user_shapes(
    text: str,
    layer: Module,
    inputs: tuple[Any, ...],
    kwargs: dict[str, Any],
    pass_: int,
    args: Any,
    kw: Any,
    shapes: list[tuple[int | None, ...]],
) -> str:
    """``text`` (the error of a run on placeholder sizes) as the user's shapes, placeholders as None."""
    if not any(None in shape for shape in shapes):
        return text  # no placeholders were used
    other = 1 - pass_
    try:
        _call(layer, *_concrete(inputs, kwargs, other))
        second = None
    except Exception as exc:  # the same failure with the other placeholders shows which numbers are theirs
        second = str(exc)
    pairs = {(BATCH_SIZES[pass_], BATCH_SIZES[other]), (OTHER_SIZES[pass_], OTHER_SIZES[other])}
    concrete = [tuple(B.shape(t)) for t in leaves((args, kw)) if B.is_tensor(t)]
    return in_user_shapes(text, second, pairs, concrete, shapes)
