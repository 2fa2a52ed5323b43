"""TerminateOnNaN: stops at the batch whose loss is not finite and makes fit raise a NumericsError saying where."""

from __future__ import annotations

import math

import pytest

import dualnet as dn
from dualnet.callbacks import TerminateOnNaN

from .driver import Driver


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_stops_at_the_bad_step_and_names_epoch_and_step(backend: str, bad: float) -> None:
    driver = Driver()
    # three batches per epoch: step 5 is the second batch of the second epoch
    with pytest.raises(
        dn.NumericsError, match=rf"loss is {bad} at epoch 2, step 5 \(batch 2\); .*TerminateOnNaN; lower"
    ):
        driver.fit([TerminateOnNaN()], epochs=4, steps=3, batch_losses={5: bad})
    assert driver.global_step == 5 and driver.stop_training
    assert isinstance(driver.stop_error, dn.NumericsError) and isinstance(driver.stop_error, FloatingPointError)


def test_callbacks_after_it_still_see_the_end_of_training(backend: str) -> None:
    ended: list[bool] = []
    callbacks = [TerminateOnNaN(), dn.callbacks.LambdaCallback(on_train_end=lambda logs: ended.append(True))]
    with pytest.raises(dn.NumericsError):
        Driver().fit(callbacks, epochs=2, steps=2, batch_losses={1: math.nan})
    assert ended == [True]


def test_finite_losses_do_nothing(backend: str) -> None:
    callback = TerminateOnNaN()
    driver = Driver()
    assert len(driver.fit([callback], epochs=2)) == 2
    assert callback.error is None and not driver.stop_training


def test_a_nan_epoch_loss_is_caught_without_batch_logs(backend: str) -> None:
    callback = TerminateOnNaN()
    driver = Driver()
    callback.set_trainer(driver)
    callback.set_params({"epochs": 3, "steps": 4, "verbose": 0})
    callback.on_train_begin()
    callback.on_epoch_begin(1)
    driver.global_step = 8
    callback.on_epoch_end(1, {"loss": math.nan})
    assert driver.stop_training
    assert str(driver.stop_error).startswith("loss is nan at epoch 2, step 8 (batch 4)")
