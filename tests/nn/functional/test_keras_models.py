"""The same weights in Keras 3 functional equivalents give the same outputs: a Siamese model and a small U-Net.

Each dualnet model is built once (on the first backend the test runs on), its
weights loaded into the Keras model of the same graph (Keras on TensorFlow),
and the Keras outputs kept; on each backend the dualnet model loads that same
state and must match them within 1e-5. Conv2DTranspose kernels are stored
``(kh, kw, in, out)`` in dualnet and ``(kh, kw, out, in)`` in Keras.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn

nn = dn.nn
RNG = np.random.default_rng(16)
PAIR = RNG.standard_normal((5, 8)).astype("float32"), RNG.standard_normal((5, 8)).astype("float32")
IMAGE = RNG.standard_normal((1, 16, 16, 3)).astype("float32")


def siamese(k: Any = None) -> Any:
    """Two inputs, one shared encoder (a nested model), |ea - eb| -> sigmoid score, and their cosine similarity."""
    lib = nn if k is None else k.layers
    model_cls, input_fn = (dn.Model, dn.Input) if k is None else (k.Model, k.Input)
    x = input_fn((8,), name="x")
    hidden = lib.Dense(16, activation="relu", name="enc1")(x)
    encoder = model_cls(x, lib.Dense(4, name="enc2")(hidden), name="encoder")
    a, b = input_fn((8,), name="a"), input_fn((8,), name="b")
    ea, eb = encoder(a), encoder(b)
    diff = lib.Subtract(name="diff")([ea, eb])
    absolute = (nn.Lambda(dn.ops.abs, name="abs") if k is None else k.layers.Lambda(k.ops.abs, name="abs"))(diff)
    score = lib.Dense(1, activation="sigmoid", name="score")(absolute)
    cosine = lib.Dot(axes=1, normalize=True, name="cosine")([ea, eb])
    return model_cls([a, b], [score, cosine], name="siamese")


def unet(k: Any = None) -> Any:
    """Conv - MaxPool down twice, Conv2DTranspose up twice, each joined to its skip by Concatenate: (N, 16, 16, 3)."""
    lib = nn if k is None else k.layers
    model_cls, input_fn = (dn.Model, dn.Input) if k is None else (k.Model, k.Input)
    pool = nn.MaxPool2D if k is None else k.layers.MaxPooling2D

    def conv(filters: int, name: str) -> Any:
        return lib.Conv2D(filters, 3, padding="same", activation="relu", name=name)

    image = input_fn((16, 16, 3), name="image")
    c1 = conv(4, "c1")(image)
    c2 = conv(8, "c2")(pool(2, name="p1")(c1))
    bottom = conv(16, "bottom")(pool(2, name="p2")(c2))
    u2 = lib.Conv2DTranspose(8, 2, strides=2, name="u2")(bottom)
    c3 = conv(8, "c3")(lib.Concatenate(name="m2")([u2, c2]))
    u1 = lib.Conv2DTranspose(4, 3, strides=2, padding="same", name="u1")(c3)
    c4 = conv(4, "c4")(lib.Concatenate(name="m1")([u1, c1]))
    return model_cls(image, lib.Conv2D(2, 1, name="head")(c4), name="unet")


def _keras_layer(model: Any, path: list[str]) -> Any:
    for name in path:
        model = model.get_layer(name)
    return model


def _into_keras(kmodel: Any, state: dict[str, np.ndarray]) -> None:
    paths = sorted({key.rsplit(".", 1)[0] for key in state})
    for path in paths:
        layer = _keras_layer(kmodel, path.split("."))
        kernel = state[f"{path}.kernel"]
        if type(layer).__name__ == "Conv2DTranspose":
            kernel = kernel.transpose(0, 1, 3, 2)
        layer.set_weights([kernel, state[f"{path}.bias"]])


CASES: dict[str, tuple[Callable[..., Any], tuple[np.ndarray, ...]]] = {
    "siamese": (siamese, PAIR),
    "unet": (unet, (IMAGE,)),
}
REFERENCE: dict[str, tuple[dict[str, np.ndarray], list[np.ndarray]]] = {}


def _reference(case: str) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """(state, Keras outputs) of ``case``: made once, the state by dualnet, the outputs by Keras with it."""
    if case not in REFERENCE:
        import keras

        build, inputs = CASES[case]
        state = build().state_dict()
        kmodel = build(keras)
        _into_keras(kmodel, state)
        outputs = kmodel(list(inputs) if len(inputs) > 1 else inputs[0])
        REFERENCE[case] = state, [np.asarray(o) for o in (outputs if isinstance(outputs, list) else [outputs])]
    return REFERENCE[case]


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_same_weights_give_the_keras_functional_outputs(case: str, backend: str) -> None:
    state, expected = _reference(case)
    build, inputs = CASES[case]
    model = build()
    assert sorted(model.state_dict()) == sorted(state)
    model.load_state_dict(state)
    got = model(*inputs)
    got = got if isinstance(got, list) else [got]
    assert len(got) == len(expected)
    for ours, theirs in zip(got, expected):
        assert tuple(dn.ops.shape(ours)) == theirs.shape
        np.testing.assert_allclose(dn.ops.to_numpy(ours), theirs, atol=1e-5)


def test_the_shared_encoder_is_one_set_of_weights(backend: str) -> None:
    model = siamese()
    assert [n for n, _ in model.named_parameters()] == [
        "encoder.enc1.kernel", "encoder.enc1.bias", "encoder.enc2.kernel", "encoder.enc2.bias",
        "score.kernel", "score.bias",
    ]  # fmt: skip
    score, cosine = model(PAIR[0], PAIR[0])  # the same input on both sides: distance 0, cosine 1
    state = model.state_dict()
    np.testing.assert_allclose(dn.ops.to_numpy(cosine), np.ones((5, 1)), atol=1e-5)
    expected = 1 / (1 + np.exp(-state["score.bias"]))
    np.testing.assert_allclose(dn.ops.to_numpy(score), np.broadcast_to(expected, (5, 1)), atol=1e-6)


def test_the_siamese_graph_runs_compiled(backend: str) -> None:
    """Inside dn.function (traced by tf.function on tensorflow) as eagerly, gradients too.

    The graph runs as plain layer calls, traced like any forward; jit=True (XLA, torch.compile: 10-40 s of
    compilation here) is left to the Trainer's compiled-step tests.
    """
    state, expected = _reference("siamese")
    model = siamese()
    model.load_state_dict(state)

    def loss(m: dn.nn.Module, a: Any, b: Any) -> Any:
        score, cosine = m(a, b)
        return dn.ops.add(dn.ops.mean(score), dn.ops.mean(cosine))

    def step(a: Any, b: Any) -> Any:
        return dn.value_and_grad(loss)(model, a, b)

    a, b = (dn.ops.convert_to_tensor(t) for t in PAIR)
    _, eager_grads = step(a, b)
    value, grads = dn.function(step)(a, b)
    keras_value = float(np.mean(expected[0]) + np.mean(expected[1]))
    np.testing.assert_allclose(float(dn.ops.to_numpy(value)), keras_value, atol=1e-5)
    for got, want in zip(grads, eager_grads):
        np.testing.assert_allclose(dn.ops.to_numpy(got), dn.ops.to_numpy(want), atol=1e-5)
