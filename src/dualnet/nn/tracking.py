"""What a module registers, how its tree is walked, and when its cached parameter lists are stale.

:class:`Node` is the bookkeeping half of :class:`dualnet.nn.Module` (its only
subclass). Assigning an attribute registers native variables as parameters and
modules (also inside lists, tuples and dicts, walked at traversal time) as
children.

Each module caches, for its own tree, the lists that ``parameters()``,
``named_parameters()``, ``trainable_mask()`` and ``named_buffers()`` return
(a :class:`Lists`). Every module keeps weak references to the modules that
hold it, so a change to one module's registrations (a parameter, buffer or
child assigned or deleted, trainable flags set, a variable moved, a waiting
weight filled) clears its own cache and its ancestors' (:func:`invalidate`),
and no other model's. Lists and dicts cannot report their own changes: a cache
keeps a shallow copy of each one in its tree and is stale as soon as one no
longer holds the same objects, so a module appended to a list is seen. A fresh
cache is used without walking the tree (one C-level ``==`` per list or dict,
against its copy, unless its items define ``__eq__``: then item by identity).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import is_
from typing import Any, TypeVar

from dualnet.backend.dispatch import B
from dualnet.errors import StateError

__all__: list[str] = []  # internal: the base of Module, reached through dualnet.nn.Module

_PLAIN = (bool, int, float, str, type(None))
_DEFAULT_EQ: Any = object.__eq__

N = TypeVar("N", bound="Node")

# A list or dict met while walking, what it held then (for a dict: its keys in order and a copy), and whether
# its items must be compared by identity (some define __eq__) rather than with one C-level ==.
Copy = tuple[Any, Any, bool]


class Lists:
    """A tree's parameters (each shared variable once), their trainable flags and its buffers, by dotted path."""

    __slots__ = ("backends", "buffers", "copies", "mask", "named", "values")

    def __init__(
        self,
        named: list[tuple[str, Any]],
        mask: list[bool],
        buffers: list[tuple[str, Any]],
        copies: list[Copy],
        backends: tuple[str, ...] = (),
    ):
        self.backends = backends  # the backends the tree's state was made on (see dualnet.nn.stamp)
        self.named = named
        self.values = [var for _, var in named]
        self.mask = mask
        self.buffers = buffers
        self.copies = tuple(copies)

    def containers_unchanged(self) -> bool:
        """True while every list and dict of the tree holds the objects it held when these lists were made."""
        try:
            for held, copy, by_identity in self.copies:
                if isinstance(copy, list):
                    same = (len(held) == len(copy) and all(map(is_, held, copy))) if by_identity else held == copy
                else:
                    keys, entries = copy
                    same = list(held) == keys and (
                        all(map(is_, held.values(), entries.values())) if by_identity else held == entries
                    )
                if not same:
                    return False
        except Exception:  # an object put in whose comparison raises (an array): changed
            return False
        return True


