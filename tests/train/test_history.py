"""History: per-epoch lists of every log key, and plot() writing a PNG of the curves."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import dualnet as dn
from dualnet.train import History
from tests.train.problems import LABELS, X, classifier_trainer

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_history_records_each_epoch(backend: str) -> None:
    history = classifier_trainer().fit(X, LABELS, epochs=3, batch_size=32, validation_split=0.25, verbose=0)
    assert history.epoch == [0, 1, 2]
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}
    assert all(len(values) == 3 for values in history.history.values())


def test_plot_writes_a_png(backend: str, tmp_path: Path) -> None:
    history = classifier_trainer().fit(X, LABELS, epochs=2, batch_size=32, validation_split=0.25, verbose=0)
    path = history.plot(tmp_path / "curves.png")
    assert path == tmp_path / "curves.png"
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5000
    only_loss = history.plot(tmp_path / "loss.png", keys=["loss"])
    assert only_loss.read_bytes().startswith(PNG_MAGIC)
    with pytest.raises(dn.ArgumentError, match="no curves named"):
        history.plot(tmp_path / "x.png", keys=["f1"])


def test_plot_needs_matplotlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history = History()
    history.on_epoch_end(0, {"loss": 1.0})
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib...` raise ImportError
    with pytest.raises(dn.UnsupportedError, match=r"pip install 'dualnet\[plot\]'"):
        history.plot(tmp_path / "curves.png")


def test_plot_before_training_is_clear() -> None:
    with pytest.raises(dn.ArgumentError, match="nothing recorded"):
        History().plot("never.png")
