"""TensorBoard: event files written in pure Python that TensorBoard's own readers accept, with Keras's tags."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import registry
from dualnet.callbacks import TensorBoard
from dualnet.callbacks.event_writer import EventFileWriter, crc32c, masked_crc32c

from .driver import Driver

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


def _scalars(folder: Path) -> dict[str, list[tuple[int, float]]]:
    accumulator = event_accumulator.EventAccumulator(str(folder))
    accumulator.Reload()
    return {
        tag: [(event.step, event.value) for event in accumulator.Scalars(tag)] for tag in accumulator.Tags()["scalars"]
    }


def _records(path: Path) -> list[bytes]:
    """Every record of a TFRecord file, each CRC checked with tensorboard's own (independent) CRC code."""
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c as reference_crc

    data, records, offset = path.read_bytes(), [], 0
    while offset < len(data):
        header = data[offset : offset + 8]
        (length,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[offset + 8 : offset + 12])[0] == reference_crc(header)
        body = data[offset + 12 : offset + 12 + length]
        assert struct.unpack("<I", data[offset + 12 + length : offset + 16 + length])[0] == reference_crc(body)
        records.append(body)
        offset += 16 + length
    return records


def test_crc32c_matches_the_standard_check_value_and_tensorboards_code() -> None:
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c as reference_crc

    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(b"") == 0
    for size in (0, 1, 7, 64, 1000):
        data = np.random.default_rng(size).integers(0, 256, size, dtype=np.uint8).tobytes()
        assert masked_crc32c(data) == reference_crc(data)


def test_writer_output_parses_as_event_protobufs(tmp_path: Path) -> None:
    from tensorboard.compat.proto import event_pb2

    writer = EventFileWriter(tmp_path)
    writer.add_scalars({"epoch_loss": 0.5, "epoch_accuracy": 0.75}, step=3, wall_time=1234.5)
    writer.add_scalar("epoch_loss", -2.0, step=2**40)
    writer.close()
    assert writer.path is not None and writer.path.name.startswith("events.out.tfevents.")
    events = [event_pb2.Event.FromString(record) for record in _records(writer.path)]
    assert events[0].file_version == "brain.Event:2"
    assert events[1].wall_time == 1234.5 and events[1].step == 3
    assert [(v.tag, v.simple_value) for v in events[1].summary.value] == [("epoch_loss", 0.5), ("epoch_accuracy", 0.75)]
    assert events[2].step == 2**40 and events[2].summary.value[0].simple_value == -2.0


def test_nothing_is_written_before_the_first_value(tmp_path: Path) -> None:
    writer = EventFileWriter(tmp_path / "run")
    writer.add_scalars({}, step=0)
    writer.close()
    assert not (tmp_path / "run").exists()


def test_epoch_values_in_train_and_validation_runs(backend: str, tmp_path: Path) -> None:
    script = [
        {"accuracy": 0.5, "val_loss": 0.9, "val_accuracy": 0.4},
        {"accuracy": 0.75, "val_loss": 0.6, "val_accuracy": 0.7},
    ]
    history = Driver().fit([TensorBoard(tmp_path)], epochs=2, script=script)
    train, validation = _scalars(tmp_path / "train"), _scalars(tmp_path / "validation")
    assert sorted(train) == ["epoch_accuracy", "epoch_learning_rate", "epoch_loss"]
    assert sorted(validation) == ["epoch_accuracy", "epoch_loss"]
    np.testing.assert_allclose([v for _, v in train["epoch_loss"]], [h["loss"] for h in history], rtol=1e-6)
    assert [step for step, _ in train["epoch_loss"]] == [0, 1]
    np.testing.assert_allclose([v for _, v in train["epoch_learning_rate"]], [0.05, 0.05], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in validation["epoch_loss"]], [0.9, 0.6], rtol=1e-6)
    np.testing.assert_allclose([v for _, v in validation["epoch_accuracy"]], [0.4, 0.7], rtol=1e-6)


def test_batch_values_every_n_steps(backend: str, tmp_path: Path) -> None:
    Driver().fit([TensorBoard(tmp_path, update_freq=2)], epochs=2, steps=3)
    train = _scalars(tmp_path / "train")
    assert [step for step, _ in train["batch_loss"]] == [2, 4, 6]
    assert "batch_lr" not in train and not (tmp_path / "validation").exists()


def test_steps_per_second(backend: str, tmp_path: Path) -> None:
    Driver().fit([TensorBoard(tmp_path, write_steps_per_second=True)], epochs=1)
    (speed,) = _scalars(tmp_path / "train")["epoch_steps_per_second"]
    assert speed[1] > 0


def test_a_second_fit_writes_new_files(backend: str, tmp_path: Path) -> None:
    callback, driver = TensorBoard(tmp_path), Driver()
    driver.fit([callback], epochs=1)
    driver.fit([callback], epochs=1)
    assert len(list((tmp_path / "train").iterdir())) == 2


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
def test_same_tags_and_steps_on_both_backends(tmp_path: Path) -> None:
    found = {}
    script = [{"accuracy": 0.5, "val_loss": 0.9, "val_accuracy": 0.4}] * 2
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        dn.seed(0)
        Driver().fit([TensorBoard(tmp_path / name, update_freq="batch")], epochs=2, script=script)
        found[name] = {
            run: {tag: [step for step, _ in values] for tag, values in _scalars(tmp_path / name / run).items()}
            for run in ("train", "validation")
        }
    assert found["torch"] == found["tensorflow"]
