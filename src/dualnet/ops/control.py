"""Control flow: Keras 3's ``cond``, loops, scans, maps, ``switch`` and ``custom_gradient``.

The signatures and semantics are Keras 3's (``keras.ops``). Loop variables,
carries, ``xs`` and branch outputs are nested structures (tuples, lists,
dicts) of tensors; a body must give back the structure it was given, each
leaf with the shape and dtype it came in with, else a dualnet error names the
op (``ArgumentError`` for the structure, ``ShapeError`` / ``DTypeError`` for a
leaf), on both backends.

Eagerly every op is Python control flow. Inside ``dn.function`` and the
Trainer's compiled step, TensorFlow builds ``tf.cond``, ``tf.switch_case`` and
``tf.while_loop`` graphs; torch.compile traces ``cond`` and ``while_loop`` as
``torch.cond`` and torch's ``while_loop`` and unrolls the other loops (see
``backend/torch/control.py`` for what was measured).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from dualnet.arguments import argument_error, check_axis, check_bool, check_callable, check_int, is_bool
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError

__all__ = [
    "cond",
    "while_loop",
    "fori_loop",
    "scan",
    "associative_scan",
    "map",
    "vectorized_map",
    "switch",
    "custom_gradient",
]


def _scalar(op: str, name: str, value: Any, fix: str) -> None:
    if is_bool(value) or isinstance(value, int | float):
        return
    shape = tuple(B.shape(value))
    if any(d is not None and d != 1 for d in shape):
        raise ShapeError(f"{op}: {name} must be a scalar, got shape {shape}; {fix}")


def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> Any:
    """``true_fn()`` if ``pred`` holds, else ``false_fn()``.

    ``pred`` is a scalar (a Python or NumPy bool, or a tensor of one element);
    the result has the structure and shapes of the chosen branch's output.
    Inside a TensorFlow graph both branches are traced and must return the same
    structure and dtypes; eagerly, and on torch outside torch.compile, only the
    chosen branch runs.

    Raises:
        ArgumentError: a branch is not callable; (traced) the branches return different structures.
        ShapeError: ``pred`` has more than one element.
    """
    check_callable("cond", "true_fn", true_fn, example="lambda: x * 2")
    check_callable("cond", "false_fn", false_fn, example="lambda: x")
    _scalar("cond", "pred", pred, "reduce it first, e.g. dn.ops.all(x > 0)")
    return B.cond(pred, true_fn, false_fn)


def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    maximum_iterations: int | None = None,
) -> Any:
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``; return the final ``loop_vars``.

    A tuple or list of ``loop_vars`` is passed one per argument (Keras's rule);
    anything else (a tensor, a dict) is passed as one argument. ``body``
    returns the same structure with the same shapes and dtypes. At most
    ``maximum_iterations`` iterations run when given. Gradients flow through a
    loop with a fixed trip count on both backends.

    Raises:
        ArgumentError: ``cond``/``body`` not callable, ``maximum_iterations`` not an int >= 0,
            or ``body`` returns another structure.
        ShapeError: ``body`` changes a loop variable's shape.
        DTypeError: ``body`` changes a loop variable's dtype.
    """
    check_callable("while_loop", "cond", cond, example="lambda i: i < 10")
    check_callable("while_loop", "body", body, example="lambda i: i + 1")
    limit = check_int("while_loop", "maximum_iterations", maximum_iterations, low=0, or_none=True, example="10")
    return B.while_loop(cond, body, loop_vars, limit)


