"""LearningRateScheduler and ReduceLROnPlateau change the optimizer's rate, and the steps feel it."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.callbacks import LearningRateScheduler, ReduceLROnPlateau

from .driver import Driver


def test_scheduler_sets_the_rate_at_each_epoch_begin(backend: str) -> None:
    driver = Driver(lr=0.1)
    history = driver.fit([LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr)], epochs=4)
    assert driver.lrs == [0.1, 0.05, 0.025, 0.0125]
    assert [logs["lr"] for logs in history] == driver.lrs


def test_scheduler_of_the_epoch_alone(backend: str) -> None:
    driver = Driver()
    driver.fit([LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))], epochs=3)
    np.testing.assert_allclose(driver.lrs, [0.01, 0.02, 0.03])


def test_a_dualnet_schedule_works_per_epoch(backend: str) -> None:
    driver = Driver()
    schedule = dn.optim.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    driver.fit([LearningRateScheduler(schedule)], epochs=3)
    np.testing.assert_allclose(driver.lrs, [0.1, 0.05, 0.025])


def test_a_zero_rate_freezes_the_weights(backend: str) -> None:
    driver = Driver()
    weights: list[dict[str, np.ndarray]] = []
    recorder = dn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: weights.append(driver.model.state_dict()))
    driver.fit([LearningRateScheduler(lambda epoch, lr: 0.05 if epoch == 0 else 0.0), recorder], epochs=2)
    for name in weights[0]:
        np.testing.assert_array_equal(weights[0][name], weights[1][name])


def test_a_bad_scheduled_value_is_an_argument_error(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"LearningRateScheduler: schedule returned -1.0 at epoch 0"):
        Driver().fit([LearningRateScheduler(lambda epoch, lr: -1.0)], epochs=1)
    with pytest.raises(dn.ArgumentError, match=r"LearningRateScheduler: schedule returned None"):
        Driver().fit([LearningRateScheduler(lambda epoch, lr: None)], epochs=1)  # type: ignore[arg-type,return-value]


def test_plateau_lowers_the_rate_after_patience_epochs(backend: str) -> None:
    driver = Driver(lr=0.1)
    plateau = ReduceLROnPlateau(factor=0.5, patience=2)
    script = [{"val_loss": v} for v in (1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94)]
    history = driver.fit([plateau], epochs=7, script=script)
    # epochs 2 and 3 do not improve on 0.9: the rate halves for epoch 4; epochs 4 and 5 again: halves for epoch 6
    np.testing.assert_allclose(driver.lrs, [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025])
    assert [logs["lr"] for logs in history] == driver.lrs  # each epoch logs the rate it trained with


def test_plateau_respects_cooldown_min_lr_and_min_delta(backend: str) -> None:
    driver = Driver(lr=0.1)
    plateau = ReduceLROnPlateau(factor=0.1, patience=0, cooldown=1, min_lr=0.002, min_delta=0.1)
    script = [{"val_loss": v} for v in (1.0, 0.95, 0.94, 0.93, 0.92, 0.91, 0.9)]  # gains below min_delta do not count
    driver.fit([plateau], epochs=7, script=script)
    # reduce after epoch 1; epoch 2 is cooldown; reduce after epoch 3 (to min_lr); epoch 4 cooldown; then at min_lr
    np.testing.assert_allclose(driver.lrs, [0.1, 0.1, 0.01, 0.01, 0.002, 0.002, 0.002])


def test_plateau_in_max_mode_for_accuracy(backend: str) -> None:
    driver = Driver(lr=0.1)
    script = [{"val_accuracy": v} for v in (0.5, 0.6, 0.55, 0.7)]
    driver.fit([ReduceLROnPlateau(monitor="val_accuracy", patience=0, factor=0.5)], epochs=4, script=script)
    np.testing.assert_allclose(driver.lrs, [0.1, 0.1, 0.1, 0.05])


def test_plateau_warns_when_the_monitor_is_missing(backend: str) -> None:
    driver = Driver(lr=0.1)
    with pytest.warns(UserWarning, match="ReduceLROnPlateau: monitor 'val_loss' is not in the logs"):
        driver.fit([ReduceLROnPlateau(patience=0)], epochs=2)
    assert driver.lrs == [0.1, 0.1]


def test_an_optimizer_on_a_schedule_is_refused(backend: str) -> None:
    driver = Driver()
    driver.optimizer = dn.optim.SGD(driver.model.parameters(), lr=dn.optim.schedules.CosineDecay(0.1, decay_steps=10))
    for callback in (ReduceLROnPlateau(), LearningRateScheduler(lambda epoch, lr: lr)):
        with pytest.raises(dn.ArgumentError, match=f"{type(callback).__name__}: SGD follows a learning-rate schedule"):
            driver.fit([callback], epochs=1)


def test_a_trainer_without_optimizer_is_refused(backend: str) -> None:
    driver = Driver()
    driver.optimizer = None
    with pytest.raises(dn.ArgumentError, match="ReduceLROnPlateau: the trainer has no optimizer"):
        driver.fit([ReduceLROnPlateau()], epochs=1)


def test_every_optimizer_of_a_trainer_with_two_is_set(backend: str) -> None:
    driver = Driver(lr=0.1)
    other = dn.optim.Adam(driver.model.parameters(), lr=0.3)
    first = driver.optimizer
    driver.optimizer = (first, other)
    schedule = LearningRateScheduler(lambda epoch, lr: 0.01)
    schedule.set_trainer(driver)
    schedule.on_epoch_begin(0)
    assert first.lr == other.lr == 0.01
