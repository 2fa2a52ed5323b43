"""``CSVLogger``: one row per epoch (epoch index, then every logged value) in a CSV file."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path
from typing import IO, Any

from dualnet.arguments import argument_error, check_bool
from dualnet.callbacks.base import Callback, Logs
from dualnet.io.atomic import WriteError

__all__ = ["CSVLogger"]


class CSVLogger(Callback):
    """Write ``epoch,<key>,...`` rows to ``filename`` at each epoch end, flushed at once.

    Columns are ``epoch`` (0-based, as Keras) then the first epoch's log keys,
    sorted (``loss``, ``lr``, metrics, ``val_...``); a key missing from a later
    epoch is written as ``NA``, one that appears later is left out. With
    ``append=True`` rows go after an existing file's and keep its columns (no
    second header). ``separator`` is one character.

    Raises:
        ArgumentError: ``filename`` is not a path, or ``separator`` is not one character (or a quote or newline).
        WriteError: when training starts, if the file cannot be opened for writing.
    """

    main_process_only = True  # one writer per run

    def __init__(self, filename: str | os.PathLike[str], separator: str = ",", append: bool = False) -> None:
        super().__init__()
        name = "CSVLogger"
        if not isinstance(filename, str | os.PathLike) or not os.fspath(filename):
            raise argument_error(name, "filename", filename, "a file path", "pass e.g. filename='training.csv'")
        if not isinstance(separator, str) or len(separator) != 1 or separator in '\r\n"':
            raise argument_error(
                name, "separator", separator, "one character (not a quote or newline)", "pass e.g. separator=';'"
            )
        self.filename = Path(filename)
        self.separator = separator
        self.append = check_bool(name, "append", append)
        self.keys: list[str] | None = None
        self._file: IO[str] | None = None
        self._writer: Any = None
        self._write_header = True

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.keys = None
        self._write_header = True
        if self.append and self.filename.is_file() and self.filename.stat().st_size > 0:
            with self.filename.open(newline="") as existing:
                header = next(csv.reader(existing, delimiter=self.separator), [])
            if header[:1] == ["epoch"]:
                self.keys, self._write_header = header[1:], False
        try:
            self.filename.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.filename.open("a" if self.append else "w", newline="")
        except OSError as exc:
            raise WriteError(
                f"CSVLogger: cannot open {str(self.filename)!r} for writing ({exc.strerror or exc}); "
                "check that the folder is writable"
            ) from exc
        self._writer = csv.writer(self._file, delimiter=self.separator, lineterminator="\n")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self._file is None:  # used without on_train_begin (a hand-written loop)
            self.on_train_begin()
        if self.keys is None:
            self.keys = sorted(logs)
        if self._write_header:
            self._writer.writerow(["epoch", *self.keys])
            self._write_header = False
        self._writer.writerow([epoch, *(_cell(logs.get(key)) for key in self.keys)])
        if self._file is not None:
            self._file.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self._file is not None:
            self._file.close()
        self._file, self._writer = None, None

    def __repr__(self) -> str:
        return f"CSVLogger({str(self.filename)!r}, separator={self.separator!r}, append={self.append})"


def _cell(value: Any) -> Any:
    if value is None:
        return "NA"
    if isinstance(value, float) and math.isfinite(value):
        return repr(float(value))  # the shortest text that reads back as the same float (also for np.float64)
    return value
