"""Export on torch: ``torch.export`` programs and ONNX (through the torch.export-based exporter).

Both trace a thin ``torch.nn.Module`` adapter whose parameters and buffers are
the dualnet model's own variables, so they are lifted as weights, not constants.
SavedModel and TFLite are TensorFlow formats: the neutral layer reaches them
through a TensorFlow subprocess, so here they raise UnsupportedError.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import torch

from dualnet.errors import UnsupportedError


class _Adapter(torch.nn.Module):  # type: ignore[misc]  # torch is Any to mypy (not followed)
    """``forward(x) = model(x)``, with the model's variables registered under escaped dotted names."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        object.__setattr__(self, "_dn_model", model)  # not a torch module: keep it out of torch's tracking
        for name, param in model.named_parameters():
            self.register_parameter(name.replace(".", "__"), param)
        for name, buf in model.named_buffers():
            self.register_buffer(name.replace(".", "__"), buf)

    def forward(self, x: torch.Tensor) -> Any:
        return self._dn_model(x)


def _program(model: Any, example: torch.Tensor, dynamic_batch: bool) -> torch.export.ExportedProgram:
    dynamic = {"x": {0: torch.export.Dim.DYNAMIC}} if dynamic_batch else None
    return torch.export.export(_Adapter(model), (example,), dynamic_shapes=dynamic, strict=False)


def export_torch_program(model: Any, example: torch.Tensor, path: str, dynamic_batch: bool) -> None:
    """Save ``torch.export.export`` of the model on ``example`` to ``path``; run with ``torch.export.load``."""
    torch.export.save(_program(model, example, dynamic_batch), path)


def export_onnx(model: Any, example: torch.Tensor, path: str, dynamic_batch: bool, opset: int) -> None:
    """Write an ONNX model of ``model`` on ``example`` to ``path``; input ``"input"``, output(s) ``"output*"``."""
    program = _program(model, example, dynamic_batch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        onnx_program = torch.onnx.export(
            program, (example,), input_names=["input"], opset_version=opset, dynamo=True, verbose=False
        )
    if onnx_program is None:
        raise UnsupportedError(f"torch backend: torch.onnx.export returned nothing for {path!r}")
    onnx_program.save(os.fspath(path))


def export_saved_model(model: Any, example: Any, path: str) -> None:
    raise UnsupportedError(
        "torch backend: a SavedModel is written by TensorFlow; dn.export.saved_model runs it in a TensorFlow "
        "subprocess: call it through dn.export"
    )


def export_tflite(model: Any, example: Any, path: str) -> None:
    raise UnsupportedError(
        "torch backend: a TFLite flatbuffer is written by TensorFlow; dn.export.tflite runs it in a TensorFlow "
        "subprocess: call it through dn.export"
    )
