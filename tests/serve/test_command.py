"""``dualnet serve`` refuses what it cannot serve before it starts a server: exit 1 with a dualnet error, or
argparse's exit 2 for bad options."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet import cli
from dualnet.io.weights import save_state
from dualnet.serve.command import OPTIONS_ENV, _default_name, worker_app
from tests.serve.conftest import X, dense_model, expected, serving


def _serve(capsys: pytest.CaptureFixture[str], backend: str, *args: str) -> tuple[int, str]:
    status = cli.main(["serve", *args, "--backend", backend])
    return status, capsys.readouterr().err


def test_a_missing_file_exits_1(backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _serve(capsys, backend, str(tmp_path / "missing.safetensors"))
    assert status == 1
    assert "dualnet serve: error: WeightsNotFoundError: saved model" in err and "does not exist" in err


def test_a_weights_file_is_not_a_model(backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = dn.nn.Dense(2, in_features=3)
    model.save_weights(tmp_path / "w.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"not a safetensors file at all")
    for name in ("w.safetensors", "junk.safetensors"):
        status, err = _serve(capsys, backend, str(tmp_path / name))
        assert status == 1 and "dualnet serve: error: WeightsFileError" in err


def test_an_unregistered_class_exits_1(backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = {"format": "dualnet.model", "version": 1, "class": "NoSuchNet", "config": {}, "inputs": None}
    path = tmp_path / "unknown.safetensors"
    save_state({"w": np.zeros(2, "float32")}, path, metadata={"dualnet.config": json.dumps(config)})
    status, err = _serve(capsys, backend, str(path))
    assert status == 1 and "ArgumentError" in err and "class 'NoSuchNet' is not registered" in err


def test_a_model_saved_before_its_first_call_exits_1(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = dn.save(dn.nn.Dense(2, in_features=3), tmp_path / "uncalled.safetensors")
    status, err = _serve(capsys, backend, str(path))
    assert status == 1 and "input signature is unknown" in err


def test_a_missing_import_exits_1(backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _serve(capsys, backend, str(tmp_path / "m.safetensors"), "--import", "no_such_module_here")
    assert status == 1 and "--import" in err and "no_such_module_here" in err


@pytest.mark.parametrize(
    "args",
    [["--max-batch-size", "0"], ["--batch-timeout-ms", "5"], ["--batch-timeout-ms", "-1", "--max-batch-size", "4"]],
    ids=["zero-batch", "timeout-without-batching", "negative-timeout"],
)
def test_bad_options_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["serve", "m.safetensors", *args])
    assert exit_info.value.code == 2 and "dualnet serve: error:" in capsys.readouterr().err


@pytest.mark.anyio
async def test_a_worker_process_builds_its_app_from_the_environment(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What each of --workers N runs (uvicorn's factory), here in process: the options travel as JSON.
    model = dense_model()
    path = dn.save(model, tmp_path / "dense.safetensors")
    options = {"model_file": str(path), "name": "dense", "max_batch_size": 2, "batch_timeout_ms": 1.0}
    options |= {"max_queue_size": 4, "max_body_bytes": 10_000, "imports": []}
    monkeypatch.setenv(OPTIONS_ENV, json.dumps(options))
    async with serving(worker_app()) as client:
        response = await client.post("/v1/models/dense:predict", json={"instances": X.tolist()})
    np.testing.assert_allclose(response.json()["predictions"], expected(model, X), rtol=1e-5, atol=1e-5)


def test_the_default_name_is_the_file_name() -> None:
    assert _default_name("models/classifier.safetensors") == "classifier"
    assert _default_name("digits") == "digits"
