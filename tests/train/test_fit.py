"""Trainer.fit / evaluate / predict on arrays, loaders and generators: logs, validation, epochs and steps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.callbacks import Callback
from dualnet.train import History
from tests.train.problems import LABELS, X, Y, classifier_trainer, regression_trainer


class Recorder(Callback):
    """Records every hook call as ``(hook, index or None, logs copy)``."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, Any, dict[str, float]]] = []

    def _note(self, hook: str, index: Any, logs: Any) -> None:
        self.calls.append((hook, index, dict(logs or {})))

    def on_train_begin(self, logs=None):  # type: ignore[no-untyped-def]
        self._note("train_begin", None, logs)

    def on_train_end(self, logs=None):  # type: ignore[no-untyped-def]
        self._note("train_end", None, logs)

    def on_epoch_begin(self, epoch, logs=None):  # type: ignore[no-untyped-def]
        self._note("epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):  # type: ignore[no-untyped-def]
        self._note("epoch_end", epoch, logs)

    def on_batch_end(self, batch, logs=None):  # type: ignore[no-untyped-def]
        self._note("batch_end", batch, logs)

    def on_test_end(self, logs=None):  # type: ignore[no-untyped-def]
        self._note("test_end", None, logs)

    def hooks(self, name: str) -> list[tuple[Any, dict[str, float]]]:
        return [(index, logs) for hook, index, logs in self.calls if hook == name]


def test_fit_returns_history_and_learns(backend: str) -> None:
    trainer = classifier_trainer()
    history = trainer.fit(X, LABELS, epochs=4, batch_size=16, verbose=0)
    assert isinstance(history, History) and trainer.history is history
    assert history.epoch == [0, 1, 2, 3]
    assert set(history.history) == {"loss", "accuracy", "lr"}
    assert all(isinstance(v, float) for values in history.history.values() for v in values)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["lr"] == [0.01] * 4
    assert trainer.global_step == 4 * 6 and trainer.epoch == 3


def test_evaluate_and_predict(backend: str) -> None:
    trainer = classifier_trainer()
    trainer.fit(X, LABELS, epochs=2, batch_size=32, verbose=0)
    results = trainer.evaluate(X, LABELS, batch_size=40)
    assert set(results) == {"loss", "accuracy"}
    logits = trainer.predict(X, batch_size=40)
    assert isinstance(logits, np.ndarray) and logits.shape == (96, 3) and logits.dtype == np.float32
    # evaluate's loss is the sample mean of the per-batch losses: recompute it from predict's outputs.
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    np.testing.assert_allclose(results["loss"], -log_probs[np.arange(96), LABELS].mean(), rtol=1e-5)
    np.testing.assert_allclose(results["accuracy"], (logits.argmax(-1) == LABELS).mean(), rtol=1e-6)
    assert not trainer.model.training  # evaluation leaves the model in eval mode


def test_callbacks_see_epoch_and_batch_logs(backend: str) -> None:
    recorder = Recorder()
    trainer = regression_trainer()
    trainer.fit(X, Y, epochs=2, batch_size=32, callbacks=[recorder], validation_data=(X[:20], Y[:20]), verbose=0)
    assert [c[0] for c in recorder.calls[:2]] == ["train_begin", "epoch_begin"]
    assert recorder.calls[-1][0] == "train_end"
    assert [i for i, _ in recorder.hooks("batch_end")] == [0, 1, 2, 0, 1, 2]
    assert all(set(logs) == {"loss"} for _, logs in recorder.hooks("batch_end"))
    epochs = recorder.hooks("epoch_end")
    assert [i for i, _ in epochs] == [0, 1]
    assert set(epochs[0][1]) == {"loss", "val_loss", "lr"}
    assert recorder.hooks("test_end")[0][1]["loss"] == epochs[0][1]["val_loss"]
    assert recorder.params == {"epochs": 2, "steps": 3, "verbose": 0}
    assert recorder.trainer is trainer and recorder.model is trainer.model


def test_validation_split_holds_out_the_last_samples(backend: str) -> None:
    trainer = regression_trainer()
    history = trainer.fit(X, Y, epochs=1, batch_size=16, validation_split=0.25, verbose=0)
    # The held-out 24 samples were not trained on: evaluating them gives the logged val_loss.
    assert trainer.evaluate(X[72:], Y[72:])["loss"] == pytest.approx(history.history["val_loss"][0], rel=1e-5)
    assert trainer.global_step == 72 // 16 + 1


def test_validation_data_as_a_loader(backend: str) -> None:
    trainer = classifier_trainer()
    loader = dn.data.DataLoader((X[:30], LABELS[:30]), batch_size=8)
    history = trainer.fit(X, LABELS, epochs=2, batch_size=32, validation_data=loader, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    assert history.history["val_loss"][-1] == pytest.approx(trainer.evaluate(X[:30], LABELS[:30])["loss"], rel=1e-5)


def test_initial_epoch_counts_on(backend: str) -> None:
    trainer = regression_trainer()
    history = trainer.fit(X, Y, epochs=5, initial_epoch=3, batch_size=32, verbose=0)
    assert history.epoch == [3, 4] and len(history.history["loss"]) == 2
    assert trainer.global_step == 6


def test_steps_per_epoch_with_an_endless_generator(backend: str) -> None:
    def endless() -> Any:
        i = 0
        while True:
            rows = np.arange(i, i + 8) % len(X)
            yield X[rows], Y[rows]
            i += 8

    recorder = Recorder()
    trainer = regression_trainer()
    history = trainer.fit(endless(), epochs=3, steps_per_epoch=4, callbacks=[recorder], verbose=0)
    assert len(history.history["loss"]) == 3
    assert trainer.global_step == 12 and recorder.params["steps"] == 4


def test_steps_per_epoch_caps_array_epochs(backend: str) -> None:
    trainer = regression_trainer()
    trainer.fit(X, Y, epochs=2, batch_size=16, steps_per_epoch=2, verbose=0)
    assert trainer.global_step == 4


def test_a_finite_generator_without_steps_runs_out_clearly(backend: str) -> None:
    batches = ((X[i : i + 32], Y[i : i + 32]) for i in range(0, 96, 32))
    trainer = regression_trainer()
    with pytest.raises(dn.ArgumentError, match=r"epoch 2.*steps_per_epoch"):
        trainer.fit(batches, epochs=2, verbose=0)
    assert trainer.global_step == 3


def test_fit_on_a_dataloader_and_sample_weights(backend: str) -> None:
    weights = np.where(LABELS == 0, 0.0, 1.0).astype("float32")
    trainer = classifier_trainer()
    trainer.fit(X, LABELS, epochs=1, batch_size=96, sample_weight=weights, shuffle=False, verbose=0)
    weighted = trainer.evaluate(X, LABELS, batch_size=96, sample_weight=weights)["loss"]
    per_class = trainer.evaluate(X[LABELS > 0], LABELS[LABELS > 0], batch_size=96)["loss"]
    # Keras's weighted mean: the weighted sum over the number of values.
    assert weighted == pytest.approx(per_class * (LABELS > 0).mean(), rel=1e-5)
    loader = dn.data.DataLoader((X, LABELS), batch_size=24, shuffle=True)
    history = trainer.fit(loader, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_class_weight_is_a_per_sample_weight(backend: str) -> None:
    ids = LABELS.copy()
    first = classifier_trainer()
    first.fit(X, ids, epochs=1, batch_size=32, shuffle=False, class_weight={0: 0.5, 2: 3.0}, verbose=0)
    dn.seed(0)
    second = classifier_trainer()
    weights = np.array([0.5, 1.0, 3.0], "float32")[ids]
    second.fit(X, ids, epochs=1, batch_size=32, shuffle=False, sample_weight=weights, verbose=0)
    np.testing.assert_allclose(first.predict(X), second.predict(X), rtol=1e-6, atol=1e-6)


def test_verbose_2_prints_one_line_per_epoch(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    regression_trainer().fit(X, Y, epochs=2, batch_size=48, verbose=2)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Epoch")]
    assert len(lines) == 2 and "loss:" in lines[0]


def test_evaluate_verbose_prints_the_results(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    results = classifier_trainer().evaluate(X, LABELS, verbose=2)
    assert (
        capsys.readouterr().out.strip()
        == f"Evaluate - loss: {results['loss']:.4f} - accuracy: {results['accuracy']:.4f}"
    )


def test_verbose_0_prints_nothing(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    regression_trainer().fit(X, Y, epochs=1, batch_size=48, verbose=0)
    assert capsys.readouterr().out == ""


def test_learning_rate_set_by_a_callback_reaches_the_compiled_step(backend: str) -> None:
    frozen = dn.callbacks.LearningRateScheduler(lambda epoch, lr: 0.0 if epoch >= 1 else lr)
    trainer = regression_trainer()
    weights: list[dict[str, np.ndarray]] = []
    keep = dn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: weights.append(trainer.model.state_dict()))
    initial = trainer.model.state_dict()
    history = trainer.fit(X, Y, epochs=3, batch_size=32, callbacks=[frozen, keep], verbose=0)
    assert history.history["lr"] == [0.01, 0.0, 0.0]
    assert not np.array_equal(initial["0.kernel"], weights[0]["0.kernel"])
    for name in weights[1]:
        np.testing.assert_array_equal(weights[1][name], weights[2][name])


def test_device_argument(backend: str) -> None:
    trainer = regression_trainer(device="cpu")
    assert trainer.device == "cpu"
    trainer.fit(X, Y, epochs=1, batch_size=48, verbose=0)
    with pytest.raises(dn.DeviceError, match="not available"):
        regression_trainer(device="cuda:7")
