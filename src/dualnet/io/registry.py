"""The module registry: the only place :func:`dualnet.load` finds classes, by name.

Every built-in layer is registered under its class name (``"Dense"``,
``"Sequential"``); custom modules are added with :func:`register_module`.
A saved model names classes, never import paths, so loading a file runs no
code but that of registered classes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

from dualnet.errors import ArgumentError

if TYPE_CHECKING:
    from dualnet.nn.module import Module

M = TypeVar("M", bound="type[Module]")

_registry: dict[str, type[Module]] = {}
_builtin_names: set[str] = set()


def _ensure_builtins() -> None:
    if _builtin_names:
        return
    from dualnet import nn
    from dualnet.nn.module import Module

    for name in nn.__all__:
        value = getattr(nn, name)
        if isinstance(value, type) and issubclass(value, Module) and value is not Module:
            _registry[name] = value
            _builtin_names.add(name)


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
        from dualnet.nn.module import Module

        if not (isinstance(klass, type) and issubclass(klass, Module)):
            raise ArgumentError(
                f"register_module({klass!r}): only dn.nn.Module subclasses can be registered; "
                "decorate a class that derives from dn.nn.Module"
            )
        key = klass.__name__ if name is None else name
        if not isinstance(key, str) or not key:
            raise ArgumentError(f"register_module(name={key!r}): the name must be a non-empty string")
        _ensure_builtins()
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
    _ensure_builtins()
    klass = _registry.get(name) if isinstance(name, str) else None
    if klass is None:
        raise ArgumentError(
            f"saved model: class {name!r} is not registered (registered: {', '.join(sorted(_registry))}); "
            "decorate its class with @dn.register_module (same name) and import it before dn.load"
        )
    return klass


def name_of(klass: type[Any]) -> str | None:
    """The name ``klass`` is registered under, or None."""
    _ensure_builtins()
    for key, value in _registry.items():
        if value is klass:
            return key
    return None


def custom_modules() -> list[str]:
    """The Python modules defining the registered custom classes (to import in a subprocess), sorted."""
    _ensure_builtins()
    return sorted({k.__module__ for n, k in _registry.items() if n not in _builtin_names})


def registered() -> list[str]:
    """Every registered name, sorted."""
    _ensure_builtins()
    return sorted(_registry)
