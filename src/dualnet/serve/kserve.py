"""The Open Inference Protocol (KServe v2) over REST: infer requests and responses, model and server metadata.

An infer request is ``{"id": ..., "inputs": [{"name", "shape", "datatype",
"data"}], "outputs": [{"name"}]}`` (``id`` and ``outputs`` optional);
``data`` is row-major, flat or nested. The response lists every output (or
the requested ones) as ``{"name", "shape", "datatype", "data"}`` with flat
``data``, and echoes ``id``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from dualnet.serve.errors import RequestError
from dualnet.serve.signature import Signature, TensorSpec
from dualnet.serve.tensors import batch_size, check_names, check_shape, to_array
from dualnet.serve.tfserving import MODEL_VERSION

__all__: list[str] = []


@dataclass(frozen=True)
class InferRequest:
    """A validated infer body: one array per input (in the signature's order), rows, ``id``, outputs asked for."""

    inputs: list[np.ndarray]
    rows: int
    id: str | None
    outputs: list[str]


def check_model(name: str, version: str | None, served: str) -> None:
    """Raise the protocol's 404 unless ``name`` (and ``version``, when given) is the served model.

    Raises:
        RequestError: another model name or version (404).
    """
    if name != served or version not in (None, MODEL_VERSION):
        asked = name if version is None else f"{name}, version {version}"
        raise RequestError(
            f"Model with name {asked} does not exist; this server serves model {served!r}, version "
            f"{MODEL_VERSION}: use /v2/models/{served}",
            404,
        )


def parse_infer(document: Any, signature: Signature) -> InferRequest:
    """The arrays of an infer body, checked against ``signature``.

    Raises:
        RequestError: the body or a tensor is malformed, names an unknown or misses an input, has a datatype
            other than the model's, a shape that does not match its data or the model, or non-numeric data (400).
    """
    if not isinstance(document, dict):
        raise RequestError('request body: expected a JSON object; send {"inputs": [{name, shape, datatype, data}]}')
    request_id = document.get("id")
    if request_id is not None and not isinstance(request_id, str):
        raise RequestError(f"id: expected a string, got {request_id!r:.40}; send the id as a JSON string")
    tensors = document.get("inputs")
    if not isinstance(tensors, list) or not tensors or not all(isinstance(t, dict) for t in tensors):
        raise RequestError(
            "inputs: expected a non-empty list of tensors {name, shape, datatype, data}; send one per model input"
        )
    names = [tensor.get("name") for tensor in tensors]
    for index, name in enumerate(names):
        if not isinstance(name, str):
            raise RequestError(f"inputs[{index}].name: expected a string, got {name!r:.40}; name every input")
    check_names(names, signature.input_names(), "inputs")
    by_name = dict(zip(names, tensors))
    arrays = [_tensor(by_name[spec.name], spec, f"inputs[{names.index(spec.name)}]") for spec in signature.inputs]
    rows = batch_size(dict(zip(signature.input_names(), arrays)), "inputs")
    return InferRequest(arrays, rows, request_id, _requested(document.get("outputs"), signature))


def infer_response(outputs: list[np.ndarray], signature: Signature, request: InferRequest, name: str) -> dict[str, Any]:
    """The response body: the requested outputs with flat row-major data, the model's name and version, ``id``."""
    listed = [
        {"name": spec.name, "datatype": spec.v2_datatype, "shape": list(array.shape), "data": array.ravel().tolist()}
        for spec, array in zip(signature.outputs, outputs)
        if spec.name in request.outputs
    ]
    body: dict[str, Any] = {"model_name": name, "model_version": MODEL_VERSION}
    if request.id is not None:
        body["id"] = request.id
    body["outputs"] = listed
    return body


def model_metadata(name: str, platform: str, signature: Signature) -> dict[str, Any]:
    """The model metadata response: name, versions, platform, inputs and outputs with datatype and shape."""
    return {
        "name": name,
        "versions": [MODEL_VERSION],
        "platform": platform,
        "inputs": [_tensor_metadata(spec) for spec in signature.inputs],
        "outputs": [_tensor_metadata(spec) for spec in signature.outputs],
    }


def _tensor_metadata(spec: TensorSpec) -> dict[str, Any]:
    return {"name": spec.name, "datatype": spec.v2_datatype, "shape": [-1 if s is None else s for s in spec.shape]}


def _tensor(tensor: dict[str, Any], spec: TensorSpec, where: str) -> np.ndarray:
    shape = tensor.get("shape")
    if not isinstance(shape, list) or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape):
        raise RequestError(
            f"{where}.shape: expected a list of non-negative ints, got {shape!r:.60}; send the tensor's shape, "
            "e.g. [1, 8]"
        )
    datatype = tensor.get("datatype")
    if datatype != spec.v2_datatype:
        raise RequestError(
            f"{where}.datatype: input {spec.name!r} takes {spec.v2_datatype}, got {datatype!r:.40}; send "
            f"{spec.v2_datatype} data"
        )
    if "data" not in tensor:
        raise RequestError(f"{where}.data: missing; send the tensor's values (row-major, flat or nested)")
    array = to_array(tensor["data"], spec, f"{where}.data")
    if array.size != math.prod(shape):
        raise RequestError(
            f"{where}: data holds {array.size} values but shape {shape} needs {math.prod(shape)}; send as many "
            "values as the shape says"
        )
    array = array.reshape(shape)
    check_shape(array.shape, spec.shape, where, f"input {spec.name!r}", batched=True)
    return array


def _requested(outputs: Any, signature: Signature) -> list[str]:
    names = signature.output_names()
    if outputs is None:
        return names
    if not isinstance(outputs, list) or not all(
        isinstance(o, dict) and isinstance(o.get("name"), str) for o in outputs
    ):
        raise RequestError('outputs: expected a list of {"name": output_name}; omit it to get every output')
    asked = [o["name"] for o in outputs]
    unknown = [n for n in asked if n not in names]
    if unknown:
        raise RequestError(f"outputs: unknown output {unknown[0]!r}; this model's outputs are {names}")
    return asked
