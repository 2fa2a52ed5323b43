"""Crafted model configs: dn.load fails with a dualnet error, allocates nothing big and runs no code of the file's."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from safetensors.numpy import save as save_tensors

import dualnet as dn
from dualnet.errors import DualnetError
from dualnet.io import load


def _write(path: Path, document: Any, tensors: dict[str, np.ndarray] | None = None) -> Path:
    metadata = {"dualnet.config": document if isinstance(document, str) else json.dumps(document)}
    path.write_bytes(save_tensors(tensors or {}, metadata=metadata))
    return path


def _doc(klass: Any, config: Any, inputs: Any = None) -> dict[str, Any]:
    return {"format": "dualnet.model", "version": 1, "class": klass, "config": config, "inputs": inputs}


def _layers(*layers: dict[str, Any]) -> dict[str, Any]:
    return _doc("Sequential", {"layers": list(layers)})


def _canary_cases(canary: Path) -> dict[str, tuple[dict[str, Any], str]]:
    """Configs that would create ``canary`` if any of their strings were imported, evaluated or unpickled."""
    shell = f"touch {canary}"
    return {
        "os.system": (_doc("os.system", {"command": shell}), "'os.system' is not registered"),
        "builtins.eval": (_doc("builtins.eval", {"source": f"open({str(canary)!r}, 'w')"}), "not registered"),
        "subprocess.Popen": (_doc("subprocess.Popen", {"args": ["touch", str(canary)]}), "not registered"),
        "dotted import path": (_doc("dualnet.nn.Dense", {"units": 2}), "'dualnet.nn.Dense' is not registered"),
        "nested unknown": (_layers({"__module__": "posix.system", "config": {"command": shell}}), "not registered"),
        "class is a dict": (_doc({"__reduce__": ["os.system", [shell]]}, {}), "is not registered"),
        "__reduce__ argument": (
            _doc("Dense", {"units": 2, "in_features": 1, "__reduce__": ["os.system", [shell]]}),
            r"cannot be constructed with arguments .*__reduce__",
        ),
        "activation by import path": (_doc("Dense", {"units": 2, "activation": "os.system"}), "unknown activation"),
        "initializer as code": (
            _doc("Dense", {"units": 2, "in_features": 1, "kernel_initializer": f"__import__('os').system('{shell}')"}),
            "unknown initializer",
        ),
        "jsonpickle style object": (
            _doc("Dense", {"units": {"py/object": "os.system", "py/state": shell}, "in_features": 1}),
            "units",
        ),
    }


def test_configs_naming_code_fail_and_run_nothing(backend: str, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    for case, (document, message) in _canary_cases(canary).items():
        path = _write(tmp_path / "m.safetensors", document)
        with pytest.raises(DualnetError, match=message):
            load(path)
        assert not canary.exists(), case


# name -> (document, tensors in the file, message). Each would allocate gigabytes or more if built.
ABSURD: dict[str, tuple[dict[str, Any], dict[str, np.ndarray], str]] = {
    "int beyond int32": (_doc("Dense", {"units": 2**40, "in_features": 4}), {}, "beyond the bound"),
    "negative size": (_doc("Dense", {"units": -3, "in_features": 4}), {}, "units"),
    "16 GiB Dense kernel": (
        _doc("Dense", {"units": 2**20, "in_features": 2**12}),
        {"kernel": np.zeros((4, 2), "float32")},
        r"config \(Dense.kernel\): the config asks for a weight of shape \(4096, 1048576\)",
    ),
    "8 GiB embedding table": (
        _doc("Embedding", {"input_dim": 2**25, "output_dim": 64}),
        {},
        r"shape \(33554432, 64\).*budget",
    ),
    "wide conv built at the first call": (
        _doc("Conv2D", {"filters": 2**24, "kernel_size": 3}, [{"shape": [None, 4, 4, 8], "dtype": "float32"}]),
        {},
        r"needs 67108864 elements in one array",  # the first call's output, refused before the kernel is made
    ),
    "deep stack of big layers": (
        _layers(*[{"__module__": "Dense", "config": {"units": 2**10, "in_features": 2**10}}] * 256),
        {"0.kernel": np.zeros((2**10, 2**10), "float32")},
        r"config.layers\[1\] \(Dense.kernel\)",
    ),
    "huge input signature": (
        _doc("Dense", {"units": 2}, [{"shape": [None, 2**20, 2**20], "dtype": "float32"}]),
        {},
        "not a sane shape",
    ),
    "negative input dimension": (_doc("Dense", {"units": 2}, [{"shape": [None, -1], "dtype": "float32"}]), {}, "sane"),
    "unknown input dtype": (_doc("Dense", {"units": 2}, [{"shape": [None, 3], "dtype": "object"}]), {}, "object"),
    "inputs not a list": (_doc("Dense", {"units": 2}, {"shape": [None, 3]}), {}, "'inputs' must be a list"),
    "config not an object": (_doc("Dense", [2]), {}, r"expected \{'__module__': name"),
    "config missing": ({"format": "dualnet.model", "version": 1, "class": "Dense"}, {}, r"expected \{'__module__'"),
    "nested 200 deep": (
        _doc("Dense", {"units": 2, "in_features": 1, "x": json.loads("[" * 200 + "]" * 200)}),
        {},
        "nested deeper than 100",
    ),
    "wrong version": ({**_doc("Dense", {"units": 2}), "version": 99}, {}, "upgrade dualnet"),
    "not a model document": ({"format": "something else"}, {}, "not a 'dualnet.model' document"),
}


@pytest.mark.parametrize("case", list(ABSURD))
def test_absurd_configs_fail_with_bounded_memory(backend: str, tmp_path: Path, case: str) -> None:
    document, tensors, message = ABSURD[case]
    path = _write(tmp_path / "m.safetensors", document, tensors)
    tracemalloc.start()
    try:
        with pytest.raises(DualnetError, match=message):
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**26, f"{case}: {peak} bytes"  # files of <= 4 MiB; built, each case needs GiBs


def test_config_json_that_is_not_json(backend: str, tmp_path: Path) -> None:
    path = _write(tmp_path / "m.safetensors", "{'class': 'Dense'}")
    with pytest.raises(dn.WeightsFileError, match="the model config is not valid JSON"):
        load(path)


def test_the_budget_admits_the_saved_model_exactly(backend: str, tmp_path: Path) -> None:
    model = dn.nn.Sequential([dn.nn.Dense(64, activation="relu"), dn.nn.Dense(3)])
    x = np.ones((2, 16), "float32")
    model(x)
    dn.save(model, tmp_path / "m.safetensors")
    np.testing.assert_array_equal(dn.ops.to_numpy(load(tmp_path / "m.safetensors")(x)), dn.ops.to_numpy(model(x)))
    dn.nn.Dense(2**12, in_features=2**10)  # outside dn.load no budget applies
