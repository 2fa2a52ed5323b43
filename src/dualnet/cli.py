"""The ``dualnet`` command: ``info`` and ``demo``."""

from __future__ import annotations

import argparse
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

# Distributions that may provide each backend's framework, in the order to look for them.
DISTRIBUTIONS = {"torch": ("torch",), "tensorflow": ("tensorflow-cpu", "tensorflow")}


def _version(*distributions: str) -> str:
    for distribution in distributions:
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return "not installed"


def info() -> int:
    """Print versions, the active backend, installed backends and devices."""
    import dualnet as dn
    from dualnet.backend import registry

    print(f"dualnet {dn.__version__} on Python {platform.python_version()} ({platform.machine()})")
    print(f"numpy {_version('numpy')}")
    for name in registry.registered():
        print(f"backend {name}: {_version(*DISTRIBUTIONS.get(name, (name,)))}")
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
