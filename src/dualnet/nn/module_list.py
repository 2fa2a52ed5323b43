"""``ModuleList`` and ``ModuleDict``: containers that hold modules (``torch.nn.ModuleList`` / ``ModuleDict``).

They register their entries as children under their index or key, so a model
holding ``self.layers = ModuleList([...])`` has parameters ``layers.0.kernel``,
``layers.1.bias``, as torch names them. They are not layers: they have no
``forward``; a model iterates over them in its own ``forward``. Plain lists and
dicts of modules assigned to an attribute are tracked the same way; these
classes add torch's methods and make the container itself a module (saved by
``dn.save``, cloned by ``dn.nn.clone``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, overload

from dualnet.arguments import is_integer
from dualnet.errors import ArgumentError, StateError
from dualnet.nn.module import Module

__all__ = ["ModuleDict", "ModuleList"]


def _not_a_layer(container: Module) -> StateError:
    kind = type(container).__name__
    loop = "for layer in self.layers: x = layer(x)" if kind == "ModuleList" else "self.heads['name'](x)"
    return StateError(
        f"{container._where()}: a {kind} holds modules but is not a layer, so it cannot be called; call its "
        f"modules in your forward ({loop}), or chain layers with dn.nn.Sequential([...])"
    )


def _checked(where: str, what: str, module: Any) -> Module:
    if not isinstance(module, Module):
        fix = "wrap a function in dn.nn.Lambda(fn)" if callable(module) else "pass layers such as dn.nn.Dense(4)"
        raise ArgumentError(f"{where}: {what} is a {type(module).__name__}, not a dn.nn.Module; {fix}")
    return module


def _iterable(where: str, what: str, value: Any) -> None:
    single = isinstance(value, Module) and not isinstance(value, ModuleList)  # a ModuleList is a list of modules
    if single or isinstance(value, str) or not isinstance(value, Iterable):
        raise ArgumentError(
            f"{where}: {what} must be an iterable of modules, got {type(value).__name__}; pass a list, e.g. "
            "[dn.nn.Dense(4), dn.nn.Dense(2)]"
        )


class _Container(Module):
    """What both containers share: entries as children in a kept order, and no ``forward``."""

    def _entry_names(self) -> list[str]:
        raise NotImplementedError

    def _relink(self, entries: list[tuple[str, Module]]) -> None:
        """Hold exactly ``entries``, in that order (their order is the order of ``parameters()``)."""
        for name in self._entry_names():
            delattr(self, name)
        for name, module in entries:
            setattr(self, name, module)
        self._named()

    def _named(self) -> None:
        # A container already in a named model names a new entry now: called later, an unnamed layer would
        # take itself for the outermost module and draw its weights from its own path and stream.
        base = self._named_path()
        if base is None:
            return
        self.materialize()
        if getattr(self, "_view", False):
            return  # a slice's entries are named by the list they came from
        # Entries that moved (insert, del) take their new paths, as a model built in this order would have:
        # error messages and weights drawn later then name the position they are at.
        inside = f"{base}." if base else ""
        for name, child in self._direct_children():
            for path, module in child.named_modules(inside + name):  # type: ignore[attr-defined]
                current = module._named_path()
                if current is not None and current.startswith(inside) and current != path:
                    module._name_as(path)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        raise _not_a_layer(self)

    def check_inputs(self, *inputs: Any) -> None:
        raise _not_a_layer(self)


class ModuleList(_Container):
    """A list of modules, registered as children ``"0"``, ``"1"``... (``torch.nn.ModuleList``).

    ``modules[i]``, ``modules[i:j]`` (a new ModuleList of the same modules),
    ``modules[i] = m``, ``del modules[i]``, ``len``, iteration, ``append``,
    ``extend``, ``insert``, ``pop``, ``+`` and ``+=`` work as for a list; the
    indices, hence the parameter paths (``layers.0.kernel``), always run
    ``0..len-1`` in list order, as torch's do. Not callable, so it has no input
    or output shape: iterate over it in your ``forward``. An index out of range
    raises the builtin IndexError, as for a list.

    Raises:
        ArgumentError: an entry that is not a ``dn.nn.Module``; an index that is not an int (or a slice).
        StateError: the list is called as a layer.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        self._length = 0
        if modules is not None:
            _iterable(self._where(), "modules", modules)
            self.extend(modules)

    def _entry_names(self) -> list[str]:
        return [str(i) for i in range(self._length)]

    def _relink(self, entries: list[tuple[str, Module]]) -> None:
        super()._relink(entries)
        self._length = len(entries)

    def _index(self, index: Any) -> int:
        if not is_integer(index):
            raise ArgumentError(
                f"{self._where()}: indices must be ints or slices, got {type(index).__name__}; e.g. layers[0]"
            )
        if not -self._length <= index < self._length:
            raise IndexError(f"{self._where()}: index {index} is out of range for {self._length} modules")
        return int(index) % self._length

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end, under the next index; returns the list."""
        setattr(self, str(self._length), _checked(self._where(), f"the module at index {self._length}", module))
        self._length += 1
        self._named()
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each of ``modules``; returns the list."""
        _iterable(self._where(), "extend's argument", modules)
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index`` (list semantics); the entries after it move up by one."""
        if not is_integer(index):
            raise ArgumentError(f"{self._where()}.insert: index must be an int, got {type(index).__name__}")
        entries = list(self)
        entries.insert(int(index), _checked(self._where(), "the inserted module", module))
        self._relink([(str(i), m) for i, m in enumerate(entries)])

    def pop(self, index: int = -1) -> Module:
        """Remove the module at ``index`` (the last by default) and return it."""
        module = self[index]
        del self[index]
        return module

    def __len__(self) -> int:
        return int(self._length)

    def __iter__(self) -> Iterator[Module]:
        return (self.__dict__[str(i)] for i in range(self._length))

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...

    def __getitem__(self, index: int | slice) -> Module | ModuleList:
        if isinstance(index, slice):
            part = ModuleList(list(self)[index])
            part._take_naming_from(self)  # the modules keep the names and weight stream they have here
            part._set_plain("_view", True)
            return part
        return self.__dict__[str(self._index(index))]  # type: ignore[no-any-return]

    def __setitem__(self, index: int, module: Module) -> None:
        position = self._index(index)
        entries = list(self)
        entries[position] = _checked(self._where(), f"the module at index {position}", module)
        self._relink([(str(i), m) for i, m in enumerate(entries)])

    def __delitem__(self, index: int | slice) -> None:
        entries = list(self)
        if isinstance(index, slice):
            del entries[index]
        else:
            del entries[self._index(index)]
        self._relink([(str(i), m) for i, m in enumerate(entries)])

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        _iterable(self._where(), "the right operand of +", other)
        return ModuleList([*self, *other])

    def get_config(self) -> dict[str, Any]:
        """``{"modules": [...]}``: the modules it holds now (also those appended after construction)."""
        config: dict[str, Any] = {"modules": list(self)}
        if self._given_name() is not None:
            config["name"] = self._given_name()
        return config


class ModuleDict(_Container):
    """A dict of modules by name, registered as children under their keys (``torch.nn.ModuleDict``).

    ``heads["cls"]``, ``heads["cls"] = m`` (a new key goes last, a replaced
    one keeps its place), ``del heads["cls"]``, ``in``, ``len``, iteration
    over the keys, ``keys()``, ``values()``, ``items()``, ``pop``, ``clear``
    and ``update`` work as for a dict, in insertion order; parameters read
    ``heads.cls.kernel``. Keys are non-empty strings without dots, not starting
    with ``_`` and not an attribute of the class (``"keys"``, ``"train"``),
    as torch also refuses. Not callable, so it has no input or output shape. A
    missing key raises the builtin KeyError, as for a dict (the message lists the keys).

    Raises:
        ArgumentError: a key that is not such a string, or an entry that is not a ``dn.nn.Module``.
        StateError: the dict is called as a layer.
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        self._set_plain("_keys", [])
        if modules is not None:
            self.update(modules)

    def _entry_names(self) -> list[str]:
        return list(self.__dict__["_keys"])

    def _relink(self, entries: list[tuple[str, Module]]) -> None:
        super()._relink(entries)
        self._set_plain("_keys", [key for key, _ in entries])

    def _key(self, key: Any) -> str:
        if (
            not isinstance(key, str)
            or not key
            or "." in key
            or key.startswith("_")
            or (key not in self.__dict__["_keys"] and hasattr(self, key))
        ):
            raise ArgumentError(
                f"{self._where()}: key {key!r} cannot name a module; keys must be non-empty strings without "
                "dots, not starting with '_' and not an attribute of ModuleDict (keys, items, train...): "
                "pass another key, e.g. 'head'"
            )
        return key

    def _missing(self, key: Any) -> KeyError:
        return KeyError(f"{self._where()}: no module under the key {key!r}; the keys are {self.__dict__['_keys']}")

    def __getitem__(self, key: str) -> Module:
        if key not in self:
            raise self._missing(key)
        return self.__dict__[key]  # type: ignore[no-any-return]

    def __setitem__(self, key: str, module: Module) -> None:
        key = self._key(key)
        module = _checked(self._where(), f"the module under the key {key!r}", module)
        keys = self.__dict__["_keys"]
        if key in keys:
            self._relink([(k, module if k == key else self.__dict__[k]) for k in keys])
            return
        setattr(self, key, module)
        keys.append(key)
        self._named()

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise self._missing(key)
        self._relink([(k, m) for k, m in self.items() if k != key])

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__["_keys"]

    def __len__(self) -> int:
        return len(self.__dict__["_keys"])

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.__dict__["_keys"]))

    def keys(self) -> list[str]:
        """The keys, in insertion order."""
        return list(self.__dict__["_keys"])

    def values(self) -> list[Module]:
        """The modules, in key order."""
        return [self.__dict__[k] for k in self.__dict__["_keys"]]

    def items(self) -> list[tuple[str, Module]]:
        """``(key, module)`` pairs, in insertion order."""
        return [(k, self.__dict__[k]) for k in self.__dict__["_keys"]]

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self) -> None:
        """Remove every module."""
        self._relink([])

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Set each ``key: module`` of a mapping (a dict, a ModuleDict) or of an iterable of pairs, in order."""
        if isinstance(modules, Mapping | ModuleDict):
            pairs = list(modules.items())
        else:
            _iterable(self._where(), "update's argument", modules)
            pairs = list(modules)
            if not all(isinstance(p, tuple | list) and len(p) == 2 for p in pairs):
                raise ArgumentError(
                    f"{self._where()}.update: expected a mapping or (key, module) pairs; pass e.g. "
                    "{'head': dn.nn.Dense(2)} or [('head', dn.nn.Dense(2))]"
                )
        for key, module in pairs:
            self[key] = module

    def get_config(self) -> dict[str, Any]:
        """``{"modules": {key: module}}``: the modules it holds now, in order."""
        config: dict[str, Any] = {"modules": dict(self.items())}
        if self._given_name() is not None:
            config["name"] = self._given_name()
        return config
