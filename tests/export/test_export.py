"""Every export format round-trips the example models: run the artifact, compare with the model to 1e-5."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import export
from dualnet.cli import main
from dualnet.io.model import save
from tests.export.models import MODELS, bigger_batch

FORMATS = {"torch": ("torch_program", "onnx"), "tensorflow": ("saved_model", "tflite", "onnx")}


def run_artifact(fmt: str, path: Path, x: np.ndarray) -> np.ndarray:
    """Run an exported artifact on ``x`` with its own runtime, no dualnet involved."""
    if fmt == "onnx":
        import onnxruntime as ort

        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        return np.asarray(session.run(None, {session.get_inputs()[0].name: x})[0])
    if fmt == "torch_program":
        import torch

        return torch.export.load(str(path)).module()(torch.as_tensor(x)).detach().numpy()  # type: ignore[no-any-return]
    if fmt == "saved_model":
        import tensorflow as tf

        return tf.saved_model.load(str(path)).signatures["serving_default"](input=tf.constant(x))["output"].numpy()  # type: ignore[no-any-return]
    interpreter = _tflite_interpreter(path)
    (inp,), (out,) = interpreter.get_input_details(), interpreter.get_output_details()
    interpreter.resize_tensor_input(inp["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    return np.asarray(interpreter.get_tensor(out["index"]))


def _tflite_interpreter(path: Path) -> Any:
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    return Interpreter(model_path=str(path))


def _check(fmt: str, model: dn.nn.Module, x: np.ndarray, path: Path) -> None:
    model.eval()
    x3 = bigger_batch(x)  # another batch size than the traced one: the batch dimension is dynamic
    expected = np.asarray(dn.ops.to_numpy(model(x3)))
    np.testing.assert_allclose(run_artifact(fmt, path, x3), expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", list(MODELS))
def test_every_format_round_trips(backend: str, tmp_path: Path, name: str) -> None:
    model, x = MODELS[name]()
    model(x)
    for fmt in FORMATS[backend]:
        path = getattr(export, fmt)(model, x, tmp_path / f"model.{fmt}")
        assert model.training, "export restores the model's mode"
        _check(fmt, model, x, path)
        model.train()


def test_torch_program_is_torch_only(tmp_path: Path) -> None:
    dn.set_backend("tensorflow")
    model, x = MODELS["mlp"]()
    with pytest.raises(dn.UnsupportedError, match=r"tensorflow backend: torch\.export"):
        export.torch_program(model, x, tmp_path / "m.pt2")


def test_tflite_from_torch_runs_tensorflow_in_a_subprocess(tmp_path: Path) -> None:
    dn.set_backend("torch")
    model, x = MODELS["lstm"]()  # a custom registered class: the subprocess imports its module
    model(x)
    _check("tflite", model, x, export.tflite(model, x, tmp_path / "m.tflite"))


def test_cli_exports_a_saved_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dn.set_backend("torch")
    model, x = MODELS["cnn"]()
    model(x)
    save(model, tmp_path / "m.safetensors")
    args = ["export", "onnx", str(tmp_path / "m.safetensors"), str(tmp_path / "m.onnx"), "--input-shape", "1,8,8,1"]
    assert main([*args, "--backend", "torch"]) == 0
    assert "wrote" in capsys.readouterr().out
    _check("onnx", model, x, tmp_path / "m.onnx")


def test_cli_failure_exits_non_zero_with_the_dualnet_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["export", "tflite", str(tmp_path / "none.safetensors"), str(tmp_path / "m.tflite"), "--input-shape", "1,4"]
    assert main([*args, "--backend", "tensorflow"]) == 1
    assert "does not exist" in capsys.readouterr().err
