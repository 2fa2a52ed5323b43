"""Every public name is in the API reference, with a docstring.

The reference pages render packages with mkdocstrings, which reads the source
statically through griffe; this test loads the package the same way, so a
name it finds documented is one the built site shows. The public packages are
found from ``dualnet.__all__`` down (any public name that is a module is a
public package), plus ``dualnet.io``.
"""

from __future__ import annotations

import importlib
import re
import types
from functools import cache

import griffe
import pytest

from tests.docs.pages import DOCS, ROOT

EXTRA_PACKAGES = ("dualnet.io",)  # public, though not re-exported as a name of dualnet
_DIRECTIVE = re.compile(r"^:::\s*(\S+)", re.M)


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items() if not n.startswith("_") and _defined_in(v, module)]
    return list(names)


def _defined_in(value: object, module: types.ModuleType) -> bool:
    """A module without ``__all__`` exports what it defines, not what it imports."""
    return getattr(value, "__module__", None) == module.__name__


def public_packages() -> list[str]:
    found: list[str] = []
    todo = ["dualnet", *EXTRA_PACKAGES]
    while todo:
        name = todo.pop(0)
        if name in found:
            continue
        found.append(name)
        module = importlib.import_module(name)
        todo += [f"{name}.{n}" for n in _public_names(module) if isinstance(getattr(module, n), types.ModuleType)]
    return found


def public_names() -> list[tuple[str, str]]:
    pairs = []
    for package in public_packages():
        module = importlib.import_module(package)
        pairs += [(package, n) for n in _public_names(module) if not isinstance(getattr(module, n), types.ModuleType)]
    return pairs


@cache
def directives() -> frozenset[str]:
    """The objects the reference pages render (``::: dualnet.nn``)."""
    pages = (DOCS / "reference").glob("*.md")
    return frozenset(target for page in pages for target in _DIRECTIVE.findall(page.read_text(encoding="utf-8")))


@cache
def static_package() -> griffe.Module:
    loaded = griffe.load("dualnet", search_paths=[str(ROOT / "src")], resolve_aliases=True)
    assert isinstance(loaded, griffe.Module)
    return loaded


def _static(path: str) -> griffe.Object | griffe.Alias:
    return static_package()[path.removeprefix("dualnet.")] if path != "dualnet" else static_package()


def test_public_packages_are_found() -> None:
    packages = public_packages()
    assert {"dualnet.ops", "dualnet.ops.random", "dualnet.nn", "dualnet.optim", "dualnet.export"} <= set(packages)


@pytest.mark.parametrize("package", public_packages())
def test_package_has_a_reference_page(package: str) -> None:
    assert package in directives(), f"no reference page renders {package}; add '::: {package}' to a docs/reference page"
    docstring = _static(package).docstring
    assert docstring is not None and docstring.value.strip(), f"{package} has no module docstring"


@pytest.mark.parametrize(("package", "name"), public_names(), ids=lambda v: v)
def test_public_name_is_documented(package: str, name: str) -> None:
    runtime = getattr(importlib.import_module(package), name)
    member = _static(package)[name]
    if member.is_module and not isinstance(runtime, types.ModuleType):
        # A function that shadows the submodule of the same name (dualnet.ops.conv): the page renders the
        # submodule's member explicitly.
        target = f"{runtime.__module__}.{runtime.__qualname__}"
        assert target in directives(), f"{package}.{name} is shadowed by a submodule; add '::: {target}'"
        member = _static(target)
    docstring = member.docstring
    assert docstring is not None and docstring.value.strip(), (
        f"{package}.{name} has no docstring; the reference shows it without one"
    )
