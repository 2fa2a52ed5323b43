"""EarlyStopping: stops at the right epoch; min_delta, baseline, mode, warm-up; restores the best weights."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.callbacks import EarlyStopping

from .driver import Driver


def _val(*values: float, key: str = "val_loss") -> list[dict[str, float]]:
    return [{key: v} for v in values]


def test_stops_after_patience_epochs_without_improvement(backend: str) -> None:
    stopper = EarlyStopping(patience=2)
    history = Driver().fit([stopper], epochs=10, script=_val(1.0, 0.8, 0.9, 0.85, 0.7, 0.6))
    # best at epoch 1; epochs 2 and 3 do not improve: stop at the end of epoch 3
    assert len(history) == 4 and stopper.stopped_epoch == 3
    assert stopper.best == 0.8 and stopper.best_epoch == 1


def test_patience_zero_stops_at_the_first_epoch_that_does_not_improve(backend: str) -> None:
    history = Driver().fit([EarlyStopping(patience=0)], epochs=10, script=_val(1.0, 0.9, 0.95, 0.5))
    assert len(history) == 3


def test_min_delta_counts_small_gains_as_no_improvement(backend: str) -> None:
    stopper = EarlyStopping(patience=1, min_delta=0.05)
    history = Driver().fit([stopper], epochs=10, script=_val(1.0, 0.97, 0.96, 0.5))
    assert len(history) == 2 and stopper.best == 1.0


def test_max_mode_is_automatic_for_accuracy(backend: str) -> None:
    stopper = EarlyStopping(monitor="val_accuracy", patience=1)
    history = Driver().fit([stopper], epochs=10, script=_val(0.5, 0.7, 0.6, 0.65, 0.9, key="val_accuracy"))
    assert stopper.monitor.mode == "max" and len(history) == 3 and stopper.best == 0.7


def test_explicit_min_mode_overrides_the_name(backend: str) -> None:
    stopper = EarlyStopping(monitor="val_accuracy", mode="min", patience=0)
    history = Driver().fit([stopper], epochs=10, script=_val(0.5, 0.7, key="val_accuracy"))
    assert len(history) == 2


def test_baseline_must_be_beaten_within_patience(backend: str) -> None:
    stopper = EarlyStopping(patience=2, baseline=0.5)
    history = Driver().fit([stopper], epochs=10, script=_val(1.0, 0.9, 0.8, 0.7, 0.6))
    assert len(history) == 2  # improving, but two epochs without reaching the baseline
    stopper = EarlyStopping(patience=2, baseline=0.5)
    history = Driver().fit([stopper], epochs=10, script=_val(1.0, 0.4, 0.45, 0.42, 0.3))
    assert len(history) == 4  # below the baseline at epoch 1, then two epochs without improvement


def test_start_from_epoch_ignores_the_warm_up(backend: str) -> None:
    stopper = EarlyStopping(patience=0, start_from_epoch=3)
    history = Driver().fit([stopper], epochs=10, script=_val(1.0, 2.0, 3.0, 0.5, 0.6))
    assert len(history) == 5


def test_restore_best_weights_loads_the_best_epochs_weights(backend: str) -> None:
    driver = Driver()
    snapshots: list[dict[str, np.ndarray]] = []
    recorder = dn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(driver.model.state_dict()))
    stopper = EarlyStopping(patience=2, restore_best_weights=True)
    driver.fit([recorder, stopper], epochs=10, script=_val(1.0, 0.5, 0.7, 0.8, 0.2))
    assert stopper.stopped_epoch == 3 and stopper.best_epoch == 1
    for name, value in driver.model.state_dict().items():
        np.testing.assert_array_equal(value, snapshots[1][name])
        assert not np.array_equal(value, snapshots[3][name])


def test_without_restore_the_last_weights_stay(backend: str) -> None:
    driver = Driver()
    driver.fit([EarlyStopping(patience=0)], epochs=10, script=_val(1.0, 2.0))
    last = driver.model.state_dict()
    assert driver.global_step == 4 and all(np.isfinite(v).all() for v in last.values())


def test_missing_monitor_warns_with_the_available_keys(backend: str) -> None:
    stopper = EarlyStopping(monitor="val_loss", patience=0)
    with pytest.warns(UserWarning, match=r"EarlyStopping: monitor 'val_loss' is not in the logs.*loss, lr"):
        history = Driver().fit([stopper], epochs=3)
    assert len(history) == 3  # never stops on a value it cannot see


def test_an_instance_can_serve_two_fits(backend: str) -> None:
    stopper = EarlyStopping(patience=0)
    driver = Driver()
    assert len(driver.fit([stopper], epochs=10, script=_val(1.0, 2.0))) == 2
    assert len(driver.fit([stopper], epochs=10, script=_val(5.0, 4.0, 3.0, 3.5))) == 4
