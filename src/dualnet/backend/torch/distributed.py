"""Collectives across processes on PyTorch: ``torch.distributed`` (gloo on CPU, nccl on CUDA).

``distributed_setup`` joins the process group at ``tcp://MASTER_ADDR:MASTER_PORT``;
``distributed_sum`` adds a list of tensors over every rank with one all-reduce of
a flat float32 bucket (what DistributedDataParallel does after backward, without
wrapping the module); ``distributed_all_reduce`` reduces a NumPy array for the
host side (metrics, parameter digests); ``distributed_failure`` recognises a
collective that failed because a peer left.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

from dualnet.backend.torch.core import target_device
from dualnet.errors import DistributedError

_OPS = {"sum": dist.ReduceOp.SUM, "max": dist.ReduceOp.MAX, "min": dist.ReduceOp.MIN}


def distributed_setup(
    rank: int, world_size: int, master_addr: str | None, master_port: int | None, timeout: float
) -> None:
    """Join the process group as ``rank`` of ``world_size`` (nccl when CUDA is the current device, else gloo)."""
    if dist.is_initialized():
        return
    backend = "nccl" if target_device().type == "cuda" else "gloo"
    try:
        dist.init_process_group(
            backend,
            init_method=f"tcp://{master_addr}:{master_port}",
            rank=rank,
            world_size=world_size,
            timeout=timedelta(seconds=timeout),
        )
    except Exception as err:
        raise DistributedError(
            f"rank {rank} of {world_size}: could not join the other ranks at {master_addr}:{master_port} within "
            f"{timeout:g} s ({type(err).__name__}: {str(err)[:300]}); check that every rank was started, that "
            "MASTER_ADDR/MASTER_PORT are the same everywhere and that the port is free on rank 0's host"
        ) from err


def distributed_teardown() -> None:
    """Leave the process group (nothing when not in one)."""
    if dist.is_initialized():
        dist.destroy_process_group()


def distributed_sum(tensors: list[Any]) -> list[Any]:
    """Each tensor summed over every rank (same shapes and dtypes back), through one flat float32 all-reduce."""
    flat = torch.cat([t.detach().reshape(-1).to(torch.float32) for t in tensors])
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
    out, start = [], 0
    for t in tensors:
        out.append(flat[start : start + t.numel()].reshape(t.shape).to(t.dtype))
        start += t.numel()
    return out


def distributed_all_reduce(array: np.ndarray, op: str) -> np.ndarray:
    """``array`` reduced over every rank with ``op`` (``"sum"``, ``"max"``, ``"min"``), as NumPy of the same dtype."""
    tensor = torch.tensor(array, device=target_device())  # a copy: the all-reduce works in place
    dist.all_reduce(tensor, op=_OPS[op])
    reduced: np.ndarray = tensor.cpu().numpy()
    return reduced


def distributed_barrier() -> None:
    """Wait until every rank reaches this call."""
    dist.barrier()


def distributed_failure(err: BaseException) -> str | None:
    """What went wrong, when ``err`` is a collective that failed because a rank left or timed out; else None."""
    text = str(err)
    lost = ("Connection closed by peer", "Connection reset by peer", "Broken pipe", "Timed out", "timed out")
    if isinstance(err, dist.DistBackendError) or (isinstance(err, RuntimeError) and any(s in text for s in lost)):
        peer = re.search(r"peer \[([^\]]+)\]:(\d+)", text)
        where = f" (lost the connection to {peer.group(1)}:{peer.group(2)})" if peer else ""
        return f"a collective failed{where}: {text.splitlines()[0][:200]}"
    return None


def distributed_jit_problem(device: str) -> str | None:
    """Why ``jit=True`` cannot all-reduce on ``device``, or None: ``torch.compile`` runs collectives between graphs."""
    return None
