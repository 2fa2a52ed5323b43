"""The launch environment of one process: its rank, the world size and where the rendezvous is.

Read from the variables ``torchrun`` (and ``dualnet launch``) set: ``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``, ``MASTER_ADDR``,
``MASTER_PORT``; on tensorflow also from ``TF_CONFIG`` (``{"cluster": {"worker":
[...]}, "task": {"type": "worker", "index": i}}``), which gives the rank and the
world size by itself. With none of them set, the process is alone: rank 0 of 1.
Nothing here imports a framework.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dualnet.errors import DistributedError
from dualnet.tf_config import read_tf_config

__all__: list[str] = []

TIMEOUT_ENV = "DUALNET_DISTRIBUTED_TIMEOUT"
DEFAULT_TIMEOUT = 300.0  # seconds a collective waits for the other ranks (the first one waits for their start-up)


@dataclass(frozen=True)
class LaunchEnv:
    """Where this process stands in the run. ``master_addr``/``master_port`` are None when not given."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    local_world_size: int = 1
    master_addr: str | None = None
    master_port: int | None = None
    tf_config: dict[str, Any] | None = None

    @property
    def launched(self) -> bool:
        """True when there are other ranks to talk to."""
        return self.world_size > 1


def _int(environ: Mapping[str, str], key: str, minimum: int) -> int | None:
    raw = environ.get(key)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise DistributedError(
            f"environment variable {key}={raw!r}: expected an int >= {minimum}; launch with "
            "'dualnet launch --nproc-per-node N script.py' (or torchrun), which sets it"
        )
    return value


def read_env(backend: str, environ: Mapping[str, str] | None = None) -> LaunchEnv:
    """This process's :class:`LaunchEnv` for ``backend``; DistributedError when what is set is incomplete.

    Incomplete means: ``WORLD_SIZE > 1`` without ``RANK`` (or the other way round),
    a rank outside ``0 .. WORLD_SIZE - 1``, and on torch a missing ``MASTER_ADDR`` or
    ``MASTER_PORT``; on tensorflow with several ranks, a missing ``TF_CONFIG`` or one
    that disagrees with ``RANK``/``WORLD_SIZE``. The message names the variable and how to set it.
    """
    environ = os.environ if environ is None else environ
    rank, world = _int(environ, "RANK", 0), _int(environ, "WORLD_SIZE", 1)
    tf = read_tf_config(environ) if backend == "tensorflow" else None
    if tf is not None:
        tf_rank, tf_world = tf.index, tf.world_size
        if (rank is not None and rank != tf_rank) or (world is not None and world != tf_world):
            raise DistributedError(
                f"TF_CONFIG says worker {tf_rank} of {tf_world} but RANK={rank}, WORLD_SIZE={world}; launch with "
                "'dualnet launch', which sets both consistently, or unset RANK and WORLD_SIZE"
            )
        rank, world = tf_rank, tf_world
    if world is None and rank is None:
        return LaunchEnv()
    if world is None or rank is None:
        missing = "WORLD_SIZE" if world is None else "RANK"
        raise DistributedError(
            f"environment variable {missing} is not set but {'RANK' if world is None else 'WORLD_SIZE'} is: an "
            "incomplete launch environment; launch with 'dualnet launch --nproc-per-node N script.py' (or "
            f"torchrun), or set {missing} for every process"
        )
    if rank >= world:
        raise DistributedError(f"RANK={rank} but WORLD_SIZE={world}: a rank must be in 0..{world - 1}")
    local_rank = _int(environ, "LOCAL_RANK", 0)
    local_world = _int(environ, "LOCAL_WORLD_SIZE", 1)
    addr = environ.get("MASTER_ADDR", "").strip() or None
    port = _int(environ, "MASTER_PORT", 1)
    if world > 1 and backend == "torch" and (addr is None or port is None):
        missing = "MASTER_ADDR" if addr is None else "MASTER_PORT"
        raise DistributedError(
            f"environment variable {missing} is not set (rank {rank} of {world}): the ranks cannot find each other; "
            f"set {missing} to rank 0's {'address' if addr is None else 'free port'} on every node, or launch with "
            "'dualnet launch --master-addr HOST --master-port PORT ...'"
        )
    if world > 1 and backend == "tensorflow" and tf is None:
        raise DistributedError(
            f"environment variable TF_CONFIG is not set (rank {rank} of {world}): the tensorflow backend needs each "
            "worker's host:port; launch with 'dualnet launch' (give --node-addrs for several nodes), or write "
            "TF_CONFIG for every worker"
        )
    return LaunchEnv(
        rank=rank,
        world_size=world,
        local_rank=rank if local_rank is None else local_rank,
        local_world_size=world if local_world is None else local_world,
        master_addr=addr,
        master_port=port,
        tf_config=None if tf is None else tf.document,
    )


def timeout_seconds(environ: Mapping[str, str] | None = None) -> float:
    """How long a collective waits for the other ranks: ``DUALNET_DISTRIBUTED_TIMEOUT`` seconds, else 300."""
    environ = os.environ if environ is None else environ
    raw = environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise DistributedError(f"environment variable {TIMEOUT_ENV}={raw!r}: expected seconds > 0, e.g. 120")
    return value
