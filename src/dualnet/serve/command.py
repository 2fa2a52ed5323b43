"""``dualnet serve MODEL_FILE``: load a model saved with ``dn.save`` and serve it with uvicorn.

The model is loaded (and its signature found) before the server starts, so a
missing file, a file that is not a model or an unregistered class ends the
command at once with a dualnet error and exit status 1. SIGTERM and SIGINT
stop the server gracefully: it stops accepting connections, lets the requests
in flight finish (at most ``GRACEFUL_SECONDS``), runs what the batcher still
holds, and exits 0. With ``--workers N`` uvicorn starts N processes, each
loading the model; the options reach them in ``OPTIONS_ENV``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import dualnet as dn
from dualnet.serve.app import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUEUE_SIZE, create_app

__all__: list[str] = []

GRACEFUL_SECONDS = 30
DEFAULT_BATCH_TIMEOUT_MS = 5.0  # with --max-batch-size and no --batch-timeout-ms
OPTIONS_ENV = "DUALNET_SERVE_OPTIONS"  # JSON: how each worker process of --workers N builds the app


def parser() -> argparse.ArgumentParser:
    """The options of ``dualnet serve``."""
    p = argparse.ArgumentParser(
        prog="dualnet serve",
        description="Serve a model saved with dn.save over TF Serving's REST API and the KServe v2 protocol.",
    )
    p.add_argument("model_file", help="a file written by dn.save")
    p.add_argument("--name", help="the model's name in the URLs (default: the file name without its suffix)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501, as TF Serving's REST)")
    p.add_argument("--backend", choices=["torch", "tensorflow"], help="backend to run the model on")
    p.add_argument(
        "--max-batch-size",
        type=_positive,
        default=1,
        metavar="N",
        help="batch concurrent requests into forward passes of up to N rows (default 1: one request at a time)",
    )
    p.add_argument(
        "--batch-timeout-ms",
        type=_non_negative,
        metavar="T",
        help=f"longest wait for a batch to fill, after its first request (default {DEFAULT_BATCH_TIMEOUT_MS:g})",
    )
    p.add_argument(
        "--max-queue-size",
        type=_positive,
        default=DEFAULT_MAX_QUEUE_SIZE,
        metavar="N",
        help=f"requests that may wait for the model; more get 503 (default {DEFAULT_MAX_QUEUE_SIZE})",
    )
    p.add_argument(
        "--max-body-bytes",
        type=_positive,
        default=DEFAULT_MAX_BODY_BYTES,
        metavar="B",
        help=f"largest request body; larger ones get 413 (default {DEFAULT_MAX_BODY_BYTES})",
    )
    p.add_argument("--workers", type=_positive, default=1, metavar="N", help="server processes (default 1)")
    p.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE first, for the custom classes it registers with dn.register_module (repeatable)",
    )
    p.add_argument("--access-log", action="store_true", help="log every request (uvicorn's access log)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    return p


def main(argv: list[str]) -> int:
    """Run ``dualnet serve`` with ``argv`` (the arguments after ``serve``); returns the exit status."""
    p = parser()
    args = p.parse_args(argv)
    if args.batch_timeout_ms is not None and args.max_batch_size == 1:
        p.error("--batch-timeout-ms needs --max-batch-size N with N > 1 (without it, requests are not batched)")
    timeout_ms = args.batch_timeout_ms
    if timeout_ms is None:
        timeout_ms = DEFAULT_BATCH_TIMEOUT_MS if args.max_batch_size > 1 else 0.0
    options = {
        "model_file": args.model_file,
        "name": args.name or _default_name(args.model_file),
        "max_batch_size": args.max_batch_size,
        "batch_timeout_ms": timeout_ms,
        "max_queue_size": args.max_queue_size,
        "max_body_bytes": args.max_body_bytes,
        "imports": args.imports,
    }
    try:
        if args.backend is not None:
            dn.set_backend(args.backend)
        app = build(options)
    except ImportError as exc:
        print(f"dualnet serve: error: --import: {exc}; check the module name and PYTHONPATH", file=sys.stderr)
        return 1
    except dn.DualnetError as exc:
        print(f"dualnet serve: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    import uvicorn

    name = options["name"]
    print(
        f"dualnet serve: model {name!r} on the {dn.backend()} backend at http://{args.host}:{args.port}: "
        f"TF Serving REST /v1/models/{name}, KServe v2 /v2/models/{name}, metrics /metrics; "
        + (
            f"batches of up to {args.max_batch_size} rows, {timeout_ms:g} ms"
            if args.max_batch_size > 1
            else "no batching"
        ),
        file=sys.stderr,
        flush=True,
    )
    settings: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "access_log": args.access_log,
        "timeout_graceful_shutdown": GRACEFUL_SECONDS,
    }
    if args.workers == 1:
        _stopping_cleanly(lambda: uvicorn.run(app, **settings))
    else:
        del app  # each worker process loads its own copy
        os.environ[OPTIONS_ENV] = json.dumps(options)
        os.environ["DUALNET_BACKEND"] = dn.backend()  # the workers are new processes: they run on this backend
        _stopping_cleanly(lambda: uvicorn.run(f"{__name__}:worker_app", factory=True, workers=args.workers, **settings))
    return 0


def _stopping_cleanly(run: Callable[[], None]) -> None:
    """``run()`` the server; a SIGTERM or SIGINT that stopped it gracefully then ends the command with status 0.

    uvicorn restores the handlers it found and raises the stopping signal again once it has shut down; with the
    default handlers that would kill the process (-15) or raise KeyboardInterrupt after a clean stop.
    """
    stopping = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, _already_stopped) for sig in stopping}
    try:
        run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _already_stopped(signum: int, frame: FrameType | None) -> None:
    """The handler uvicorn's re-raised signal finds: the server has stopped already, nothing is left to do."""


def build(options: dict[str, Any]) -> Any:
    """The app for ``options`` (see :func:`main`): imports the modules, loads the model, wraps it.

    Raises:
        ImportError: a module of ``options["imports"]`` cannot be imported.
        DualnetError: the model cannot be loaded (missing file, not a model, unregistered class) or served.
    """
    for module in options["imports"]:
        importlib.import_module(module)
    model = dn.load(options["model_file"])
    return create_app(
        model,
        options["name"],
        max_batch_size=options["max_batch_size"],
        batch_timeout_ms=options["batch_timeout_ms"],
        max_queue_size=options["max_queue_size"],
        max_body_bytes=options["max_body_bytes"],
    )


def worker_app() -> Any:
    """The app of one worker process of ``--workers N`` (uvicorn's factory), from ``OPTIONS_ENV``."""
    return build(json.loads(os.environ[OPTIONS_ENV]))


def _default_name(path: str) -> str:
    stem = Path(path).name.split(".")[0]
    return stem.replace(":", "_") or "model"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive int, got {text}")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of milliseconds >= 0, got {text}")
    return value
