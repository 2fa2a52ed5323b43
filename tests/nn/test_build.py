"""``Module.build(shapes)`` changes nothing: the same initial state_dict as construction, on both backends."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import dispatch

nn = dn.nn
# family -> (model factory, input shapes with None batch, input dtype)
FAMILIES: dict[str, tuple[Callable[[], Any], list[tuple[int | None, ...]], str]] = {
    "dense": (lambda: nn.Sequential([nn.Dense(3), nn.Dense(2)]), [(None, 5)], "float32"),
    "conv_bn_dropout": (
        lambda: nn.Sequential(
            [nn.Conv2D(4, 3, padding="same"), nn.BatchNorm(), nn.Dropout(0.5), nn.Flatten(), nn.Dense(2)]
        ),
        [(None, 6, 6, 2)],
        "float32",
    ),
    "conv1d_depthwise_transpose": (
        lambda: nn.Sequential([nn.DepthwiseConv2D(3, padding="same"), nn.Conv2DTranspose(2, 2, strides=2)]),
        [(None, 4, 4, 3)],
        "float32",
    ),
    "norms": (lambda: nn.Sequential([nn.Conv1D(4, 3), nn.LayerNorm(), nn.GroupNorm(2)]), [(None, 7, 3)], "float32"),
    "embedding_gru_lstm": (
        lambda: nn.Sequential([nn.Embedding(10, 4), nn.GRU(3, return_sequences=True), nn.LSTM(2)]),
        [(None, 5)],
        "int64",
    ),
    "attention": (lambda: nn.MultiHeadAttention(2, 3), [(None, 4, 6), (None, 5, 6)], "float32"),
    "transformer": (lambda: nn.TransformerEncoderLayer(8, 2, 16), [(None, 4, 8)], "float32"),
}


def _digest(state: dict[str, np.ndarray]) -> str:
    sha = hashlib.sha256()
    for key in sorted(state):
        sha.update(key.encode() + state[key].tobytes())
    return sha.hexdigest()


def _built(family: str, how: str) -> tuple[str, dict[str, np.ndarray], int]:
    make, shapes, dtype = FAMILIES[family]
    dn.seed(0)
    model = make()
    if how == "shape":  # a plain shape means float32; ids need their dtype
        model.build(*(shapes if dtype == "float32" else [dn.InputSpec(s, dtype) for s in shapes]))
    elif how == "spec":
        model.build(tuple(dn.InputSpec(s, dtype) for s in shapes))  # several inputs as one tuple
    else:
        model.build(*[np.ones([2 if s is None else s for s in shape], dtype) for shape in shapes])
    state = model.state_dict()
    return _digest(state), state, int(dispatch.B.to_numpy(dispatch.B.random_uniform((1,), 0.0, 1.0))[0] * 2**20)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_build_changes_nothing_and_is_the_same_on_both_backends(family: str) -> None:
    digests, draws = {}, {}
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        for how in ("shape", "spec", "array"):
            digest, state, draw = _built(family, how)
            digests[name, how], draws[name, how] = digest, draw
        for key, value in state.items():
            if "moving_mean" in key or "moving_variance" in key:  # BatchNorm's statistics did not move
                assert np.array_equal(value, np.full_like(value, 0.0 if "mean" in key else 1.0)), key
    assert len(set(digests.values())) == 1, digests
    for name in ("torch", "tensorflow"):  # the framework's generator is where dn.seed left it: no mask drawn
        assert len({draws[name, how] for how in ("shape", "spec", "array")}) == 1


def test_build_matches_the_first_call_in_eval_mode(backend: str) -> None:
    dn.seed(0)
    built = FAMILIES["conv_bn_dropout"][0]()
    built.build((None, 6, 6, 2))
    dn.seed(0)
    called = FAMILIES["conv_bn_dropout"][0]().eval()
    called(np.zeros((1, 6, 6, 2), "float32"))
    assert _digest(built.state_dict()) == _digest(called.state_dict())
    assert built.training  # the mode it had


def test_build_of_a_built_model_is_a_no_op(backend: str) -> None:
    model = nn.Dense(2)
    model.build((None, 3))
    model.build((None, 7))  # already built: left as it is, as in Keras
    assert model.state_dict()["kernel"].shape == (3, 2)


def test_build_with_a_bad_spec_names_the_call(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"Dense.build\(input_shape='x'\).*model.build\(\(None, 784\)\)"):
        nn.Dense(2).build("x")


def test_build_with_a_shape_the_layer_cannot_take_names_the_layer(backend: str) -> None:
    model = nn.Sequential([nn.Dense(3, in_features=4)])
    with pytest.raises(dn.ShapeError, match=r"'0' \(Dense\) expects inputs with last dimension 4"):
        model.build((None, 5))


def test_layers_take_a_keras_name(backend: str) -> None:
    layer = nn.Dense(2, name="head")
    assert layer.name == "head" and layer.get_config() == {"units": 2, "name": "head"}
    assert nn.Conv2DTranspose(2, 3).name == "conv2d_transpose" and nn.GRU(2).name == "gru"
    with pytest.raises(dn.ArgumentError, match=r"Dense\(name='a.b'\): name must be"):
        nn.Dense(2, name="a.b")
    flatten = nn.Flatten(name="flat")  # a layer with no __init__ of its own takes name= too
    assert flatten.name == "flat" and flatten.get_config() == {"name": "flat"}


def test_a_custom_step_is_not_given_the_datas_x(backend: str) -> None:
    # Keras's GAN pattern: the generator takes latent vectors (8), the data are real samples (2).
    generator = nn.Sequential([nn.Dense(2, name="generator_out")])
    seen: list[tuple[int, ...]] = []

    def step(trainer: dn.Trainer, batch: Any) -> dict[str, Any]:
        real = batch[0] if isinstance(batch, tuple | list) else batch
        seen.append(tuple(dn.ops.shape(real)))
        fake = trainer.model(dn.ops.zeros((4, 8)))
        return {"loss": dn.ops.mean(dn.ops.square(fake))}

    trainer = dn.Trainer(generator, step_fn=step)
    trainer.fit(np.ones((8, 2), "float32"), epochs=1, batch_size=4, verbose=0)
    assert generator.state_dict()["0.kernel"].shape == (8, 2) and seen[0] == (4, 2)
