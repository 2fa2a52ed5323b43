"""What both backends' control-flow ops share: nested loop state, its checks, and the loops run in Python.

A loop's state (``loop_vars``, a scan's carry, a branch's output) is a
structure of :mod:`dualnet.tree` (tuples, lists, dicts of tensors). Each
backend flattens it to a list of tensors for its own loop primitive and
checks every new state against the first with :func:`check_state`, so a body
that changes the structure, a shape or a dtype fails with a dualnet error
naming the op, the same on both backends, eagerly and while tracing. The
eager loops (:func:`python_while`, :func:`python_scan`) and the parallel prefix
algorithm (:func:`associative_scan`) are written once here on a few native
primitives each backend passes in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from dualnet import tree
from dualnet.errors import ArgumentError, DTypeError, ShapeError

Spec = Callable[[Any], tuple[tuple[int | None, ...] | None, str]]  # a leaf -> (static shape or None, dtype name)


def flatten(structure: Any) -> tuple[list[Any], tree.TreeDef]:
    leaves, _, treedef = tree.flatten(structure)
    return leaves, treedef


def xs_leaves(xs: Any, convert: Callable[[Any], Any]) -> tuple[list[Any], tree.TreeDef]:
    """A scan's ``xs`` as tensors; ``xs=None`` (scan over ``length`` only) has none."""
    leaves, treedef = flatten(xs)
    return ([] if xs is None else [convert(x) for x in leaves]), treedef


def same_structure(a: tree.TreeDef, b: tree.TreeDef) -> bool:
    """Same nesting and dict keys; a tuple and a list of the same items count as the same."""
    if (a.kind == "dict") != (b.kind == "dict") or (a.kind == "leaf") != (b.kind == "leaf"):
        return False
    if a.kind == "dict" and a.keys != b.keys:
        return False
    return len(a.children) == len(b.children) and all(same_structure(x, y) for x, y in zip(a.children, b.children))


def describe(treedef: tree.TreeDef) -> str:
    """A structure in words: ``tensor``, ``tuple(tensor, dict(a: tensor))``."""
    if treedef.kind == "leaf":
        return "tensor"
    if treedef.kind == "dict":
        inner = ", ".join(f"{k}: {describe(c)}" for k, c in zip(treedef.keys, treedef.children))
    else:
        inner = ", ".join(describe(c) for c in treedef.children)
    return f"{treedef.kind}({inner})"


def _compatible(a: tuple[int | None, ...] | None, b: tuple[int | None, ...] | None) -> bool:
    if a is None or b is None:
        return True
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


class State(NamedTuple):
    """A loop state's structure and the static shape and dtype of each of its leaves."""

    treedef: tree.TreeDef
    specs: list[tuple[tuple[int | None, ...] | None, str]]


def state_of(leaves: Sequence[Any], treedef: tree.TreeDef, spec: Spec) -> State:
    return State(treedef, [spec(leaf) for leaf in leaves])


def check_state(op: str, what: str, expected: State, got: Any, spec: Spec, fix: str) -> list[Any]:
    """The leaves of ``got`` when it has ``expected``'s structure, shapes and dtypes.

    Raises:
        ArgumentError: ``got`` is nested differently.
        ShapeError: a leaf's shape differs.
        DTypeError: a leaf's dtype differs.
    """
    leaves, treedef = flatten(got)
    if not same_structure(expected.treedef, treedef):
        raise ArgumentError(
            f"{op}: {what} must have the structure {describe(expected.treedef)}, got {describe(treedef)}; {fix}"
        )
    paths = tree.flatten(got, "state")[1]
    for path, leaf, (shape, dtype) in zip(paths, leaves, expected.specs):
        got_shape, got_dtype = spec(leaf)
        if not _compatible(shape, got_shape):
            raise ShapeError(f"{op}: {what} {path} must keep the shape {shape}, got {got_shape}; {fix}")
        if dtype != got_dtype:
            raise DTypeError(
                f"{op}: {what} {path} must keep the dtype {dtype}, got {got_dtype}; "
                "cast it, e.g. with dn.ops.cast(value, dtype)"
            )
    return leaves


