"""The loader's worker process: ``python -m dualnet.data.worker_main CMD_FD RESULT_FD``.

A fresh interpreter started by :mod:`dualnet.data.pool` (never forked), which
imports NumPy, dualnet's data modules and the user's dataset module: never torch
or tensorflow, since items stay NumPy until the main process converts a batch.
It reads frames (:mod:`dualnet.data.wire`) on ``CMD_FD`` and answers on
``RESULT_FD``; it exits when told to stop or when the main process closes its end.

Shared-memory segments it creates are named ``{prefix}_{worker}_{n}`` and are left
to the main process, which unlinks each after reading it and sweeps the prefix
when the pool closes (so a killed worker leaves nothing behind either).
"""

from __future__ import annotations

import random
import sys
import traceback
from collections.abc import Iterator
from multiprocessing import resource_tracker
from typing import Any

import numpy as np

from dualnet.data import context, portable, wire

__all__: list[str] = []


def _untracked(*_: Any) -> None:
    """The main process owns every segment; this worker's resource tracker must not unlink them at exit."""


class Worker:
    def __init__(self, results: int, info: dict[str, Any], dataset: Any) -> None:
        self.results, self.info, self.dataset = results, info, dataset
        self.collate = portable.resolve(info["collate_fn"]) if info["collate_fn"] else None
        self.id, self.seed = int(info["worker_id"]), int(info["seed"])
        self.count = 0
        self.stream: Iterator[Any] | None = None
        self.epoch = 0

    def send(self, kind: str, info: dict[str, Any], batch: Any = None) -> None:
        encoded = None
        if kind == "batch":
            encoded = wire.encode(batch, self._collate_name())
            self.count += 1
        name = f"{self.info['shm_prefix']}_{self.id}_{self.count}"
        wire.write_frame(self.results, wire.pack(kind, info, encoded, name))

    def _collate_name(self) -> str:
        return f"the batch from collate_fn {self.info['collate_fn']}" if self.collate else "the batch"

    def start_epoch(self, epoch: int) -> None:
        self.epoch = epoch
        seed = context.worker_seed(self.seed, epoch, self.id)
        context.set_worker_info(context.WorkerInfo(self.id, int(self.info["num_workers"]), seed, self.dataset))
        random.seed(seed)
        np.random.seed(seed % 2**32)
        hook = getattr(self.dataset, "set_epoch", None)
        if callable(hook):
            hook(epoch)
        self.stream = iter(self.dataset) if self.info["iterable"] else None

    def fetch(self, header: dict[str, Any]) -> None:
        batch = header["batch"]
        try:
            if self.info["iterable"]:
                items = self._next_items()
                if not items:
                    self.send("end", {"batch": batch})
                    return
                result = (self.collate or _default_collate())(items)
            else:
                key = (self.seed, self.epoch, int(header["start"]))
                result = context.fetch(self.dataset, header["indices"], self.collate, key)
            self.send("batch", {"batch": batch}, result)
        except Exception as error:
            index = getattr(error, "index", None)
            cause = getattr(error, "error", error)
            self.send(
                "error",
                {
                    "batch": batch,
                    "index": index,
                    "type": type(cause).__name__,
                    "message": str(cause),
                    "traceback": "".join(traceback.format_exception(cause)),
                },
            )

    def _next_items(self) -> list[Any]:
        assert self.stream is not None
        items = []
        for item in self.stream:
            items.append(item)
            if len(items) == self.info["batch_size"]:
                return items
        if self.info["drop_last"] and len(items) < self.info["batch_size"]:
            return []
        return items


def _default_collate() -> Any:
    from dualnet.data.collate import default_collate

    return default_collate


def main(argv: list[str]) -> int:
    commands, results = int(argv[0]), int(argv[1])
    for hook in ("register", "unregister"):
        setattr(resource_tracker, hook, _untracked)
    try:
        header, payload = wire.read_frame(commands)
    except EOFError:
        return 0
    sys.path[:] = header["sys_path"]
    worker = None
    try:
        arrays, segment = wire.attach_arrays(header, payload)
        dataset = portable.rebuild(header["tree"], arrays)
        worker = Worker(results, header, dataset)
        worker.start_epoch(0)
        if header["init_fn"]:
            portable.resolve(header["init_fn"])(worker.id)
    except Exception as error:
        info = {"batch": -1, "index": None, "type": type(error).__name__, "message": str(error)}
        info["traceback"] = "".join(traceback.format_exception(error))
        wire.write_frame(results, wire.pack("error", info, None, None))
        return 1
    wire.write_frame(results, wire.pack("ready", {}, None, None))
    try:
        while True:
            header, _ = wire.read_frame(commands)
            if header["kind"] == "stop":
                return 0
            if header["kind"] == "epoch":
                worker.start_epoch(int(header["epoch"]))
            elif header["kind"] == "fetch":
                worker.fetch(header)
    except (EOFError, BrokenPipeError):
        return 0
    finally:
        del segment


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
