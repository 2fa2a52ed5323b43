"""The ``dualnet`` command: ``info`` and ``demo``."""

from __future__ import annotations

import argparse
import platform
import sys
from importlib.metadata import PackageNotFoundError, version


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def info() -> int:
    """Print versions, the active backend, installed backends and devices."""
    import dualnet as dn
    from dualnet.backend import registry

    print(f"dualnet {dn.__version__} on Python {platform.python_version()} ({platform.machine()})")
    print(f"numpy {_version('numpy')}")
    for name in registry.registered():
        package = {"torch": "torch", "tensorflow": "tensorflow-cpu"}.get(name, name)
        shown = _version(package) if package != "tensorflow-cpu" else _version("tensorflow-cpu")
        if shown == "not installed" and name == "tensorflow":
            shown = _version("tensorflow")
        print(f"backend {name}: {shown}")
    print(f"installed backends: {', '.join(dn.available_backends()) or 'none'}")
    print(f"active backend: {dn.backend()}")
    print(f"devices: {', '.join(dn.devices())} (default {dn.current_device()})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``dualnet`` command."""
    parser = argparse.ArgumentParser(prog="dualnet", description="One API, PyTorch or TensorFlow underneath.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info", help="versions, backends and devices")
    demo = commands.add_parser("demo", help="train the same model on every installed backend, side by side")
    demo.add_argument("--backend", action="append", help="limit to this backend (repeatable)")
    args = parser.parse_args(argv)
    if args.command == "info":
        return info()
    from dualnet import demo as demo_module

    return demo_module.main(args.backend)


if __name__ == "__main__":
    sys.exit(main())
