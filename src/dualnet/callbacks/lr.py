"""Learning-rate callbacks: ``LearningRateScheduler`` (a function of the epoch) and ``ReduceLROnPlateau``.

Both set ``trainer.optimizer.lr`` (every parameter group gets the new rate, as
Keras has one rate per optimizer); a compiled step sees the change, the optimizer
keeps its rate in a backend buffer. A trainer with several optimizers (a tuple or
list in ``trainer.optimizer``) has each one set. An optimizer built with a
schedule (``lr=dn.optim.schedules...``) has no settable constant rate: both
callbacks refuse it at train begin rather than silently replace the schedule.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from dualnet.arguments import check_callable, check_float, check_int
from dualnet.callbacks.base import Callback, Logs
from dualnet.callbacks.monitor import Monitor
from dualnet.errors import ArgumentError

__all__ = ["LearningRateScheduler", "ReduceLROnPlateau"]


def optimizers_of(owner: str, trainer: Any) -> list[Any]:
    """The optimizer(s) whose rate ``owner`` sets; ArgumentError if there is none or its rate is a schedule."""
    found = getattr(trainer, "optimizer", None)
    optimizers = list(found) if isinstance(found, list | tuple) else [found]
    if not optimizers or any(opt is None or not hasattr(opt, "lr") for opt in optimizers):
        raise ArgumentError(
            f"{owner}: the trainer has no optimizer with a learning rate (trainer.optimizer is {found!r}); "
            "pass an optimizer to dn.Trainer, or drop this callback"
        )
    for opt in optimizers:
        groups = getattr(opt, "param_groups", [])
        if any(callable(group.get("lr")) for group in groups):
            raise ArgumentError(
                f"{owner}: {type(opt).__name__} follows a learning-rate schedule (lr={groups[0]['lr']!r}), which a "
                f"callback cannot also set; give the optimizer a constant lr, or drop {owner}"
            )
    return optimizers


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch to ``schedule(epoch, lr)``.

    ``schedule`` takes the 0-based epoch index and the current rate and returns the
    new rate (a number >= 0); a function of the epoch alone (``schedule(epoch)``,
    e.g. a ``dn.optim.schedules`` object counting epochs) works too.
    ``verbose=1`` prints the rate each epoch.

    Raises:
        ArgumentError: ``schedule`` is not callable or ``verbose`` not 0 or 1; when training starts, the trainer
            has no optimizer with a constant learning rate; at an epoch start, ``schedule`` returns no finite
            number >= 0.
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        name = "LearningRateScheduler"
        self.schedule = check_callable(
            name, "schedule", schedule, what="a function (epoch, lr) -> lr", example="lambda epoch, lr: lr * 0.9"
        )
        self._takes_lr = _takes_two_arguments(schedule)
        self.verbose = check_int(name, "verbose", verbose, low=0, high=1, example="verbose=1")

    def on_train_begin(self, logs: Logs | None = None) -> None:
        optimizers_of("LearningRateScheduler", self.trainer)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        optimizers = optimizers_of("LearningRateScheduler", self.trainer)
        current = float(optimizers[0].lr)
        value = self.schedule(epoch, current) if self._takes_lr else self.schedule(epoch)
        lr = _as_rate(value, epoch)
        for opt in optimizers:
            opt.lr = lr
        if self.verbose:
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr:.6g}.")

    def __repr__(self) -> str:
        return f"LearningRateScheduler({self.schedule!r})"


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: log key to watch.
        factor: new rate = rate * factor, in (0, 1).
        patience: epochs without improvement before reducing.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (``"max"`` for accuracy-like names).
        min_delta: an improvement must beat the best value by more than this.
        cooldown: epochs after a reduction that are not counted towards ``patience``.
        min_lr: the rate never goes below this.
        verbose: 1 prints a line at each reduction.

    Keras semantics; a missing ``monitor`` key warns with the available keys. The
    epoch's ``"lr"`` log stays the rate that epoch used; the reduced rate applies from the next.

    Raises:
        ArgumentError: an argument outside its valid values (the message names it); when training starts, the
            trainer has no optimizer with a constant learning rate.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        super().__init__()
        name = "ReduceLROnPlateau"
        self.factor = check_float(
            name, "factor", factor, low=0.0, high=1.0, low_open=True, high_open=True, example="factor=0.5"
        )
        self.patience = check_int(name, "patience", patience, low=0, example="patience=5")
        self.cooldown = check_int(name, "cooldown", cooldown, low=0, example="cooldown=2")
        self.min_lr = check_float(name, "min_lr", min_lr, low=0.0, example="min_lr=1e-6")
        min_delta = check_float(name, "min_delta", min_delta, low=0.0, example="min_delta=1e-4")
        self.monitor = Monitor(name, monitor, mode, min_delta)
        self.verbose = check_int(name, "verbose", verbose, low=0, high=1, example="verbose=1")
        self._reset()

    def _reset(self) -> None:
        self.best = self.monitor.worst
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        optimizers_of("ReduceLROnPlateau", self.trainer)
        self._reset()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        current = self.monitor.value(logs)
        if current is None:
            return
        # An epoch in cooldown is not counted (as torch; Keras's check after decrementing makes cooldown=1 a no-op).
        in_cooldown = self.cooldown_counter > 0
        if in_cooldown:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor.is_better(current, self.best):
            self.best, self.wait = current, 0
        elif not in_cooldown:
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch: int) -> None:
        optimizers = optimizers_of("ReduceLROnPlateau", self.trainer)
        old = float(optimizers[0].lr)
        if old <= self.min_lr:
            return
        new = max(old * self.factor, self.min_lr)
        for opt in optimizers:
            opt.lr = new
        self.cooldown_counter, self.wait = self.cooldown, 0
        if self.verbose:
            print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new:.6g}.")

    def __repr__(self) -> str:
        return (
            f"ReduceLROnPlateau(monitor={self.monitor.monitor!r}, factor={self.factor}, patience={self.patience}, "
            f"min_lr={self.min_lr})"
        )


def _takes_two_arguments(fn: Callable[..., Any]) -> bool:
    """True if ``fn`` accepts two positional arguments ``(epoch, lr)``; False for ``fn(epoch)``."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return any(p.kind == p.VAR_POSITIONAL for p in parameters) or len(positional) >= 2


def _as_rate(value: Any, epoch: int) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = math.nan
    if math.isnan(rate) or rate < 0 or math.isinf(rate):
        raise ArgumentError(
            f"LearningRateScheduler: schedule returned {value!r} at epoch {epoch}; it must return a finite "
            "number >= 0, e.g. lambda epoch, lr: lr * 0.9"
        )
    return rate
