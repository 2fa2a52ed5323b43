"""``dn.distributed``: which rank this process is, and the collectives user code needs (barrier, all-reduce).

Without a launch environment (a plain ``python script.py``) the process is rank
0 of 1 and every function here is free: ``barrier()`` returns at once and
``all_reduce(v)`` returns ``v``. Under ``dualnet launch`` (or torchrun, or with
``TF_CONFIG`` on tensorflow) the first collective joins the other ranks;
:func:`initialize` does that explicitly.
"""

from __future__ import annotations

import atexit
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.backend.selection import ensure_backend
from dualnet.distributed.env import LaunchEnv, read_env, timeout_seconds
from dualnet.errors import ArgumentError, DistributedError

__all__ = [
    "all_reduce",
    "barrier",
    "initialize",
    "is_initialized",
    "is_main_process",
    "local_rank",
    "rank",
    "shutdown",
    "world_size",
]

_REDUCTIONS = ("mean", "sum", "max", "min")
_state: dict[str, Any] = {"env": None, "backend": None}


def _env() -> LaunchEnv:
    joined = _state["env"]
    if joined is not None:
        return joined  # type: ignore[no-any-return]
    return read_env(ensure_backend())


def rank() -> int:
    """This process's rank: ``0 .. world_size() - 1`` (0 when not launched).

    Raises:
        DistributedError: the launch environment is incomplete or inconsistent (names the variable).
    """
    return _env().rank


def world_size() -> int:
    """How many processes train together (1 when not launched).

    Raises:
        DistributedError: the launch environment is incomplete or inconsistent (names the variable).
    """
    return _env().world_size


def local_rank() -> int:
    """This process's rank among the processes on its machine (picks its GPU).

    Raises:
        DistributedError: the launch environment is incomplete or inconsistent (names the variable).
    """
    return _env().local_rank


def is_main_process() -> bool:
    """True on rank 0: the process that writes logs, checkpoints and progress.

    Raises:
        DistributedError: the launch environment is incomplete or inconsistent (names the variable).
    """
    return _env().rank == 0


def is_initialized() -> bool:
    """True once this process has joined the other ranks (always False when it is alone)."""
    return _state["env"] is not None and _state["env"].launched


def initialize(timeout: float | None = None) -> LaunchEnv:
    """Join the other ranks of the launch environment (nothing to do when alone); returns this process's place.

    ``timeout``: seconds a collective waits for the other ranks before failing
    (default ``DUALNET_DISTRIBUTED_TIMEOUT`` or 300). Calling it again is free.
    On tensorflow the collective runtime starts when the backend is imported
    (TensorFlow allows it only before its first op); this checks it.

    Raises:
        DistributedError: an incomplete launch environment (naming the missing
            variable), ranks that cannot reach each other within ``timeout``.
    """
    backend = ensure_backend()
    if _state["env"] is not None and _state["backend"] == backend:
        return _state["env"]  # type: ignore[no-any-return]
    env = read_env(backend)
    wait = timeout_seconds() if timeout is None else float(timeout)
    if wait <= 0:
        raise ArgumentError(f"dn.distributed.initialize(timeout={timeout!r}): expected seconds > 0, e.g. 120")
    if env.launched:  # alone, nothing is kept: the environment is read again next time
        B.distributed_setup(env.rank, env.world_size, env.master_addr, env.master_port, wait)
        atexit.register(shutdown)  # torch aborts at exit when its process group is still open
        _state["env"], _state["backend"] = env, backend
    return env


def shutdown() -> None:
    """Leave the other ranks (torch destroys its process group); ``rank()`` then reads the environment again."""
    if is_initialized():
        B.distributed_teardown()
    _state["env"], _state["backend"] = None, None


def failure(err: BaseException, what: str) -> DistributedError | None:
    """A DistributedError naming this rank when ``err`` is a collective that failed because a rank left; else None."""
    if not is_initialized():
        return None
    found = B.distributed_failure(err)
    if found is None:
        return None
    env = _env()
    others = [r for r in range(env.world_size) if r != env.rank]
    peers = f"rank {others[0]}" if len(others) == 1 else "another rank"
    return DistributedError(
        f"rank {env.rank} of {env.world_size}: {what} stopped: {found}; {peers} probably crashed or was killed "
        "(its own output says why); restart the run, resuming from the last checkpoint with fit(resume_from=...)"
    )


def _collective(fn: Any, what: str, *args: Any) -> Any:
    try:
        return fn(*args)
    except DistributedError:
        raise
    except Exception as err:
        wrapped = failure(err, what)
        if wrapped is not None:
            raise wrapped from err
        raise


def barrier() -> None:
    """Wait until every rank reaches this call (returns at once when alone).

    Raises:
        DistributedError: an incomplete launch environment, ranks that cannot join, or a rank that left.
    """
    if initialize().launched:
        _collective(B.distributed_barrier, "dn.distributed.barrier()")


def all_reduce(value: Any, op: str = "mean") -> Any:
    """``value`` combined over every rank: ``op`` is ``"mean"``, ``"sum"``, ``"max"`` or ``"min"``.

    ``value``: a Python number or a NumPy array (same shape on every rank); the
    result has the same kind (a float for a number, an array of ``value``'s shape).
    Made for metrics and counters on the host; a training step's gradients are
    reduced inside the step. Every rank must call it, in the same order.

    Raises:
        ArgumentError: ``op`` is not one of the four, or ``value`` is not a number or an array of numbers.
        DistributedError: an incomplete launch environment, ranks that cannot join, or a rank that left.
    """

    if op not in _REDUCTIONS:
        raise ArgumentError(f"dn.distributed.all_reduce(op={op!r}): expected one of {', '.join(_REDUCTIONS)}")
    scalar = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ArgumentError(
            f"dn.distributed.all_reduce(value): expected a number or a NumPy array of numbers, got "
            f"{type(value).__name__} of dtype {array.dtype}; convert tensors with dn.ops.to_numpy first"
        )
    if array.dtype.kind == "b" or (op == "mean" and array.dtype.kind in "iu"):
        array = array.astype(np.float64)
    if initialize().launched:
        flat = np.ascontiguousarray(array.reshape(-1))  # gloo and the TF collective both take 1-d buffers
        reduced = _collective(
            B.distributed_all_reduce, "dn.distributed.all_reduce()", flat, "sum" if op == "mean" else op
        ).reshape(array.shape)
        array = reduced / world_size() if op == "mean" else reduced
    return float(array.reshape(-1)[0]) if scalar else array
