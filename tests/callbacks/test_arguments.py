"""Every bad argument of every callback is an ArgumentError naming the callback and the argument."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import dualnet as dn
from dualnet import callbacks as cb

CASES: list[tuple[Callable[[], Any], str]] = [
    (lambda: cb.EarlyStopping(mode="maximum"), r"EarlyStopping\(mode='maximum'\): mode must be one of 'auto', 'min'"),
    (lambda: cb.EarlyStopping(patience=-1), r"EarlyStopping\(patience=-1\): patience must be an int >= 0"),
    (lambda: cb.EarlyStopping(patience=1.5), r"EarlyStopping\(patience=1.5\)"),
    (lambda: cb.EarlyStopping(min_delta=float("nan")), r"EarlyStopping\(min_delta=nan\)"),
    (lambda: cb.EarlyStopping(monitor=""), r"EarlyStopping\(monitor=''\): monitor must be the name"),
    (lambda: cb.EarlyStopping(baseline="low"), r"EarlyStopping\(baseline='low'\)"),
    (lambda: cb.EarlyStopping(start_from_epoch=-2), r"EarlyStopping\(start_from_epoch=-2\)"),
    (lambda: cb.EarlyStopping(verbose=3), r"EarlyStopping\(verbose=3\)"),
    (lambda: cb.ModelCheckpoint(""), r"ModelCheckpoint\(filepath=''\)"),
    (lambda: cb.ModelCheckpoint(None), r"ModelCheckpoint\(filepath=None\)"),  # type: ignore[arg-type]
    (lambda: cb.ModelCheckpoint("w.safetensors", mode="up"), r"ModelCheckpoint\(mode='up'\)"),
    (lambda: cb.ModelCheckpoint("w.safetensors", keep_last=0), r"ModelCheckpoint\(keep_last=0\)"),
    (lambda: cb.ModelCheckpoint("w.safetensors", monitor=3), r"ModelCheckpoint\(monitor=3\)"),  # type: ignore[arg-type]
    (lambda: cb.LearningRateScheduler(0.1), r"LearningRateScheduler\(schedule=0.1\): schedule must be a function"),  # type: ignore[arg-type]
    (lambda: cb.LearningRateScheduler(print, verbose="yes"), r"LearningRateScheduler\(verbose='yes'\)"),  # type: ignore[arg-type]
    (lambda: cb.ReduceLROnPlateau(factor=1.0), r"ReduceLROnPlateau\(factor=1.0\): factor must be a number in \(0, 1\)"),
    (lambda: cb.ReduceLROnPlateau(factor=0), r"ReduceLROnPlateau\(factor=0\)"),
    (lambda: cb.ReduceLROnPlateau(patience=-1), r"ReduceLROnPlateau\(patience=-1\)"),
    (lambda: cb.ReduceLROnPlateau(cooldown=-1), r"ReduceLROnPlateau\(cooldown=-1\)"),
    (lambda: cb.ReduceLROnPlateau(min_lr=-1e-3), r"ReduceLROnPlateau\(min_lr=-0.001\)"),
    (lambda: cb.ReduceLROnPlateau(min_delta=-1), r"ReduceLROnPlateau\(min_delta=-1\)"),
    (lambda: cb.ReduceLROnPlateau(mode=None), r"ReduceLROnPlateau\(mode=None\)"),  # type: ignore[arg-type]
    (lambda: cb.CSVLogger(""), r"CSVLogger\(filename=''\)"),
    (lambda: cb.CSVLogger("log.csv", separator=";;"), r"CSVLogger\(separator=';;'\)"),
    (lambda: cb.TensorBoard(log_dir=""), r"TensorBoard\(log_dir=''\)"),
    (lambda: cb.TensorBoard(update_freq="step"), r"TensorBoard\(update_freq='step'\)"),
    (lambda: cb.TensorBoard(update_freq=0), r"TensorBoard\(update_freq=0\)"),
    (lambda: cb.ProgressBar(verbose=3), r"ProgressBar\(verbose=3\): verbose must be 0, 1, 2 or 'auto'"),
    (lambda: cb.ProgressBar(verbose=True), r"ProgressBar\(verbose=True\)"),
]


@pytest.mark.parametrize(
    ("make", "message"), CASES, ids=[message.split("(")[0] + str(i) for i, (_, message) in enumerate(CASES)]
)
def test_bad_argument(make: Callable[[], Any], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message) as info:
        make()
    assert "pass e.g." in str(info.value) or "use fields" in str(info.value)


def test_negative_min_delta_of_early_stopping_is_taken_as_its_size() -> None:
    assert cb.EarlyStopping(min_delta=-0.1).monitor.min_delta == 0.1  # as Keras


@pytest.mark.parametrize(
    ("monitor", "mode"),
    [
        ("val_loss", "min"),
        ("loss", "min"),
        ("val_accuracy", "max"),
        ("acc", "max"),
        ("top_k_accuracy", "max"),
        ("val_auc", "max"),
        ("f1_score", "max"),
        ("val_mean_io_u", "max"),
        ("output_0_binary_io_u", "max"),
        ("pearson_correlation", "max"),
        ("sensitivity_at_specificity", "max"),
        ("root_mean_squared_error", "min"),
        ("output_1_precision", "max"),
        ("mae", "min"),
        ("val_mse", "min"),
        ("accuracy_loss", "min"),
    ],
)
def test_auto_mode_from_the_name(monitor: str, mode: str) -> None:
    assert cb.EarlyStopping(monitor=monitor).monitor.mode == mode
