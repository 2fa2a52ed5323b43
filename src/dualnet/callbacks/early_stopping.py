"""``EarlyStopping``: stop training when a monitored value stops improving (Keras semantics)."""

from __future__ import annotations

import numpy as np

from dualnet.arguments import check_bool, check_float, check_int
from dualnet.callbacks.base import Callback, Logs
from dualnet.callbacks.monitor import Monitor

__all__ = ["EarlyStopping"]


class EarlyStopping(Callback):
    """Stop ``fit`` once ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: log key to watch (``"val_loss"``, ``"val_accuracy"``, ``"loss"``, ...).
        min_delta: an improvement must beat the best value by more than this.
        patience: epochs without improvement before stopping (0: stop at the first epoch that does not improve).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (``"max"`` for accuracy-like names, else ``"min"``).
        baseline: training stops unless the value beats this within ``patience`` epochs
            (improving but staying short of it does not reset the patience).
        restore_best_weights: at the end of training, load the weights of the best epoch
            (an in-memory ``state_dict`` copy taken at each improvement).
        start_from_epoch: epochs to wait before watching at all (warm-up).
        verbose: 1 prints a line when it stops and when it restores weights.

    A missing ``monitor`` key gives a warning listing the available keys (as
    Keras) and the epoch is not counted. After ``fit``: ``stopped_epoch`` (0 if
    it never stopped), ``best``, ``best_epoch``.

    Raises:
        ArgumentError: an argument outside its valid values (the message names it).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        name = "EarlyStopping"
        self.patience = check_int(name, "patience", patience, low=0, example="patience=3")
        self.start_from_epoch = check_int(
            name, "start_from_epoch", start_from_epoch, low=0, example="start_from_epoch=5"
        )
        delta = abs(check_float(name, "min_delta", min_delta, example="min_delta=1e-4"))  # its size, as Keras
        self.monitor = Monitor(name, monitor, mode, delta)
        self.baseline = check_float(name, "baseline", baseline, or_none=True, example="baseline=0.9")
        self.restore_best_weights = check_bool(name, "restore_best_weights", restore_best_weights)
        self.verbose = check_int(name, "verbose", verbose, low=0, high=1, example="verbose=1")
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = None
        self.best_epoch = 0
        self.best_weights: dict[str, np.ndarray] | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._reset()  # an instance can serve several fits

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        current = self.monitor.value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.state_dict(), epoch  # the weights so far are the best
        self.wait += 1
        if self.monitor.is_better(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()  # NumPy copies
            # Patience restarts only when the value also beats the baseline (Keras 3 returns here either way,
            # which lets a slowly improving run go on forever below the baseline; this follows Keras's docs).
            if self.baseline is None or self.monitor.is_better(current, self.baseline):
                self.wait = 0
                return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.trainer.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping ({self.monitor.monitor} did not improve)")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.load_state_dict(self.best_weights)

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(monitor={self.monitor.monitor!r}, mode={self.monitor.mode!r}, patience={self.patience}, "
            f"restore_best_weights={self.restore_best_weights})"
        )
