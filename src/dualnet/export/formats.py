"""The export functions: one per format, each on the active backend or through a TensorFlow subprocess.

``example`` is one input batch (a NumPy array or native tensor, shape
``(N, ...)``); only its shape past the batch and its dtype matter, the batch
dimension stays dynamic where the format allows. The model is traced in eval
mode (dropout off, running statistics used) and its mode restored afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dualnet.arguments import check_int
from dualnet.autograd import no_grad
from dualnet.backend.dispatch import B
from dualnet.backend.selection import backend
from dualnet.errors import ArgumentError, UnsupportedError
from dualnet.export.subprocess_route import export_in_tensorflow
from dualnet.nn.module import Module

__all__ = ["FORMATS", "export", "onnx", "saved_model", "tflite", "torch_program"]

DEFAULT_OPSET = 18


def torch_program(model: Module, example: Any, path: str | os.PathLike[str], dynamic_batch: bool = True) -> Path:
    """Write a ``torch.export`` program (``torch.export.save``; run it with ``torch.export.load(path).module()``).

    Raises:
        ArgumentError: ``model`` is not a Module, or ``example`` is a scalar (no batch dimension).
        UnsupportedError: on the tensorflow backend (torch only).
    """
    with _traceable(model, example, dynamic_batch) as x:
        B.export_torch_program(model, x, os.fspath(path), dynamic_batch)
    return Path(path)


def saved_model(model: Module, example: Any, path: str | os.PathLike[str]) -> Path:
    """Write a TF SavedModel folder with signature ``serving_default(input: (None, ...)) -> {"output": y}``.

    From the torch backend the model goes through ``dn.save`` to a TensorFlow
    subprocess (the weights are backend-neutral); needs TensorFlow installed.

    Raises:
        ArgumentError: ``model`` is not a Module (or, from torch, not savable with ``dn.save``), or ``example``
            is a scalar.
        UnsupportedError: from torch, TensorFlow is not installed.
        DualnetError: from torch, the TensorFlow subprocess failed (the message carries its error).
    """
    if backend() != "tensorflow":
        return _via_tensorflow("saved_model", model, example, path)
    with _traceable(model, example, dynamic_batch=True) as x:
        B.export_saved_model(model, x, os.fspath(path))
    return Path(path)


def tflite(model: Module, example: Any, path: str | os.PathLike[str]) -> Path:
    """Write a TFLite flatbuffer (float32, builtin ops, dynamic batch); from torch via a TensorFlow subprocess.

    Raises:
        ArgumentError: ``model`` is not a Module (or, from torch, not savable with ``dn.save``), or ``example``
            is a scalar.
        UnsupportedError: TensorFlow is not installed, or the TFLite converter cannot convert the model.
        DualnetError: from torch, the TensorFlow subprocess failed (the message carries its error).
    """
    if backend() != "tensorflow":
        return _via_tensorflow("tflite", model, example, path)
    with _traceable(model, example, dynamic_batch=True) as x:
        B.export_tflite(model, x, os.fspath(path))
    return Path(path)


def onnx(
    model: Module,
    example: Any,
    path: str | os.PathLike[str],
    dynamic_batch: bool = True,
    opset: int = DEFAULT_OPSET,
) -> Path:
    """Write an ONNX model with one input named ``"input"`` (batch dimension symbolic if ``dynamic_batch``).

    On torch through ``torch.onnx.export(dynamo=True)`` (needs onnxscript), on
    tensorflow through ``tf2onnx``. Run it with onnxruntime.

    Raises:
        ArgumentError: ``opset`` is not an int in [13, 23], ``model`` is not a Module, or ``example`` is a scalar.
        UnsupportedError: the ``onnx`` package is missing, or on tensorflow the ``tf2onnx`` package.

    """
    opset = check_int("dn.export.onnx", "opset", opset, low=13, high=23, example="opset=18")
    _require("onnx", "ONNX export", "pip install onnx onnxscript onnxruntime tf2onnx")
    with _traceable(model, example, dynamic_batch) as x:
        B.export_onnx(model, x, os.fspath(path), dynamic_batch, opset)
    return Path(path)


FORMATS: dict[str, Callable[..., Path]] = {
    "onnx": onnx,
    "saved_model": saved_model,
    "tflite": tflite,
    "torch_program": torch_program,
}
"""Format name -> export function, as :func:`export` and ``dualnet export`` take them."""


def export(fmt: str, model: Module, example: Any, path: str | os.PathLike[str]) -> Path:
    """``FORMATS[fmt](model, example, path)``.

    Raises:
        ArgumentError: ``fmt`` is not a key of :data:`FORMATS`, or as the format's function.
        UnsupportedError: as the format's function (a format the backend cannot write, a missing package).
        DualnetError: as the format's function, for a failed TensorFlow subprocess.
    """

    if fmt not in FORMATS:
        raise ArgumentError(f"export format {fmt!r} is unknown; use one of {', '.join(FORMATS)}")
    return FORMATS[fmt](model, example, path)


def _require(module: str, feature: str, fix: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise UnsupportedError(f"{backend()} backend: {feature} needs the {module!r} package; {fix}")


@contextmanager
def _traceable(model: Module, example: Any, dynamic_batch: bool) -> Iterator[Any]:
    """``example`` as a native tensor, with the model built and in eval mode; the mode is restored after.

    A batch of 1 is doubled for tracing: tracers treat a size of 1 as a
    constant, which would fix the batch dimension.
    """
    if not isinstance(model, Module):
        raise ArgumentError(f"dn.export: model must be a dn.nn.Module, got {type(model).__name__}")
    x = B.convert_to_tensor(example)
    shape = tuple(B.shape(x))
    if not shape:
        raise ArgumentError("dn.export: example must have a batch dimension, got a scalar; pass shape (N, ...)")
    if dynamic_batch and shape[0] == 1:
        x = B.concatenate([x, x], axis=0)
    training = model.training
    model.eval()
    try:
        with no_grad():
            model(x)  # builds lazily sized layers before tracing
        yield x
    finally:
        model.train(training)


def _via_tensorflow(fmt: str, model: Module, example: Any, path: str | os.PathLike[str]) -> Path:
    _require("tensorflow", f"{fmt} export", "pip install 'dualnet[tensorflow]'")
    x = B.convert_to_tensor(example)
    return export_in_tensorflow(fmt, model, tuple(B.shape(x)), B.dtype(x), path)
