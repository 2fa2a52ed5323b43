"""Files dualnet writes get the permissions open() would give: the umask for new files, the old bits on overwrite."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import dualnet as dn
from tests.reliability.files import X, model


def _trainer_checkpoint(path: Path) -> None:
    net = model()
    trainer = dn.Trainer(net, dn.optim.SGD(net.parameters(), lr=0.1), "mse")
    callback = dn.callbacks.ModelCheckpoint(path, save_weights_only=False)
    trainer.fit(X, X[:, :2], epochs=1, batch_size=4, verbose=0, callbacks=[callback])


WRITERS: dict[str, Callable[[Path], Any]] = {
    "save_weights": lambda p: model().save_weights(p),
    "dn.save": lambda p: dn.save(model(), p),
    "save_checkpoint": lambda p: dn.save_checkpoint(p, model=model()),
    "ModelCheckpoint": _trainer_checkpoint,
}


@contextmanager
def umask(value: int) -> Iterator[None]:
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _reference_mode(folder: Path) -> int:
    """What ``open(path, "wb")`` gives a new file under the current umask: the behaviour to match."""
    probe = folder / "probe"
    with open(probe, "wb"):
        pass
    mode = _mode(probe)
    probe.unlink()
    return mode


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002], ids=["umask 022", "umask 077", "umask 002"])
def test_a_new_file_gets_the_umask_like_open(backend: str, tmp_path: Path, writer: str, mask: int) -> None:
    path = tmp_path / "out.safetensors"
    with umask(mask):
        WRITERS[writer](path)
        expected = _reference_mode(tmp_path)
    assert _mode(path) == expected == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["out.safetensors"]


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("kept", [0o640, 0o600, 0o444], ids=["0640", "0600", "0444"])
def test_an_overwritten_file_keeps_its_mode(backend: str, tmp_path: Path, writer: str, kept: int) -> None:
    path = tmp_path / "out.safetensors"
    WRITERS[writer](path)
    path.chmod(kept)
    with umask(0o077):  # stricter than the file: the file's own bits win, as when open() truncates it
        WRITERS[writer](path)
    assert _mode(path) == kept
    assert dn.io.load_state(path)  # the new content is there and readable
