"""Data-parallel throughput: the digits CNN trained by 1 and by 2 processes (``dualnet launch``), on each backend.

Run: ``python -m benchmarks.distributed_throughput [--epochs 5] [--batch-size 64]``
(needs scikit-learn). Each configuration is a fresh ``dualnet launch`` on
loopback; every worker trains one warm-up epoch, then the timed epochs between
two barriers, on the 1797 digits with the same global batch. Rank 0 prints one
JSON line; the parent prints a Markdown table of samples per second.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

MARK = "THROUGHPUT "


def worker(epochs: int, batch_size: int) -> None:
    """Inside ``dualnet launch``: warm up one epoch, time ``epochs`` more, print samples/s on rank 0."""
    from sklearn.datasets import load_digits

    import dualnet as dn
    from dualnet.demo import digits_cnn

    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    y = digits.target.astype("int64")
    dn.seed(0)
    model = digits_cnn()
    trainer = dn.Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", strategy="data_parallel")
    trainer.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)
    dn.distributed.barrier()
    start = time.perf_counter()
    history = trainer.fit(x, y, epochs=epochs + 1, initial_epoch=1, batch_size=batch_size, verbose=0)
    dn.distributed.barrier()
    elapsed = time.perf_counter() - start
    if dn.distributed.is_main_process():
        result = {
            "backend": dn.backend(),
            "processes": dn.distributed.world_size(),
            "samples_per_s": epochs * len(x) / elapsed,
            "final_loss": history.history["loss"][-1],
        }
        print(MARK + json.dumps(result), flush=True)


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1]) % 20000 + 30000  # room above it for the TF workers' ports


def measure(backend: str, processes: int, epochs: int, batch_size: int) -> dict[str, float | str]:
    """One ``dualnet launch`` run; rank 0's result."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "DUALNET_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(root / "src"), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "dualnet.cli", "launch", "--nproc-per-node", str(processes)]
    command += ["--master-port", str(_port()), "-m", "benchmarks.distributed_throughput", "--worker"]
    command += ["--epochs", str(epochs), "--batch-size", str(batch_size)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    for line in done.stdout.splitlines():
        if MARK in line:
            return json.loads(line.split(MARK, 1)[1])  # type: ignore[no-any-return]
    raise SystemExit(f"{backend} x{processes} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64, help="the global batch")
    parser.add_argument("--backend", action="append", help="torch and/or tensorflow (default both)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.epochs, args.batch_size)
        return 0
    print(f"cpu cores: {os.cpu_count()}, global batch {args.batch_size}, {args.epochs} timed epochs of 1797 images")
    print("| backend | processes | samples/s | speed-up | final loss |")
    print("|---|---|---|---|---|")
    for backend in args.backend or ["torch", "tensorflow"]:
        single = None
        for processes in (1, 2):
            result = measure(backend, processes, args.epochs, args.batch_size)
            rate = float(result["samples_per_s"])
            single = single or rate
            print(
                f"| {backend} | {processes} | {rate:.0f} | {rate / single:.2f}x | {float(result['final_loss']):.4f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
