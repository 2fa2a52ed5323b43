"""Collectives across processes on TensorFlow: ``tf.distribute.MultiWorkerMirroredStrategy``'s runtime.

The strategy reads ``TF_CONFIG`` and starts the collective runtime (ring over
gRPC on CPU, NCCL on GPU) and the coordination service that notices a worker
that stopped. TensorFlow only allows this before the process runs its first TF
op, so it happens when this module is imported (the tensorflow backend imports
it first) and ``TF_CONFIG`` names more than one worker. dualnet's variables stay
plain ``tf.Variable``: the strategy is used for its runtime only, and gradients
are added with one ``CollectiveReduceV2`` on a flat float32 bucket, which works
eagerly and inside the compiled step. Each collective takes the next instance
key from a counter variable, so every rank, running the same program, agrees on it.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet.errors import DistributedError
from dualnet.tf_config import read_tf_config

_GROUP_KEY = 0x64756E  # any key the strategy itself does not use for its own groups
_MERGE = {"sum": "Add", "max": "Max", "min": "Min"}
_state: dict[str, Any] = {"strategy": None, "world_size": 1, "counter": None, "timeout": 300.0}


def _workers_in_tf_config() -> int:
    try:
        config = read_tf_config()
    except DistributedError:
        return 0  # dn.distributed reports a malformed TF_CONFIG with the fix
    return 0 if config is None else config.world_size


def _start() -> None:
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    _state["strategy"] = tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver)
    _state["world_size"] = _workers_in_tf_config()


def distributed_setup(
    rank: int, world_size: int, master_addr: str | None, master_port: int | None, timeout: float
) -> None:
    """Check (or start) the collective runtime for ``rank`` of ``world_size``; ``timeout`` bounds each collective.

    ``master_addr``/``master_port`` are not used: ``TF_CONFIG`` lists every worker's address.
    """
    _state["timeout"] = float(timeout)
    if _state["strategy"] is None:
        try:
            _start()
        except RuntimeError as err:
            raise DistributedError(
                f"rank {rank} of {world_size}: TensorFlow's collective runtime must start before the first TF op, "
                f"and this process has already run some ({err}); set TF_CONFIG before Python starts (dualnet launch "
                "does) or call dn.distributed.initialize() before building a model or importing code that uses "
                "TensorFlow"
            ) from err
    if _state["world_size"] != world_size:
        raise DistributedError(
            f"rank {rank}: TF_CONFIG lists {_state['world_size']} worker(s) but the run has {world_size}; "
            "write one TF_CONFIG worker entry per rank"
        )
    if _state["counter"] is None:
        _state["counter"] = tf.Variable(0, dtype=tf.int32, trainable=False, name="dualnet_collective_key")


def distributed_teardown() -> None:
    """Nothing to undo: TensorFlow keeps its collective runtime for the life of the process."""


def _reduce(tensor: tf.Tensor, op: str) -> tf.Tensor:
    key = _state["counter"].assign_add(1)
    return tf.raw_ops.CollectiveReduceV2(
        input=tensor,
        group_size=_state["world_size"],
        group_key=_GROUP_KEY,
        instance_key=key,
        ordering_token=[],
        merge_op=_MERGE[op],
        final_op="Id",
        communication_hint="auto",
        timeout_seconds=_state["timeout"],
    )


def distributed_sum(tensors: list[Any]) -> list[Any]:
    """Each tensor summed over every rank (same shapes and dtypes back), through one flat float32 all-reduce."""
    flat = tf.concat([tf.reshape(tf.cast(t, tf.float32), [-1]) for t in tensors], 0)
    summed = _reduce(flat, "sum")
    sizes = [int(np.prod(t.shape)) for t in tensors]
    parts = tf.split(summed, sizes)
    return [tf.cast(tf.reshape(p, tf.shape(t)), t.dtype) for p, t in zip(parts, tensors)]


def distributed_all_reduce(array: np.ndarray, op: str) -> np.ndarray:
    """``array`` reduced over every rank with ``op`` (``"sum"``, ``"max"``, ``"min"``), as NumPy of the same dtype."""
    return _reduce(tf.constant(np.ascontiguousarray(array)), op).numpy()  # type: ignore[no-any-return]


def distributed_barrier() -> None:
    """Wait until every rank reaches this call (a one-number all-reduce)."""
    distributed_all_reduce(np.zeros(1, np.float32), "sum")


def distributed_failure(err: BaseException) -> str | None:
    """What went wrong, when ``err`` is a collective that failed because a rank left or timed out; else None."""
    kinds = (tf.errors.UnavailableError, tf.errors.DeadlineExceededError, tf.errors.AbortedError)
    if not isinstance(err, kinds):
        return None
    text = str(err)
    tasks = sorted({int(i) for i in re.findall(r"/job:worker/replica:\d+/task:(\d+)", text)})
    if tasks and ("unhealthy" in text or "heartbeat" in text):
        return f"rank(s) {', '.join(map(str, tasks))} stopped sending heartbeats (crashed or killed)"
    if isinstance(err, tf.errors.DeadlineExceededError):
        return f"a collective timed out after {_state['timeout']:g} s: another rank did not join it"
    first = next((line for line in text.splitlines() if line.strip()), "")
    return f"a collective failed: {first[:200]}"


def distributed_jit_problem(device: str) -> str | None:
    """Why ``jit=True`` cannot all-reduce on ``device``, or None: XLA compiles collectives only for GPUs."""
    if device.startswith("cpu"):
        return "XLA (jit=True) has no collective ops on CPU, so the gradient all-reduce cannot be compiled"
    return None


if _workers_in_tf_config() > 1:
    _start()
