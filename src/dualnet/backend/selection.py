"""Which backend is active and which device new tensors go to.

``DUALNET_BACKEND`` (``torch``/``pytorch``, ``tensorflow``/``tf``, any case)
picks the backend, else torch if installed, else tensorflow. ``DUALNET_DEVICE``
picks the default device, else the first accelerator, else ``"cpu"``. Only the
active backend's framework is ever imported. Code above this package that must
react to a switch (seeding the new framework's generator) registers a hook
with :func:`on_activate`, so nothing here imports upward.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from dualnet.backend import dispatch, placement, registry
from dualnet.errors import BackendError, DeviceError

__all__ = [
    "BACKEND_ENV",
    "DEVICE_ENV",
    "available_backends",
    "backend",
    "canonical_device",
    "current_device",
    "device",
    "devices",
    "ensure_backend",
    "on_activate",
    "resolve_default_device",
    "set_backend",
]

BACKEND_ENV = "DUALNET_BACKEND"
DEVICE_ENV = "DUALNET_DEVICE"

_on_activate: list[Callable[[str], None]] = []


def on_activate(hook: Callable[[str], None]) -> None:
    """Call ``hook(name)`` after every switch to a backend, in the order hooks were registered.

    A hook registered twice runs once.
    """
    if hook not in _on_activate:
        _on_activate.append(hook)


def set_backend(name: str) -> None:
    """Activate backend ``name`` for every later dualnet call.

    Modules and tensors made under the previous backend keep that backend's types.

    Raises:
        BackendError: an unknown name (the message lists the valid ones), or a backend whose framework is not
            installed (the message names the pip extra).
        DeviceError: ``DUALNET_DEVICE`` names a device the new backend does not have.
    """
    canonical = registry.canonical_name(name)
    if dispatch.active_name() == canonical:
        return
    module = registry.load(canonical)
    dispatch.activate(module, canonical)
    placement.set_default(None)  # devices differ per backend: resolve (and validate DUALNET_DEVICE) again
    placement.set_default(resolve_default_device())
    for hook in _on_activate:
        hook(canonical)


def ensure_backend() -> str:
    """Activate the default backend if none is active yet; return the active name.

    Raises:
        BackendError: ``DUALNET_BACKEND`` names an unknown or uninstalled backend, or no backend is installed.
    """
    active = dispatch.active_name()
    if active is not None:
        return active
    requested = os.environ.get(BACKEND_ENV, "").strip()
    if requested:
        try:
            set_backend(requested)
        except BackendError as exc:
            raise BackendError(f"environment variable {BACKEND_ENV}={requested!r}: {exc}") from exc
    else:
        choices = [name for name in ("torch", "tensorflow") if registry.is_installed(name)]
        if not choices:
            raise BackendError(
                "no backend is installed; install one with: pip install 'dualnet[torch]' "
                "or pip install 'dualnet[tensorflow]'"
            )
        set_backend(choices[0])
    name = dispatch.active_name()
    assert name is not None
    return name


def backend() -> str:
    """The active backend's name: ``"torch"`` or ``"tensorflow"`` (or a third-party name)."""
    return ensure_backend()


def available_backends() -> list[str]:
    """Registered backends whose framework is installed here."""
    return registry.installed()


def devices() -> list[str]:
    """Devices the active backend can use, e.g. ``["cpu", "cuda:0"]``."""
    return list(dispatch.B.devices())


def canonical_device(name: str) -> str:
    """Validate ``name`` against :func:`devices`; ``"cuda"``/``"gpu"`` mean ``"cuda:0"``.

    Raises:
        DeviceError: ``name`` is not a string or not a device here (the message lists the devices that exist).
    """
    if not isinstance(name, str):
        raise DeviceError(f"device must be a string such as 'cpu' or 'cuda:0', got {type(name).__name__}")
    key = name.strip().lower()
    if key in ("cuda", "gpu"):
        key = "cuda:0"
    elif key.startswith("gpu:"):
        key = "cuda:" + key[4:]
    known = devices()
    if key not in known:
        raise DeviceError(
            f"device {name!r} is not available to backend {backend()!r}; "
            f"available devices: {', '.join(known)}; pick one of these"
        )
    return key


def resolve_default_device() -> str:
    """The default device: ``DUALNET_DEVICE`` if set, else the first accelerator, else cpu.

    Raises:
        DeviceError: ``DUALNET_DEVICE`` names a device the active backend does not have.
    """
    requested = os.environ.get(DEVICE_ENV, "").strip()
    if requested:
        try:
            return canonical_device(requested)
        except DeviceError as exc:
            raise DeviceError(f"environment variable {DEVICE_ENV}={requested!r}: {exc}") from exc
    known = devices()
    accelerators = [d for d in known if d != "cpu"]
    return accelerators[0] if accelerators else "cpu"


def current_device() -> str:
    """The device new tensors and variables go to right now."""
    ensure_backend()
    return placement.current_device()


@contextmanager
def device(name: str) -> Iterator[str]:
    """Scope in which new tensors and variables are placed on ``name``.

    ``with dn.device("cuda:0"): ...``.

    Raises:
        DeviceError: ``name`` is not a string or not a device here (the message lists the devices that do exist).
    """

    canonical = canonical_device(name)
    token = placement.scoped().set(canonical)
    try:
        yield canonical
    finally:
        placement.scoped().reset(token)
