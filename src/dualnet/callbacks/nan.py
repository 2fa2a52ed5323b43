"""``TerminateOnNaN``: stop training at the first batch whose loss is NaN or infinite, and say where."""

from __future__ import annotations

import math

from dualnet.callbacks.base import Callback, Logs, global_step
from dualnet.errors import NumericsError

__all__ = ["TerminateOnNaN"]

FIX = (
    "lower the learning rate, check the data for NaN or inf (np.isfinite(x).all()), clip gradients "
    "(e.g. dn.optim.Adam(..., global_clipnorm=1.0)) or use a loss on logits (from_logits=True)"
)


class TerminateOnNaN(Callback):
    """Stop ``fit`` when the loss turns NaN or infinite; ``fit`` then raises :class:`dualnet.NumericsError`.

    At the end of a batch whose running loss is not finite, it sets
    ``trainer.stop_training = True`` and ``trainer.stop_error`` to a NumericsError
    ``"loss is nan at epoch E, step S (batch B); training stopped by TerminateOnNaN; ..."``
    which the trainer raises after ``on_train_end``. ``E`` is the epoch as the progress
    bar counts it (from 1), ``S`` the training step since ``fit`` began (from 1, as
    ``trainer.global_step`` after that step), ``B`` the batch within the epoch (from 1).
    The epoch-end loss is checked too, for trainers that give no per-batch logs.
    """

    def __init__(self) -> None:
        super().__init__()
        self.error: NumericsError | None = None
        self._steps = 0
        self._epoch = 0
        self._epoch_batches = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.error = None
        self._steps = 0

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch
        self._epoch_batches = 0

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._steps += 1
        self._epoch_batches = batch + 1
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss) and self.error is None:
            self._stop(float(loss), self._epoch, batch + 1)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss) and self.error is None:
            self._epoch = epoch
            self._stop(float(loss), epoch, self._epoch_batches or self.params.get("steps") or 0)

    def _stop(self, loss: float, epoch: int, batch: int) -> None:
        step = global_step(self.trainer)
        if step is None or step <= 0:
            step = self._steps
        self.error = NumericsError(
            f"loss is {loss} at epoch {epoch + 1}, step {step} (batch {batch}); training stopped by TerminateOnNaN; "
            + FIX
        )
        if self.trainer is not None:
            self.trainer.stop_training = True
            self.trainer.stop_error = self.error
