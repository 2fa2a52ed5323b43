"""Control flow on torch: Python control flow eagerly; under torch.compile what torch 2.13 compiles on CPU.

Measured under ``torch.compile`` with ``autograd.grad`` traced into the graph
(``dn.function(jit=True)``, the Trainer's compiled step): ``torch.cond`` traces
in one graph, gradients included, so ``cond`` and ``switch`` (a chain of
``torch.cond``) use it. ``torch._higher_order_ops.while_loop`` traces in one
graph without gradients; with them its backward raised inside torch and dynamo
ran the frame eagerly, so ``while_loop`` uses it only with gradients off and a
Python loop (a graph break per iteration) otherwise. Branch and body outputs
are cloned: these ops refuse outputs that alias inputs (inductor fuses the
copies away). The scan higher-order op gave wrong gradients (a closed-over
weight's gradient differed from eager), so ``scan``, ``map`` and
``fori_loop`` stay Python loops that dynamo unrolls; tensor bounds of
``fori_loop`` are read on the host (a graph break).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.utils._pytree as pytree
from torch._higher_order_ops.while_loop import while_loop as _while_loop_op

from dualnet import tree
from dualnet.backend import control_flow as cf
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.torch.core import convert_to_tensor, target_device


def _leaf(x: Any) -> torch.Tensor:
    """A loop-state leaf as a tensor; Python scalars without NumPy, which torch.compile would break its graph on."""
    if isinstance(x, bool | int | float):
        kind = torch.bool if isinstance(x, bool) else torch.int64 if isinstance(x, int) else torch.float32
        # Compiling, reading the dn.device scope (a ContextVar) would break the graph: a 0-d CPU tensor mixes
        # with tensors on any device.
        return torch.tensor(x, dtype=kind, device=None if torch.compiler.is_compiling() else target_device())
    return convert_to_tensor(x)


def _spec(x: Any) -> tuple[tuple[int | None, ...] | None, str]:
    return tuple(x.shape), str(x.dtype).removeprefix("torch.")


def _fresh(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` whose tensor outputs are new tensors: torch's control-flow ops refuse outputs that alias inputs."""

    @functools.wraps(fn)
    def run(*args: Any) -> Any:
        return pytree.tree_map(lambda t: t.clone() if isinstance(t, torch.Tensor) else t, fn(*args))

    return run


def cond(pred: ArrayLike, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    if isinstance(pred, torch.Tensor) and torch.compiler.is_compiling():
        return torch.cond(pred.reshape(()).to(torch.bool), _fresh(true_fn), _fresh(false_fn), ())
    return true_fn() if bool(pred) else false_fn()


def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    maximum_iterations: int | None = None,
) -> Any:
    # With gradients on, the compiled op's backward raised inside torch (WhileLoopAutogradOpBackward, torch 2.13
    # CPU) and dynamo fell back to running the frame eagerly: the Python loop is then the better graph.
    if not torch.compiler.is_compiling() or torch.is_grad_enabled():
        return cf.python_while(cond, body, loop_vars, maximum_iterations, _leaf, _spec)
    spread = cf.positional(loop_vars)
    leaves, treedef = cf.flatten(loop_vars)
    leaves = [_leaf(leaf) for leaf in leaves]
    first = cf.state_of(leaves, treedef, _spec)
    limit = -1 if maximum_iterations is None else maximum_iterations

    def keep_going(count: torch.Tensor, *flat: torch.Tensor) -> torch.Tensor:
        go = _leaf(cf.call_with(cond, tree.unflatten(treedef, flat), spread))
        go = go.reshape(()) if go.ndim else go  # a reshaped view reads to inductor as an alias of an input
        return go if limit < 0 else torch.logical_and(go, count < limit)

    def step(count: torch.Tensor, *flat: torch.Tensor) -> tuple[torch.Tensor, ...]:
        out = cf.call_with(body, tree.unflatten(treedef, flat), spread)
        out = tuple(out) if spread and isinstance(out, tuple | list) else out
        new = cf.check_state("while_loop", "the body's output", first, out, _spec, cf.BODY_FIX)
        return (count + 1, *(leaf.clone() for leaf in new))

    # Clones: a loop variable that the body also reads as a closure would alias the op's other inputs.
    start = (torch.zeros((), dtype=torch.int64), *(leaf.clone() for leaf in leaves))
    final = _while_loop_op(keep_going, step, start)
    return tree.unflatten(treedef, list(final[1:]))