def positional(loop_vars: Any) -> bool:
    """Keras's rule: a tuple or list of loop variables is passed to ``cond`` and ``body`` one per argument."""
    return isinstance(loop_vars, tuple | list)


def call_with(fn: Callable[..., Any], state: Any, spread: bool) -> Any:
    return fn(*state) if spread else fn(state)


BODY_FIX = "return one new value per loop variable, each with the shape and dtype it came in with"


def python_while(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    maximum_iterations: int | None,
    convert: Callable[[Any], Any],
    spec: Spec,
) -> Any:
    """``while_loop`` run eagerly: the loop in Python, every new state checked against the first."""
    spread = positional(loop_vars)
    leaves, treedef = flatten(loop_vars)
    leaves = [convert(leaf) for leaf in leaves]
    first = state_of(leaves, treedef, spec)
    state = tree.unflatten(treedef, leaves)
    done = 0
    while (maximum_iterations is None or done < maximum_iterations) and bool(call_with(cond, state, spread)):
        out = call_with(body, state, spread)
        out = tuple(out) if spread and isinstance(out, tuple | list) else out
        state = tree.unflatten(treedef, check_state("while_loop", "the body's output", first, out, spec, BODY_FIX))
        done += 1
    return state


def scan_length(xs_leaves: Sequence[Any], length: int | None, leading: Callable[[Any], int | None]) -> int | None:
    """The trip count of a scan: ``length``, or the leading size that every ``xs`` leaf shares.

    Raises:
        ShapeError: the leaves' leading sizes differ, or differ from ``length``.
    """
    sizes = {leading(x) for x in xs_leaves}
    if len(sizes) > 1:
        raise ShapeError(
            f"scan: every xs leaf must have the same leading size, got {sorted(sizes, key=str)}; "
            "scan over arrays of one length"
        )
    size = next(iter(sizes)) if sizes else None
    if length is not None and size is not None and size != length:
        raise ShapeError(f"scan: length={length} but xs has leading size {size}; drop length or make them agree")
    return length if length is not None else size


CARRY_FIX = "f(carry, x) must return (new_carry, y) with new_carry shaped like init"


def split_step(out: Any) -> tuple[Any, Any]:
    """``(carry, y)`` from what a scan's ``f`` returned.

    Raises:
        ArgumentError: ``f`` did not return a pair.
    """
    if not isinstance(out, tuple | list) or len(out) != 2:
        kind = type(out).__name__
        raise ArgumentError(f"scan: f must return a pair (carry, y), got {kind}; {CARRY_FIX}")
    return out[0], out[1]


def python_scan(
    f: Callable[[Any, Any], Any],
    init: Any,
    xs: Any,
    n: int,
    reverse: bool,
    convert: Callable[[Any], Any],
    spec: Spec,
    stack: Callable[[list[Any]], Any],
) -> tuple[Any, Any]:
    """``scan`` as a Python loop (eager, and on torch also what torch.compile unrolls)."""
    sliced, xs_def = xs_leaves(xs, convert)
    carry_leaves, carry_def = flatten(init)
    carry_leaves = [convert(c) for c in carry_leaves]
    first = state_of(carry_leaves, carry_def, spec)
    carry = tree.unflatten(carry_def, carry_leaves)
    ys: list[Any] = []
    for i in reversed(range(n)) if reverse else range(n):
        x = None if xs is None else tree.unflatten(xs_def, [leaf[i] for leaf in sliced])
        carry, y = split_step(f(carry, x))
        carry = tree.unflatten(carry_def, check_state("scan", "the new carry", first, carry, spec, CARRY_FIX))
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, stack_outputs(ys, stack)


def stack_outputs(ys: list[Any], stack: Callable[[list[Any]], Any]) -> Any:
    """The per-step outputs stacked leaf by leaf on a new leading axis (None when ``f`` returned no y)."""
    if not ys or ys[0] is None:
        return None
    y_leaves, y_def = flatten(ys[0])
    columns: list[list[Any]] = [[] for _ in y_leaves]
    for y in ys:
        leaves, treedef = flatten(y)
        if not same_structure(y_def, treedef):
            raise ArgumentError(
                f"scan: every y must have the structure {describe(y_def)}, got {describe(treedef)}; "
                "return the same kind of y at every step"
            )
        for column, leaf in zip(columns, leaves):
            column.append(leaf)
    return tree.unflatten(y_def, [stack(column) for column in columns])


