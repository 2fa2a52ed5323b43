"""Running workers in subprocesses on loopback: free ports, the environment, the command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.helpers import HANG_LIMIT_S

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("worker.py")


def free_port(span: int = 3) -> int:
    """A port ``p`` with ``p .. p + span - 1`` free on 127.0.0.1 (torch's rendezvous, then one per TF worker)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + span > 65535:
            continue
        try:
            for port in range(base, base + span):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free port range on 127.0.0.1")


def environment(backend: str, **extra: str) -> dict[str, str]:
    """This process's environment for a worker on ``backend``, without any launch variables of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "TF_CONFIG")}
    env.update(DUALNET_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT / "src"), **extra)
    return env


def launch(backend: str, *args: str, nproc: int = 2, timeout: float = HANG_LIMIT_S) -> subprocess.CompletedProcess[str]:
    """``dualnet launch --nproc-per-node nproc worker.py args...`` on loopback; the finished process."""
    command = [sys.executable, "-m", "dualnet.cli", "launch", "--nproc-per-node", str(nproc)]
    command += ["--master-port", str(free_port(nproc + 1)), str(WORKER), *args]
    return subprocess.run(command, env=environment(backend), capture_output=True, text=True, timeout=timeout)
