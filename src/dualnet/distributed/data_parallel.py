"""``Trainer(strategy="data_parallel")``: what the Trainer does differently when several processes train together.

Each rank holds the whole model and trains on its slice of every global batch
(:mod:`dualnet.distributed.sharding`). After the backward pass, each rank's
gradients, weighted by its sample count, are added over the ranks in one
all-reduce and divided by the global sample count: exactly the gradient of the
mean loss over the global batch, also when the slices differ in size. Every
rank then takes the same optimizer step, so the models stay equal without any
broadcast; :meth:`DataParallel.check_parameters` verifies that they start equal.
Epoch logs add the running sums and the metrics' totals over the ranks, so every
rank sees the global values (and EarlyStopping decides alike everywhere); only
rank 0 runs the callbacks that write files or print.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.distributed import runtime, sharding
from dualnet.errors import ArgumentError, DistributedError, UnsupportedError

__all__: list[str] = []

STRATEGIES = ("data_parallel",)


def data_parallel(strategy: Any) -> DataParallel | None:
    """The Trainer's ``strategy=`` argument: None (one process) or ``"data_parallel"``."""
    if strategy is None:
        return None
    if strategy not in STRATEGIES:
        raise ArgumentError(
            f"Trainer(strategy={strategy!r}): expected None or 'data_parallel'; run the script with "
            "'dualnet launch --nproc-per-node N script.py' and pass strategy='data_parallel'"
        )
    return DataParallel()


class DataParallel:
    """Data parallelism over the ranks of the launch environment (joined here); with one rank it changes nothing."""

    def __init__(self) -> None:
        env = runtime.initialize()
        self.rank, self.world_size = env.rank, env.world_size

    @property
    def active(self) -> bool:
        """True when there are other ranks."""
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def check_jit(self, jit: bool, device: str) -> None:
        """UnsupportedError when ``jit=True`` cannot compile the gradient all-reduce on ``device`` (XLA on CPU)."""
        problem = B.distributed_jit_problem(device) if self.active and jit else None
        if problem is not None:
            raise UnsupportedError(
                f"Trainer(jit=True, strategy='data_parallel') on {B.name} {device}: {problem}; "
                "pass jit=False (the step is still a compiled graph)"
            )

    def shard(self, data: Any) -> Any:
        """This rank's share of training or evaluation batches (see :func:`sharding.shard`)."""
        return sharding.shard(data, self.rank, self.world_size)

    def reduce_gradients(self, sums: list[Any], count: Any) -> list[Any]:
        """``sum over ranks of sums / sum over ranks of count``: ``sums`` are ``count``-weighted gradients (None kept).

        Runs inside the compiled step: one all-reduce of all gradients and the count.
        """
        present = [g for g in sums if g is not None]
        if B.is_tensor(count):
            local = B.reshape(B.cast(count, "float32"), (1,))
        elif present:
            # Made like a gradient (its device, no lookup) rather than from the number alone: converting a
            # Python number or reading the current device inside torch.compile breaks the graph there, and the
            # pieces then recompiled per call site until dynamo's recompile limit stopped compiling them.
            local = B.reshape(B.full_like(B.sum(present[0]), count, "float32"), (1,))
        else:
            local = B.full((1,), count, "float32")
        summed = B.distributed_sum([*present, local])
        total = B.reshape(summed[-1], ())
        reduced = iter(summed[:-1])
        return [None if g is None else B.divide(next(reduced), total) for g in sums]

    def check_parameters(self, model: Any) -> None:
        """DistributedError naming the first parameter whose values differ between ranks (or a different count)."""
        if not self.active:
            return
        named = model.named_parameters()
        counts = np.array([len(named)], np.int64)
        if runtime.all_reduce(counts, "max")[0] != runtime.all_reduce(counts, "min")[0]:
            raise DistributedError(
                f"rank {self.rank}: the model has {len(named)} parameters here but another number on another "
                "rank; build the same model on every rank"
            )
        digests = np.array([zlib.crc32(np.ascontiguousarray(B.to_numpy(v)).tobytes()) for _, v in named], np.int64)
        differ = np.nonzero(runtime.all_reduce(digests, "max") != runtime.all_reduce(digests, "min"))[0]
        if differ.size:
            name, variable = named[int(differ[0])]
            raise DistributedError(
                f"rank {self.rank}: parameter {name!r} (shape {tuple(B.shape(variable))}) differs between ranks"
                f"{f' ({differ.size} parameters differ)' if differ.size > 1 else ''}; the ranks must start from the "
                "same weights: call dn.seed(n) with the same n on every rank before building the model, or load "
                "the same weights file everywhere"
            )

    def epoch_logs(self, means: Any, objective: Any) -> dict[str, float]:
        """The epoch's logs over every rank: running sums and counts, and each metric's totals, added up."""
        if not self.active:
            return {**means.result(), **objective.results()}
        totals = means.totals()
        buffers = [buffer for _, metric in objective.metrics for buffer in metric.variables]
        host = [np.asarray(B.to_numpy(buffer), np.float64) for buffer in buffers]
        vector = np.concatenate(
            [np.array([s for s, _ in totals.values()] + [c for _, c in totals.values()], np.float64)]
            + [h.reshape(-1) for h in host]
        )
        reduced = runtime.all_reduce(vector, "sum")
        keys, start = list(totals), 2 * len(totals)
        logs = {key: float(reduced[i] / reduced[len(keys) + i]) for i, key in enumerate(keys) if reduced[len(keys) + i]}
        for buffer, local in zip(buffers, host):
            B.assign(buffer, reduced[start : start + local.size].reshape(local.shape).astype(local.dtype))
            start += local.size
        return {**logs, **objective.results()}

    def callbacks(self, callbacks: list[Any]) -> list[Any]:
        """The callbacks this rank runs: on ranks other than 0, none that writes files or prints."""
        if self.is_main:
            return callbacks
        return [c for c in callbacks if not getattr(c, "main_process_only", False)]

    def lost(self, err: BaseException) -> None:
        """Raise a DistributedError naming this rank when ``err`` comes from a collective that lost a rank."""
        wrapped = runtime.failure(err, "training")
        if wrapped is not None:
            raise wrapped from err

    def __repr__(self) -> str:
        return f"DataParallel(rank={self.rank}, world_size={self.world_size})"
