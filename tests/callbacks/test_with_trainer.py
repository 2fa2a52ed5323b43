"""Each callback through a real ``dn.Trainer.fit``: the effect shows in files, weights, rates, errors and output."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet import callbacks as cb
from dualnet.backend import registry
from dualnet.train import Trainer

_rng = np.random.default_rng(3)
X = _rng.standard_normal((48, 4)).astype("float32")
Y = np.tanh(X @ _rng.standard_normal((4, 1)).astype("float32")).astype("float32")
XV, YV = X[:16], Y[:16]


def _trainer(lr: float = 0.01) -> Trainer:
    model = dn.nn.Sequential([dn.nn.Dense(8, activation="relu", in_features=4), dn.nn.Dense(1, in_features=8)])
    return Trainer(model, dn.optim.SGD(model.parameters(), lr=lr), "mse", metrics=["mae"])


def _fit(trainer: Trainer, callbacks: list[cb.Callback], epochs: int = 3, **kwargs: object) -> dn.train.History:
    kwargs = {"batch_size": 16, "validation_data": (XV, YV), "verbose": 0, **kwargs}
    return trainer.fit(X, Y, epochs=epochs, callbacks=callbacks, **kwargs)  # type: ignore[arg-type]


def test_early_stopping_stops_and_restores_the_best_weights(backend: str) -> None:
    trainer = _trainer()
    snapshots: list[dict[str, np.ndarray]] = []
    recorder = cb.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(trainer.model.state_dict()))
    # "max" on a falling loss: epoch 0 stays the best, so patience 2 ends training after epoch 2
    stopper = cb.EarlyStopping(monitor="val_loss", mode="max", patience=2, restore_best_weights=True)
    history = _fit(trainer, [recorder, stopper], epochs=10)
    assert history.epoch == [0, 1, 2] and stopper.stopped_epoch == 2
    for name, value in trainer.model.state_dict().items():
        np.testing.assert_array_equal(value, snapshots[0][name])


def test_model_checkpoint_files_load_back(backend: str, tmp_path: Path) -> None:
    trainer = _trainer()
    checkpoint = cb.ModelCheckpoint(tmp_path / "e{epoch}-{val_loss:.4f}.safetensors", keep_last=2)
    history = _fit(trainer, [checkpoint], epochs=3)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"e{e + 1}-{history.history['val_loss'][e]:.4f}.safetensors" for e in (1, 2)]
    fresh = _trainer().model
    fresh.load_weights(checkpoint.last_path)  # type: ignore[arg-type]
    for name, value in fresh.state_dict().items():
        np.testing.assert_array_equal(value, trainer.model.state_dict()[name])


def test_reduce_lr_on_plateau_lowers_the_rate(backend: str) -> None:
    plateau = cb.ReduceLROnPlateau(monitor="loss", mode="max", patience=0, factor=0.5)
    history = _fit(_trainer(lr=0.1), [plateau], epochs=4)
    # epoch 0 sets the best; each later epoch fails to "improve" and halves the rate of the next
    np.testing.assert_allclose(history.history["lr"], [0.1, 0.1, 0.05, 0.025])


def test_learning_rate_scheduler_sets_each_epochs_rate(backend: str) -> None:
    history = _fit(_trainer(), [cb.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))], epochs=3)
    np.testing.assert_allclose(history.history["lr"], [0.1, 0.05, 0.1 / 3])


def test_csv_logger_rows_match_the_history(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    history = _fit(_trainer(), [cb.CSVLogger(path)], epochs=2)
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["epoch", "loss", "lr", "mae", "val_loss", "val_mae"]
    for key, values in history.history.items():
        assert [float(row[key]) for row in rows] == values


def test_terminate_on_nan_reports_epoch_and_step(backend: str) -> None:
    y = Y.copy()
    y[37] = np.nan  # in the third batch of 16 (no shuffling): step 3 of epoch 1
    trainer = _trainer()
    with pytest.raises(dn.NumericsError, match=r"loss is nan at epoch 1, step 3 \(batch 3\); .*TerminateOnNaN"):
        trainer.fit(X, y, epochs=3, batch_size=16, shuffle=False, verbose=0, callbacks=[cb.TerminateOnNaN()])
    assert trainer.global_step == 3 and trainer.history is not None and trainer.history.epoch == [0]


def test_progress_lines_and_silence(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    _fit(_trainer(), [], epochs=2, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, lines
    assert re.fullmatch(
        r"Epoch 2/2 - 3 steps - \d+\.\d s - loss: \S+ - mae: \S+ - val_loss: \S+ - val_mae: \S+", lines[1]
    )
    _fit(_trainer(), [], epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    _fit(_trainer(), [], epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "3/3" in out and "step/s" in out and "val_mae" in out


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
def test_tensorboard_files_have_the_same_tags_on_both_backends(tmp_path: Path) -> None:
    event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    found: dict[str, dict[str, dict[str, list[float]]]] = {}
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        dn.seed(0)
        _fit(_trainer(), [cb.TensorBoard(tmp_path / name)], epochs=2, shuffle=False)
        found[name] = {}
        for run in ("train", "validation"):
            accumulator = event_accumulator.EventAccumulator(str(tmp_path / name / run))
            accumulator.Reload()
            found[name][run] = {
                tag: [e.value for e in accumulator.Scalars(tag)] for tag in accumulator.Tags()["scalars"]
            }
    assert sorted(found["torch"]["train"]) == ["epoch_learning_rate", "epoch_loss", "epoch_mae"]
    assert sorted(found["torch"]["validation"]) == ["epoch_loss", "epoch_mae"]
    for run in ("train", "validation"):
        assert found["torch"][run].keys() == found["tensorflow"][run].keys()
        for tag, values in found["torch"][run].items():
            np.testing.assert_allclose(values, found["tensorflow"][run][tag], rtol=1e-4, err_msg=f"{run}/{tag}")
