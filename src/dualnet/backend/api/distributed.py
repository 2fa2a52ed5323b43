"""Collectives across the processes of a data-parallel run."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from dualnet.backend.api.types import DeviceName, Tensor


class DistributedAPI(Protocol):
    """Joining the other ranks, all-reducing tensors and arrays, recognising a failed collective."""

    def distributed_setup(
        self, rank: int, world_size: int, master_addr: str | None, master_port: int | None, timeout: float
    ) -> None:
        """Join the run as ``rank`` of ``world_size`` (rendezvous at the master, or ``TF_CONFIG``)."""

    def distributed_teardown(self) -> None:
        """Leave the run (nothing when not in one)."""

    def distributed_sum(self, tensors: list[Tensor]) -> list[Tensor]:
        """Each tensor summed over every rank, same shapes and dtypes, in one flat all-reduce."""

    def distributed_all_reduce(self, array: np.ndarray, op: str) -> np.ndarray:
        """1-D ``array`` reduced over every rank with ``op`` (``"sum"``, ``"max"``, ``"min"``), same shape and dtype."""

    def distributed_barrier(self) -> None:
        """Wait until every rank reaches this call."""

    def distributed_failure(self, err: BaseException) -> str | None:
        """What went wrong when ``err`` is a collective that failed because a rank left or timed out; else None."""

    def distributed_jit_problem(self, device: DeviceName) -> str | None:
        """Why ``jit=True`` cannot all-reduce on ``device``, or None."""
