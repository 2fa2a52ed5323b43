"""Load test of ``dualnet serve``: concurrent clients on 127.0.0.1, with and without dynamic batching, per backend.

Run: ``python -m benchmarks.serve_load`` (about 4 x 25 s). For each backend and
each mode it starts ``dualnet serve`` on the digits CNN (``dualnet.demo.digits_cnn``,
its initial weights from ``dn.seed(0)``: throughput does not depend on training)
with ``OMP_NUM_THREADS=1``, waits for it, and runs ``--clients`` closed-loop
clients for ``--duration`` seconds; each client sends one instance (8x8x1) per
TF Serving ``:predict`` request over its own keep-alive connection and waits for
the answer before sending the next. Reported: throughput, p50/p99 latency, the
mean batch size the server's ``/metrics`` saw, the server's RSS before and after,
and the batching / no batching ratios. The clients are raw asyncio sockets with
pre-encoded bodies (on uvloop when installed), so that the client side costs as little CPU as possible: on
a small machine the clients and the server share the cores.

Only loopback addresses are used; every loop is bounded by ``--duration`` and
the server is stopped at the end (SIGTERM, then SIGKILL after a grace period).
Writes ``serve-load-<date>.json`` and ``.md`` to ``--out`` (``benchmarks/results``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
MODEL = "digits"
READY_WITHIN_S = 120.0
STOP_WITHIN_S = 60.0
TARGET_RATIO, TARGET_P99_MS = 3.0, 50.0


def _run(coroutine: Any) -> Any:
    """``asyncio.run`` on uvloop when it is installed (it comes with the serve extra): a cheaper client."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _request(path: str, body: bytes = b"", method: str = "POST") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    return status, await reader.readexactly(length)


