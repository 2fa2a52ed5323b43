"""Control flow on TensorFlow: Python control flow eagerly, TF's graph constructs inside ``tf.function``.

Eagerly the loops run in Python, the same code as torch's (``backend/control_flow.py``):
``tf.while_loop`` would run the same Python loop anyway. While tracing,
``cond`` is ``tf.cond``, ``switch`` ``tf.switch_case``, ``while_loop``,
``fori_loop`` and ``scan`` are ``tf.while_loop`` (scan's outputs in
``TensorArray``s sized by the trip count, so XLA can differentiate it) and
``map`` is ``scan``. A predicate, index or bound whose value is known while
tracing picks its branch or trip count in Python, as ``smart_cond`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import tensorflow as tf

from dualnet import tree
from dualnet.backend import control_flow as cf
from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.errors import ArgumentError, DTypeError

_F = TypeVar("_F", bound=Callable[..., Any])


# Not converted by autograph, like Keras's own ops: the user's branch and body functions are traced as Python,
# and a dualnet error raised here reaches the caller as itself.
def _plain(fn: _F) -> _F:
    plain: _F = tf.autograph.experimental.do_not_convert(fn)
    return plain


def _spec(x: Any) -> tuple[tuple[int | None, ...] | None, str]:
    shape = x.shape
    return (None if shape.rank is None else tuple(shape.as_list())), x.dtype.name


def _static(x: Any) -> Any:
    """``x``'s value when it is known now (Python, NumPy, an eager tensor or a traced constant), else None."""
    if not isinstance(x, tf.Tensor | tf.Variable):
        return x
    return None if isinstance(x, tf.Variable) else tf.get_static_value(x)


def _graph() -> bool:
    return not tf.executing_eagerly()


class _Branches:
    """Branch functions for ``tf.cond``/``tf.switch_case`` that return flat leaves and remember their structures."""

    def __init__(self, op: str) -> None:
        self.op = op
        self.states: list[tuple[str, cf.State]] = []

    def wrap(self, name: str, fn: Callable[[], Any]) -> Callable[[], list[Any]]:
        def run() -> list[Any]:
            leaves, treedef = cf.flatten(fn())
            leaves = [convert_to_tensor(leaf) for leaf in leaves]
            self.states.append((name, cf.state_of(leaves, treedef, _spec)))
            return leaves

        return run

    def check(self) -> tree.TreeDef:
        """The branches' common structure.

        Raises:
            ArgumentError: two branches return differently nested values.
            DTypeError: two branches return different dtypes at one place.
        """
        (first_name, first), *others = self.states
        for name, state in others:
            if not cf.same_structure(first.treedef, state.treedef):
                raise ArgumentError(
                    f"{self.op}: every branch must return the same structure, {first_name} returns "
                    f"{cf.describe(first.treedef)} and {name} {cf.describe(state.treedef)}; make them agree"
                )
            dtypes = [d for _, d in first.specs], [d for _, d in state.specs]
            if dtypes[0] != dtypes[1]:
                raise DTypeError(
                    f"{self.op}: every branch must return the same dtypes, {first_name} returns {dtypes[0]} and "
                    f"{name} {dtypes[1]}; cast them, e.g. with dn.ops.cast(value, dtype)"
                )
        return first.treedef


def _branch_graph(op: str, run: Callable[[_Branches], Any]) -> Any:
    branches = _Branches(op)
    try:
        out = run(branches)
    except (ValueError, TypeError, AssertionError):  # tf.cond asserts that the branches' lengths agree
        if len(branches.states) > 1:
            branches.check()  # our message when the branches disagree; else TF's error stands
        raise
    treedef = branches.check()
    return tree.unflatten(treedef, list(out) if isinstance(out, list | tuple) else [out])