def fori_loop(lower: Any, upper: Any, body_fun: Callable[[Any, Any], Any], init_val: Any) -> Any:
    leaves, treedef = cf.flatten(init_val)
    leaves = [_leaf(leaf) for leaf in leaves]
    first = cf.state_of(leaves, treedef, _spec)
    val = tree.unflatten(treedef, leaves)
    for i in range(int(lower), int(upper)):
        new = cf.check_state("fori_loop", "body_fun's output", first, body_fun(i, val), _spec, cf.BODY_FIX)
        val = tree.unflatten(treedef, new)
    return val


def _trip_count(xs: Any, length: int | None) -> int:
    leaves = cf.xs_leaves(xs, _leaf)[0]
    n = cf.scan_length(leaves, length, lambda x: int(x.shape[0]) if x.ndim else None)
    return 0 if n is None else n


def scan(
    f: Callable[[Any, Any], Any],
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
) -> tuple[Any, Any]:
    n = _trip_count(xs, length)
    return cf.python_scan(f, init, xs, n, reverse, _leaf, _spec, torch.stack)


def associative_scan(f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    return cf.associative_scan(f, elems, reverse, axis, _leaf, _PRIMITIVES)


def map(f: Callable[[Any], Any], xs: Any) -> Any:
    return cf.python_scan(lambda c, x: (c, f(x)), (), xs, _trip_count(xs, None), False, _leaf, _spec, torch.stack)[1]


def vectorized_map(function: Callable[[Any], Any], elements: Any) -> Any:
    return torch.vmap(function)(pytree.tree_map(_leaf, elements))


def switch(index: ArrayLike, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    if isinstance(index, torch.Tensor) and torch.compiler.is_compiling():
        return _cond_chain(index.reshape(()), [functools.partial(fn, *operands) for fn in branches])
    chosen = min(max(int(index), 0), len(branches) - 1)  # type: ignore[call-overload]
    return branches[chosen](*operands)


def _cond_chain(index: torch.Tensor, fns: list[Callable[[], Any]]) -> Any:
    """``fns[clip(index)]()`` as nested ``torch.cond``: one graph, where reading the index would break it."""
    if len(fns) == 1:
        return fns[0]()
    return torch.cond(index <= 0, _fresh(fns[0]), _fresh(lambda: _cond_chain(index - 1, fns[1:])), ())


class _CustomGradient(torch.autograd.Function):  # type: ignore[misc]
    """One call of a custom-gradient function: the forward gives ``(y, grad_fn)``, the backward calls ``grad_fn``."""

    @staticmethod
    def forward(ctx: Any, f: Callable[..., Any], structure: list[tree.TreeDef], *args: torch.Tensor) -> Any:
        out, grad_fn = f(*args)
        leaves, treedef = cf.flatten(out)
        structure.append(treedef)
        ctx.grad_fn, ctx.treedef, ctx.count = grad_fn, treedef, len(args)
        return tuple(leaves)

    @staticmethod
    def backward(ctx: Any, *upstreams: torch.Tensor) -> Any:
        grads = cf.grads_tuple(ctx.grad_fn(cf.upstream_of(upstreams, ctx.treedef)), ctx.count)
        return (None, None, *grads)


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(f)
    def with_gradient(*args: Any) -> Any:
        structure: list[tree.TreeDef] = []
        leaves = _CustomGradient.apply(f, structure, *(_leaf(a) for a in args))
        return tree.unflatten(structure[0], list(leaves))

    return with_gradient


def _slice(x: torch.Tensor, start: int, stop: int | None, step: int, axis: int) -> torch.Tensor:
    return x[(slice(None),) * axis + (slice(start, stop, step),)]


def _interleave(a: torch.Tensor, b: torch.Tensor, axis: int) -> torch.Tensor:
    m = b.shape[axis]
    pairs = torch.stack([_slice(a, 0, m, 1, axis), b], dim=axis + 1)
    out = pairs.reshape((*a.shape[:axis], 2 * m, *a.shape[axis + 1 :]))
    return torch.cat([out, _slice(a, m, None, 1, axis)], dim=axis) if a.shape[axis] > m else out


_PRIMITIVES = cf.Primitives(
    size=lambda x, axis: int(x.shape[axis]),
    slice=_slice,
    concat=lambda xs, axis: torch.cat(xs, dim=axis),
    interleave=_interleave,
    flip=lambda x, axis: torch.flip(x, (axis,)),
)
