"""What a served model takes and returns: named tensor specs, found from the model itself.

Inputs come from the model's first call (``dn.load`` makes one with the saved
input signature): one input is named ``"input"`` (the name ``dn.export``
gives it in SavedModel and ONNX files), several take the names of
``forward``'s positional parameters. The batch dimension is ``None``; the
other dimensions are those of the first call, and requests must match them.

Outputs are found by running the model once on a zeros batch of three rows:
a tensor is named ``"output"``, a tuple or list ``"output_0"``,
``"output_1"``, ..., a dict keeps its keys. Every output must have the batch
as its first dimension, so that a batch of requests can be split back.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

import dualnet as dn

__all__: list[str] = []

# dualnet dtype name -> (TF Serving's DataType enum name, the Open Inference Protocol datatype)
DTYPES = {
    "bool": ("DT_BOOL", "BOOL"),
    "uint8": ("DT_UINT8", "UINT8"),
    "uint16": ("DT_UINT16", "UINT16"),
    "uint32": ("DT_UINT32", "UINT32"),
    "uint64": ("DT_UINT64", "UINT64"),
    "int8": ("DT_INT8", "INT8"),
    "int16": ("DT_INT16", "INT16"),
    "int32": ("DT_INT32", "INT32"),
    "int64": ("DT_INT64", "INT64"),
    "float16": ("DT_HALF", "FP16"),
    "float32": ("DT_FLOAT", "FP32"),
    "float64": ("DT_DOUBLE", "FP64"),
}
PROBE_ROWS = 3  # not 1, so that an output without a batch dimension shows (one row could pass for one)

Structure = Literal["tensor", "sequence", "dict"]


@dataclass(frozen=True)
class TensorSpec:
    """One named tensor: dtype name (``"float32"``) and shape, ``None`` for the batch (and any free) dimension."""

    name: str
    dtype: str
    shape: tuple[int | None, ...]

    @property
    def tf_dtype(self) -> str:
        """TF Serving's name for the dtype: ``DT_FLOAT``, ``DT_INT64``, ..."""
        return DTYPES[self.dtype][0]

    @property
    def v2_datatype(self) -> str:
        """The Open Inference Protocol's name for the dtype: ``FP32``, ``INT64``, ..."""
        return DTYPES[self.dtype][1]

    def row_shape(self) -> tuple[int | None, ...]:
        """The shape of one row (one instance): the shape without the batch dimension."""
        return self.shape[1:]


@dataclass(frozen=True)
class Signature:
    """The inputs (in ``forward``'s order) and outputs of a served model, and how its outputs are structured."""

    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    structure: Structure

    def input_names(self) -> list[str]:
        """The input names, in ``forward``'s order."""
        return [spec.name for spec in self.inputs]

    def output_names(self) -> list[str]:
        """The output names, in the model's order."""
        return [spec.name for spec in self.outputs]


def signature_of(model: dn.nn.Module, forward: Any) -> Signature:
    """The signature of ``model``, which must have been called once (``dn.load`` does that).

    ``forward(arrays)`` runs the model on a list of NumPy arrays, one per input,
    and returns its raw output (used once, on zeros, to find the outputs).

    Raises:
        ArgumentError: the model was never called, took a non-tensor or scalar input, or has an input dtype that
            cannot travel as JSON numbers.
        UnsupportedError: the model's outputs are not a tensor, a tuple/list of tensors or a dict of tensors, or
            one has no batch dimension or a dtype that JSON cannot carry.
    """
    seen = model._input_signature()
    where = f"dualnet serve: model {type(model).__name__}"
    if not seen:
        raise dn.ArgumentError(
            f"{where}: its input signature is unknown (it was saved before its first call); call the model once "
            "on an example batch before dn.save, so the server knows the input shapes"
        )
    names = _input_names(model, len(seen))
    inputs, probe = [], []
    for name, item in zip(names, seen):
        if item is None or len(item[0]) == 0:
            raise dn.ArgumentError(
                f"{where}: input {name!r} was {'not a tensor' if item is None else 'a scalar'} at the first call; "
                "a served model takes batched tensors, shape (N, ...)"
            )
        shape, dtype = item
        if dtype not in DTYPES:
            raise dn.ArgumentError(
                f"{where}: input {name!r} has dtype {dtype}, which requests cannot send as JSON numbers; serve a "
                f"model whose inputs are one of {', '.join(DTYPES)}"
            )
        inputs.append(TensorSpec(name, dtype, (None, *shape[1:])))
        probe.append(np.zeros((PROBE_ROWS, *shape[1:]), dtype))
    structure, named = flatten_outputs(forward(probe))
    outputs = []
    for name, value in named:
        array = np.asarray(value)
        if array.ndim == 0 or array.shape[0] != PROBE_ROWS:
            raise dn.UnsupportedError(
                f"{where}: output {name!r} has shape {array.shape} for a batch of {PROBE_ROWS} rows; every output "
                "must have the batch as its first dimension to be served"
            )
        dtype = str(array.dtype)
        if dtype not in DTYPES:
            raise dn.UnsupportedError(
                f"{where}: output {name!r} has dtype {dtype}, which JSON cannot carry; cast it in forward "
                "(e.g. to float32)"
            )
        outputs.append(TensorSpec(name, dtype, (None, *array.shape[1:])))
    return Signature(tuple(inputs), tuple(outputs), structure)


def flatten_outputs(out: Any) -> tuple[Structure, list[tuple[str, np.ndarray]]]:
    """``(structure, [(name, array), ...])`` for a model's raw output (see the module docstring for the names).

    Raises:
        UnsupportedError: ``out`` is not a tensor, a tuple/list of tensors or a dict with string keys of tensors.
    """
    if isinstance(out, dict) and all(isinstance(key, str) for key in out):
        return "dict", [(key, _array(value, key)) for key, value in out.items()]
    if isinstance(out, tuple | list):
        return "sequence", [(f"output_{i}", _array(value, f"output_{i}")) for i, value in enumerate(out)]
    return "tensor", [("output", _array(out, "output"))]


def _array(value: Any, name: str) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if not dn.ops.is_tensor(value):
        raise dn.UnsupportedError(
            f"dualnet serve: output {name!r} is a {type(value).__name__}; a served model returns a tensor, a "
            "tuple/list of tensors or a dict of tensors"
        )
    return np.asarray(dn.ops.to_numpy(value))


def _input_names(model: dn.nn.Module, count: int) -> list[str]:
    if count == 1:
        return ["input"]
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    try:
        parameters: Sequence[inspect.Parameter] = list(inspect.signature(model.forward).parameters.values())
    except (TypeError, ValueError):  # a forward that inspect cannot read (a builtin, a C extension)
        parameters = []
    names = [p.name for p in parameters if p.kind in positional][:count]
    if len(names) < count:
        return [f"input_{i}" for i in range(count)]
    return names
