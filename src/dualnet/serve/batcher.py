"""Dynamic batching: requests wait in a bounded queue, one model thread runs them in batches.

The event loop parses a request into arrays and puts one job in the queue (a
full queue is refused at once: 503). The model thread takes the oldest job
and keeps taking jobs that are already waiting, or that arrive before the
oldest one has waited ``timeout_s``, until the batch holds ``max_batch_size``
rows. It concatenates the jobs' inputs, runs one forward pass and hands each
job its slice of the outputs. A job that would overflow the batch, or whose
row shapes differ, starts the next batch; a job larger than the limit runs
alone. With ``max_batch_size=1`` every request runs by itself, in arrival
order.

When a batch of several jobs fails, each job is run again alone, so one bad
request fails by itself instead of failing its neighbours.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from dualnet.serve.errors import Overloaded

__all__: list[str] = []

Forward = Callable[[list[np.ndarray]], list[np.ndarray]]
Result = list[np.ndarray] | BaseException


@dataclass
class Job:
    """One request's inputs (one array per model input, ``rows`` rows each) and how to hand back its result."""

    inputs: list[np.ndarray]
    rows: int
    settle: Callable[[Result], None]
    enqueued: float = field(default_factory=time.perf_counter)

    def fits_with(self, other: Job) -> bool:
        """Whether the two jobs' inputs can be concatenated: the same row shapes and dtypes."""
        return all(a.shape[1:] == b.shape[1:] and a.dtype == b.dtype for a, b in zip(self.inputs, other.inputs))


class Batcher:
    """Runs ``forward`` on batches of queued jobs in one thread; ``submit`` awaits a job's outputs.

    ``forward(inputs)`` takes one array per model input and returns one array per
    output, each with the batch as its first dimension. ``on_batch(rows, jobs)``
    is called after every forward pass (for the metrics).
    """

    def __init__(
        self,
        forward: Forward,
        max_batch_size: int = 1,
        timeout_s: float = 0.0,
        max_queue_size: int = 128,
        on_batch: Callable[[int, int, float], None] = lambda rows, jobs, seconds: None,
    ) -> None:
        self._forward = forward
        self.max_batch_size = max_batch_size
        self.timeout_s = timeout_s
        self._on_batch = on_batch
        self._queue: queue.Queue[Job | None] = queue.Queue(max_queue_size)
        self._carried: Job | None = None  # taken from the queue, but it starts the next batch
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once ``close`` was called: new requests are refused."""
        return self._closed

    def queued(self) -> int:
        """The number of jobs waiting in the queue (not counting the batch being run)."""
        return self._queue.qsize()

    def start(self) -> None:
        """Start the model thread (idempotent)."""
        with self._lock:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._loop, name="dualnet-serve-model", daemon=True)
                self._thread.start()

    def close(self) -> None:
        """Let the thread finish every queued job, then stop it and wait for it (blocking)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)  # after every job already queued: they still run
            thread.join()

    async def submit(self, inputs: list[np.ndarray], rows: int) -> list[np.ndarray]:
        """The outputs for one request's ``inputs`` (``rows`` rows each), once its batch has run.

        Raises:
            Overloaded: the queue is full, or the server is shutting down (503).
            Exception: what ``forward`` raised for this request when it ran alone.
        """
        if self._closed:
            raise Overloaded("dualnet serve: the server is shutting down; send the request to another replica")
        self.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[np.ndarray]] = loop.create_future()

        def settle(result: Result) -> None:
            loop.call_soon_threadsafe(_resolve, future, result)

        try:
            self._queue.put_nowait(Job(inputs, rows, settle))
        except queue.Full:
            raise Overloaded(
                f"dualnet serve: the request queue is full ({self._queue.maxsize} requests waiting); retry later, "
                "or start the server with a larger --max-queue-size"
            ) from None
        return await future

    # --- the model thread ---------------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            first = self._carried if self._carried is not None else self._queue.get()
            self._carried = None
            if first is None:
                self._refuse_late_jobs()
                return
            batch, stop = self._gather(first)
            self._run(batch)
            if stop:
                self._refuse_late_jobs()
                return

    def _refuse_late_jobs(self) -> None:
        """Answer the jobs that slipped in behind the end mark (submitted while ``close`` ran) with a 503."""
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.settle(Overloaded("dualnet serve: the server is shutting down; send the request again"))

    def _gather(self, first: Job) -> tuple[list[Job], bool]:
        """``first`` and the jobs that join it; True when the queue's end mark was met (stop after this batch)."""
        batch, rows = [first], first.rows
        deadline = first.enqueued + self.timeout_s
        while rows < self.max_batch_size:
            remaining = deadline - time.perf_counter()
            try:
                job = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return batch, True
            if rows + job.rows > self.max_batch_size or not first.fits_with(job):
                self._carried = job
                break
            batch.append(job)
            rows += job.rows
        return batch, False

    def _run(self, batch: list[Job]) -> None:
        try:
            outputs = self._call(batch)
        except Exception as exc:
            if len(batch) == 1:
                batch[0].settle(exc)
                return
            for job in batch:  # find the request that failed: each one alone
                self._run([job])
            return
        start = 0
        for job in batch:
            job.settle([output[start : start + job.rows] for output in outputs])
            start += job.rows

    def _call(self, batch: list[Job]) -> list[np.ndarray]:
        rows = sum(job.rows for job in batch)
        if len(batch) == 1:
            inputs = batch[0].inputs
        else:
            inputs = [np.concatenate(parts) for parts in zip(*(job.inputs for job in batch))]
        start = time.perf_counter()
        outputs = self._forward(inputs)
        self._on_batch(rows, len(batch), time.perf_counter() - start)
        for index, output in enumerate(outputs):
            if output.ndim == 0 or output.shape[0] != rows:
                raise RuntimeError(
                    f"dualnet serve: output {index} has shape {output.shape} for a batch of {rows} rows; every "
                    "output must keep the batch as its first dimension"
                )
        return outputs


def _resolve(future: asyncio.Future[list[np.ndarray]], result: Result) -> None:
    if future.cancelled():  # the client went away while its request waited
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