class Node:
    """A module's registries and their upkeep; :class:`dualnet.nn.Module` is the only subclass.

    Methods with one leading underscore are for dualnet's own use (layers,
    containers, mixed precision, io): code outside ``nn/module.py`` and this
    file changes a module through them, never by writing its ``__dict__``.
    """

    _params: dict[str, Any]  # attribute name -> native variable, registration order
    _trainable: dict[str, bool]
    _buffers: dict[str, Any]
    _children: list[str]  # attribute names that may hold modules or containers of them
    _waiting: dict[str, Any]  # weight name -> initializer, values still to be drawn
    _parents: dict[int, weakref.ref[Node]]  # id -> the modules holding this one (some may no longer)
    _cache: Lists | None

    def _init_tracking(self) -> None:
        d = self.__dict__
        d["_params"], d["_trainable"], d["_buffers"] = {}, {}, {}
        d["_children"], d["_waiting"], d["_parents"] = [], {}, {}
        d["_cache"] = None

    def __getstate__(self) -> dict[str, Any]:
        # A copy (copy.deepcopy) starts with no cache and no links: its holders are the copies, linked at its next walk.
        state = dict(self.__dict__)
        state["_cache"], state["_parents"] = None, {}
        return state

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if "_params" not in d:
            raise StateError(
                f"{type(self).__name__}: attribute {name!r} set before Module.__init__ ran; "
                "call super().__init__() first in your __init__"
            )
        params, buffers = d["_params"], d["_buffers"]
        if d.get(name) is value and (name in params or name in buffers):
            return  # ``self.w = self.add_weight("w", ...)`` re-assigns the registered variable
        changed = name in params or name in buffers or name in d["_children"]
        if changed:
            self._untrack(name)
        if name in buffers:
            buffers[name] = value
        elif not isinstance(value, _PLAIN):
            if B.is_variable(value):
                self._stamp_backend()
                params[name] = value
                d["_trainable"][name] = bool(getattr(value, "trainable", getattr(value, "requires_grad", True)))
                changed = True
            elif holds_modules(value):
                d["_children"].append(name)
                for _, child in modules_in(name, value):
                    link(child, self)
                changed = True
        object.__setattr__(self, name, value)
        if changed:
            invalidate(self)

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        changed = name in d["_params"] or name in d["_buffers"] or name in d["_children"]
        self._untrack(name)
        d["_buffers"].pop(name, None)
        object.__delattr__(self, name)
        if changed:
            invalidate(self)

    def _untrack(self, name: str) -> None:
        """Forget ``name`` as a parameter or child (a buffer stays registered: reassigning keeps it a buffer)."""
        d = self.__dict__
        d["_params"].pop(name, None)
        d["_trainable"].pop(name, None)
        d["_waiting"].pop(name, None)
        if name in d["_children"]:
            held = [child for _, child in modules_in(name, d.get(name))]
            d["_children"].remove(name)
            still = {id(child) for _, child in self._direct_children()}
            for child in held:
                if id(child) not in still:
                    child.__dict__["_parents"].pop(id(self), None)

    # -- for dualnet's own use ------------------------------------------------

    def _register_variables(
        self, parameters: Iterable[tuple[str, Any, bool]], buffers: Iterable[tuple[str, Any]] = ()
    ) -> None:
        """Track ``(name, variable, trainable)`` parameters and ``(name, buffer)`` buffers held elsewhere.

        For variables that are not attributes of this module (a wrapped native
        module's, whose names may be dotted paths such as ``0.bias``).
        """
        d = self.__dict__
        self._stamp_backend()
        for name, var, trainable in parameters:
            d["_params"][name] = var
            d["_trainable"][name] = bool(trainable)
        for name, buf in buffers:
            d["_buffers"][name] = buf
        invalidate(self)

    def _set_plain(self, name: str, value: Any) -> None:
        """Store ``value`` as attribute ``name`` without tracking it (never a parameter, buffer or child).

        For values a layer caches, such as tuples of sizes found at build time:
        skips the checks that attribute assignment makes. ``name`` must not be
        a registered parameter, buffer or child.
        """
        self.__dict__[name] = value

    def _parameter_attributes(self) -> list[tuple[Node, str, Any]]:
        """``(module, attribute, variable)`` for every parameter of this tree held as an attribute."""
        return [(m, name, var) for _, m in walk(self) for name, var in m._params.items() if m.__dict__.get(name) is var]

    @contextmanager
    def _parameters_read_as(self, targets: Sequence[tuple[Node, str]], convert: Callable[[Any], Any]) -> Iterator[None]:
        """Within: attribute ``name`` of each ``(module, name)`` in ``targets`` reads ``convert(parameter)``.

        For mixed precision (``targets`` from :meth:`_parameter_attributes`):
        the registries keep the variables, so parameter lists and gradients are
        unchanged; every attribute is restored on exit, also when the body or
        a ``convert`` raises.
        """
        swapped: list[tuple[dict[str, Any], str, Any]] = []
        try:
            for module, name in targets:
                d = module.__dict__
                variable = d[name]
                d[name] = convert(variable)
                swapped.append((d, name, variable))
            yield
        finally:
            for d, name, variable in reversed(swapped):
                d[name] = variable

    def _stamp_backend(self) -> None:
        """Record the active backend as the one this module's state lives on (its first variable or buffer decides)."""
        if self.__dict__.get("_backend") is None:
            self.__dict__["_backend"] = B.name

    def _made_on(self) -> str | None:
        """The backend this module's own variables and buffers were made on; None while it has none."""
        made_on: str | None = self.__dict__.get("_backend")
        return made_on

    def _own_parameters(self) -> list[Any]:
        """This module's own parameters (not its submodules'), in registration order."""
        return list(self._params.values())

    def _direct_children(self) -> list[tuple[str, Node]]:
        """``(name, module)`` for every module this one holds directly (``layers.0`` for one in a list)."""
        return [pair for name in self._children for pair in modules_in(name, self.__dict__.get(name))]


