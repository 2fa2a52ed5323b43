"""Export on tensorflow: SavedModel (serving signature), TFLite and ONNX (tf2onnx).

Each traces one ``tf.function`` that calls the dualnet model, with the batch
dimension left as None; a ``tf.Module`` holds the model's variables so they
are saved as variables, not constants. ``torch.export`` is torch-only.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import tensorflow as tf

from dualnet.errors import UnsupportedError


class _Serving(tf.Module):  # type: ignore[misc]  # tensorflow is Any to mypy (not followed)
    """The model's variables plus ``serve(input) -> {"output": y}`` (``output_0``, ... for several outputs)."""

    def __init__(self, model: Any, example: tf.Tensor, dynamic_batch: bool) -> None:
        super().__init__()
        self.weights = [v for _, v in model.named_parameters()] + [b for _, b in model.named_buffers()]
        object.__setattr__(self, "_dn_model", model)  # a dualnet Module, not a trackable: keep it untracked
        shape = [None if dynamic_batch else example.shape[0], *example.shape[1:]]
        spec = tf.TensorSpec(shape, example.dtype, name="input")
        self.serve = tf.function(self._serve, input_signature=[spec])

    def _serve(self, x: tf.Tensor) -> dict[str, tf.Tensor]:
        out = self._dn_model(x)
        if isinstance(out, tuple | list):
            return {f"output_{i}": o for i, o in enumerate(out)}
        return {"output": out}


def export_saved_model(model: Any, example: tf.Tensor, path: str) -> None:
    """Write a SavedModel with the ``serving_default`` signature ``(input: [None, ...]) -> {"output": ...}``."""
    serving = _Serving(model, example, dynamic_batch=True)
    tf.saved_model.save(serving, os.fspath(path), signatures={"serving_default": serving.serve})


def export_tflite(model: Any, example: tf.Tensor, path: str) -> None:
    """Write a TFLite flatbuffer (builtin ops only, float32 as traced) with a dynamic batch dimension."""
    serving = _Serving(model, example, dynamic_batch=True)
    with tempfile.TemporaryDirectory(prefix="dualnet-tflite-") as folder:
        tf.saved_model.save(serving, folder, signatures={"serving_default": serving.serve})
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        try:
            flatbuffer = converter.convert()
        except Exception as exc:  # the converter raises ConverterError and friends with MLIR diagnostics
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UnsupportedError(
                f"tensorflow backend: TFLite cannot convert this model ({first}); the model uses an op outside "
                "TFLite's builtin set: export ONNX or a SavedModel instead"
            ) from exc
    with open(path, "wb") as handle:
        handle.write(flatbuffer)


def export_onnx(model: Any, example: tf.Tensor, path: str, dynamic_batch: bool, opset: int) -> None:
    """Write an ONNX model through ``tf2onnx.convert.from_function``; input ``"input"``."""
    try:
        import tf2onnx  # type: ignore[import-untyped]
    except ImportError as exc:
        raise UnsupportedError(
            "tensorflow backend: ONNX export needs tf2onnx; pip install tf2onnx onnx onnxruntime"
        ) from exc
    serving = _Serving(model, example, dynamic_batch)
    tf2onnx.convert.from_function(
        serving.serve, input_signature=serving.serve.input_signature, opset=opset, output_path=os.fspath(path)
    )


def export_torch_program(model: Any, example: Any, path: str, dynamic_batch: bool) -> None:
    raise UnsupportedError(
        "tensorflow backend: torch.export programs are a PyTorch format; switch with dn.set_backend('torch') "
        "and load the model there (dn.load reads files from either backend)"
    )
