"""Whole models: dn.save / dn.load round trips (also across backends), the registry, and damaged files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from safetensors.numpy import save as save_tensors

import dualnet as dn
from dualnet.io.model import load, read_config, save
from dualnet.io.registry import lookup, register_module, registered
from tests.export.models import MODELS


def _out(model: dn.nn.Module, x: np.ndarray) -> np.ndarray:
    model.eval()
    return np.asarray(dn.ops.to_numpy(model(x)))


@pytest.mark.parametrize("name", list(MODELS))
def test_round_trip_rebuilds_the_model(backend: str, tmp_path: Path, name: str) -> None:
    model, x = MODELS[name]()
    expected = _out(model, x)
    save(model, tmp_path / "m.safetensors")
    loaded = load(tmp_path / "m.safetensors")
    assert type(loaded) is type(model)
    assert list(loaded.state_dict()) == list(model.state_dict())
    np.testing.assert_allclose(_out(loaded, x), expected, rtol=0, atol=1e-6)


def test_file_from_torch_loads_on_tensorflow(tmp_path: Path) -> None:
    dn.set_backend("torch")
    model, x = MODELS["cnn"]()
    expected = _out(model, x)
    save(model, tmp_path / "m.safetensors")
    dn.set_backend("tensorflow")
    np.testing.assert_allclose(_out(load(tmp_path / "m.safetensors"), x), expected, atol=1e-5)


def test_config_is_json_with_nested_modules_tuples_and_activation_names(backend: str, tmp_path: Path) -> None:
    block = dn.nn.Sequential([dn.nn.Conv2D(2, (3, 3), padding="same", activation=dn.ops.relu)])
    model = dn.nn.Residual(block, shortcut=dn.nn.Conv2D(2, 1))
    model(np.zeros((1, 4, 4, 2), "float32"))
    save(model, tmp_path / "m.safetensors")
    doc = read_config(tmp_path / "m.safetensors")
    assert doc["format"] == "dualnet.model" and doc["version"] == 1 and doc["class"] == "Residual"
    conv = doc["config"]["block"]["config"]["layers"][0]
    assert conv == {
        "__module__": "Conv2D",
        "config": {"filters": 2, "kernel_size": {"__tuple__": [3, 3]}, "padding": "same", "activation": "relu"},
    }
    assert doc["inputs"] == [{"shape": [None, 4, 4, 2], "dtype": "float32"}]
    assert load(tmp_path / "m.safetensors").block[0].get_config()["kernel_size"] == (3, 3)


def test_get_config_records_the_most_derived_call() -> None:
    assert dn.nn.Dense(4, activation="tanh").get_config() == {"units": 4, "activation": "tanh"}
    assert dn.nn.LSTM(3, return_sequences=True).get_config() == {"units": 3, "return_sequences": True}


def test_layers_added_after_construction_are_saved(backend: str, tmp_path: Path) -> None:
    model = dn.nn.Sequential([dn.nn.Dense(3)])
    model.add(dn.nn.Dense(2))
    x = np.ones((2, 4), "float32")
    expected = _out(model, x)
    save(model, tmp_path / "m.safetensors")
    np.testing.assert_allclose(_out(load(tmp_path / "m.safetensors"), x), expected, atol=1e-6)


def test_unstorable_argument_names_the_module_and_argument(backend: str, tmp_path: Path) -> None:
    model = dn.nn.Sequential([dn.nn.Dense(3), dn.nn.Dense(2, activation=lambda t: t)])
    model(np.ones((1, 4), "float32"))
    with pytest.raises(dn.ArgumentError, match=r"'1' \(Dense\), argument 'activation'.*name string"):
        save(model, tmp_path / "m.safetensors")
    assert not (tmp_path / "m.safetensors").exists()


def test_unregistered_custom_module_fails_at_save(backend: str, tmp_path: Path) -> None:
    class Unregistered(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = dn.nn.Dense(2)

        def forward(self, x: Any) -> Any:
            return self.fc(x)

    with pytest.raises(dn.ArgumentError, match=r"not registered.*register_module"):
        save(Unregistered(), tmp_path / "m.safetensors")


def test_register_module_as_decorator_with_a_name() -> None:
    @register_module(name="tests.Scaled")
    class Scaled(dn.nn.Module):
        def forward(self, x: Any) -> Any:
            return x

    assert lookup("tests.Scaled") is Scaled and "Dense" in registered()
    with pytest.raises(dn.ArgumentError, match="built-in layer"):
        register_module(Scaled, name="Dense")


def _write(path: Path, document: Any, tensors: dict[str, np.ndarray] | None = None) -> None:
    path.write_bytes(save_tensors(tensors or {}, metadata={"dualnet.config": json.dumps(document)}))


def _doc(layer: dict[str, Any]) -> dict[str, Any]:
    return {"format": "dualnet.model", "version": 1, "class": layer["__module__"], "config": layer["config"]}


def test_unknown_class_lists_the_registered_names(backend: str, tmp_path: Path) -> None:
    _write(tmp_path / "m.safetensors", _doc({"__module__": "os.system", "config": {}}))
    with pytest.raises(dn.ArgumentError, match=r"'os.system' is not registered \(registered: .*Dense.*register_module"):
        load(tmp_path / "m.safetensors")


@pytest.mark.parametrize("units", [2**40, -3])
def test_absurd_sizes_fail_before_allocating(backend: str, tmp_path: Path, units: int) -> None:
    _write(tmp_path / "m.safetensors", _doc({"__module__": "Dense", "config": {"units": units, "in_features": 4}}))
    with pytest.raises(dn.ArgumentError, match="units"):
        load(tmp_path / "m.safetensors")


def test_weights_that_do_not_match_the_config_name_the_keys(backend: str, tmp_path: Path) -> None:
    doc = _doc({"__module__": "Dense", "config": {"units": 2, "in_features": 3}})
    _write(tmp_path / "m.safetensors", doc, {"kernel": np.zeros((3, 2), "float32"), "extra": np.zeros(1, "float32")})
    with pytest.raises(dn.StateDictError, match=r"bias.*extra|extra.*bias"):
        load(tmp_path / "m.safetensors")


def test_damaged_files_raise_weights_file_errors(backend: str, tmp_path: Path) -> None:
    model, x = MODELS["mlp"]()
    model(x)
    good = save(model, tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "truncated.safetensors").write_bytes(good[: len(good) - 40])
    with pytest.raises(dn.WeightsFileError, match="truncated"):
        load(tmp_path / "truncated.safetensors")
    (tmp_path / "header.safetensors").write_bytes(good[:8] + b"{not json" + good[17:])
    with pytest.raises(dn.WeightsFileError, match="corrupt header"):
        load(tmp_path / "header.safetensors")
    model.save_weights(tmp_path / "weights.safetensors")
    with pytest.raises(dn.WeightsFileError, match="load_weights"):
        load(tmp_path / "weights.safetensors")
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.safetensors")


def test_a_subprocess_imports_only_the_modules_of_the_models_own_registered_classes() -> None:
    """A class registered from code no other process can import (a notebook cell, exec) must not break exports."""
    from dualnet.io.registry import custom_modules

    namespace: dict[str, Any] = {"__name__": "__cell_not_importable__", "dn": dn}
    exec("class CellLayer(dn.nn.Module):\n    def forward(self, x):\n        return x\n", namespace)
    register_module(namespace["CellLayer"], name="test_model.CellLayer")
    model, _ = MODELS["lstm"]()  # its LSTMClassifier is registered from tests.export.models
    wanted = custom_modules({type(m) for m in model.modules()})
    assert wanted == ["tests.export.models"]
    assert custom_modules([namespace["CellLayer"], dn.nn.Dense]) == ["__cell_not_importable__"]


@pytest.mark.parametrize("make", [lambda: dn.nn.AdditiveAttention(), lambda: dn.nn.Attention(use_scale=True)])
def test_a_layer_called_on_a_list_of_tensors_saves_and_loads_on_the_other_backend(
    backend: str, tmp_path: Path, make: Any
) -> None:
    """A list input (Keras's [query, value]) is recorded in the file, so dn.load builds the layer before loading."""
    rng = np.random.default_rng(0)
    query, value = rng.random((2, 3, 4), dtype="float32"), rng.random((2, 5, 4), dtype="float32")
    layer = make()
    expected = dn.ops.to_numpy(layer([query, value]))
    path = dn.save(layer, tmp_path / "attention.safetensors")
    assert dn.io.read_config(path)["inputs"] == [
        {"list": [{"shape": [None, 3, 4], "dtype": "float32"}, {"shape": [None, 5, 4], "dtype": "float32"}]}
    ]
    dn.set_backend("tensorflow" if backend == "torch" else "torch")
    try:
        np.testing.assert_allclose(dn.ops.to_numpy(dn.load(path)([query, value])), expected, rtol=1e-5, atol=1e-6)
    finally:
        dn.set_backend(backend)