@_plain
def cond(pred: ArrayLike, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    known = _static(pred)
    if known is not None or not _graph():
        return true_fn() if bool(np.asarray(pred if known is None else known)) else false_fn()
    flag = tf.cast(tf.reshape(pred, ()), tf.bool)
    return _branch_graph("cond", lambda b: tf.cond(flag, b.wrap("true_fn", true_fn), b.wrap("false_fn", false_fn)))


@_plain
def switch(index: ArrayLike, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    known = _static(index)
    if known is not None or not _graph():
        chosen = int(np.asarray(index if known is None else known))
        return branches[min(max(chosen, 0), len(branches) - 1)](*operands)
    picked = tf.clip_by_value(tf.cast(tf.reshape(index, ()), tf.int32), 0, len(branches) - 1)
    return _branch_graph(
        "switch",
        lambda b: tf.switch_case(
            picked, [b.wrap(f"branches[{i}]", functools.partial(fn, *operands)) for i, fn in enumerate(branches)]
        ),
    )


@_plain
def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    maximum_iterations: int | None = None,
) -> Any:
    if not _graph():
        return cf.python_while(cond, body, loop_vars, maximum_iterations, convert_to_tensor, _spec)
    spread = cf.positional(loop_vars)
    leaves, treedef = cf.flatten(loop_vars)
    leaves = [convert_to_tensor(leaf) for leaf in leaves]
    first = cf.state_of(leaves, treedef, _spec)

    def keep_going(*flat: tf.Tensor) -> tf.Tensor:
        go = convert_to_tensor(cf.call_with(cond, tree.unflatten(treedef, flat), spread))
        return tf.cast(tf.reshape(go, ()), tf.bool)

    def step(*flat: tf.Tensor) -> list[tf.Tensor]:
        out = cf.call_with(body, tree.unflatten(treedef, flat), spread)
        out = tuple(out) if spread and isinstance(out, tuple | list) else out
        return cf.check_state("while_loop", "the body's output", first, out, _spec, cf.BODY_FIX)

    final = tf.while_loop(keep_going, step, leaves, maximum_iterations=maximum_iterations)
    return tree.unflatten(treedef, list(final))


@_plain
def fori_loop(lower: Any, upper: Any, body_fun: Callable[[Any, Any], Any], init_val: Any) -> Any:
    leaves, treedef = cf.flatten(init_val)
    leaves = [convert_to_tensor(leaf) for leaf in leaves]
    first = cf.state_of(leaves, treedef, _spec)
    low, high = _static(lower), _static(upper)
    if not _graph():
        val = tree.unflatten(treedef, leaves)
        for i in range(int(np.asarray(lower)), int(np.asarray(upper))):
            val = tree.unflatten(
                treedef, cf.check_state("fori_loop", "body_fun's output", first, body_fun(i, val), _spec, cf.BODY_FIX)
            )
        return val
    start = convert_to_tensor(lower)
    stop = tf.cast(convert_to_tensor(upper), start.dtype)
    trips = None if low is None or high is None else max(int(high) - int(low), 0)

    def step(i: tf.Tensor, *flat: tf.Tensor) -> list[tf.Tensor]:
        out = body_fun(i, tree.unflatten(treedef, flat))
        return [i + 1, *cf.check_state("fori_loop", "body_fun's output", first, out, _spec, cf.BODY_FIX)]

    final = tf.while_loop(lambda i, *_: i < stop, step, [start, *leaves], maximum_iterations=trips)
    return tree.unflatten(treedef, list(final[1:]))


@_plain
def scan(
    f: Callable[[Any, Any], Any],
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
) -> tuple[Any, Any]:
    xs_leaves, xs_def = cf.xs_leaves(xs, convert_to_tensor)
    n = cf.scan_length(xs_leaves, length, lambda x: x.shape[0] if x.shape.rank else None)
    if not _graph():
        return cf.python_scan(f, init, xs, 0 if n is None else n, reverse, convert_to_tensor, _spec, tf.stack)
    carry_leaves, carry_def = cf.flatten(init)
    carry_leaves = [convert_to_tensor(c) for c in carry_leaves]
    first = cf.state_of(carry_leaves, carry_def, _spec)
    trips: Any = n if n is not None else tf.shape(xs_leaves[0])[0]
    start = trips - 1 if reverse else 0
    start = tf.constant(start, tf.int32) if isinstance(start, int) else start

    def apply(carry_flat: Sequence[Any], i: Any) -> tuple[Any, Any]:
        x = None if xs is None else tree.unflatten(xs_def, [a.read(i) for a in xs_arrays])
        return cf.split_step(f(tree.unflatten(carry_def, list(carry_flat)), x))

    xs_arrays = [tf.TensorArray(x.dtype, size=trips, element_shape=x.shape[1:]).unstack(x) for x in xs_leaves]
    # The ys' dtypes and shapes come from one trace of f that never runs: TensorArrays need them up front.
    probe = tf.function(lambda c: apply(c, 0)[1]).get_concrete_function(
        [tf.TensorSpec.from_tensor(c) for c in carry_leaves]
    )
    y_leaves, y_def = cf.flatten(probe.structured_outputs)
    y_leaves = [] if probe.structured_outputs is None else y_leaves  # f returns y=None: no ys
    ys_arrays = [tf.TensorArray(y.dtype, size=trips, element_shape=y.shape) for y in y_leaves]

    def step(i: tf.Tensor, carry_flat: list[Any], arrays: list[Any]) -> tuple[Any, ...]:
        carry, y = apply(carry_flat, i)
        new = cf.check_state("scan", "the new carry", first, carry, _spec, cf.CARRY_FIX)
        y_new = (
            []
            if probe.structured_outputs is None
            else cf.check_state(
                "scan", "y", cf.State(y_def, [_spec(v) for v in y_leaves]), y, _spec, "return the same y at every step"
            )
        )
        return i + (-1 if reverse else 1), new, [a.write(i, v) for a, v in zip(arrays, y_new)]

    parallel = (max(n or 10, 1) if unroll else 1) if isinstance(unroll, bool) else unroll
    _, carry_out, ys_out = tf.while_loop(
        lambda i, *_: i >= 0 if reverse else i < trips,
        step,
        (start, carry_leaves, ys_arrays),
        parallel_iterations=parallel,
        maximum_iterations=trips,
    )
    carry_final = tree.unflatten(carry_def, list(carry_out))
    if probe.structured_outputs is None:
        return carry_final, None
    return carry_final, tree.unflatten(y_def, [a.stack() for a in ys_out])


@_plain
def associative_scan(f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    return cf.associative_scan(f, elems, reverse, axis, convert_to_tensor, _PRIMITIVES)


@_plain
def map(f: Callable[[Any], Any], xs: Any) -> Any:
    return scan(lambda c, x: (c, f(x)), (), xs)[1]


@_plain
def vectorized_map(function: Callable[[Any], Any], elements: Any) -> Any:
    return tf.vectorized_map(function, tree.map_structure(convert_to_tensor, elements))


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    def recorded(*args: tf.Tensor) -> Any:
        out, grad_fn = f(*args)
        treedef = cf.flatten(out)[1]

        def grad(*upstreams: tf.Tensor, variables: Sequence[tf.Variable] | None = None) -> Any:
            grads = list(cf.grads_tuple(grad_fn(cf.upstream_of(upstreams, treedef)), len(args)))
            # Gradients reach only the arguments, as on torch: the variables f reads get none.
            return (grads, [None] * len(variables)) if variables else grads

        return out, grad

    forward = tf.custom_gradient(recorded)

    @functools.wraps(f)
    def with_gradient(*args: Any) -> Any:
        return forward(*(convert_to_tensor(a) for a in args))

    return with_gradient


def _slice(x: tf.Tensor, start: int, stop: int | None, step: int, axis: int) -> tf.Tensor:
    return x[(slice(None),) * axis + (slice(start, stop, step),)]


def _interleave(a: tf.Tensor, b: tf.Tensor, axis: int) -> tf.Tensor:
    m = int(b.shape[axis])
    pairs = tf.stack([_slice(a, 0, m, 1, axis), b], axis=axis + 1)
    shape = tf.concat([tf.shape(a)[:axis], [2 * m], tf.shape(a)[axis + 1 :]], axis=0)
    out = tf.reshape(pairs, shape)
    return tf.concat([out, _slice(a, m, None, 1, axis)], axis=axis) if int(a.shape[axis]) > m else out


_PRIMITIVES = cf.Primitives(
    size=lambda x, axis: int(x.shape[axis]),
    slice=_slice,
    concat=lambda xs, axis: tf.concat(xs, axis=axis),
    interleave=_interleave,
    flip=lambda x, axis: tf.reverse(x, [axis]),
)
