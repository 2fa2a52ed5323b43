"""Which backends exist, and importing one by name.

Built-in backends are listed here; third-party packages add theirs through
the ``dualnet.backends`` entry-point group (name -> importable module that
provides the functions of :mod:`dualnet.backend.api`). Nothing here imports a
framework until :func:`load` is called for its backend.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from types import ModuleType

from dualnet.errors import BackendError

ENTRY_POINT_GROUP = "dualnet.backends"


@dataclass(frozen=True)
class BackendSpec:
    """Where a backend lives and what it needs installed."""

    name: str
    module: str
    framework: str | None  # top-level module that must be importable, if known
    install_hint: str


BUILTIN: dict[str, BackendSpec] = {
    "torch": BackendSpec("torch", "dualnet.backend.torch", "torch", "pip install 'dualnet[torch]'"),
    "tensorflow": BackendSpec(
        "tensorflow",
        "dualnet.backend.tensorflow",
        "tensorflow",
        "pip install 'dualnet[tensorflow]'",
    ),
}
ALIASES = {"pytorch": "torch", "tf": "tensorflow"}


@cache
def registered() -> dict[str, BackendSpec]:
    """All known backends: the built-in ones, then those from entry points."""
    specs = dict(BUILTIN)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in specs:
            specs[ep.name] = BackendSpec(ep.name, ep.value, None, f"reinstall the package providing {ep.value!r}")
    return specs


def canonical_name(name: str) -> str:
    """Map a user-given name (any case, aliases allowed) to a registered backend name."""
    if not isinstance(name, str):
        raise BackendError(f"backend name must be a string, got {type(name).__name__}; use 'torch' or 'tensorflow'")
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in registered():
        valid = ", ".join(sorted([*registered(), *ALIASES]))
        raise BackendError(f"unknown backend {name!r}; valid names are: {valid}")
    return key


def is_installed(name: str) -> bool:
    """Whether the framework behind backend ``name`` can be imported (without importing it)."""
    spec = registered()[canonical_name(name)]
    if spec.framework is not None:
        return importlib.util.find_spec(spec.framework) is not None
    try:
        return importlib.util.find_spec(spec.module) is not None
    except ModuleNotFoundError:
        return False


def installed() -> list[str]:
    """Names of registered backends whose framework is installed, built-ins first."""
    return [name for name in registered() if is_installed(name)]


@cache
def load(name: str) -> ModuleType:
    """Import and return backend ``name``'s module; raises BackendError if it cannot be."""
    spec = registered()[canonical_name(name)]
    if not is_installed(spec.name):
        raise BackendError(
            f"backend {spec.name!r} is not installed (module {spec.framework or spec.module!r} not found); "
            f"install it with: {spec.install_hint}"
        )
    try:
        return importlib.import_module(spec.module)
    except ImportError as exc:
        raise BackendError(
            f"backend {spec.name!r} failed to import ({exc}); reinstall it with: {spec.install_hint}"
        ) from exc
