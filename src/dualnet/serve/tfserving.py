"""TensorFlow Serving's REST API: URLs, ``:predict`` requests and responses, model status and metadata.

Requests (``POST /v1/models/{name}[/versions/1]:predict``) come in the row
format, ``{"instances": [...]}`` (one value per instance, or one object
``{input_name: value}`` per instance when inputs are named), or the columnar
format, ``{"inputs": tensor}`` / ``{"inputs": {input_name: tensor}}``.
Responses are shaped as TF Serving shapes them: the row format answers
``{"predictions": [...]}`` (one value per instance, or one object per
instance when the model has several outputs), the columnar format
``{"outputs": tensor}`` (or ``{"outputs": {output_name: tensor}}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dualnet.serve.errors import RequestError
from dualnet.serve.signature import Signature, TensorSpec
from dualnet.serve.tensors import batch_size, check_names, check_shape, to_array

__all__: list[str] = []

MODEL_VERSION = "1"  # a served file is one version; TF Serving's URLs and status documents name versions
SIGNATURE = "serving_default"
VERBS = ("predict",)


@dataclass(frozen=True)
class Target:
    """A parsed ``/v1/models/...`` path: the model name, the version or label asked for, the verb or metadata."""

    name: str
    version: str | None
    label: str | None
    verb: str | None  # "predict" for POST ...:predict
    metadata: bool


@dataclass(frozen=True)
class PredictRequest:
    """A validated ``:predict`` body: one array per input (in the signature's order), rows, and its format."""

    inputs: list[np.ndarray]
    rows: int
    columnar: bool


def parse_target(path: str) -> Target:
    """The parts of ``path``, the URL after ``/v1/models/``: ``name[/versions/V|/labels/L][/metadata|:verb]``.

    Raises:
        RequestError: the path is not of that form (404, as TF Serving answers an unknown URL).
    """
    verb = None
    head, colon, tail = path.rpartition(":")
    if colon and "/" not in tail:
        path, verb = head, tail
    parts = path.split("/")
    metadata = parts[-1] == "metadata" and len(parts) in (2, 4)
    if metadata:
        parts = parts[:-1]
    version = label = None
    if len(parts) == 3 and parts[1] == "versions":
        version = parts[2]
    elif len(parts) == 3 and parts[1] == "labels":
        label = parts[2]
    elif len(parts) != 1:
        parts = []
    if not parts or not parts[0] or (metadata and verb is not None):
        raise RequestError(
            f"no such endpoint: /v1/models/{path}; use /v1/models/NAME, /v1/models/NAME/metadata or "
            "POST /v1/models/NAME:predict",
            404,
        )
    return Target(parts[0], version, label, verb, metadata)


def check_servable(target: Target, served: str) -> None:
    """Raise TF Serving's 404 unless ``target`` asks for the served model (version 1, no label).

    Raises:
        RequestError: another model name, version or any label (404).
    """
    if target.label is not None:
        wanted = f"Labeled({target.name}, {target.label})"
    elif target.version is not None:
        wanted = f"Specific({target.name}, {target.version})"
    else:
        wanted = f"Latest({target.name})"
    if target.name != served or target.label is not None or target.version not in (None, MODEL_VERSION):
        raise RequestError(
            f"Servable not found for request: {wanted}; this server serves model {served!r}, version "
            f"{MODEL_VERSION}: use /v1/models/{served}",
            404,
        )


def parse_predict(document: Any, signature: Signature) -> PredictRequest:
    """The arrays of a ``:predict`` body, checked against ``signature``.

    Raises:
        RequestError: the body is not an object, has both or neither of ``instances`` and ``inputs``, names an
            unknown signature or input, misses an input, or holds ragged, mistyped or misshapen values (400).
    """
    if not isinstance(document, dict):
        raise RequestError(
            f"request body: expected a JSON object, got a JSON {_json_type(document)}; send "
            '{"instances": [...]} or {"inputs": ...}'
        )
    signature_name = document.get("signature_name", SIGNATURE)
    if signature_name != SIGNATURE:
        raise RequestError(
            f"signature_name: {signature_name!r} is not a signature of this model; it has one, {SIGNATURE!r}: "
            "omit signature_name or send that one"
        )
    if ("instances" in document) == ("inputs" in document):
        raise RequestError(
            "request body: expected exactly one of 'instances' (row format) and 'inputs' (columnar format), got "
            f"{'both' if 'instances' in document else 'neither'}; send one of them"
        )
    if "instances" in document:
        arrays = _rows(document["instances"], signature)
        return PredictRequest(arrays, int(arrays[0].shape[0]), columnar=False)
    arrays = _columns(document["inputs"], signature)
    rows = batch_size(dict(zip(signature.input_names(), arrays)), "inputs")
    return PredictRequest(arrays, rows, columnar=True)


def predict_response(outputs: list[np.ndarray], signature: Signature, columnar: bool) -> dict[str, Any]:
    """The response body for ``outputs`` (one array per output, batch first), shaped as TF Serving shapes it."""
    names = signature.output_names()
    if columnar:
        if len(outputs) == 1:
            return {"outputs": outputs[0].tolist()}
        return {"outputs": {name: array.tolist() for name, array in zip(names, outputs)}}
    if len(outputs) == 1:
        return {"predictions": outputs[0].tolist()}
    per_output = [array.tolist() for array in outputs]
    rows = len(per_output[0])
    return {"predictions": [{name: values[i] for name, values in zip(names, per_output)} for i in range(rows)]}


def status_response() -> dict[str, Any]:
    """``GetModelStatusResponse`` as JSON: the one version, available."""
    return {
        "model_version_status": [
            {"version": MODEL_VERSION, "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
        ]
    }


def metadata_response(name: str, signature: Signature) -> dict[str, Any]:
    """``GetModelMetadataResponse`` as JSON: the ``serving_default`` signature_def with dtypes and shapes."""
    signature_def = {
        "inputs": {spec.name: _tensor_info(spec) for spec in signature.inputs},
        "outputs": {spec.name: _tensor_info(spec) for spec in signature.outputs},
        "method_name": "tensorflow/serving/predict",
    }
    return {
        "model_spec": {"name": name, "signature_name": "", "version": MODEL_VERSION},
        "metadata": {"signature_def": {"signature_def": {SIGNATURE: signature_def}}},
    }


def _tensor_info(spec: TensorSpec) -> dict[str, Any]:
    # TF Serving writes int64 sizes as JSON strings (proto3's JSON mapping) and -1 for a free dimension.
    dims = [{"size": str(-1 if size is None else size), "name": ""} for size in spec.shape]
    return {"dtype": spec.tf_dtype, "tensor_shape": {"dim": dims, "unknown_rank": False}, "name": spec.name}


def _rows(instances: Any, signature: Signature) -> list[np.ndarray]:
    names = signature.input_names()
    if not isinstance(instances, list) or not instances:
        raise RequestError(
            f"instances: expected a non-empty list with one entry per instance, got {_describe(instances)}; "
            'send e.g. {"instances": [row, row, ...]}'
        )
    objects = [isinstance(instance, dict) for instance in instances]
    if any(objects) and not all(objects):
        index = objects.index(not objects[0])
        raise RequestError(
            f"instances[{index}]: {'an object' if objects[index] else 'a value'} among "
            f"{'objects' if objects[0] else 'values'}; send every instance in the same form"
        )
    if not objects[0] and len(names) > 1:
        raise RequestError(
            f"instances[0]: this model has several inputs {names}, so each instance must be an object "
            "{input_name: value}; name the inputs"
        )
    if objects[0]:
        for index, instance in enumerate(instances):
            check_names(list(instance), names, f"instances[{index}]")
    arrays = []
    for spec in signature.inputs:
        if objects[0]:
            values = [instance[spec.name] for instance in instances]
            where = f"instances, input {spec.name!r}"
        else:
            values, where = instances, "instances"
        array = to_array(values, spec, where)
        check_shape(array.shape[1:], spec.row_shape(), where, "each instance", batched=False)
        arrays.append(array)
    return arrays


def _columns(inputs: Any, signature: Signature) -> list[np.ndarray]:
    names = signature.input_names()
    if isinstance(inputs, dict):
        check_names(list(inputs), names, "inputs")
        given = [(inputs[name], f"inputs, input {name!r}") for name in names]
    elif len(names) > 1:
        raise RequestError(
            f"inputs: this model has several inputs {names}, so 'inputs' must be an object {{input_name: tensor}}, "
            f"got {_describe(inputs)}; name the inputs"
        )
    else:
        given = [(inputs, "inputs")]
    arrays = []
    for spec, (value, where) in zip(signature.inputs, given):
        array = to_array(value, spec, where)
        check_shape(array.shape, spec.shape, where, "the tensor", batched=True)
        arrays.append(array)
    return arrays


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "boolean" if isinstance(value, bool) else "number" if isinstance(value, int | float) else "object"


def _describe(value: Any) -> str:
    return "an empty list" if value == [] else f"a JSON {_json_type(value)}"
