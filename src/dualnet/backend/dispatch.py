"""The active backend's functions, reached in one attribute lookup.

``B`` is a plain object whose ``__dict__`` is refilled with the active
backend's functions whenever the backend changes, so a public op is a single
``B.name(...)`` call: no registry lookup, no per-call dispatch chain.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from dualnet.errors import UnsupportedError


class _Active:
    name: str | None = None

    def __getattr__(self, attr: str) -> Any:
        # Reached only when ``attr`` is not in the filled namespace: before the
        # first activation (activate the default backend lazily), or for a
        # function the active backend lacks.
        if attr.startswith("__"):
            raise AttributeError(attr)
        if "name" not in self.__dict__:
            from dualnet.backend.selection import ensure_backend

            ensure_backend()
            if attr in self.__dict__:
                return self.__dict__[attr]
        raise UnsupportedError(
            f"backend {self.__dict__.get('name')!r} does not provide {attr!r}; "
            "use another backend with dn.set_backend(...) or avoid this feature"
        )


B: Any = _Active()


def activate(module: ModuleType, name: str) -> None:
    """Make ``module`` (a backend package exporting ``__all__``) the active backend."""
    namespace = {attr: getattr(module, attr) for attr in module.__all__}
    B.__dict__.clear()
    B.__dict__.update(namespace)
    B.__dict__["name"] = name


def active_name() -> str | None:
    """The active backend's name, or None before any backend was activated."""
    name: str | None = B.__dict__.get("name")
    return name