def fori_loop(lower: Any, upper: Any, body_fun: Callable[[Any, Any], Any], init_val: Any) -> Any:
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``; returns the final ``val``.

    ``i`` is a Python int eagerly and on torch, an int tensor inside a
    TensorFlow graph. ``val`` is any structure of tensors and keeps its
    structure, shapes and dtypes.

    Raises:
        ArgumentError: ``body_fun`` is not callable, a bound is not an integer, or
            ``body_fun`` returns another structure.
        ShapeError: ``body_fun`` changes a shape.
        DTypeError: ``body_fun`` changes a dtype.
    """
    check_callable("fori_loop", "body_fun", body_fun, example="lambda i, s: s + i")
    for name, bound in (("lower", lower), ("upper", upper)):
        if is_bool(bound) or isinstance(bound, float) or (not isinstance(bound, int) and "int" not in B.dtype(bound)):
            raise argument_error("fori_loop", name, bound, "an integer (Python int or int tensor)", "pass e.g. 10")
    return B.fori_loop(lower, upper, body_fun, init_val)


def scan(
    f: Callable[[Any, Any], Any],
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
) -> tuple[Any, Any]:
    """Scan ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(carry, ys)``.

    ``xs`` leaves share their leading size n (``(n, ...)``); with ``xs=None``,
    ``length`` gives n and ``f`` gets ``x=None``. ``ys`` stacks each step's
    ``y`` on a new leading axis (``(n, *y.shape)``), in the order of ``xs``
    also with ``reverse=True``; it is None when ``f`` returns ``y=None``.
    Unlike Keras's TensorFlow backend, ``y`` need not be shaped like the carry.
    ``unroll`` (a positive int or a bool) is accepted as Keras does; it does
    not change results (TensorFlow takes it as ``parallel_iterations``).

    Raises:
        ArgumentError: ``f`` not callable, neither ``xs`` nor ``length`` given, a bad
            ``length``/``reverse``/``unroll``, or ``f`` does not return ``(carry, y)``
            with the carry structured like ``init``.
        ShapeError: ``xs`` leaves of different lengths, or ``length`` disagrees with them;
            the carry changes shape.
    """
    check_callable("scan", "f", f, example="lambda c, x: (c + x, c)")
    n = check_int("scan", "length", length, low=0, or_none=True, example="length=10")
    backwards = check_bool("scan", "reverse", reverse)
    if xs is None and n is None:
        raise ArgumentError("scan: got neither xs nor length; pass the arrays to scan over or length=n")
    if not is_bool(unroll):
        check_int("scan", "unroll", unroll, low=1, example="unroll=1 or unroll=True")
    return B.scan(f, init, xs, n, backwards, bool(unroll) if is_bool(unroll) else int(unroll))


def associative_scan(f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """The inclusive scan of an associative ``f`` along ``axis``: ``[a, f(a, b), f(f(a, b), c), ...]``.

    ``elems`` is a tensor or a structure of tensors that share their size
    along ``axis``; ``f(a, b)`` combines two such structures elementwise and
    returns one. Computed in O(log n) levels (JAX's odd/even recursion), with
    ``reverse=True`` from the end; the result has the shapes of ``elems``.

    Raises:
        ArgumentError: ``f`` not callable, bad ``reverse``/``axis``, or ``f`` returns another structure.
        ShapeError: ``axis`` out of range, or leaves of different sizes along it.
    """
    check_callable("associative_scan", "f", f, example="lambda a, b: a + b")
    return B.associative_scan(
        f, elems, check_bool("associative_scan", "reverse", reverse), check_axis("associative_scan", "axis", axis)
    )


def map(f: Callable[[Any], Any], xs: Any) -> Any:
    """``stack([f(x) for x in xs])``: ``f`` applied to each slice of the leading axis, one call per slice.

    ``xs`` is a tensor or structure of tensors ``(n, ...)``; ``f`` may return any
    structure, which comes back with each leaf stacked to ``(n, ...)``.

    Raises:
        ArgumentError: ``f`` is not callable.
        ShapeError: the leaves of ``xs`` have different leading sizes.
    """
    check_callable("map", "f", f, example="lambda x: x ** 2")
    return B.map(f, xs)


def vectorized_map(function: Callable[[Any], Any], elements: Any) -> Any:
    """``function`` applied to every slice of the leading axis at once (``torch.vmap`` / ``tf.vectorized_map``).

    ``elements`` leaves are ``(n, ...)``; each output leaf is ``(n, *shape of
    one call's output)``, the same results as :func:`map` for a ``function``
    written per slice; a structure of ``elements`` is passed to ``function``
    as one structure.

    Raises:
        ArgumentError: ``function`` is not callable.
    """
    check_callable("vectorized_map", "function", function, example="lambda x: x ** 2")
    return B.vectorized_map(function, elements)


def switch(index: Any, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    """``branches[clip(index, 0, len(branches) - 1)](*operands)``; an out-of-range index is clamped (Keras).

    The result has the shapes of the chosen branch's output. Inside a
    TensorFlow graph every branch is traced and must return the same
    structure and dtypes.

    Raises:
        ArgumentError: ``branches`` is empty or holds something not callable.
        ShapeError: ``index`` has more than one element.
    """
    if not isinstance(branches, Sequence) or isinstance(branches, str) or not branches:
        raise argument_error("switch", "branches", branches, "a non-empty list of functions", "pass e.g. [f, g]")
    for i, fn in enumerate(branches):
        check_callable("switch", f"branches[{i}]", fn, example="lambda x: x + 1")
    _scalar("switch", "index", index, "pass one integer")
    return B.switch(index, list(branches), *operands)


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate ``f(*args) -> (y, grad_fn)`` into a function of ``args`` whose gradient is ``grad_fn``'s.

    ``grad_fn(upstream)`` gets the gradient of the loss with respect to ``y``
    (a tensor for a tensor ``y``, else ``y``'s structure) and returns one
    gradient per argument (a tensor, or a tuple for several; None for
    none). It is called with ``upstream`` positionally on both backends, as
    Keras's TensorFlow and JAX backends do (Keras's torch backend passes the
    arguments too: a ``grad_fn(*args, upstream=None)`` written for both works
    here). Gradients reach the arguments only: variables that ``f`` reads
    get none through it.

    Raises:
        ArgumentError: ``f`` is not callable; (at the backward pass) ``grad_fn``
            returns another number of gradients than arguments.
    """
    check_callable("custom_gradient", "f", f, example="a function returning (y, grad_fn)")
    # Built per backend at the first call: a function decorated at import time must not pick the backend
    # then (nor activate one), and runs on whichever is active when called.
    built: dict[str, Callable[..., Any]] = {}

    @functools.wraps(f)
    def with_gradient(*args: Any) -> Any:
        if B.name not in built:
            built[B.name] = B.custom_gradient(f)
        return built[B.name](*args)

    return with_gradient
