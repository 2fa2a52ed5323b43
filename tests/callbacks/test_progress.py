"""ProgressBar: a tqdm bar per epoch (verbose=1), one plain line per epoch (verbose=2), nothing with verbose=0."""

from __future__ import annotations

import re

import pytest

import dualnet as dn
from dualnet.callbacks import ProgressBar
from dualnet.callbacks.progress import format_value

from .driver import Driver

SCRIPT = [{"accuracy": 0.5, "val_loss": 0.25}, {"accuracy": 0.75, "val_loss": 0.125}]


def test_plain_lines_one_per_epoch(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    Driver().fit([ProgressBar(verbose=2)], epochs=2, steps=3, script=SCRIPT)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    pattern = r"Epoch 1/2 - 3 steps - \d+\.\d s - loss: \d+\.\d{4} - accuracy: 0\.5000 - val_loss: 0\.2500"
    assert re.fullmatch(pattern, lines[0]), lines[0]
    assert lines[1].startswith("Epoch 2/2 - 3 steps") and "lr" not in lines[1]


def test_tqdm_bar_per_epoch_with_steps_per_second_and_values(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    Driver().fit([ProgressBar(verbose=1)], epochs=2, steps=3, script=SCRIPT)
    out = capsys.readouterr().out
    finals = [segment for segment in re.split(r"[\r\n]", out) if "3/3" in segment]
    assert finals and finals[-1].startswith("Epoch 2/2")
    assert any("Epoch 1/2" in s and "step/s" in s and "val_loss: 0.2500" in s for s in finals), finals
    assert all("lr:" not in s for s in finals)


def test_silent_with_verbose_zero(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    Driver().fit([ProgressBar(verbose=0)], epochs=2, script=SCRIPT)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_auto_is_plain_lines_when_stdout_is_not_a_terminal(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    bar = ProgressBar(verbose="auto")
    assert not bar.needs_batch_logs
    Driver().fit([bar], epochs=1, script=SCRIPT)
    assert capsys.readouterr().out.startswith("Epoch 1/1 - 2 steps")


def test_a_run_stopped_mid_epoch_closes_its_bar(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    bar = ProgressBar(verbose=1)
    with pytest.raises(dn.NumericsError):
        Driver().fit([bar, dn.callbacks.TerminateOnNaN()], epochs=2, steps=3, batch_losses={2: float("nan")})
    assert bar._bar is None


def test_value_format() -> None:
    assert format_value(0.12345) == "0.1235"
    assert format_value(1.5e-5) == "1.5000e-05"
    assert format_value(0) == "0.0000"
    assert format_value(float("nan")) == "nan"
