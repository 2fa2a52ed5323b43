"""Where a backend departs from the contract, in words.

mypy checks each backend file against its Protocol for types and arity (see
:mod:`dualnet.backend.conformance`) but ignores parameter names, which matter
as soon as a caller passes an argument by keyword; :func:`check_backend`
compares names, order, kinds and defaults with ``inspect.signature``, and
says which file a function is missing from.
"""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Callable
from types import ModuleType
from typing import Any

from dualnet.backend.api.concerns import CONCERNS, declaration, names_by_concern

_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional-or-keyword",
    inspect.Parameter.VAR_POSITIONAL: "variadic (*args)",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
    inspect.Parameter.VAR_KEYWORD: "variadic (**kwargs)",
}


def _same_default(a: Any, b: Any) -> bool:
    # 1 and 1.0 (or True) compare equal but are different defaults.
    return a is b or (type(a) is type(b) and a == b)


def _default(value: Any) -> str:
    return "no default" if value is inspect.Parameter.empty else f"default {value!r}"


def check_signature(fn: Callable[..., Any], name: str) -> list[str]:
    """How ``fn``'s parameters differ from contract function ``name``'s (names, order, kinds, defaults)."""
    try:
        actual = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError) as err:
        return [f"its signature cannot be read ({err})"]
    declared = list(declaration(name).parameters.values())
    got, want = [p.name for p in actual], [p.name for p in declared]
    if got != want and sorted(got) == sorted(want):
        return [f"parameters are in the order ({', '.join(got)}), the contract says ({', '.join(want)})"]
    problems = []
    for position, (a, d) in enumerate(zip(actual, declared), start=1):
        if a.name != d.name:
            problems.append(f"parameter {position} is named {a.name!r}, the contract says {d.name!r}")
            continue
        if a.kind != d.kind:
            problems.append(f"parameter {d.name!r} is {_KINDS[a.kind]}, the contract says {_KINDS[d.kind]}")
        if not _same_default(a.default, d.default):
            problems.append(f"parameter {d.name!r} has {_default(a.default)}, the contract says {_default(d.default)}")
    if len(actual) != len(declared):
        listed = ", ".join(want)
        problems.append(
            f"takes {len(actual)} parameters ({', '.join(got)}), the contract says {len(declared)} ({listed})"
        )
    return problems


def _concern_module(package: ModuleType, concern: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{package.__name__}.{concern}")
    except ModuleNotFoundError:
        return None


def check_backend(package: ModuleType) -> list[str]:
    """Every way backend ``package`` departs from the contract, one sentence each; empty when it conforms.

    For each declared name: the concern's file (``<package>.<concern>``)
    defines it there (not imported from elsewhere), the package exports that
    same object, and a function's parameters match the declaration's.
    """
    label = str(getattr(package, "name", package.__name__))
    problems: list[str] = []
    for concern, declared in names_by_concern().items():
        module = _concern_module(package, concern)
        where = f"{package.__name__}.{concern}"
        if module is None:
            problems.append(f"{label}: no file {concern}.py ({where}) for {', '.join(declared)}")
            continue
        for name in declared:
            problems += [f"{label}: {name}: {p}" for p in _check_name(package, module, concern, name)]
    return problems


def _check_name(package: ModuleType, module: ModuleType, concern: str, name: str) -> list[str]:
    where = module.__name__
    if not hasattr(module, name):
        return [f"missing from {where}; define it there (declared in dualnet.backend.api.{concern})"]
    value = getattr(module, name)
    problems = []
    if getattr(package, name, None) is not value:
        problems.append(f"the package does not export {where}.{name} (build its namespace with api.gather)")
    attributes = typing.get_type_hints(CONCERNS[concern])  # declared attributes (name: str), not methods
    if name in attributes:
        expected = attributes[name]
        if not isinstance(value, expected):
            problems.append(f"is {type(value).__name__} {value!r}, the contract says {expected.__name__}")
        return problems
    if not callable(value):
        return [*problems, f"is {type(value).__name__}, the contract says a function"]
    defined_in = getattr(value, "__module__", None)
    if defined_in != where:
        problems.append(f"is defined in {defined_in}, the contract puts it in {where}")
    return problems + check_signature(value, name)
