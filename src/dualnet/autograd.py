"""Gradients and compilation: ``dn.value_and_grad``, ``dn.grad``, ``dn.function``.

When the argument differentiated is a :class:`~dualnet.nn.Module`, its
gradients come as a list aligned with ``module.parameters()`` (``None`` for
frozen parameters); for a tensor argument, a tensor of its shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from dualnet.arguments import is_integer
from dualnet.backend.dispatch import B
from dualnet.debug import numerics as _numerics
from dualnet.errors import ArgumentError
from dualnet.nn.module import Module

__all__ = ["function", "grad", "no_grad", "stop_gradient", "value_and_grad"]


def _check_callable(name: str, fn: Any) -> None:
    if not callable(fn):
        raise ArgumentError(
            f"{name}(fn={fn!r}): fn must be a function, e.g. {name}(lambda model, x, y: loss_fn(model(x), y))"
        )


def _positions(wrt: int | Sequence[int] | None) -> tuple[list[int], bool]:
    if wrt is None:
        return [0], True
    if is_integer(wrt):
        return [int(wrt)], True
    if isinstance(wrt, Sequence) and all(is_integer(i) for i in wrt):
        return [int(i) for i in wrt], False
    raise ArgumentError(
        f"value_and_grad(wrt={wrt!r}): expected an argument position or a tuple of them, e.g. wrt=(0, 1)"
    )


def value_and_grad(
    fn: Callable[..., Any], has_aux: bool = False, wrt: int | Sequence[int] | None = None
) -> Callable[..., tuple[Any, Any]]:
    """Wrap ``fn`` so that it returns ``(value, grads)``; ``((value, aux), grads)`` with ``has_aux``.

    ``fn`` must return a scalar (or ``(scalar, aux)``). ``wrt`` picks the
    positional arguments to differentiate (default: the first); an int gives
    one gradient entry, a tuple gives a tuple of them.

    Raises:
        ArgumentError: ``fn`` is not callable, ``wrt`` is not a position or positions, a ``wrt`` position is past
            the arguments given, or with ``has_aux`` the function returns no ``(loss, aux)`` pair.
        ShapeError: the function returns a loss with more than one element.
        NumericsError: inside :func:`dualnet.debug.check_numerics`, for a non-finite loss or gradient.
    """
    _check_callable("value_and_grad", fn)
    positions, single = _positions(wrt)

    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        for pos in positions:
            if pos >= len(args):
                raise ArgumentError(
                    f"value_and_grad: wrt position {pos} but the function got {len(args)} positional arguments; "
                    "pass the differentiated values positionally"
                )
        variables: list[Any] = []
        tensor_positions: list[int] = []
        layout: list[tuple[str, Any]] = []  # per wrt position: ("module", mask) or ("tensor", None)
        for pos in positions:
            arg = args[pos]
            if isinstance(arg, Module):
                params, mask = arg.parameters(), arg.trainable_mask()
                variables.extend(p for p, m in zip(params, mask) if m)
                layout.append(("module", mask))
            else:
                tensor_positions.append(pos)
                layout.append(("tensor", None))

        def call(watched: list[Any]) -> Any:
            call_args = list(args)
            for pos, tensor in zip(tensor_positions, watched):
                call_args[pos] = tensor
            out = fn(*call_args, **kwargs)
            if has_aux and not (isinstance(out, tuple | list) and len(out) == 2):
                raise ArgumentError(
                    f"value_and_grad(has_aux=True): the function must return (loss, aux), got "
                    f"{type(out).__name__}; return a pair such as (loss, {{'logits': y}}), or drop has_aux"
                )
            return out

        value, aux, grads = B.value_and_grad(call, variables, [args[p] for p in tensor_positions], has_aux)
        scope = _numerics.active()
        if scope is not None:
            scope.loss_and_gradients(value, _gradient_names(args, positions), grads)
        var_grads = iter(grads[: len(variables)])
        input_grads = iter(grads[len(variables) :])
        results: list[Any] = []
        for kind, mask in layout:
            if kind == "module":
                results.append([next(var_grads) if m else None for m in mask])
            else:
                results.append(next(input_grads))
        out = results[0] if single else tuple(results)
        return ((value, aux) if has_aux else value), out

    return wrapped


def _gradient_names(args: Sequence[Any], positions: list[int]) -> list[str]:
    """What each gradient of ``B.value_and_grad`` belongs to, in its order: trainable parameters, then tensors."""
    names: list[str] = []
    for pos in positions:
        if isinstance(args[pos], Module):
            pairs = zip(args[pos].named_parameters(), args[pos].trainable_mask())
            names.extend(f"parameter {name!r}" for (name, _), trained in pairs if trained)
    return names + [f"argument {pos}" for pos in positions if not isinstance(args[pos], Module)]


def grad(fn: Callable[..., Any], has_aux: bool = False, wrt: int | Sequence[int] | None = None) -> Callable[..., Any]:
    """Like :func:`value_and_grad` but returns only the gradients (``(grads, aux)`` with ``has_aux``).

    Raises:
        ArgumentError: as :func:`value_and_grad` (``fn``, ``wrt``, ``has_aux``).
        ShapeError: the function returns a loss with more than one element.
        NumericsError: inside :func:`dualnet.debug.check_numerics`, for a non-finite loss or gradient.
    """
    inner = value_and_grad(fn, has_aux=has_aux, wrt=wrt)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        value, grads = inner(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapped


def function(fn: Callable[..., Any] | None = None, *, jit: bool = False) -> Any:
    """Compile ``fn``: ``tf.function`` on tensorflow (XLA when ``jit``), ``torch.compile`` on torch when ``jit``.

    Use as ``dn.function(fn)``, ``@dn.function`` or ``@dn.function(jit=True)``.

    Raises:
        ArgumentError: ``fn`` is not callable.
    """

    if fn is None:
        return lambda f: function(f, jit=jit)
    _check_callable("function", fn)
    return B.function(fn, jit)


def no_grad() -> AbstractContextManager[None]:
    """Scope in which operations are not recorded for gradients."""
    return B.no_grad()  # type: ignore[no-any-return]


def stop_gradient(x: Any) -> Any:
    """``x`` as a constant for differentiation (same value, zero gradient)."""
    return B.stop_gradient(x)
