"""``dualnet launch``: start one worker process per rank on this node, like ``torchrun``, for either backend.

Each worker runs ``python script.py args...`` (or ``python -m module``) with the
torchrun environment (``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``,
``LOCAL_WORLD_SIZE``, ``GROUP_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``) and a
``TF_CONFIG`` that lists every worker: worker ``r`` on node ``k`` listens on
``node_addrs[k]:(master_port + 1 + local rank)``. The same script runs on both
backends. ``OMP_NUM_THREADS`` defaults to the cores divided by the local workers.
Output lines are prefixed with ``[rank r]``. When a worker exits with an
error (or is killed), the others are stopped and the launcher exits non-zero,
naming the rank; SIGINT and SIGTERM are passed on to the workers.
Nothing here imports a framework.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

from dualnet.tf_config import TF_CONFIG_ENV, tf_config_json

__all__: list[str] = []

GRACE_SECONDS = 5.0  # between SIGTERM and SIGKILL when stopping the workers


def worker_env(
    local_rank: int,
    nproc_per_node: int,
    nnodes: int = 1,
    node_rank: int = 0,
    master_addr: str = "127.0.0.1",
    master_port: int = 29500,
    node_addrs: Sequence[str] | None = None,
) -> dict[str, str]:
    """The launch variables of one worker (without the rest of ``os.environ``).

    ``TF_CONFIG`` is written when every node's address is known: on one node,
    or with ``node_addrs`` (one host per node, in node-rank order).
    """
    world = nnodes * nproc_per_node
    rank = node_rank * nproc_per_node + local_rank
    env = {
        "RANK": str(rank),
        "LOCAL_RANK": str(local_rank),
        "WORLD_SIZE": str(world),
        "LOCAL_WORLD_SIZE": str(nproc_per_node),
        "GROUP_RANK": str(node_rank),
        "MASTER_ADDR": master_addr,
        "MASTER_PORT": str(master_port),
    }
    hosts = list(node_addrs) if node_addrs else ([master_addr] if nnodes == 1 else [])
    if hosts:
        workers = [f"{host}:{master_port + 1 + local}" for host in hosts for local in range(nproc_per_node)]
        env[TF_CONFIG_ENV] = tf_config_json(workers, rank)
    return env


def _pump(stream: IO[bytes], out: IO[str], prefix: str) -> None:
    for line in iter(stream.readline, b""):
        out.write(prefix + line.decode(errors="replace"))
        out.flush()
    stream.close()


def _stop(workers: dict[int, subprocess.Popen[bytes]]) -> None:
    """SIGTERM every live worker, then SIGKILL those still running after the grace period."""
    live = [p for p in workers.values() if p.poll() is None]
    for process in live:
        process.terminate()
    deadline = time.monotonic() + GRACE_SECONDS
    for process in live:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def launch(
    command: Sequence[str],
    nproc_per_node: int,
    nnodes: int = 1,
    node_rank: int = 0,
    master_addr: str = "127.0.0.1",
    master_port: int = 29500,
    node_addrs: Sequence[str] | None = None,
    prefix: bool = True,
) -> int:
    """Run ``command`` (``[script.py, args...]`` or ``["-m", module, args...]``) once per local rank; 0 if all succeed.

    Returns the first failing worker's exit code (1 for a worker killed by a
    signal) after stopping the others, with a line on stderr naming its rank.
    """
    if nproc_per_node < 1 or nnodes < 1 or not 0 <= node_rank < nnodes:
        raise ValueError(f"nproc_per_node={nproc_per_node}, nnodes={nnodes}, node_rank={node_rank}: out of range")
    if node_addrs and len(node_addrs) != nnodes:
        raise ValueError(f"node_addrs lists {len(node_addrs)} host(s) for nnodes={nnodes}; give one per node")
    workers: dict[int, subprocess.Popen[bytes]] = {}
    pumps: list[threading.Thread] = []
    threads: dict[str, str] = {}
    if "OMP_NUM_THREADS" not in os.environ:  # as torchrun: workers sharing the cores must not each take them all
        threads["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // nproc_per_node))
    for local in range(nproc_per_node):
        extra = worker_env(local, nproc_per_node, nnodes, node_rank, master_addr, master_port, node_addrs)
        rank = int(extra["RANK"])
        process = subprocess.Popen(
            [sys.executable, "-u", *command],
            env={**os.environ, **threads, **extra},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        workers[rank] = process
        for stream, out in ((process.stdout, sys.stdout), (process.stderr, sys.stderr)):
            assert stream is not None
            thread = threading.Thread(target=_pump, args=(stream, out, f"[rank {rank}] " if prefix else ""))
            thread.daemon = True
            thread.start()
            pumps.append(thread)

    def forward(signum: int, _frame: Any) -> None:
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = _watch(workers)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for thread in pumps:
            thread.join(timeout=2.0)
    return code


def _watch(workers: dict[int, subprocess.Popen[bytes]]) -> int:
    """Wait for every worker; at the first failure stop the others and return its code."""
    while True:
        running = False
        for rank, process in workers.items():
            code = process.poll()
            if code is None:
                running = True
            elif code != 0:
                how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
                others = [r for r, p in workers.items() if p.poll() is None]
                stopping = f"; stopping rank(s) {', '.join(map(str, others))}" if others else ""
                print(f"dualnet launch: worker rank {rank} (pid {process.pid}) {how}{stopping}", file=sys.stderr)
                _stop(workers)
                return code if code > 0 else 1
        if not running:
            return 0
        time.sleep(0.1)


def parser(prog: str = "dualnet launch") -> argparse.ArgumentParser:
    """The command line of ``dualnet launch`` (torchrun's flag names)."""
    p = argparse.ArgumentParser(prog=prog, description="Run a script on several processes (one per rank).")
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1, help="workers on this node")
    p.add_argument("--nnodes", type=int, default=1, help="nodes in the run (default 1)")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0, help="this node's index, 0..nnodes-1")
    p.add_argument("--master-addr", "--master_addr", default="127.0.0.1", help="node 0's address (default 127.0.0.1)")
    p.add_argument("--master-port", "--master_port", type=int, default=29500, help="rendezvous port on node 0")
    p.add_argument(
        "--node-addrs",
        default=None,
        help="every node's host, comma-separated in node-rank order (tensorflow's TF_CONFIG needs them for nnodes > 1)",
    )
    p.add_argument("--no-prefix", action="store_true", help="do not prefix worker output with [rank r]")
    p.add_argument("-m", "--module", action="store_true", help="run the target as a module (python -m)")
    p.add_argument("script", help="the training script (or module, with -m)")
    p.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``dualnet launch``."""
    args = parser().parse_args(argv)
    if args.nproc_per_node < 1 or args.nnodes < 1 or not 0 <= args.node_rank < args.nnodes:
        print(
            f"dualnet launch: error: --nproc-per-node {args.nproc_per_node} and --nnodes {args.nnodes} must be >= 1 "
            f"and --node-rank {args.node_rank} in 0..{args.nnodes - 1}",
            file=sys.stderr,
        )
        return 2
    addrs = [a.strip() for a in args.node_addrs.split(",")] if args.node_addrs else None
    if addrs is not None and len(addrs) != args.nnodes:
        print(
            f"dualnet launch: error: --node-addrs lists {len(addrs)} host(s) for --nnodes {args.nnodes}",
            file=sys.stderr,
        )
        return 2
    command = ["-m", args.script, *args.args] if args.module else [args.script, *args.args]
    return launch(
        command,
        args.nproc_per_node,
        args.nnodes,
        args.node_rank,
        args.master_addr,
        args.master_port,
        addrs,
        prefix=not args.no_prefix,
    )


if __name__ == "__main__":
    sys.exit(main())
