"""Misuse by path or dtype: folders, FIFOs and devices given as files, and weights of another dtype."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, check
from tests.reliability.files import X, checkpoint, fifo, model, retyped


def _trainer() -> dn.Trainer:
    net = model()
    return dn.Trainer(net, dn.optim.SGD(net.parameters(), lr=0.1), "mse")


LOADERS: dict[str, tuple[str, Callable[[Path], Any]]] = {
    "load_weights": ("weights file", lambda p: model().load_weights(p)),
    "load_state": ("weights file", dn.io.load_state),
    "dn.load": ("saved model", dn.load),
    "read_config": ("saved model", dn.io.read_config),
    "load_checkpoint": ("checkpoint", lambda p: dn.load_checkpoint(p, model=model())),
    "read_metadata": ("checkpoint", dn.io.read_metadata),
    "resume_from": ("checkpoint", lambda p: _trainer().fit(X, X[:, :2], epochs=1, verbose=0, resume_from=p)),
}
WRITERS: dict[str, Callable[[Path], Any]] = {
    "save_weights": lambda p: model().save_weights(p),
    "save_state": lambda p: dn.io.save_state({"w": X}, p),
    "dn.save": lambda p: dn.save(model(), p),
    "save_checkpoint": lambda p: dn.save_checkpoint(p, model=model()),
}


@pytest.mark.parametrize("loader", list(LOADERS))
def test_loading_a_folder_says_it_is_one(backend: str, tmp_path: Path, loader: str) -> None:
    kind, load = LOADERS[loader]
    checkpoint(tmp_path / "last.safetensors")
    says = (f"{kind} {str(tmp_path)!r} is a directory", "(it holds last.safetensors)", "a file inside it")
    check(Case(loader, lambda: load(tmp_path), dn.WeightsFileError, says))


@pytest.mark.parametrize("loader", list(LOADERS))
def test_loading_a_fifo_or_a_device_says_what_it_is(backend: str, tmp_path: Path, loader: str) -> None:
    kind, load = LOADERS[loader]
    with fifo(tmp_path / "pipe") as pipe:
        says = (f"{kind} {str(pipe)!r} is a FIFO (named pipe), not a regular file", "save to a file")
        check(Case(loader, lambda: load(pipe), dn.WeightsFileError, says))
    device = Path("/dev/null")
    says = (f"{kind} '/dev/null' is a character device, not a regular file",)
    check(Case(loader, lambda: load(device), dn.WeightsFileError, says))


@pytest.mark.parametrize("loader", list(LOADERS))
def test_loading_a_dangling_link_names_its_target(backend: str, tmp_path: Path, loader: str) -> None:
    kind, load = LOADERS[loader]
    link = tmp_path / "w.safetensors"
    link.symlink_to(tmp_path / "gone.safetensors")
    says = (f"{kind} {str(link)!r} is a symbolic link to", "gone.safetensors', which does not exist", "check the path")
    check(Case(loader, lambda: load(link), dn.io.WeightsNotFoundError, says))


@pytest.mark.parametrize("writer", list(WRITERS))
def test_writing_onto_a_folder_or_a_fifo_is_refused_and_writes_nothing(
    backend: str, tmp_path: Path, writer: str
) -> None:
    save = WRITERS[writer]
    folder = tmp_path / "out"
    folder.mkdir()
    says = (f"cannot write {str(folder)!r}: it is a directory", "nothing was written", "a file path inside it")
    check(Case(writer, lambda: save(folder), dn.io.WriteError, says))
    with fifo(tmp_path / "pipe") as pipe:
        says = (f"cannot write {str(pipe)!r}: it is a FIFO (named pipe), not a regular file", "regular file path")
        check(Case(writer, lambda: save(pipe), dn.io.WriteError, says))
        assert pipe.is_fifo()  # not replaced by a regular file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pipe"]  # no temporary file left


def _saved_weights(tmp_path: Path, dtype: str, values: Callable[[np.ndarray], np.ndarray] | None = None) -> Path:
    path = tmp_path / "w.safetensors"
    model().save_weights(path)
    return retyped(path, dtype, values)


CAST_CASES: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray] | None, str]] = {
    # float32 bits labelled I32: loaded as ints they are values around 1.06e9
    "float bits as I32": ("int32", lambda a: a.view("int32"), "int32 into float32: the kind changes"),
    "small ints as I64": ("int64", lambda a: np.round(a * 4), "int64 into float32: the kind changes"),
    "bools": ("bool", lambda a: a > 0, "bool into float32: the kind changes"),
    "float64 beyond float32": (
        "float64",
        lambda a: a.astype("float64") + 1e-12,
        "float64 into float32: float32 would round",
    ),
}


@pytest.mark.parametrize("case", list(CAST_CASES))
def test_weights_of_another_kind_or_precision_need_cast(backend: str, tmp_path: Path, case: str) -> None:
    dtype, values, says = CAST_CASES[case]
    path = _saved_weights(tmp_path, dtype, values)
    target = model()
    before = target.state_dict()
    fix = ("'0.kernel' (", says, "pass cast=True", "load_weights(path, cast=True)")
    check(Case(case, lambda: target.load_weights(path), dn.StateDictError, fix))
    check(Case(case, lambda: target.load_state_dict(dn.io.load_state(path)), dn.StateDictError, fix))
    assert all((target.state_dict()[k] == v).all() for k, v in before.items())  # nothing assigned


def test_saved_model_with_retyped_weights_needs_cast(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "m.safetensors"
    dn.save(model(), path)
    retyped(path, "int32", lambda a: a.view("int32"))
    says = ("int32 into float32: the kind changes", "dn.load(path, cast=True)")
    check(Case("dn.load", lambda: dn.load(path), dn.StateDictError, says))


@pytest.mark.parametrize("call", ["load_state_dict", "load_weights", "dn.load"])
def test_cast_must_be_a_bool(backend: str, tmp_path: Path, call: str) -> None:
    path = tmp_path / "m.safetensors"
    dn.save(model(), path)
    run = {
        "load_state_dict": lambda: model().load_state_dict(dn.io.load_state(path), cast="yes"),
        "load_weights": lambda: model().load_weights(path, cast=1),
        "dn.load": lambda: dn.load(path, cast="yes"),
    }[call]
    check(Case(call, run, dn.ArgumentError, ("cast",)))
