"""Every registered layer class with absurd sizes, loaded by ``dn.load``: the child process of ``test_load_bombs.py``.

``python -m tests.io.load_bomb_child BACKEND`` prints one JSON line per case:
``{"case", "outcome", "peak_mb"}`` with the growth of the peak resident set
size (``ru_maxrss``) since the warm-up. The cases are generated from the
registry (:func:`dualnet.io.registry.registered`), so a layer added later is
covered: for each class a base config (each required argument at a small
value), saved with its real weights after one call on the first input
signature it accepts; then, for each int argument (sizes, kernel sizes,
strides, dilations, pool sizes, heads, vocabulary sizes, axes, seeds...), the
same file with that argument set to each of :data:`HUGE` (with ``padding``
'valid' and 'same' where the class has one). Container arguments (modules)
hold a ``Dense`` whose units are made huge. A class no config can build (a
wrapped native object, a ``Lambda``'s function) must be refused with a dualnet error.

The data segment is capped (``RLIMIT_DATA``) so a bomb fails this child, not
the machine.
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

HUGE = (2**14 + 1, 2**31 - 1)  # an odd window total (torch pads it with a copy); the largest int a config holds
# Tried in order, float32 then int64; the rank-6 one is for ConvLSTM3D (N, T, D, H, W, C).
INPUTS = ([None, 2], [None, 4, 2], [None, 4, 4, 2], [None, 4, 4, 4, 2], [None, 2, 4, 4, 4, 2])
CAP_MB = 1024
MODULE = "__module__"
# Required arguments the annotation-based guess cannot fill (a permutation is not "2").
BASES: dict[str, dict[str, Any]] = {
    "Permute": {"dims": {"__tuple__": [1]}},
    # the adapting layers: statistics as adapt leaves them in the config (a call before adapt is refused)
    "Normalization": {"mean": 0.0, "variance": 1.0},
    "Discretization": {"bin_boundaries": [0.0]},
    "Rescaling": {"scale": 0.5},  # a number or an array: the annotation says Any
    "RNN": {"cell": {MODULE: "SimpleRNNCell", "config": {"units": 2}}},  # a cell has a state_size; Dense has none
    "StackedRNNCells": {"cells": [{MODULE: "SimpleRNNCell", "config": {"units": 2}}]},
    "EinsumDense": {"equation": "...b,bc->...c"},
}


def _small(param: inspect.Parameter) -> Any:
    """A small valid-looking value for a required argument, from its annotation."""
    note = str(param.annotation)
    if "Module" in note:
        leaf = {MODULE: "Dense", "config": {"units": 2}}
        return [leaf] if "Iterable" in note else leaf
    if "int" in note:
        return 2
    if "float" in note:
        return 0.5
    return "relu"  # Activation's function, by name


def _int_params(klass: type) -> list[str]:
    params = list(inspect.signature(klass.__init__).parameters.values())[1:]
    return [p.name for p in params if "int" in str(p.annotation) and "bool" not in str(p.annotation)]


def _module_params(klass: type) -> list[str]:
    params = list(inspect.signature(klass.__init__).parameters.values())[1:]
    return [p.name for p in params if "Module" in str(p.annotation)]


def _required(klass: type) -> dict[str, Any]:
    """Every required argument of ``klass`` at a small value."""
    params = list(inspect.signature(klass.__init__).parameters.values())[1:]
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {p.name: _small(p) for p in params if p.default is inspect.Parameter.empty and p.kind in kinds}


def _saved(name: str, config: dict[str, Any], folder: Path) -> tuple[bytes, dict[str, Any]] | None:
    """The file ``dn.save`` writes for ``name(**config)`` after a call on the first input it takes, or None."""
    import numpy as np

    import dualnet as dn
    from dualnet.io.model import decode_module

    # A list of two tensors only after every single tensor failed: merge layers (Add, Concatenate...) take one.
    for as_list in (False, True):
        for shape in INPUTS:
            for dtype in ("float32", "int64"):
                try:
                    model = decode_module({MODULE: name, "config": config}, "config")
                    x = np.ones([1 if s is None else s for s in shape], dtype)
                    model([x, x] if as_list else x)
                    path = dn.save(model, folder / "base.safetensors")
                except Exception:
                    continue
                return path.read_bytes(), dn.io.read_config(path)
    try:  # a container that is not a layer (ModuleList, ModuleDict): saved without a call
        path = dn.save(decode_module({MODULE: name, "config": config}, "config"), folder / "base.safetensors")
    except Exception:
        return None
    return path.read_bytes(), dn.io.read_config(path)


def cases(folder: Path) -> list[tuple[str, bytes | None, dict[str, Any]]]:
    """``(case id, base file bytes or None, model document)`` for every registered class."""
    from dualnet.io import registry

    found: list[tuple[str, bytes | None, dict[str, Any]]] = []
    for name in registry.registered():
        klass = registry.lookup(name)
        config = {**_required(klass), **BASES.get(name, {})}
        saved = _saved(name, config, folder)
        if saved is None:  # e.g. GroupNorm's 32 groups on 2 channels: every int argument with a default at 1
            config = {**config, **{arg: 1 for arg in _int_params(klass) if arg not in config}}
            saved = _saved(name, config, folder)
        if saved is None:
            document = {"format": "dualnet.model", "version": 1, "class": name, "config": config, "inputs": None}
            found.append((f"{name}(unbuildable)", None, document))
            continue
        raw, document = saved
        found.append((f"{name}(base)", raw, document))
        paddings = ("valid", "same") if "padding" in inspect.signature(klass.__init__).parameters else (None,)
        for arg in _int_params(klass):
            for value in HUGE:
                for padding in paddings:
                    changed = json.loads(json.dumps(document))
                    changed["config"][arg] = value
                    if padding is not None:
                        changed["config"]["padding"] = padding
                    found.append((f"{name}({arg}={value}, padding={padding})", raw, changed))
        for arg in _module_params(klass):
            changed = json.loads(json.dumps(document))
            inner = changed["config"].get(arg) or {MODULE: "Dense", "config": {"units": 2}}
            leaf = inner[0] if isinstance(inner, list) else inner
            leaf["config"] = {**leaf.get("config", {}), "units": HUGE[0], "in_features": HUGE[0]}
            changed["config"][arg] = inner
            found.append((f"{name}({arg}=Dense({HUGE[0]}, in_features={HUGE[0]}))", raw, changed))
    return found


def _with_config(raw: bytes | None, document: dict[str, Any]) -> bytes:
    """The safetensors file ``raw`` (or an empty one) with its model config replaced by ``document``."""
    from safetensors.numpy import load, save

    tensors = load(raw) if raw is not None else {}
    return save(tensors, metadata={"dualnet.config": json.dumps(document)})


def main(backend: str) -> None:
    os.environ["DUALNET_BACKEND"] = backend
    import dualnet as dn

    dn.set_backend(backend)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = cases(folder)
        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with open("/proc/self/status") as status:
            data = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmData:"))
        resource.setrlimit(resource.RLIMIT_DATA, (data + CAP_MB * 2**20, resource.getrlimit(resource.RLIMIT_DATA)[1]))
        for case, raw, document in table:
            path = folder / "case.safetensors"
            path.write_bytes(_with_config(raw, document))
            try:
                dn.load(path)
                outcome = "loaded"
            except dn.DualnetError as exc:
                outcome = f"{type(exc).__name__}: {str(exc)[:300]}"
            except MemoryError:
                outcome = "MemoryError (the cap)"
            except Exception as exc:
                outcome = f"raw {type(exc).__name__}: {str(exc)[:300]}"
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - start
            print(json.dumps({"case": case, "outcome": outcome, "peak_mb": peak}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
