"""EinsumDense vs keras.layers.EinsumDense on the same weights: kernel and bias shapes, outputs, gradients."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.nn import layer_references as refs

_CASES = [
    ("ab,bc->ac", 4, "c", (2, 3)),
    ("...b,bc->...c", 5, None, (2, 3, 4)),
    ("abc,cd->abd", (3, 6), "d", (2, 3, 4)),
    ("abc,cde->abde", (3, 2, 5), "de", (2, 3, 4)),
    ("abc,cde->abde", (3, 2, 5), "d", (2, 3, 4)),
    ("...bc,cde->...bde", (4, 2, 5), "e", (2, 4, 3)),
    ("abc...,cd->abd...", (3, 5), "d", (2, 3, 4, 6)),
]


@pytest.mark.parametrize(("equation", "output_shape", "bias_axes", "shape"), _CASES, ids=str)
def test_matches_keras(backend: str, equation: str, output_shape: Any, bias_axes: str | None, shape: Any) -> None:
    import keras

    x = np.random.default_rng(0).standard_normal(shape).astype("float32")
    layer = dn.nn.EinsumDense(equation, output_shape, bias_axes=bias_axes, bias_initializer="uniform")
    cot = refs.cotangent(tuple(dn.ops.shape(layer(x))))
    ours = refs.ours(layer, x, cot)
    state = layer.state_dict()
    theirs_layer = keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    theirs = refs.keras(theirs_layer, x, cot, state)
    assert {k: v.shape for k, v in state.items()} == {
        v.path.split("/")[-1]: tuple(v.shape) for v in theirs_layer.weights
    }
    for mine, other in zip(ours, theirs):
        if isinstance(mine, dict):
            for name in mine:
                np.testing.assert_allclose(mine[name], other[name], rtol=1e-5, atol=1e-5)
        else:
            np.testing.assert_allclose(mine, other, rtol=1e-5, atol=1e-5)


def test_activation_parity_and_save(backend: str, tmp_path: Path) -> None:
    layer = dn.nn.EinsumDense("abc,cd->abd", (3, 4), activation="gelu", bias_axes="d")
    x = np.random.default_rng(1).standard_normal((2, 3, 5)).astype("float32")
    y = dn.ops.to_numpy(layer(x))
    state = layer.state_dict()
    expected = dn.ops.to_numpy(dn.ops.gelu(np.einsum("abc,cd->abd", x, state["kernel"]) + state["bias"]))
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    dn.save(layer, tmp_path / "e.safetensors")
    np.testing.assert_allclose(dn.ops.to_numpy(dn.load(tmp_path / "e.safetensors")(x)), y)


def test_parity_across_backends() -> None:
    x = np.random.default_rng(2).standard_normal((2, 3, 4)).astype("float32")
    dn.testing.module_parity(lambda: dn.nn.EinsumDense("abc,cde->abde", (3, 2, 5), bias_axes="e"), [x])


@pytest.mark.parametrize(
    ("kwargs", "x", "error", "match"),
    [
        ({"equation": "ab->b", "output_shape": 3}, None, dn.ArgumentError, "must be '<input>,<kernel>-><output>'"),
        ({"equation": "ab,bc->ac", "output_shape": 3, "bias_axes": "z"}, None, dn.ArgumentError, "bias_axes='z'"),
        ({"equation": "ab,bc->ac", "output_shape": 0}, None, dn.ArgumentError, "output_shape"),
        ({"equation": "abc,cd->abd", "output_shape": (5, 4)}, (2, 3, 4), dn.ShapeError, "axis 'b' is 3 in the input"),
        ({"equation": "ab,bc->ac", "output_shape": (3, 3)}, (2, 4), dn.ShapeError, "output_shape"),
        ({"equation": "ab,bc->ac", "output_shape": 3}, "int", dn.DTypeError, "expects float inputs"),
    ],
)
def test_errors(backend: str, kwargs: dict[str, Any], x: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        layer = dn.nn.EinsumDense(**kwargs)
        layer(np.ones((2, 4), "int64") if x == "int" else np.ones(x, "float32"))
