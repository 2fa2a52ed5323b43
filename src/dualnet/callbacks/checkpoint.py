"""``ModelCheckpoint``: save the model's weights (or a full checkpoint) at each epoch end, or when it improves."""

from __future__ import annotations

import os
import string
from pathlib import Path

from dualnet.arguments import argument_error, check_bool, check_float, check_int
from dualnet.callbacks.base import Callback, Logs
from dualnet.callbacks.monitor import Monitor
from dualnet.errors import ArgumentError
from dualnet.io.checkpoint import save_checkpoint

__all__ = ["ModelCheckpoint"]


class ModelCheckpoint(Callback):
    """Write ``model.save_weights(filepath)`` (safetensors, atomic) at each epoch end.

    With ``save_weights_only=False`` it writes a full :func:`dualnet.save_checkpoint`
    instead (weights, optimizer state, epoch, step, RNG state, history), which
    ``trainer.fit(..., resume_from=path)`` continues from. Put it last among the
    callbacks so that what others change at the epoch end (the learning rate) is saved.

    Args:
        filepath: where to write; may name ``{epoch}`` (1-based, as Keras) and any log
            key with a format spec, e.g. ``"ckpt/e{epoch:02d}-{val_loss:.3f}.safetensors"``.
            Missing folders are created.
        monitor: the log key ``save_best_only`` compares.
        save_best_only: write only when ``monitor`` improves on the best value so far
            (a missing key: a warning, and nothing is written).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (``"max"`` for accuracy-like names).
        keep_last: keep only the newest ``keep_last`` files this callback wrote, deleting
            older ones (None keeps all). Files written by earlier runs are never touched.
        initial_value_threshold: with ``save_best_only``, the value to beat at the start.
        verbose: 1 prints a line for each file written.
        save_weights_only: True (the default) writes weights only; False writes full checkpoints.

    After an epoch: ``best`` (the best monitored value), ``last_path`` and ``paths``
    (the files written and still kept, oldest first).

    Raises:
        ArgumentError: an argument outside its valid values, or ``filepath`` braces that do not parse; at an epoch
            end, a ``filepath`` field the logs lack or cannot format.
        WriteError: at an epoch end, the file cannot be written.
    """

    main_process_only = True  # one writer per run

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        mode: str = "auto",
        keep_last: int | None = None,
        initial_value_threshold: float | None = None,
        save_weights_only: bool = True,
    ) -> None:
        super().__init__()
        name = "ModelCheckpoint"
        if not isinstance(filepath, str | os.PathLike) or not os.fspath(filepath):
            raise argument_error(
                name, "filepath", filepath, "a file path", "pass e.g. filepath='ckpt/e{epoch:02d}.safetensors'"
            )
        self.filepath = os.fspath(filepath)
        self._fields = _fields(self.filepath)
        self.monitor = Monitor(name, monitor, mode)
        self.save_best_only = check_bool(name, "save_best_only", save_best_only)
        self.save_weights_only = check_bool(name, "save_weights_only", save_weights_only)
        self.keep_last = check_int(name, "keep_last", keep_last, low=1, or_none=True, example="keep_last=3")
        self.initial_value_threshold = check_float(
            name,
            "initial_value_threshold",
            initial_value_threshold,
            or_none=True,
            example="initial_value_threshold=0.5",
        )
        self.verbose = check_int(name, "verbose", verbose, low=0, high=1, example="verbose=1")
        self.best: float | None = self.initial_value_threshold
        self.paths: list[Path] = []
        self.last_path: Path | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.paths = []  # keep_last only ever deletes files written during this run

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.save_best_only:
            current = self.monitor.value(logs)
            if current is None:
                return
            previous = self.monitor.worst if self.best is None else self.best
            if not self.monitor.is_better(current, self.best):
                if self.verbose:
                    print(f"Epoch {epoch + 1}: {self.monitor.monitor} did not improve from {previous:.5f}")
                return
            self.best = current
            why = f"{self.monitor.monitor} improved from {previous:.5f} to {current:.5f}, "
        else:
            why = ""
        path = self.path_for(epoch, logs)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            save_checkpoint(path, trainer=self.trainer, logs=logs)
        if self.verbose:
            what = "model weights" if self.save_weights_only else "checkpoint"
            print(f"Epoch {epoch + 1}: {why}saving {what} to {path}")
        self._remember(path)

    def path_for(self, epoch: int, logs: Logs) -> Path:
        """The file for ``epoch`` (0-based) with these logs: ``filepath`` formatted with ``epoch + 1`` and the logs."""
        missing = [field for field in self._fields if field != "epoch" and field not in logs]
        if missing:
            raise ArgumentError(
                f"ModelCheckpoint(filepath={self.filepath!r}): the logs have no {', '.join(map(repr, missing))} "
                f"at epoch {epoch + 1}; available keys: {', '.join(sorted(logs)) or 'none'}; name only logged "
                "values in filepath (val_ keys need validation_data)"
            )
        try:
            return Path(self.filepath.format(**{**logs, "epoch": epoch + 1}))
        except (ValueError, TypeError, IndexError) as exc:
            raise ArgumentError(
                f"ModelCheckpoint(filepath={self.filepath!r}): cannot format the path at epoch {epoch + 1} ({exc}); "
                "use fields like {epoch:02d} or {val_loss:.3f}"
            ) from exc

    def _remember(self, path: Path) -> None:
        if path in self.paths:
            self.paths.remove(path)  # rewritten: now the newest
        self.paths.append(path)
        self.last_path = path
        if self.keep_last is not None:
            while len(self.paths) > self.keep_last:
                self.paths.pop(0).unlink(missing_ok=True)

    def __repr__(self) -> str:
        return (
            f"ModelCheckpoint({self.filepath!r}, monitor={self.monitor.monitor!r}, "
            f"save_best_only={self.save_best_only}, keep_last={self.keep_last}, "
            f"save_weights_only={self.save_weights_only})"
        )


def _fields(filepath: str) -> list[str]:
    """The names used in ``filepath``'s ``{...}`` fields; ArgumentError if the braces do not parse."""
    try:
        parsed = list(string.Formatter().parse(filepath))
    except ValueError as exc:
        raise ArgumentError(
            f"ModelCheckpoint(filepath={filepath!r}): {exc}; write literal braces as {{{{ and }}}}, "
            "or fields like {epoch:02d}"
        ) from exc
    fields = []
    for _, field, _, _ in parsed:
        if field is None:
            continue
        root = field.split(".")[0].split("[")[0]
        if not root or root.isdigit():
            raise ArgumentError(
                f"ModelCheckpoint(filepath={filepath!r}): positional field {{{field}}}; "
                "name the value, e.g. {epoch:02d} or {val_loss:.3f}"
            )
        fields.append(root)
    return fields
