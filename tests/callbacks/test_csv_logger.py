"""CSVLogger: one row per epoch, read back with the csv module; append, separators, missing keys."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import dualnet as dn
from dualnet.callbacks import CSVLogger

from .driver import Driver


def _rows(path: Path, separator: str = ",") -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter=separator))


def test_one_row_per_epoch_with_the_logged_values(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    script = [
        {"val_loss": 0.5, "accuracy": 0.25},
        {"val_loss": 0.375, "accuracy": 0.5},
        {"val_loss": 0.3, "accuracy": 1},
    ]
    history = Driver().fit([CSVLogger(path)], epochs=3, script=script)
    rows = _rows(path)
    assert path.read_text().splitlines()[0] == "epoch,accuracy,loss,lr,val_loss"
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    for row, logs in zip(rows, history):
        for key, value in logs.items():
            assert float(row[key]) == value  # written exactly: floats read back to the same value


def test_rows_are_on_disk_after_each_epoch(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    seen: list[int] = []
    reader = dn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(len(_rows(path))))
    Driver().fit([CSVLogger(path), reader], epochs=3)
    assert seen == [1, 2, 3]


def test_append_continues_the_file_with_its_columns(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    driver = Driver()
    driver.fit([CSVLogger(path)], epochs=2, script=[{"val_loss": 1.0}, {"val_loss": 0.5}])
    driver.fit([CSVLogger(path, append=True)], epochs=4, initial_epoch=2, script=[{"val_loss": 0.25}, {"extra": 1.0}])
    lines = path.read_text().splitlines()
    assert lines.count("epoch,loss,lr,val_loss") == 1
    rows = _rows(path)
    assert [row["epoch"] for row in rows] == ["0", "1", "2", "3"]
    assert rows[2]["val_loss"] == "0.25" and rows[3]["val_loss"] == "NA" and "extra" not in rows[3]


def test_without_append_the_file_is_replaced(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    driver = Driver()
    driver.fit([CSVLogger(path)], epochs=3)
    driver.fit([CSVLogger(path)], epochs=1)
    assert len(_rows(path)) == 1


def test_separator(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "log.tsv"
    Driver().fit([CSVLogger(path, separator="\t")], epochs=2)
    assert path.read_text().splitlines()[0] == "epoch\tloss\tlr"
    assert len(_rows(path, "\t")) == 2


def test_a_folder_that_cannot_hold_the_file_is_a_write_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(dn.DualnetError, match="CSVLogger: cannot open"):
        CSVLogger(blocker / "log.csv").on_train_begin()