class Primitives(NamedTuple):
    """The native ops :func:`associative_scan` is written on; ``axis`` is non-negative."""

    size: Callable[[Any, int], int]  # static size along axis
    slice: Callable[[Any, int, int | None, int, int], Any]  # x, start, stop, step, axis
    concat: Callable[[list[Any], int], Any]
    interleave: Callable[[Any, Any, int], Any]  # [a0 b0 a1 b1 ...]; a has as many or one more
    flip: Callable[[Any, int], Any]


def associative_scan(
    f: Callable[[Any, Any], Any], elems: Any, reverse: bool, axis: int, convert: Callable[[Any], Any], p: Primitives
) -> Any:
    """The parallel prefix scan of JAX's ``lax.associative_scan`` (odd/even recursion, log2(n) levels)."""
    leaves, treedef = flatten(elems)
    if not leaves:
        raise ArgumentError("associative_scan: elems holds no tensor; pass a tensor or a structure of tensors")
    leaves = [convert(leaf) for leaf in leaves]
    rank = min(len(tuple(x.shape)) for x in leaves)
    if rank == 0 or not -rank <= axis < rank:
        raise ShapeError(
            f"associative_scan: axis={axis} is out of range for elems of rank {rank}; pass an axis in [-{rank}, {rank})"
        )
    axis = axis % rank
    sizes = {p.size(x, axis) for x in leaves}
    if len(sizes) != 1:
        raise ShapeError(
            f"associative_scan: every elems leaf must have the same size along axis {axis}, got {sorted(sizes)}; "
            "scan over arrays of one length"
        )

    def combine(a: list[Any], b: list[Any]) -> list[Any]:
        out, out_def = flatten(f(tree.unflatten(treedef, a), tree.unflatten(treedef, b)))
        if not same_structure(treedef, out_def):
            raise ArgumentError(
                f"associative_scan: f must return the structure of elems, {describe(treedef)}, got "
                f"{describe(out_def)}; combine two elements into one of the same kind"
            )
        return [convert(x) for x in out]

    def scan(level: list[Any]) -> list[Any]:
        n = p.size(level[0], axis)
        if n < 2:
            return level
        reduced = combine([p.slice(x, 0, n - 1, 2, axis) for x in level], [p.slice(x, 1, None, 2, axis) for x in level])
        odd = scan(reduced)
        if n % 2 == 0:
            even = combine(
                [p.slice(x, 0, p.size(x, axis) - 1, 1, axis) for x in odd],
                [p.slice(x, 2, None, 2, axis) for x in level],
            )
        else:
            even = combine(odd, [p.slice(x, 2, None, 2, axis) for x in level])
        even = [p.concat([p.slice(x, 0, 1, 1, axis), e], axis) for x, e in zip(level, even)]
        return [p.interleave(e, o, axis) for e, o in zip(even, odd)]

    if reverse:
        leaves = [p.flip(x, axis) for x in leaves]
    out = scan(leaves)
    if reverse:
        out = [p.flip(x, axis) for x in out]
    return tree.unflatten(treedef, out)


def grads_tuple(grads: Any, count: int) -> tuple[Any, ...]:
    """A custom gradient function's result as one gradient per input.

    Raises:
        ArgumentError: it gave another number of gradients.
    """
    out = tuple(grads) if isinstance(grads, tuple | list) else (grads,)
    if len(out) != count:
        raise ArgumentError(
            f"custom_gradient: grad_fn returned {len(out)} gradient(s) for {count} input(s); "
            "return one gradient (or None) per argument of the function, as a tuple"
        )
    return out


def upstream_of(upstreams: Sequence[Any], treedef: tree.TreeDef) -> Any:
    """What a custom ``grad_fn`` receives: one tensor for a tensor output, else the output's structure."""
    return upstreams[0] if treedef.kind == "leaf" else tree.unflatten(treedef, list(upstreams))
