"""Misuse of saving and loading: wrong files, unregistered classes, other architectures (corrupt files: test_faults)."""

from __future__ import annotations

from pathlib import Path

import pytest

import dualnet as dn
from tests.errors.catalogue import Case, X, check, mlp


class _Unregistered(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = dn.nn.Dense(2)

    def forward(self, x: object) -> object:
        return self.fc(x)


def _weights_file(tmp_path: Path) -> Path:
    path = tmp_path / "weights.safetensors"
    mlp().save_weights(path)
    return path


def _other_architecture() -> dn.nn.Module:
    return mlp((5, 2))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda tmp: Case(
                "load a missing file",
                lambda: dn.load(tmp / "nope.safetensors"),
                dn.DualnetError,
                ("'" + str(tmp / "nope.safetensors") + "' does not exist", "check the path"),
            ),
            id="load missing",
        ),
        pytest.param(
            lambda tmp: Case(
                "load a folder",
                lambda: dn.load(tmp),
                dn.WeightsFileError,
                ("saved model", "is a directory", "pass the path of a file inside it"),
            ),
            id="load folder",
        ),
        pytest.param(
            lambda tmp: Case(
                "load a weights file as a model",
                lambda: dn.load(_weights_file(tmp)),
                dn.WeightsFileError,
                ("no dualnet model config", "model.load_weights(path)"),
            ),
            id="weights as model",
        ),
        pytest.param(
            lambda tmp: Case(
                "read_config of weights",
                lambda: dn.io.read_config(_weights_file(tmp)),
                dn.WeightsFileError,
                ("weights.safetensors", "build the model in code"),
            ),
            id="read_config weights",
        ),
        pytest.param(
            lambda tmp: Case(
                "weights into another architecture",
                lambda: _other_architecture().load_weights(_weights_file(tmp)),
                dn.StateDictError,
                ("key '0.kernel'", "(3, 4)", "check layer sizes"),
            ),
            id="other architecture",
        ),
        pytest.param(
            lambda tmp: Case(
                "save an unregistered class",
                lambda: dn.save(_built_unregistered(), tmp / "m.safetensors"),
                dn.ArgumentError,
                ("not registered", "@dn.register_module"),
            ),
            id="unregistered",
        ),
        pytest.param(
            lambda tmp: Case(
                "save a non-module",
                lambda: dn.save("model", tmp / "m.safetensors"),
                dn.ArgumentError,
                ("dn.save(model=str)", "dn.nn.Module"),
            ),
            id="save non-module",
        ),  # type: ignore[arg-type]
        pytest.param(
            lambda tmp: Case(
                "weights into a missing folder",
                lambda: mlp().save_weights(tmp / "no" / "w.safetensors"),
                dn.DualnetError,
                ("cannot write", "check that the folder exists"),
                True,
            ),
            id="missing folder",
        ),
        pytest.param(
            lambda tmp: Case(
                "weights onto a folder",
                lambda: mlp().save_weights(tmp),
                dn.io.WriteError,
                ("it is a directory", "nothing was written", "pass a file path inside it"),
            ),
            id="onto folder",
        ),
        pytest.param(
            lambda tmp: Case(
                "checkpoint missing",
                lambda: dn.load_checkpoint(tmp / "none.ckpt"),
                dn.DualnetError,
                ("checkpoint", "does not exist", "check the path"),
            ),
            id="checkpoint missing",
        ),
    ],
)
def test_io_misuse(backend: str, tmp_path: Path, make: object) -> None:
    check(make(tmp_path))  # type: ignore[operator]


def _built_unregistered() -> dn.nn.Module:
    model = _Unregistered()
    model(X)
    return model
