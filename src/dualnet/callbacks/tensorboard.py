"""``TensorBoard``: scalar curves in event files that TensorBoard reads, with Keras's folders and tags.

Written by :mod:`dualnet.callbacks.event_writer` (pure Python), so the files and
their tags are the same on both backends and neither TensorFlow nor the
tensorboard package is needed to write them. View with ``tensorboard --logdir <log_dir>``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from dualnet.arguments import argument_error, check_bool, is_integer
from dualnet.callbacks.base import Callback, Logs, global_step
from dualnet.callbacks.event_writer import EventFileWriter

__all__ = ["TensorBoard"]


class TensorBoard(Callback):
    """Log the epoch values to ``log_dir/train`` and ``log_dir/validation``, as Keras's callback does.

    Tags: ``epoch_loss``, ``epoch_<metric>`` and ``epoch_learning_rate`` in the
    ``train`` run, ``epoch_loss`` and ``epoch_<metric>`` (from the ``val_`` logs) in
    the ``validation`` run; the step is the 0-based epoch index. ``update_freq``:
    ``"epoch"`` (default), ``"batch"`` or an integer N also writes ``batch_loss``
    and ``batch_<metric>`` (the running values of the epoch) to ``train`` every N
    training steps, the step counting batches since ``fit`` began (as Keras).
    ``write_steps_per_second`` adds ``epoch_steps_per_second``.

    Raises:
        ArgumentError: ``log_dir`` is not a path, or ``update_freq`` is not ``"epoch"``, ``"batch"`` or an int >= 1.
    """

    main_process_only = True  # one writer per run

    def __init__(
        self,
        log_dir: str | os.PathLike[str] = "logs",
        update_freq: str | int = "epoch",
        write_steps_per_second: bool = False,
    ) -> None:
        super().__init__()
        name = "TensorBoard"
        if not isinstance(log_dir, str | os.PathLike) or not os.fspath(log_dir):
            raise argument_error(name, "log_dir", log_dir, "a folder path", "pass e.g. log_dir='logs/run1'")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (is_integer(update_freq) and update_freq >= 1):
            raise argument_error(
                name, "update_freq", update_freq, "'epoch', 'batch' or an int >= 1", "pass e.g. update_freq='epoch'"
            )
        self.log_dir = Path(log_dir)
        self.update_freq: str | int = update_freq if isinstance(update_freq, str) else int(update_freq)
        self.write_steps_per_second = check_bool(name, "write_steps_per_second", write_steps_per_second)
        self._train = EventFileWriter(self.log_dir / "train")
        self._validation = EventFileWriter(self.log_dir / "validation")
        self._batch_step = 0
        self._epoch_start = 0.0
        self._epoch_batches = 0
        self._first_step: int | None = None

    @property
    def needs_batch_logs(self) -> bool:
        return self.update_freq != "epoch"

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._batch_step = 0

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch_start = time.perf_counter()
        self._epoch_batches = 0
        self._first_step = global_step(self.trainer)

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._batch_step += 1
        self._epoch_batches += 1
        if isinstance(self.update_freq, int) and self._batch_step % self.update_freq == 0 and logs:
            scalars = {f"batch_{key}": value for key, value in _numbers(logs).items() if key != "lr"}
            self._train.add_scalars(scalars, self._batch_step)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        values = _numbers(logs or {})
        train = {_tag(key): value for key, value in values.items() if not key.startswith("val_")}
        if self.write_steps_per_second:
            elapsed = time.perf_counter() - self._epoch_start
            now = global_step(self.trainer)
            steps = self._epoch_batches or self.params.get("steps") or 0
            if not self._epoch_batches and now is not None and self._first_step is not None:
                steps = now - self._first_step  # batch hooks were skipped: the trainer's count tells
            train["epoch_steps_per_second"] = steps / elapsed if elapsed > 0 else 0.0
        validation = {_tag(key.removeprefix("val_")): value for key, value in values.items() if key.startswith("val_")}
        self._train.add_scalars(train, epoch)
        self._validation.add_scalars(validation, epoch)
        self._train.flush()
        self._validation.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._train.close()
        self._validation.close()

    def __repr__(self) -> str:
        return f"TensorBoard(log_dir={str(self.log_dir)!r}, update_freq={self.update_freq!r})"


def _tag(key: str) -> str:
    return "epoch_learning_rate" if key == "lr" else f"epoch_{key}"


def _numbers(logs: Logs) -> dict[str, float]:
    out = {}
    for key, value in logs.items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            continue  # a non-scalar log entry has no curve
    return out