def holds_modules(value: Any) -> bool:
    """Modules, and containers holding some; an empty list or dict too, as it may be filled later."""
    if isinstance(value, Node):
        return True
    if isinstance(value, list | dict) and not value:
        return True  # walked at traversal time, so later appends are seen
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else ()
    return any(holds_modules(item) for item in items)


def modules_in(name: str, value: Any, copies: list[Copy] | None = None) -> Iterator[tuple[str, Node]]:
    """``(dotted name, module)`` for the modules in ``value``; with ``copies``, also record each list and dict."""
    if isinstance(value, Node):
        yield name, value
    elif isinstance(value, list | tuple):
        if copies is not None and isinstance(value, list):
            copies.append((value, list(value), _by_identity(value)))
        for i, item in enumerate(value):
            yield from modules_in(f"{name}.{i}", item, copies)
    elif isinstance(value, dict):
        if copies is not None:
            copies.append((value, (list(value), dict(value)), _by_identity(value.values())))
        for key, item in value.items():
            yield from modules_in(f"{name}.{key}", item, copies)


def _by_identity(items: Iterable[Any]) -> bool:
    # Modules compare by identity unless a subclass defines __eq__ (a dataclass does): then == could miss a swap.
    return any(type(item).__eq__ is not _DEFAULT_EQ for item in items)


def walk(root: N, prefix: str = "", copies: list[Copy] | None = None) -> Iterator[tuple[str, N]]:
    """``(path, module)`` for ``root`` and every module below it, depth-first, each once (the first path wins).

    With ``copies`` (for :func:`collect`), every module met is also linked to
    the module holding it and every list and dict met is recorded.
    """
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [(prefix, root)]
    while stack:
        path, module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        yield path, module
        children = []
        for name in module._children:
            for sub, child in modules_in(name, module.__dict__.get(name), copies):
                children.append((f"{path}.{sub}" if path else sub, child))
                if copies is not None:
                    link(child, module)
        stack.extend(reversed(children))


def collect(root: Node) -> tuple[Lists, bool]:
    """The lists of ``root``'s tree (one walk), and whether a module in it has weights waiting for values."""
    named: list[tuple[str, Any]] = []
    mask: list[bool] = []
    buffers: list[tuple[str, Any]] = []
    copies: list[Copy] = []
    seen: set[int] = set()
    waiting = False
    modules = []
    for path, module in walk(root, "", copies):
        modules.append(module)
        waiting = waiting or bool(module._waiting)
        for name, var in module._params.items():
            if id(var) not in seen:
                seen.add(id(var))
                named.append((f"{path}.{name}" if path else name, var))
                mask.append(module._trainable[name])
        for name, buf in module._buffers.items():
            buffers.append((f"{path}.{name}" if path else name, buf))
    return Lists(named, mask, buffers, copies, stamps(modules)), waiting


def stamps(modules: Iterable[Node]) -> tuple[str, ...]:
    """The distinct backends ``modules`` hold state of, sorted (empty when none holds any; see dualnet.nn.stamp)."""
    return tuple(sorted({made_on for m in modules if (made_on := m._made_on()) is not None}))


def link(child: Node, parent: Node) -> None:
    """Record that ``parent`` holds ``child``, so that changes to ``child`` clear ``parent``'s cache."""
    child.__dict__["_parents"][id(parent)] = weakref.ref(parent)


def invalidate(*modules: Node) -> None:
    """Clear the cached lists of ``modules`` and of every module holding them, up to their roots (cycles allowed)."""
    seen: set[int] = set()
    stack = list(modules)
    while stack:
        module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        d = module.__dict__
        d["_cache"] = None
        parents = d["_parents"]
        for key, ref in list(parents.items()):
            parent = ref()
            if parent is None:
                del parents[key]  # that model is gone
            else:
                stack.append(parent)
