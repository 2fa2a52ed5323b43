"""Merge layers, Lambda and Identity: vs Keras 3, torch and NumPy, parity, functional save/load, a U-Net, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn

nn = dn.nn
RNG = np.random.default_rng(0)


def _r(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype("float32")


A, B2, C = _r(3, 4), _r(3, 4), _r(3, 1)  # C broadcasts against A on the last axis
X3, Y3 = _r(2, 4, 5), _r(2, 6, 5)

# (id, dualnet layer, keras layer, NumPy formula, torch formula, inputs)
ELEMENTWISE: list[tuple[str, Callable[[], Any], str, Callable[..., Any], str, list[np.ndarray]]] = [
    ("add", nn.Add, "Add", lambda a, b, c: a + b + c, "add", [A, B2, C]),
    ("subtract", nn.Subtract, "Subtract", lambda a, b: a - b, "sub", [A, B2]),
    ("multiply", nn.Multiply, "Multiply", lambda a, b, c: a * b * c, "mul", [A, B2, C]),
    ("average", nn.Average, "Average", lambda a, b, c: (a + b + c) / 3, "", [A, B2, C]),
    ("maximum", nn.Maximum, "Maximum", lambda a, b, c: np.maximum(np.maximum(a, b), c), "maximum", [A, B2, C]),
    ("minimum", nn.Minimum, "Minimum", lambda a, b, c: np.minimum(np.minimum(a, b), c), "minimum", [A, B2, C]),
]
# (id, dualnet layer, keras constructor arguments, inputs, NumPy einsum or None)
DOTS: list[tuple[str, Callable[[], Any], dict[str, Any], list[np.ndarray], str | None]] = [
    ("matrices", lambda: nn.Dot(2), {"axes": 2}, [X3, Y3], "bnk,bmk->bnm"),
    ("vectors", lambda: nn.Dot(-1), {"axes": -1}, [A, B2], "bk,bk->b"),
    ("mixed", lambda: nn.Dot((1, 2)), {"axes": (1, 2)}, [_r(2, 4), _r(2, 3, 4)], "bk,bmk->bm"),
    ("cosine", lambda: nn.Dot((2, 1), normalize=True), {"axes": (2, 1), "normalize": True}, [X3, _r(2, 5, 3)], None),
]


def _keras() -> Any:
    dn.set_backend("tensorflow")  # the dualnet TF backend starts TF's runtime before Keras imports it
    import keras

    return keras


@pytest.fixture(scope="module")
def keras_outputs() -> dict[str, np.ndarray]:
    """Keras 3's output for every case, computed once (module-scoped, so before the backend fixture runs)."""
    keras = _keras()
    found = {case[0]: np.asarray(getattr(keras.layers, case[2])()(case[5])) for case in ELEMENTWISE}
    found.update({case[0]: np.asarray(keras.layers.Dot(**case[2])(case[3])) for case in DOTS})
    found["concatenate"] = np.asarray(keras.layers.Concatenate(axis=1)([X3, Y3, X3]))
    return found


def _np(x: Any) -> np.ndarray:
    return dn.ops.to_numpy(x)


@pytest.mark.parametrize("case", ELEMENTWISE, ids=[c[0] for c in ELEMENTWISE])
def test_elementwise_merges_match_keras_torch_and_numpy(
    keras_outputs: dict[str, np.ndarray], backend: str, case: Any
) -> None:
    import torch

    key, layer, _, formula, torch_name, inputs = case
    got = _np(layer()(inputs))
    np.testing.assert_allclose(got, keras_outputs[key], rtol=0, atol=1e-6)
    np.testing.assert_allclose(got, formula(*inputs), rtol=0, atol=1e-6)
    assert got.shape == (3, 4) and got.dtype == np.float32
    if torch_name:  # torch has no n-ary mean op: NumPy's formula covers Average
        tensors = [torch.from_numpy(x) for x in inputs]
        expected = tensors[0]
        for t in tensors[1:]:
            expected = getattr(torch, torch_name)(expected, t)
        np.testing.assert_allclose(got, expected.numpy(), rtol=0, atol=1e-6)


