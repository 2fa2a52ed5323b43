"""Nested structures: leaves inside any nesting of tuples, lists and dicts (dualnet's pytrees).

A *structure* is a leaf (an array, a tensor, any other object) or a tuple,
list or dict of structures; named tuples keep their type. :func:`flatten`
lists the leaves in a stable order (dicts in insertion order) with a readable
path for each (``x[1]``, ``x['image']``) and :func:`unflatten` rebuilds the same
structure from new leaves, so a batch comes out shaped like the data that went
in. The one implementation every package uses (data batches, model outputs,
parity runs, numerics checks); a leaf module that imports nothing of dualnet
but the errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dualnet.errors import ArgumentError

__all__: list[str] = []  # internal: dualnet imports from here; the public surface re-exports none of it

Names = str | Sequence[str]


class TreeDef:
    """The shape of a structure without its leaves: what :func:`unflatten` needs to rebuild it."""

    __slots__ = ("children", "keys", "kind", "type")

    def __init__(self, kind: str, type_: type | None, keys: tuple[Any, ...], children: tuple[TreeDef, ...]) -> None:
        self.kind = kind  # "leaf", "tuple", "list" or "dict"
        self.type = type_
        self.keys = keys
        self.children = children

    def __repr__(self) -> str:
        return f"TreeDef({self.kind}, {len(self.children)} children)"


_LEAF = TreeDef("leaf", None, (), ())


def is_container(x: Any) -> bool:
    """True for the containers a structure is built from: tuple, list, dict."""
    return isinstance(x, tuple | list | dict)


def flatten(data: Any, name: Names = "data") -> tuple[list[Any], list[str], TreeDef]:
    """``(leaves, paths, treedef)`` of a structure; leaves are returned untouched.

    ``name`` names the root in the paths (``"x"`` gives ``x``, ``x[0]``, ``x['a']``);
    a sequence of names names the items of a top-level tuple instead
    (``flatten((x, y), name=("x", "y"))`` gives paths ``x`` and ``y``).
    """
    leaves: list[Any] = []
    paths: list[str] = []
    if not isinstance(name, str):
        names = tuple(name)
        if not isinstance(data, tuple | list) or len(names) != len(data):
            raise ArgumentError(
                f"structure names {names!r} need a tuple or list of {len(names)} items, got {type(data).__name__}; "
                "pass one name per top-level item or a single name"
            )
        children = tuple(_flatten(item, item_name, leaves, paths) for item, item_name in zip(data, names))
        return leaves, paths, _container_def(data, tuple(range(len(data))), children)
    return leaves, paths, _flatten(data, name, leaves, paths)


def _flatten(data: Any, path: str, leaves: list[Any], paths: list[str]) -> TreeDef:
    if isinstance(data, dict):
        keys = tuple(data)
        children = tuple(_flatten(data[k], f"{path}[{k!r}]", leaves, paths) for k in keys)
        return _container_def(data, keys, children)
    if isinstance(data, tuple | list):
        children = tuple(_flatten(item, f"{path}[{i}]", leaves, paths) for i, item in enumerate(data))
        return _container_def(data, tuple(range(len(data))), children)
    leaves.append(data)
    paths.append(path)
    return _LEAF


def _container_def(data: Any, keys: tuple[Any, ...], children: tuple[TreeDef, ...]) -> TreeDef:
    kind = "dict" if isinstance(data, dict) else "list" if isinstance(data, list) else "tuple"
    return TreeDef(kind, type(data), keys, children)


def unflatten(treedef: TreeDef, leaves: Sequence[Any]) -> Any:
    """The structure ``treedef`` describes, filled with ``leaves`` in :func:`flatten`'s order."""
    it = iter(leaves)
    out = _unflatten(treedef, it)
    if next(it, _END) is not _END:
        raise ArgumentError(f"unflatten: more leaves than the structure {treedef!r} holds")
    return out


_END = object()


def _unflatten(treedef: TreeDef, it: Any) -> Any:
    if treedef.kind == "leaf":
        leaf = next(it, _END)
        if leaf is _END:
            raise ArgumentError(f"unflatten: fewer leaves than the structure {treedef!r} holds")
        return leaf
    items = [_unflatten(child, it) for child in treedef.children]
    if treedef.kind == "dict":
        return dict(zip(treedef.keys, items)) if treedef.type is dict else treedef.type(zip(treedef.keys, items))  # type: ignore[misc]
    if treedef.kind == "list":
        return items if treedef.type is list else treedef.type(items)  # type: ignore[misc]
    if treedef.type is tuple:
        return tuple(items)
    if hasattr(treedef.type, "_fields"):  # a named tuple
        return treedef.type(*items)  # type: ignore[misc]
    return treedef.type(items)  # type: ignore[misc]


def map_structure(fn: Callable[[Any], Any], data: Any) -> Any:
    """``data`` with every leaf replaced by ``fn(leaf)``, same containers."""
    leaves, _, treedef = flatten(data)
    return unflatten(treedef, [fn(leaf) for leaf in leaves])


def leaves(data: Any) -> list[Any]:
    """The leaves of a structure in :func:`flatten`'s order."""
    return flatten(data)[0]