async def _client(port: int, request: bytes, until: float, latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            status, _ = await _exchange(reader, writer, request)
            if status == 200:
                latencies.append(time.perf_counter() - start)
            else:
                errors.append(status)
    finally:
        writer.close()


async def _load(port: int, request: bytes, clients: int, duration: float) -> tuple[list[float], list[int], float]:
    latencies: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    await asyncio.gather(*[_client(port, request, start + duration, latencies, errors) for _ in range(clients)])
    return latencies, errors, time.perf_counter() - start


async def _get(port: int, path: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        return await _exchange(reader, writer, _request(path, method="GET"))
    finally:
        writer.close()


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return float("nan")


def _wait_ready(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dualnet serve exited with {process.returncode}")
        try:
            if _run(_get(port, "/v2/health/ready"))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"dualnet serve was not ready within {READY_WITHIN_S} s")


def measure(backend: str, model_file: Path, batching: bool, args: argparse.Namespace, x: np.ndarray) -> dict[str, Any]:
    """One server, one load run: the figures of one (backend, mode) pair."""
    port = _free_port()
    command = [sys.executable, "-m", "dualnet.cli", "serve", str(model_file), "--name", MODEL, "--port", str(port)]
    command += ["--backend", backend, "--log-level", "warning"]
    if batching:
        command += ["--max-batch-size", str(args.max_batch_size), "--batch-timeout-ms", str(args.batch_timeout_ms)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(process, port)
        body = json.dumps({"instances": x[:1].tolist()}).encode()
        request = _request(f"/v1/models/{MODEL}:predict", body)
        status, answer = _run(_one(port, request))  # a warm-up request, and a check of the numbers
        assert status == 200, answer
        prediction = np.asarray(json.loads(answer)["predictions"])
        rss_before = _rss_mb(process.pid)
        latencies, errors, seconds = _run(_load(port, request, args.clients, args.duration))
        rss_after = _rss_mb(process.pid)
        metrics = _run(_get(port, "/metrics"))[1].decode()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_WITHIN_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    ms = np.asarray(latencies) * 1000
    passes = _sample(metrics, "dualnet_serve_batch_size_count")
    return {
        "backend": backend,
        "batching": batching,
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": seconds,
        "throughput_rps": len(latencies) / seconds,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "mean_batch_size": _sample(metrics, "dualnet_serve_batch_size_sum") / passes,
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_after,
        "exit_status": process.returncode,
        "prediction": prediction.tolist(),
    }


async def _one(port: int, request: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        return await _exchange(reader, writer, request)
    finally:
        writer.close()


def markdown(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        f"# dualnet serve load test ({meta['date']})",
        "",
        f"{meta['clients']} closed-loop clients for {meta['duration_s']:g} s each, one 8x8x1 instance per TF "
        f"Serving `:predict` request, against the digits CNN (initial weights, `dn.seed(0)`), server with "
        f"`OMP_NUM_THREADS=1`; batching: `--max-batch-size {meta['max_batch_size']} --batch-timeout-ms "
        f"{meta['batch_timeout_ms']:g}`. Machine: {meta['machine']}, {meta['cpus']} cores, shared with other "
        "work while this ran: compare the ratios, not the absolute figures.",
        "",
        "| backend | batching | req/s | p50 ms | p99 ms | mean batch | RSS before → after (MB) | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {'on' if r['batching'] else 'off'} | {r['throughput_rps']:.0f} | {r['p50_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['mean_batch_size']:.1f} | {r['rss_before_mb']:.0f} → {r['rss_after_mb']:.0f} "
            f"| {r['errors']} |"
        )
    lines += ["", "| backend | throughput, batching / not | p99 with batching | target |", "|---|---|---|---|"]
    for backend, ratio in meta["ratios"].items():
        p99 = next(r["p99_ms"] for r in results if r["backend"] == backend and r["batching"])
        met = "met" if ratio >= TARGET_RATIO and p99 <= TARGET_P99_MS else "missed"
        lines.append(
            f"| {backend} | {ratio:.2f}x | {p99:.1f} ms | >= {TARGET_RATIO:g}x at p99 <= {TARGET_P99_MS:g} ms: {met} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="torch,tensorflow")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load per run (at most 120)")
    parser.add_argument("--max-batch-size", type=int, default=16)
    parser.add_argument("--batch-timeout-ms", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 120 or not 0 < args.clients <= 64:
        parser.error("--duration must be in (0, 120] s and --clients in [1, 64]: the test is bounded")
    x = np.random.default_rng(0).standard_normal((1, 8, 8, 1)).astype("float32")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        model_file = Path(folder) / f"{MODEL}.safetensors"
        code = (
            "import sys, dualnet as dn; from dualnet.demo import digits_cnn; dn.set_backend(sys.argv[1]); "
            "dn.seed(0); dn.save(digits_cnn(), sys.argv[2])"
        )
        backends = args.backends.split(",")
        subprocess.run([sys.executable, "-c", code, backends[0], str(model_file)], check=True)
        for backend in backends:
            for batching in (False, True):
                print(f"{backend}, batching {'on' if batching else 'off'}: {args.duration:g} s ...", flush=True)
                results.append(measure(backend, model_file, batching, args, x))
    ratios = {}
    for backend in backends:
        off, on = (next(r for r in results if r["backend"] == backend and r["batching"] is b) for b in (False, True))
        ratios[backend] = on["throughput_rps"] / off["throughput_rps"]
    for r in results:  # every server, either backend, batching or not, answered with the same numbers
        np.testing.assert_allclose(r["prediction"], results[0]["prediction"], rtol=1e-5, atol=1e-5)
    date = time.strftime("%Y%m%d-%H%M%S")
    meta = {
        "date": date,
        "clients": args.clients,
        "duration_s": args.duration,
        "max_batch_size": args.max_batch_size,
        "batch_timeout_ms": args.batch_timeout_ms,
        "machine": f"{platform.machine()} Linux, Python {platform.python_version()}",
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "ratios": ratios,
        "model": "dualnet.demo.digits_cnn, initial weights (dn.seed(0))",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"serve-load-{date}"
    stem.with_suffix(".json").write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown(results, meta))
    print(markdown(results, meta))
    print(f"wrote {stem}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