@pytest.mark.parametrize("case", DOTS, ids=[c[0] for c in DOTS])
def test_dot_matches_keras_batch_dot_and_numpy(keras_outputs: dict[str, np.ndarray], backend: str, case: Any) -> None:
    key, layer, _, inputs, equation = case
    got = _np(layer()(inputs))
    expected = keras_outputs[key]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    if equation is not None:
        reference = np.einsum(equation, *inputs)
        np.testing.assert_allclose(got, reference.reshape(expected.shape), rtol=0, atol=1e-5)
    else:  # cosine similarity of x's rows (axis 2) with y's columns (axis 1)
        x, y = inputs
        x = x / np.linalg.norm(x, axis=2, keepdims=True)
        y = y / np.linalg.norm(y, axis=1, keepdims=True)
        np.testing.assert_allclose(got, np.einsum("bnk,bkm->bnm", x, y), rtol=0, atol=1e-6)


def test_concatenate_matches_keras_and_torch_cat(keras_outputs: dict[str, np.ndarray], backend: str) -> None:
    import torch

    got = _np(nn.Concatenate(axis=1)([X3, Y3, X3]))
    np.testing.assert_array_equal(got, keras_outputs["concatenate"])
    np.testing.assert_array_equal(got, torch.cat([torch.from_numpy(t) for t in (X3, Y3, X3)], dim=1).numpy())
    np.testing.assert_array_equal(_np(nn.Concatenate()([X3, X3])), np.concatenate([X3, X3], -1))


def _merged(layer: Callable[[], Any], shapes: list[tuple[int, ...]]) -> Callable[[], dn.Model]:
    def build() -> dn.Model:
        inputs = [dn.Input(s[1:]) for s in shapes]
        return dn.Model(inputs, layer()(inputs))

    return build


PARITY = [(c[0], c[1], c[5]) for c in ELEMENTWISE] + [(c[0], c[1], c[3]) for c in DOTS]
PARITY.append(("concatenate", lambda: nn.Concatenate(axis=1), [X3, Y3]))


@pytest.mark.parametrize("case", PARITY, ids=[c[0] for c in PARITY])
def test_outputs_and_gradients_agree_across_backends(case: Any) -> None:
    _, layer, inputs = case
    dn.testing.module_parity(_merged(layer, [x.shape for x in inputs]), inputs)


def test_symbolic_shapes_are_inferred(backend: str) -> None:
    a, b = dn.Input((4, 5)), dn.Input((6, 5))
    assert nn.Dot(2)([a, b]).shape == (None, 4, 6)
    assert nn.Concatenate(axis=1)([a, b]).shape == (None, 10, 5)
    assert nn.Add()([a, dn.Input((1, 5))]).shape == (None, 4, 5)
    assert nn.Dot(-1)([dn.Input((3,)), dn.Input((3,))]).shape == (None, 1)
    seq = dn.Input((None, 5))  # an unknown length stays unknown
    assert nn.Concatenate()([seq, seq]).shape == (None, None, 10)


def two_branch() -> dn.Model:
    a, b = dn.Input((4,), name="a"), dn.Input((4,), name="b")
    left = nn.Dense(3, activation="tanh", name="left")(a)
    right = nn.Dense(3, name="right")(b)
    joined = nn.Concatenate(name="join")([nn.Add(name="sum")([left, right]), right])
    return dn.Model([a, b], nn.Dense(2, name="head")(joined), name="branches")


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_a_two_branch_model_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    dn.set_backend(source)
    dn.seed(0)
    model = two_branch()
    expected = _np(model(A, B2))
    state = model.state_dict()
    left = np.tanh(A @ state["left.kernel"] + state["left.bias"])
    right = B2 @ state["right.kernel"] + state["right.bias"]
    joined = np.concatenate([left + right, right], 1)
    np.testing.assert_allclose(expected, joined @ state["head.kernel"] + state["head.bias"], atol=1e-5)
    path = dn.save(model, tmp_path / "branches.safetensors")
    dn.set_backend(target)
    loaded = dn.load(path)
    assert isinstance(loaded.get_layer("join"), nn.Concatenate) and isinstance(loaded.get_layer("sum"), nn.Add)
    np.testing.assert_allclose(_np(loaded(A, B2)), expected, rtol=0, atol=1e-6)


