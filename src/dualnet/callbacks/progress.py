"""``ProgressBar``: a tqdm bar per epoch on a terminal, one plain line per epoch otherwise."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Mapping
from typing import Any

from dualnet.arguments import argument_error, is_integer
from dualnet.callbacks.base import Callback, Logs, global_step


def check_verbose(where: str, verbose: Any) -> int | str:
    """``verbose`` as 0 (silent), 1 (a progress bar), 2 (one line per epoch) or ``"auto"``; bools are refused."""
    if isinstance(verbose, str) and verbose == "auto":
        return "auto"
    if is_integer(verbose) and 0 <= verbose <= 2:
        return int(verbose)
    raise argument_error(
        where,
        "verbose",
        verbose,
        "0, 1, 2 or 'auto'",
        "pass e.g. verbose=2 (0 silent, 1 a progress bar, 2 a line per epoch)",
    )


def resolve_verbose(verbose: int | str) -> int:
    """A checked ``verbose`` as 0, 1 or 2: ``"auto"`` is 1 when stdout is a terminal, else 2."""
    if verbose == "auto":
        isatty = getattr(sys.stdout, "isatty", None)
        return 1 if isatty is not None and isatty() else 2
    return int(verbose)


__all__ = ["ProgressBar"]


def format_value(value: Any) -> str:
    """``0.1234``; tiny or huge values in exponent form (``1.2346e-05``), as Keras prints them."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number == 0 or not math.isfinite(number) or 1e-3 <= abs(number) < 1e5:
        return f"{number:.4f}"
    return f"{number:.4e}"


def format_logs(logs: Mapping[str, Any], separator: str = " - ") -> str:
    """``loss: 0.1234 - accuracy: 0.9500 - val_loss: ...`` (the learning rate ``lr`` is left out)."""
    return separator.join(f"{key}: {format_value(value)}" for key, value in logs.items() if key != "lr")


class ProgressBar(Callback):
    """Show training progress on stdout.

    ``verbose=1``: one tqdm bar per epoch (``Epoch 3/10``) with steps done, steps/s,
    and the running loss and metrics, then the validation values at the epoch end.
    ``verbose=2``: one line per epoch, for logs and pipes:
    ``Epoch 3/10 - 12 steps - 0.8 s - loss: 0.1234 - accuracy: 0.9500 - val_loss: ...``.
    ``verbose=0`` prints nothing. ``"auto"`` is 1 when stdout is a terminal, else 2
    (decided when training starts). The Trainer adds one itself when ``fit(verbose=...)`` is not 0.

    Raises:
        ArgumentError: ``verbose`` is not 0, 1, 2 or ``"auto"``.
    """

    main_process_only = True  # one writer per run

    def __init__(self, verbose: int | str = 1) -> None:
        super().__init__()
        self.verbose = check_verbose("ProgressBar", verbose)
        self._mode = self._resolve()
        self._bar: Any = None
        self._batches = 0
        self._first_step: int | None = None
        self._start = 0.0

    def _resolve(self) -> int:
        return resolve_verbose(self.verbose)

    @property
    def needs_batch_logs(self) -> bool:
        return self._resolve() == 1  # the plain lines need only the epoch logs

    def _header(self, epoch: int) -> str:
        epochs = self.params.get("epochs")
        return f"Epoch {epoch + 1}/{epochs}" if epochs else f"Epoch {epoch + 1}"

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._mode = self._resolve()

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._batches = 0
        self._first_step = global_step(self.trainer)
        self._start = time.perf_counter()
        if self._mode == 1:
            from tqdm import tqdm  # type: ignore[import-untyped]

            self._close()
            self._bar = tqdm(
                total=self.params.get("steps"),
                desc=self._header(epoch),
                unit="step",
                file=sys.stdout,
                dynamic_ncols=True,
                leave=True,
            )

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._batches += 1
        if self._bar is not None:
            if logs:
                self._bar.set_postfix_str(format_logs(logs, ", "), refresh=False)
            self._bar.update(1)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self._bar is not None:
            self._bar.set_postfix_str(format_logs(logs, ", "), refresh=False)
            self._close()
        elif self._mode == 2:
            steps = self._steps_done()
            elapsed = time.perf_counter() - self._start
            parts = [self._header(epoch), f"{steps} steps", f"{elapsed:.1f} s"]
            shown = format_logs(logs)
            print(" - ".join([*parts, shown] if shown else parts), file=sys.stdout, flush=True)

    def _steps_done(self) -> int:
        # Batch hooks are skipped when no callback needs batch logs: then the trainer's step count tells.
        now = global_step(self.trainer)
        if self._batches or now is None or self._first_step is None:
            return self._batches or int(self.params.get("steps") or 0)
        return now - self._first_step

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._close()  # a run stopped mid-epoch leaves its bar open

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __repr__(self) -> str:
        return f"ProgressBar(verbose={self.verbose!r})"
