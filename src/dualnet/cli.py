"""The ``dualnet`` command: ``info``, ``demo``, ``export``, ``bench``, ``launch`` and ``serve``."""

from __future__ import annotations

import argparse
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

import numpy as np

import dualnet as dn
from dualnet import demo as demo_module
from dualnet.backend import registry
from dualnet.distributed.launch import main as launch_main
from dualnet.dtypes import standardize
from dualnet.export import export as export_model
from dualnet.io.model import load

__all__: list[str] = []

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
    print(f"dualnet {dn.__version__} on Python {platform.python_version()} ({platform.machine()})")
    print(f"numpy {_version('numpy')}")
    for name in registry.registered():
        print(f"backend {name}: {_version(*DISTRIBUTIONS.get(name, (name,)))}")
    print(f"installed backends: {', '.join(dn.available_backends()) or 'none'}")
    print(f"active backend: {dn.backend()}")
    print(f"devices: {', '.join(dn.devices())} (default {dn.current_device()})")
    return 0


def export(
    fmt: str, model_path: str, out_path: str, input_shape: str, dtype: str, backend: str | None, imports: list[str]
) -> int:
    """Load a model saved with ``dn.save`` and export it as ``fmt`` on a zeros example of ``input_shape``.

    ``imports`` are Python modules to import first, so the custom classes they
    register with ``dn.register_module`` can be rebuilt.
    """
    import importlib

    try:
        shape = tuple(int(s) for s in input_shape.split(","))
    except ValueError:
        print(f"dualnet export: error: --input-shape {input_shape!r} must be ints, e.g. 1,28,28,1", file=sys.stderr)
        return 2
    try:
        for module in imports:
            importlib.import_module(module)
    except ImportError as exc:
        print(f"dualnet export: error: --import: {exc}; check the module name and PYTHONPATH", file=sys.stderr)
        return 2
    try:
        if backend is not None:
            dn.set_backend(backend)
        example = np.zeros(shape, standardize(dtype))
        path = export_model(fmt, load(model_path), example, out_path)
    except dn.DualnetError as exc:
        print(f"dualnet export: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({fmt}, {dn.backend()} backend)")
    return 0


def bench(args: list[str]) -> int:
    """Forward to ``python -m benchmarks`` (the ``benchmarks/`` folder of a source checkout) with ``args``."""
    import importlib
    from pathlib import Path

    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "benchmarks" / "__main__.py").is_file() and str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    try:
        runner = importlib.import_module("benchmarks.__main__")
    except ImportError as exc:
        print(
            f"dualnet bench: error: the benchmarks are not importable ({exc}); they ship with the source "
            "checkout: run from it, or put it on PYTHONPATH",
            file=sys.stderr,
        )
        return 2
    return int(runner.main(args))


def serve(args: list[str]) -> int:
    """``dualnet serve``: its options are parsed by :mod:`dualnet.serve.command`, imported only here."""
    try:
        from dualnet.serve.command import main as serve_main
    except dn.UnsupportedError as exc:  # the serve extra is not installed
        print(f"dualnet serve: error: {exc}", file=sys.stderr)
        return 2
    return serve_main(args)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``dualnet`` command."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # every option, --help included, belongs to python -m benchmarks
        return bench(argv[1:])
    if argv[:1] == ["launch"]:  # the script's own options follow it: dualnet.distributed.launch parses them all
        return launch_main(argv[1:])
    if argv[:1] == ["serve"]:
        return serve(argv[1:])
    parser = argparse.ArgumentParser(prog="dualnet", description="One API, PyTorch or TensorFlow underneath.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("info", help="versions, backends and devices")
    demo = commands.add_parser("demo", help="train the same model on every installed backend, side by side")
    demo.add_argument("example", nargs="?", default="digits", help="digits (default) or regression")
    demo.add_argument("--backend", action="append", help="limit to this backend (repeatable)")
    demo.add_argument("--plot", default="dualnet-demo.png", help="PNG of the loss curves (default dualnet-demo.png)")
    ex = commands.add_parser("export", help="export a model saved with dn.save (onnx, saved_model, tflite, ...)")
    ex.add_argument("format", choices=["onnx", "saved_model", "tflite", "torch_program"])
    ex.add_argument("model_path", help="a file written by dn.save")
    ex.add_argument("out_path", help="the file (or folder, for saved_model) to write")
    ex.add_argument("--input-shape", required=True, help="example input shape, batch first, e.g. 1,28,28,1")
    ex.add_argument("--dtype", default="float32", help="example input dtype (default float32)")
    ex.add_argument("--backend", choices=["torch", "tensorflow"], help="backend to export from")
    ex.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE first, for the custom classes it registers (repeatable)",
    )
    be = commands.add_parser(
        "bench", help="benchmark dualnet against native PyTorch/TensorFlow and Keras 3 (python -m benchmarks)"
    )
    be.add_argument("bench_args", nargs=argparse.REMAINDER, help="options of python -m benchmarks, e.g. --quick")
    commands.add_parser(
        "launch", help="run a script on several processes for data-parallel training (torchrun-style flags)"
    )
    commands.add_parser(
        "serve", help="serve a model saved with dn.save over TF Serving's REST API and KServe v2 (dualnet serve -h)"
    )
    args = parser.parse_args(argv)
    if args.command == "info":
        return info()
    if args.command == "export":
        return export(
            args.format, args.model_path, args.out_path, args.input_shape, args.dtype, args.backend, args.imports
        )
    return demo_module.main(args.backend, args.example, args.plot)


if __name__ == "__main__":
    sys.exit(main())
