"""The public surface is what ``dualnet`` and its subpackages re-export; every other name is internal.

A *public namespace* is ``dualnet`` or a module named in a public namespace's
``__all__`` (``dn.nn``, ``dn.nn.initializers``, ``dn.testing``, ...): its
``__all__`` is its surface. Every other module is an implementation module:
its ``__all__`` lists exactly the names its package re-exports from it, so a
public function or class there is either re-exported or internal (a leading
underscore, or absent from ``__all__``). ``dualnet/backend/`` and
``dualnet/ops/`` keep their own ``__all__`` rules (the backend contract,
``tests/backend/test_protocol.py``) and are not checked here.
"""

from __future__ import annotations

import importlib
import types
from functools import cache
from pathlib import Path

import pytest

import dualnet

SRC = Path(dualnet.__file__).parent
OWN_RULES = ("dualnet.backend", "dualnet.ops")
# Public namespaces that ``import dualnet`` does not import, so dualnet cannot re-export them: they need an extra.
OPT_IN = ("dualnet.serve",)
# Modules without an ``__all__`` yet: the argument-check helpers, which are to be gathered into one module, and
# errors.py, whose classes dualnet re-exports and whose message helpers those checks share.
UNDECLARED = frozenset({"dualnet.errors"})


def _module_names() -> list[str]:
    names = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _exports(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    assert names is not None, f"{module.__name__} has no __all__; list the names its package re-exports from it"
    return list(names)


@cache
def public_namespaces() -> tuple[str, ...]:
    found: list[str] = []
    todo = ["dualnet", *OPT_IN]
    while todo:
        name = todo.pop(0)
        if name in found:
            continue
        found.append(name)
        module = importlib.import_module(name)
        todo += [f"{name}.{n}" for n in _exports(module) if isinstance(getattr(module, n, None), types.ModuleType)]
    return tuple(found)


def implementation_modules() -> list[str]:
    return [
        name
        for name in _module_names()
        if name not in public_namespaces()
        and name not in UNDECLARED
        and not any(name == own or name.startswith(own + ".") for own in OWN_RULES)
    ]


def test_the_public_namespaces_are_found() -> None:
    expected = {"dualnet.nn", "dualnet.nn.initializers", "dualnet.optim.schedules", "dualnet.io", "dualnet.testing"}
    assert expected <= set(public_namespaces())


@pytest.mark.parametrize("namespace", public_namespaces())
def test_every_name_a_namespace_exports_is_importable_from_it(namespace: str) -> None:
    module = importlib.import_module(namespace)
    missing = [name for name in _exports(module) if not hasattr(module, name)]
    assert not missing, f"{namespace}.__all__ lists {missing}, which {namespace} does not have"
    assert len(set(_exports(module))) == len(_exports(module)), f"{namespace}.__all__ repeats a name"


@pytest.mark.parametrize(
    "namespace", [n for n in public_namespaces() if not hasattr(importlib.import_module(n), "__path__")]
)
def test_a_public_module_defines_what_it_exports(namespace: str) -> None:
    module = importlib.import_module(namespace)
    foreign = [
        name
        for name in _exports(module)
        if isinstance(getattr(module, name), type | types.FunctionType)
        and getattr(module, name).__module__ != namespace
    ]
    assert not foreign, f"{namespace}.__all__ lists {foreign}, defined elsewhere; export them where they are defined"


@pytest.mark.parametrize("name", implementation_modules())
def test_an_implementation_module_exports_only_what_its_package_re_exports(name: str) -> None:
    module = importlib.import_module(name)
    package_name = name.rsplit(".", 1)[0]
    package = importlib.import_module(package_name)
    assert package_name in public_namespaces(), f"{name} sits in {package_name}, which is not a public namespace"
    public = set(_exports(package))
    not_re_exported = [n for n in _exports(module) if n not in public or getattr(package, n) is not getattr(module, n)]
    assert not not_re_exported, (
        f"{name}.__all__ lists {not_re_exported}, which {package_name} does not re-export: add them to "
        f"{package_name}'s imports and __all__ to make them public, or drop them from {name}.__all__ (internal)"
    )


def test_undeclared_modules_are_still_undeclared() -> None:
    modules = set(_module_names())
    declared = [n for n in UNDECLARED if n in modules and hasattr(importlib.import_module(n), "__all__")]
    assert not declared, f"{declared} now declare __all__; remove them from UNDECLARED so they are checked"


def test_internal_names_are_not_public() -> None:
    """The rule at work on names that tests and other packages import deeply: they are not the public surface."""
    from dualnet.train import running

    assert "prepare_step" not in running.__all__ and not hasattr(dualnet.train, "prepare_step")
    assert "Dense" in dualnet.nn.__all__ and dualnet.nn.Dense is importlib.import_module("dualnet.nn.dense").Dense
