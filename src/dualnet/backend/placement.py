"""The device that new tensors and variables are placed on.

Backends read :func:`current_device` when they create a tensor; the public
``dn.device(...)`` scope and ``DUALNET_DEVICE`` (in :mod:`dualnet.backend.selection`)
write it. Device names are backend-neutral: ``"cpu"``, ``"cuda:0"``, ...
"""

from __future__ import annotations

from contextvars import ContextVar

_scoped: ContextVar[str | None] = ContextVar("dualnet_device", default=None)
_default: list[str] = []  # one entry once resolved; a list so tests can reset it


def current_device() -> str:
    """The device for new tensors: the innermost ``dn.device`` scope, else the default."""
    scoped = _scoped.get()
    if scoped is not None:
        return scoped
    if not _default:
        from dualnet.backend.selection import resolve_default_device

        _default.append(resolve_default_device())
    return _default[0]


def set_default(name: str | None) -> None:
    """Set (or, with None, forget) the process-wide default device."""
    _default.clear()
    if name is not None:
        _default.append(name)


def scoped() -> ContextVar[str | None]:
    """The context variable behind ``dn.device`` scopes."""
    return _scoped
