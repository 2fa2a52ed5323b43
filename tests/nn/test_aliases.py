"""Keras's other layer names in dn.nn: the same class objects, Keras's own names, saved under the canonical name."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from dualnet.io import registry
from dualnet.nn import aliases


@pytest.mark.parametrize("name", aliases.__all__)
def test_an_alias_is_a_keras_name_for_the_same_class(name: str) -> None:
    import keras

    ours = getattr(dn.nn, name)
    assert isinstance(getattr(keras.layers, name, None), type), f"keras.layers has no {name}"
    assert ours is getattr(aliases, name) and ours.__name__ != name and getattr(dn.nn, ours.__name__) is ours
    # Keras's class behind the alias has the parameters ours takes by Keras's names.
    keras_params = set(inspect.signature(getattr(keras.layers, name)).parameters)
    shared = {"pool_size", "filters", "momentum", "epsilon", "groups", "output_size", "axis"} & keras_params
    assert shared <= set(inspect.signature(ours).parameters)


def test_aliases_are_not_registered_twice() -> None:
    assert not set(aliases.__all__) & set(registry.registered())


def test_a_layer_built_by_its_alias_saves_under_its_own_name(backend: str, tmp_path: Path) -> None:
    layer = dn.nn.BatchNormalization(momentum=0.9)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    layer(x)
    dn.save(layer, tmp_path / "bn.safetensors")
    loaded = dn.load(tmp_path / "bn.safetensors")
    assert type(loaded) is dn.nn.BatchNorm and loaded.momentum == 0.9
