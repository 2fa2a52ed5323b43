"""ModelCheckpoint: formatted paths, save_best_only, keep_last, and files that load back with load_weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.callbacks import ModelCheckpoint

from .driver import Driver, model_and_optimizer


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_one_file_per_epoch_named_from_the_logs(backend: str, tmp_path: Path) -> None:
    checkpoint = ModelCheckpoint(tmp_path / "ckpt" / "e{epoch:02d}-{val_loss:.2f}.safetensors")
    Driver().fit([checkpoint], epochs=3, script=[{"val_loss": 0.5}, {"val_loss": 0.25}, {"val_loss": 0.125}])
    assert _names(tmp_path / "ckpt") == ["e01-0.50.safetensors", "e02-0.25.safetensors", "e03-0.12.safetensors"]
    assert checkpoint.last_path == tmp_path / "ckpt" / "e03-0.12.safetensors"


def test_a_checkpoint_loads_back_with_load_weights(backend: str, tmp_path: Path) -> None:
    driver = Driver()
    weights: list[dict[str, np.ndarray]] = []
    recorder = dn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: weights.append(driver.model.state_dict()))
    driver.fit([recorder, ModelCheckpoint(tmp_path / "e{epoch}.safetensors")], epochs=3)
    fresh, _ = model_and_optimizer()
    fresh.load_weights(tmp_path / "e2.safetensors")
    for name, value in fresh.state_dict().items():
        np.testing.assert_array_equal(value, weights[1][name])


def test_save_best_only_writes_only_on_improvement(backend: str, tmp_path: Path) -> None:
    checkpoint = ModelCheckpoint(tmp_path / "e{epoch}.safetensors", save_best_only=True)
    script = [{"val_loss": v} for v in (1.0, 0.8, 0.9, 0.7, 0.75)]
    Driver().fit([checkpoint], epochs=5, script=script)
    assert _names(tmp_path) == ["e1.safetensors", "e2.safetensors", "e4.safetensors"]
    assert checkpoint.best == 0.7


def test_save_best_only_overwrites_one_file_with_the_best_weights(backend: str, tmp_path: Path) -> None:
    driver = Driver()
    weights: list[dict[str, np.ndarray]] = []
    recorder = dn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: weights.append(driver.model.state_dict()))
    checkpoint = ModelCheckpoint(tmp_path / "best.safetensors", monitor="val_accuracy", save_best_only=True)
    script = [{"val_accuracy": v} for v in (0.5, 0.9, 0.6)]
    driver.fit([recorder, checkpoint], epochs=3, script=script)
    assert _names(tmp_path) == ["best.safetensors"]
    fresh, _ = model_and_optimizer()
    fresh.load_weights(tmp_path / "best.safetensors")
    for name, value in fresh.state_dict().items():
        np.testing.assert_array_equal(value, weights[1][name])


def test_keep_last_deletes_older_files_it_wrote(backend: str, tmp_path: Path) -> None:
    unrelated = tmp_path / "e0.safetensors"
    unrelated.write_bytes(b"from an earlier run")
    checkpoint = ModelCheckpoint(tmp_path / "e{epoch}.safetensors", keep_last=2)
    Driver().fit([checkpoint], epochs=5)
    assert _names(tmp_path) == ["e0.safetensors", "e4.safetensors", "e5.safetensors"]
    assert checkpoint.paths == [tmp_path / "e4.safetensors", tmp_path / "e5.safetensors"]


def test_keep_last_with_save_best_only_keeps_the_newest_bests(backend: str, tmp_path: Path) -> None:
    checkpoint = ModelCheckpoint(tmp_path / "e{epoch}.safetensors", save_best_only=True, keep_last=1)
    Driver().fit([checkpoint], epochs=4, script=[{"val_loss": v} for v in (1.0, 0.5, 0.6, 0.4)])
    assert _names(tmp_path) == ["e4.safetensors"]


def test_initial_value_threshold_must_be_beaten(backend: str, tmp_path: Path) -> None:
    checkpoint = ModelCheckpoint(tmp_path / "e{epoch}.safetensors", save_best_only=True, initial_value_threshold=0.6)
    Driver().fit([checkpoint], epochs=3, script=[{"val_loss": v} for v in (1.0, 0.7, 0.5)])
    assert _names(tmp_path) == ["e3.safetensors"]


def test_missing_monitor_warns_and_writes_nothing(backend: str, tmp_path: Path) -> None:
    checkpoint = ModelCheckpoint(tmp_path / "best.safetensors", save_best_only=True)
    with pytest.warns(UserWarning, match="ModelCheckpoint: monitor 'val_loss' is not in the logs"):
        Driver().fit([checkpoint], epochs=1)
    assert _names(tmp_path) == []


def test_a_path_field_missing_from_the_logs_is_an_argument_error(backend: str, tmp_path: Path) -> None:
    checkpoint = ModelCheckpoint(tmp_path / "e{epoch}-{val_acc:.2f}.safetensors")
    with pytest.raises(dn.ArgumentError, match=r"ModelCheckpoint\(filepath=.*no 'val_acc'.*available keys: loss, lr"):
        Driver().fit([checkpoint], epochs=1)


@pytest.mark.parametrize("filepath", ["e{.safetensors", "e{0}.safetensors", "e{}.safetensors"])
def test_a_malformed_path_template_is_an_argument_error(filepath: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"ModelCheckpoint\(filepath="):
        ModelCheckpoint(filepath)
