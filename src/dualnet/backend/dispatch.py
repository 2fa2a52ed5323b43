"""The active backend's functions, reached in one attribute lookup.

``B`` is a plain object whose ``__dict__`` is refilled with the active
backend's functions whenever the backend changes, so a public op is a single
``B.name(...)`` call: no registry lookup, no per-call dispatch chain. To mypy
``B`` is a :class:`~dualnet.backend.api.Backend`, so every call through it is
checked against the contract's declaration.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from dualnet.errors import UnsupportedError

if TYPE_CHECKING:
    from dualnet.backend.api import Backend


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


# Typed by the contract for the checker only: at run time a call is still one lookup in a plain __dict__.
B: Backend = cast("Backend", _Active())


def activate(module: ModuleType, name: str) -> None:
    """Make backend ``module`` active: ``B`` gets every contract name the module has (a missing one raises later)."""
    from dualnet.backend import api  # here, not at import: ``import dualnet`` stays free of the declarations

    namespace = {attr: getattr(module, attr) for attr in api.names() if hasattr(module, attr)}
    B.__dict__.clear()
    B.__dict__.update(namespace)
    B.__dict__["name"] = name


def active_name() -> str | None:
    """The active backend's name, or None before any backend was activated."""
    name: str | None = B.__dict__.get("name")
    return name
