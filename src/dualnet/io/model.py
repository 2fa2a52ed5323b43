"""Whole models: ``dn.save(model, path)`` and ``dn.load(path)``, a JSON config plus weights, no pickle.

File format: one safetensors file. The tensors are ``model.state_dict()``
(the same as :func:`dualnet.io.weights.save_weights` writes) and the
safetensors header's ``__metadata__`` holds, under ``"dualnet.config"``::

    {"format": "dualnet.model", "version": 1, "class": "Sequential",
     "config": {"layers": [{"__module__": "Dense", "config": {"units": 4}}, ...]},
     "inputs": [{"shape": [null, 8], "dtype": "float32"}], "training": true}

Config values are JSON primitives, lists, string-keyed dicts, tuples as
``{"__tuple__": [...]}``, nested modules as ``{"__module__": name, "config": ...}``
dualnet activations by name, and regularizers and constraints as Keras's
``{"class_name": ..., "config": {...}}``. ``inputs`` is the signature of the model's
first call (batch size None), used to build lazily sized layers with a zeros
example before the weights are loaded. Loading looks classes up only in
:mod:`dualnet.io.registry`, bounds every integer, and checks every key and
shape before assigning anything.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from dualnet import ops
from dualnet.arguments import check_bool
from dualnet.autograd import no_grad
from dualnet.backend.dispatch import B
from dualnet.constraints import Constraint
from dualnet.dtypes import standardize
from dualnet.errors import ArgumentError, DualnetError, WeightsFileError
from dualnet.io import registry
from dualnet.io.header import read_header
from dualnet.io.weights import load_state, save_state, source_file
from dualnet.naming import serialized
from dualnet.nn import activations
from dualnet.nn.budget import allocation_budget, located
from dualnet.nn.containers import Sequential
from dualnet.nn.module import Module
from dualnet.regularizers import Regularizer

__all__ = ["load", "read_config", "save"]

FORMAT, VERSION, METADATA_KEY = "dualnet.model", 1, "dualnet.config"
MODULE, TUPLE = "__module__", "__tuple__"
MAX_INT = 2**31 - 1  # every integer in a config (sizes, counts) must fit in int32
MAX_DEPTH = 100
MAX_EXAMPLE = 2**26  # elements of the zeros input built for the first call (batch size 1)
MAX_LIST_INPUTS = 64  # tensors of one list input (Attention's [query, value, key]); more means a damaged file
BUDGET_SLACK = 2**16  # elements of weight beyond the file's tensors that building may create


def save(model: Module, path: str | os.PathLike[str]) -> Path:
    """Write ``model``'s architecture (JSON config) and weights to one safetensors file, atomically.

    Every module in the tree must be a built-in layer or registered with
    ``dn.register_module``, and its constructor arguments JSON-storable. Returns the path.

    Raises:
        ArgumentError: ``model`` is not a Module, or a module in it is not registered or has an argument that
            cannot be stored in JSON (the message names the module path and argument).
        WriteError: the file cannot be written (missing folder, no permission, disk full).
    """

    if not isinstance(model, Module):
        raise ArgumentError(f"dn.save(model={type(model).__name__}): model must be a dn.nn.Module")
    state = model.state_dict()  # materialises the tree, so paths are known
    paths = {id(m): p for p, m in model.named_modules()}
    spec = model._input_signature()
    lists = model._input_list_signature()
    entries = [
        _input_entry(item)
        if item is not None
        else {"list": [_input_entry(s) for s in lists[i]]}
        if i in lists
        else None
        for i, item in enumerate(spec or ())
    ]
    inputs = entries if spec is not None and None not in entries else None
    encoded = encode_module(model, paths)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "class": encoded[MODULE],
        "config": encoded["config"],
        "inputs": inputs,
        "training": bool(model.training),
    }
    return save_state(state, path, metadata={METADATA_KEY: json.dumps(document, allow_nan=False)})


def load(path: str | os.PathLike[str], cast: bool = False) -> Module:
    """Rebuild the model saved by :func:`save` (on any backend) and load its weights; all or nothing.

    Classes come only from the registry: import the modules that register your
    custom classes first. ``cast``: as in ``Module.load_state_dict`` (a tensor whose
    dtype differs from its rebuilt variable's loads only when exact, unless True).

    Raises:
        WeightsNotFoundError: no file at ``path``.
        WeightsFileError: the file is damaged, not safetensors, or a weights file without a model config.
        ArgumentError: the config names an unregistered class or holds sizes or values that cannot be built.
        StateDictError: the weights do not match the rebuilt model's parameters (keys or shapes), or have
            dtypes that convert only with ``cast=True``.
    """

    cast = check_bool("dn.load", "cast", cast)
    source = Path(path)
    document = read_config(source)
    state = load_state(source)  # reads every tensor before anything is built: a truncated body fails here
    inputs = document.get("inputs") or []
    if not isinstance(inputs, list):
        raise ArgumentError(f"saved model {str(source)!r}: 'inputs' must be a list, got {inputs!r:.80}; file damaged")
    # Weights beyond what the file's tensors hold could never load: refuse them before they are allocated.
    # The example call's arrays and work are bounded too (see dualnet.nn.budget), before each layer runs.
    file_elements = sum(int(value.size) for value in state.values())
    examples = _examples(inputs)
    example_elements = sum(int(a.size) for x in examples for a in (x if isinstance(x, list) else [x]))
    with allocation_budget(
        file_elements + BUDGET_SLACK, f"saved model {str(source)!r}", example_elements, file_elements
    ):
        model = decode_module({MODULE: document["class"], "config": document.get("config")}, "config")
        if inputs:
            model.eval()
            try:
                with no_grad():
                    model(
                        *[
                            [B.convert_to_tensor(a) for a in x] if isinstance(x, list) else B.convert_to_tensor(x)
                            for x in examples
                        ]
                    )
            except DualnetError:
                raise
            except Exception as exc:  # a framework error from layers the config wired up wrongly
                raise ArgumentError(
                    f"saved model {str(source)!r}: the model its config describes fails on the saved input "
                    f"signature {inputs!r:.200} ({type(exc).__name__}: {str(exc)[:200]}); the file is damaged "
                    "or was edited: save the model again with dn.save"
                ) from exc
    model.load_state_dict(state, strict=True, cast=cast)
    model.train(bool(document.get("training", True)))
    return model


def read_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``dualnet.config`` document of a saved model, read from the safetensors header only.

    Raises:
        WeightsNotFoundError: no file at ``path``.
        WeightsFileError: the header is damaged, or it holds no valid dualnet model config of this version.
    """

    source = source_file(path, "saved model")
    damaged = f"saved model {str(source)!r}: corrupt header"
    text = read_header(source, "saved model").metadata.get(METADATA_KEY)
    if text is None:
        raise WeightsFileError(
            f"saved model {str(source)!r} has weights but no dualnet model config; it is a weights file: "
            "build the model in code and call model.load_weights(path)"
        )
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise WeightsFileError(f"{damaged}: the model config is not valid JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT or "class" not in document:
        raise WeightsFileError(f"{damaged}: the model config is not a {FORMAT!r} document")
    if document.get("version") != VERSION:
        raise WeightsFileError(
            f"saved model {str(source)!r} has format version {document.get('version')!r}; this dualnet reads "
            f"version {VERSION}: upgrade dualnet"
        )
    return document


def _input_entry(spec: tuple[tuple[int, ...], str]) -> dict[str, Any]:
    shape, dtype = spec
    return {"shape": [None, *shape[1:]] if shape else [], "dtype": dtype}


def _examples(inputs: list[Any]) -> list[Any]:
    """The zeros inputs of the saved signature (a list input as a list of arrays), at most MAX_EXAMPLE elements
    in all (checked before any exists)."""
    shapes: list[Any] = []
    for i, item in enumerate(inputs):
        if isinstance(item, dict) and isinstance(item.get("list"), list) and len(item["list"]) <= MAX_LIST_INPUTS:
            shapes.append([_example_shape(part, i) for part in item["list"]])
        else:
            shapes.append(_example_shape(item, i))
    flat = [s for entry in shapes for s in (entry if isinstance(entry, list) else [entry])]
    if sum(math.prod(shape) for shape, _ in flat) > MAX_EXAMPLE:
        raise ArgumentError(
            f"saved model: the input signature {inputs!r:.200} holds more than {MAX_EXAMPLE} elements in all; "
            "the file is damaged"
        )
    return [
        [np.zeros(shape, dtype) for shape, dtype in entry] if isinstance(entry, list) else np.zeros(*entry)
        for entry in shapes
    ]


def _example_shape(item: Any, index: int) -> tuple[list[int], str]:
    where = f"saved model, inputs[{index}]"
    if not isinstance(item, dict) or not isinstance(item.get("shape"), list) or not isinstance(item.get("dtype"), str):
        raise ArgumentError(f"{where}: expected {{'shape': [...], 'dtype': str}}, got {item!r:.80}; file damaged")
    shape = [1 if s is None else _decode(s, where, 0) for s in item["shape"]]
    if any(not isinstance(s, int) or isinstance(s, bool) or s < 0 for s in shape) or math.prod(shape) > MAX_EXAMPLE:
        raise ArgumentError(f"{where}: input shape {item['shape']} is not a sane shape; the file is damaged")

    dtype = standardize(item["dtype"])
    return shape, "float32" if dtype == "bfloat16" else dtype


# -- configs ----------------------------------------------------------------------------------


def encode_module(module: Module, paths: dict[int, str]) -> dict[str, Any]:
    """``module`` as ``{"__module__": name, "config": {...}}``; ``paths`` maps id(module) -> path for errors."""

    where = _where(module, paths)
    name = registry.name_of(type(module))
    if name is None:
        raise ArgumentError(
            f"dn.save: module {where} is a {type(module).__qualname__}, which is not registered; "
            "decorate its class with @dn.register_module so dn.load can rebuild it"
        )
    args = {"layers": list(module)} if isinstance(module, Sequential) else module.get_config()
    return {MODULE: name, "config": {arg: _encode(value, paths, where, arg) for arg, value in args.items()}}


def _encode(value: Any, paths: dict[int, str], where: str, arg: str) -> Any:

    if isinstance(value, np.bool_ | np.integer | np.floating):
        value = value.item()  # constructors take NumPy scalars; the config stores them as JSON numbers
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, Module):
        return encode_module(value, paths)
    if isinstance(value, tuple):
        return {TUPLE: [_encode(v, paths, where, arg) for v in value]}
    if isinstance(value, list):
        return [_encode(v, paths, where, arg) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value) and not {MODULE, TUPLE} & set(value):
        return {k: _encode(v, paths, where, arg) for k, v in value.items()}
    if isinstance(value, Regularizer | Constraint):  # as Keras's {"class_name", "config"}; the layer's get() reads it
        return _encode(serialized(value), paths, where, arg)
    activation = _activation_name(value)
    if activation is not None:
        return activation
    raise ArgumentError(
        f"dn.save: module {where}, argument {arg!r}: {type(value).__name__} {value!r:.80} cannot be stored in a "
        "JSON config; pass a name string instead (e.g. activation='relu', kernel_initializer='he_normal'), or "
        "make the object a module and register its class with @dn.register_module"
    )


def _where(module: Module, paths: dict[int, str]) -> str:
    path = paths.get(id(module), "")
    return f"{path!r} ({type(module).__name__})" if path else f"(the model, a {type(module).__name__})"


def _activation_name(value: Any) -> str | None:

    if callable(value):
        for name in activations.NAMES:
            # dn.ops.relu too: the ops were what get() returned before activations had Keras's signatures.
            if name != "linear" and value in (activations.get(name), getattr(ops, name, None)):
                return name
    return None


def decode_module(data: Any, where: str, depth: int = 0) -> Module:
    """Build the module ``data`` describes (see :func:`encode_module`), with classes from the registry only."""
    if not isinstance(data, dict) or set(data) != {MODULE, "config"} or not isinstance(data["config"], dict):
        raise ArgumentError(
            f"saved model, {where}: expected {{'__module__': name, 'config': {{...}}}}, got {data!s:.120}; "
            "the file is damaged or was not written by dn.save"
        )
    klass = registry.lookup(data[MODULE])
    kwargs = {k: _decode(v, f"{where}.{k}", depth + 1) for k, v in data["config"].items()}
    try:
        with located(where):
            build = getattr(klass, "from_config", None)  # dn.Model: the graph is replayed, not a constructor call
            return build(kwargs) if build is not None else klass(**kwargs)  # type: ignore[no-any-return]
    except (MemoryError, OverflowError) as exc:
        raise ArgumentError(
            f"saved model, {where} ({data[MODULE]}): the sizes in the config are too large to build ({exc}); "
            "the file is damaged or hostile"
        ) from exc
    except TypeError as exc:
        raise ArgumentError(
            f"saved model, {where} ({data[MODULE]}): cannot be constructed with arguments {sorted(kwargs)} "
            f"({exc}); the registered class does not match the one the model was saved with"
        ) from exc


def _decode(value: Any, where: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ArgumentError(f"saved model, {where}: config nested deeper than {MAX_DEPTH}; the file is damaged")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise ArgumentError(
            f"saved model, {where}: integer {value} is beyond the bound {MAX_INT}; the file is damaged or hostile"
        )
    if isinstance(value, list):
        return [_decode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, dict):
        if MODULE in value:
            return decode_module(value, where, depth + 1)
        if set(value) == {TUPLE} and isinstance(value[TUPLE], list):
            return tuple(_decode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value[TUPLE]))
        return {k: _decode(v, f"{where}.{k}", depth + 1) for k, v in value.items()}
    return value