def unet() -> dn.Model:
    x = dn.Input((8, 8, 3))
    c1 = nn.Conv2D(4, 3, padding="same", activation="relu", name="c1")(x)
    c2 = nn.Conv2D(6, 3, padding="same", activation="relu", name="c2")(nn.MaxPool2D(2)(c1))
    up = nn.Conv2DTranspose(4, 2, strides=2, name="up")(c2)
    joined = nn.Concatenate(name="skip")([up, c1])
    return dn.Model(x, nn.Conv2D(2, 1, name="out")(joined), name="unet")


UNET_X = _r(2, 8, 8, 3)


@pytest.fixture(scope="module")
def keras_unet() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Our U-Net's initial weights and the Keras functional U-Net's output with them."""
    keras = _keras()
    dn.seed(0)
    state = unet().state_dict()
    layers = keras.layers
    x = keras.Input((8, 8, 3))
    c1 = layers.Conv2D(4, 3, padding="same", activation="relu", name="c1")(x)
    c2 = layers.Conv2D(6, 3, padding="same", activation="relu", name="c2")(layers.MaxPooling2D(2)(c1))
    up = layers.Conv2DTranspose(4, 2, strides=2, name="up")(c2)
    out = layers.Conv2D(2, 1, name="out")(layers.Concatenate()([up, c1]))
    model = keras.Model(x, out)
    for name in ("c1", "c2", "out", "up"):
        kernel = state[f"{name}.kernel"]
        # Keras keeps a transposed conv's kernel as (kh, kw, out, in); ours is canonical (kh, kw, in, out).
        kernel = kernel.transpose(0, 1, 3, 2) if name == "up" else kernel
        model.get_layer(name).set_weights([kernel, state[f"{name}.bias"]])
    return state, np.asarray(model(UNET_X))


def test_a_unet_matches_the_keras_functional_model(keras_unet: Any, backend: str) -> None:
    state, expected = keras_unet
    model = unet()
    model.load_state_dict(state)
    got = _np(model(UNET_X))
    assert got.shape == (2, 8, 8, 2)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)


def test_lambda_runs_eagerly_and_in_a_functional_model(backend: str) -> None:
    double = nn.Lambda(lambda t: dn.ops.multiply(t, 2.0), output_shape=(4,))
    np.testing.assert_allclose(_np(double(A)), 2 * A)
    a, b = dn.Input((4,)), dn.Input((4,))
    pair = nn.Lambda(lambda ts: dn.ops.subtract(dn.ops.relu(ts[0]), ts[1]), name="relu_diff")([a, b])
    assert pair.shape == (None, 4)
    model = dn.Model([a, b], nn.Identity(name="out")(pair))
    np.testing.assert_allclose(_np(model(A, B2)), np.maximum(A, 0) - B2, atol=1e-6)
    assert model.get_layer("relu_diff").name == "relu_diff" and model.count_params() == 0
    assert _np(nn.Identity()(dn.ops.convert_to_tensor(A))).tolist() == A.tolist()


def test_saving_a_lambda_is_refused_and_a_crafted_lambda_config_never_loads(tmp_path: Path, backend: str) -> None:
    from dualnet.io.model import METADATA_KEY, read_config
    from dualnet.io.weights import load_state, save_state

    a = dn.Input((4,))
    model = dn.Model(a, nn.Lambda(dn.ops.relu)(a))
    with pytest.raises(dn.ArgumentError, match=r"Lambda\) holds the Python function relu.*@dn.register_module"):
        dn.save(model, tmp_path / "m.safetensors")
    assert not (tmp_path / "m.safetensors").exists()
    path = dn.save(two_branch(), tmp_path / "b.safetensors")
    document = read_config(path)
    document["config"]["layers"][2] = {"__module__": "Lambda", "config": {"function": "os.system"}}
    save_state(load_state(path), path, metadata={METADATA_KEY: json.dumps(document)})
    with pytest.raises(dn.ArgumentError, match=r"names a Lambda layer, which dn.load never builds"):
        dn.load(path)


def test_merge_errors_name_the_layer_and_the_fix(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"Add takes one list of at least 2 tensors, got a ndarray.*Add\(\)\("):
        nn.Add()(A)
    with pytest.raises(dn.ArgumentError, match=r"got 2 separate arguments; pass the tensors as a list"):
        nn.Multiply()(A, B2)
    with pytest.raises(dn.ArgumentError, match=r"Average takes a list of at least 2 tensors, got 1"):
        nn.Average()([A])
    with pytest.raises(dn.ArgumentError, match=r"Subtract takes a list of exactly 2 tensors, got 3"):
        nn.Subtract()([A, A, A])
    with pytest.raises(dn.ShapeError, match=r"Maximum expects shapes that agree .* differ on axis 1 \(4, 5\)"):
        nn.Maximum()([A, _r(3, 5)])
    with pytest.raises(dn.ShapeError, match=r"Add expects tensors of one rank, got shapes \(3, 4\), \(2, 4, 5\)"):
        nn.Add()([A, X3])
    with pytest.raises(dn.ShapeError, match=r"Concatenate joins along axis 1, so .* differ on axis 2"):
        nn.Concatenate(axis=1)([X3, _r(2, 6, 4)])
    with pytest.raises(dn.ShapeError, match=r"axis=3 is out of range for inputs of rank 3"):
        nn.Concatenate(axis=3)([X3, X3])
    with pytest.raises(dn.ShapeError, match=r"Dot expects equal sizes of the summed axes \(1 and 1\).*\(4 != 6\)"):
        nn.Dot(1)([X3, Y3])
    with pytest.raises(dn.ShapeError, match=r"names axis 0 .* not the batch axis 0"):
        nn.Dot(0)([A, B2])
    with pytest.raises(dn.ShapeError, match=r"Dot expects equal batch sizes"):
        nn.Dot(-1)([A, _r(2, 4)])


def test_shape_errors_at_model_definition_name_the_layer(backend: str) -> None:
    a, b = dn.Input((4,)), dn.Input((5,))
    with pytest.raises(dn.ShapeError, match=r"layer 'fuse' \(Add\) expects shapes that agree .* differ on axis 1"):
        nn.Add(name="fuse")([a, b])
    with pytest.raises(dn.ShapeError, match=r"layer 'skip' \(Concatenate\) joins along axis -1"):
        nn.Concatenate(name="skip")([dn.Input((4, 4, 2)), dn.Input((2, 2, 2))])
    with pytest.raises(dn.ArgumentError, match=r"layer 'add' \(Add\) takes one list of at least 2 tensors"):
        nn.Add()(a)
    with pytest.raises(dn.ShapeError, match=r"layer 'lambda' \(Lambda\): the function returned shape .* output_sh"):
        nn.Lambda(lambda t: t, output_shape=(3,))(a)


def test_bad_constructor_arguments() -> None:
    with pytest.raises(dn.ArgumentError, match=r"Dot\(axes=\(1, 2, 3\)\): axes must be an int or a pair of ints"):
        nn.Dot((1, 2, 3))
    with pytest.raises(dn.ArgumentError, match=r"Concatenate\(axis='x'\)"):
        nn.Concatenate("x")  # type: ignore[arg-type]
    with pytest.raises(dn.ArgumentError, match=r"Lambda\(function='relu'\): function must be a function"):
        nn.Lambda("relu")  # type: ignore[arg-type]
    with pytest.raises(dn.ArgumentError, match=r"call the layer directly"):
        nn.Lambda(nn.Dense(2))
    with pytest.raises(dn.ArgumentError, match=r"output_shape must be a tuple of sizes"):
        nn.Lambda(abs, output_shape=(-2,))
