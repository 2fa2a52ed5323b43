"""Bad input to the Trainer: each case raises a dualnet error that says what is wrong and how to fix it."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.train import Trainer
from tests.train.problems import LABELS, X, Y, classifier_trainer, mlp, regression_trainer


def test_x_and_y_of_different_lengths(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match="y has 95 samples but x has 96"):
        regression_trainer().fit(X, Y[:95], epochs=1, verbose=0)
    with pytest.raises(dn.ShapeError, match="95 samples"):
        regression_trainer().evaluate(X, Y[:95])


def test_empty_data(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="0 samples"):
        regression_trainer().fit(X[:0], Y[:0], epochs=1, verbose=0)
    with pytest.raises(dn.ArgumentError, match="no batches"):
        regression_trainer().fit(iter([]), epochs=1, verbose=0)
    with pytest.raises(dn.ArgumentError, match="0 samples"):
        regression_trainer().predict(X[:0])


@pytest.mark.parametrize("size", [0, -4])
def test_batch_size_must_be_positive(backend: str, size: int) -> None:
    trainer = regression_trainer()
    with pytest.raises(dn.ArgumentError, match="batch_size"):
        trainer.fit(X, Y, epochs=1, batch_size=size, verbose=0)
    with pytest.raises(dn.ArgumentError, match="batch_size"):
        trainer.evaluate(X, Y, batch_size=size)
    with pytest.raises(dn.ArgumentError, match="batch_size"):
        trainer.predict(X, batch_size=size)


def test_labels_out_of_range(backend: str) -> None:
    bad = LABELS.copy()
    bad[50] = 3  # 3 classes: ids must be in [0, 3)
    trainer = classifier_trainer()
    with pytest.raises(dn.ArgumentError, match=r"class ids must lie in \[0, 3\).*\[0, 3\]"):
        trainer.fit(X, bad, epochs=1, batch_size=32, shuffle=False, verbose=0)
    with pytest.raises(dn.ArgumentError, match=r"class ids must lie in \[0, 3\)"):
        trainer.evaluate(X, np.full_like(LABELS, -1))


def test_a_loss_turning_nan_stops_with_epoch_and_step(backend: str) -> None:
    poisoned = Y.copy()
    poisoned[70] = np.nan  # a NaN target: batch 3 of 3 (rows 64..95) of the first epoch has a NaN loss
    trainer = regression_trainer()
    seen_end: list[bool] = []
    end = dn.callbacks.LambdaCallback(on_train_end=lambda logs: seen_end.append(True))
    with pytest.raises(dn.NumericsError, match=r"loss is nan at epoch 1, step 3 \(batch 3\).*TerminateOnNaN"):
        trainer.fit(
            X,
            poisoned,
            epochs=3,
            batch_size=32,
            shuffle=False,
            callbacks=[dn.callbacks.TerminateOnNaN(), end],
            verbose=0,
        )
    assert seen_end == [True]  # on_train_end ran before the error
    assert trainer.global_step == 3 and trainer.stop_training


def test_a_non_callback_in_callbacks(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"callbacks\[1\].*str"):
        regression_trainer().fit(X, Y, epochs=1, callbacks=[dn.callbacks.TerminateOnNaN(), "early_stop"], verbose=0)


def test_a_model_without_parameters_given_to_an_optimizer(backend: str) -> None:
    lazy = dn.nn.Sequential([dn.nn.Dense(4)])  # sizes come from the first call: no parameters yet
    with pytest.raises(dn.ArgumentError, match=r"no parameters to optimize.*call the model once"):
        Trainer(lazy, dn.optim.Adam(lazy.parameters()), "mse")


def test_bad_constructor_arguments(backend: str) -> None:
    model = mlp()
    opt = dn.optim.SGD(model.parameters())
    with pytest.raises(dn.ArgumentError, match=r"expected a dn\.nn\.Module"):
        Trainer(lambda x: x, opt, "mse")  # type: ignore[arg-type]
    with pytest.raises(dn.ArgumentError, match=r"dn\.optim optimizer"):
        Trainer(model, "adam", "mse")  # type: ignore[arg-type]
    with pytest.raises(dn.ArgumentError, match="unknown loss 'msee'"):
        Trainer(model, opt, "msee")
    with pytest.raises(dn.ArgumentError, match="jit"):
        Trainer(model, opt, "mse", jit="yes")  # type: ignore[arg-type]
    other = mlp()
    with pytest.raises(dn.ArgumentError, match="not parameters of the model"):
        Trainer(model, dn.optim.SGD(other.parameters()), "mse").fit(X, Y, epochs=1, verbose=0)


def test_bad_fit_arguments(backend: str) -> None:
    trainer = regression_trainer()
    with pytest.raises(dn.ArgumentError, match="epochs"):
        trainer.fit(X, Y, epochs=-1, verbose=0)
    with pytest.raises(dn.ArgumentError, match="steps_per_epoch"):
        trainer.fit(X, Y, epochs=1, steps_per_epoch=0, verbose=0)
    with pytest.raises(dn.ArgumentError, match="verbose"):
        trainer.fit(X, Y, epochs=1, verbose=3)
    with pytest.raises(dn.ArgumentError, match="validation_split"):
        trainer.fit(X, Y, epochs=1, validation_split=1.5, verbose=0)
    with pytest.raises(dn.ArgumentError, match="not both"):
        trainer.fit(X, Y, epochs=1, validation_split=0.2, validation_data=(X, Y), verbose=0)
    with pytest.raises(dn.ArgumentError, match="needs NumPy arrays"):
        trainer.fit(iter([(X, Y)]), epochs=1, validation_split=0.2, verbose=0)
    with pytest.raises(dn.ArgumentError, match="no targets y"):
        trainer.fit(X, epochs=1, verbose=0)


def test_trainer_is_tied_to_its_backend(backend: str) -> None:
    trainer = regression_trainer()
    other = "tensorflow" if backend == "torch" else "torch"
    dn.set_backend(other)
    try:
        with pytest.raises(dn.StateError, match=f"made on backend '{backend}'"):
            trainer.fit(X, Y, epochs=1, verbose=0)
    finally:
        dn.set_backend(backend)
