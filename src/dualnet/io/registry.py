"""The module registry: the only place :func:`dualnet.load` finds classes, by name.

Every layer ``dn.nn`` exports is registered under its name there (``"Dense"``,
``"Sequential"``); custom modules are added with :func:`register_module`.
The registry sits above :mod:`dualnet.nn`: it reads ``dn.nn``'s layers, and
nn never imports it. A saved model names classes, never import paths, so loading a file runs no
code but that of registered classes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

from dualnet import nn
from dualnet.errors import ArgumentError
from dualnet.nn.module import Module

__all__ = ["register_module"]

M = TypeVar("M", bound="type[Module]")


def _builtins() -> dict[str, type[Module]]:
    """Every layer ``dn.nn`` exports, under its name there."""
    found: dict[str, type[Module]] = {}
    for name in nn.__all__:
        value = getattr(nn, name)
        # An alias (Keras's Convolution2D for Conv2D) is the same class: files name it once, by its own name.
        if isinstance(value, type) and issubclass(value, Module) and value is not Module and value.__name__ == name:
            found[name] = value
    return found


_registry: dict[str, type[Module]] = _builtins()
_builtin_names: frozenset[str] = frozenset(_registry)


@overload
def register_module(cls: M, *, name: str | None = None) -> M: ...


@overload
def register_module(cls: None = None, *, name: str | None = None) -> Callable[[M], M]: ...


def register_module(cls: M | None = None, *, name: str | None = None) -> M | Callable[[M], M]:
    """Make ``cls`` (a ``dn.nn.Module`` subclass) loadable by :func:`dualnet.load` under ``name``.

    ``name`` defaults to the class name. Use as ``@dn.register_module`` or
    ``@dn.register_module(name="my_pkg.Block")``. Registering a name again
    replaces the class (a re-run notebook cell); built-in names are reserved.

    Raises:
        ArgumentError: ``cls`` is not a ``dn.nn.Module`` subclass, ``name`` is not a non-empty string, or it is
            the name of a built-in layer.
    """

    def register(klass: M) -> M:
        if not (isinstance(klass, type) and issubclass(klass, Module)):
            raise ArgumentError(
                f"register_module({klass!r}): only dn.nn.Module subclasses can be registered; "
                "decorate a class that derives from dn.nn.Module"
            )
        key = klass.__name__ if name is None else name
        if not isinstance(key, str) or not key:
            raise ArgumentError(f"register_module(name={key!r}): the name must be a non-empty string")
        if key in _builtin_names and _registry[key] is not klass:
            raise ArgumentError(
                f"register_module({klass.__qualname__}): the name {key!r} belongs to the built-in layer "
                f"dn.nn.{key}; pass another name, e.g. register_module(name='mypkg.{key}')"
            )
        _registry[key] = klass
        return klass

    return register if cls is None else register(cls)


def lookup(name: str) -> type[Module]:
    """The class registered under ``name``; ArgumentError listing the registered names if none."""
    klass = _registry.get(name) if isinstance(name, str) else None
    if klass is None:
        raise ArgumentError(
            f"saved model: class {name!r} is not registered (registered: {', '.join(sorted(_registry))}); "
            "decorate its class with @dn.register_module (same name) and import it before dn.load"
        )
    return klass


def name_of(klass: type[Any]) -> str | None:
    """The name ``klass`` is registered under, or None."""
    for key, value in _registry.items():
        if value is klass:
            return key
    return None


def custom_modules(classes: Iterable[type]) -> list[str]:
    """The Python modules defining those of ``classes`` that are registered custom classes, sorted.

    A subprocess that rebuilds a model imports these; only the model's own, since another registered class may
    live in a module no other process can import (a notebook cell, code run by ``exec``).
    """
    custom = {k for n, k in _registry.items() if n not in _builtin_names}
    return sorted({k.__module__ for k in classes if k in custom})


def registered() -> list[str]:
    """Every registered name, sorted."""
    return sorted(_registry)
