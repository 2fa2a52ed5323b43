"""Sequential with plain functions, get_layer, count_params, dn.nn.clone (vs Keras's clone_model), and
definition-time shape errors in the user's shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn

nn = dn.nn
RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)).astype("float32")


def _np(x: Any) -> np.ndarray:
    return dn.ops.to_numpy(x)


def _mlp() -> dn.nn.Sequential:
    return nn.Sequential([nn.Dense(5, name="hidden"), dn.ops.relu, nn.Dense(2, name="out")])


@pytest.fixture(scope="module")
def keras() -> Any:
    dn.set_backend("tensorflow")  # the dualnet TF backend starts TF's runtime before Keras imports it
    import keras

    return keras


# ---------------------------------------------------------------- Sequential with functions


def test_sequential_takes_plain_functions_as_steps(backend: str) -> None:
    model = nn.Sequential([nn.Dense(5), dn.ops.relu, lambda t: dn.ops.multiply(t, 2.0), nn.Dense(2)])
    out = _np(model(X))
    state = model.state_dict()
    assert list(state) == ["0.kernel", "0.bias", "3.kernel", "3.bias"]
    assert isinstance(model[1], nn.Lambda) and model[1].function is dn.ops.relu
    hidden = 2 * np.maximum(X @ state["0.kernel"] + state["0.bias"], 0)
    np.testing.assert_allclose(out, hidden @ state["3.kernel"] + state["3.bias"], rtol=1e-5, atol=1e-6)
    model.add(dn.ops.tanh)
    np.testing.assert_allclose(_np(model(X)), np.tanh(out), rtol=1e-5, atol=1e-6)
    dn.testing.module_parity(_mlp, [X])


def test_saving_a_sequential_with_a_function_is_refused_like_a_lambda(backend: str, tmp_path: Path) -> None:
    model = _mlp()
    model(X)
    with pytest.raises(dn.ArgumentError, match=r"layer '1' \(Lambda\) holds the Python function relu.*register_mod"):
        dn.save(model, tmp_path / "m.safetensors")
    assert not (tmp_path / "m.safetensors").exists()


# ---------------------------------------------------------------- get_layer and count_params


def test_get_layer_by_name_and_index_as_keras(backend: str, keras: Any) -> None:
    ours = _mlp()
    theirs = keras.Sequential([keras.layers.Dense(5, name="hidden"), keras.layers.ReLU(), keras.layers.Dense(2)])
    theirs.get_layer(index=2).name = "out"
    for index in (0, 2, -1, -3):
        assert ours.get_layer(index=index).name == theirs.get_layer(index=index).name
    assert ours.get_layer("hidden") is ours[0] and ours.get_layer(2) is ours[2] and ours.get_layer("0") is ours[0]
    with pytest.raises(dn.ArgumentError, match=r"get_layer\('nope'\): no such layer; its layers are \['0 \(hidden\)"):
        ours.get_layer("nope")
    with pytest.raises(dn.ArgumentError, match=r"index 3 is out of range, the model has 3 layers; pass an index in -3"):
        ours.get_layer(3)
    with pytest.raises(dn.ArgumentError, match=r"pass a name or an index, not both"):
        ours.get_layer("hidden", 0)
    with pytest.raises(ValueError):  # Keras refuses the same lookups
        theirs.get_layer("nope")


class Net(dn.nn.Module):
    def __init__(self, width: int = 6, depth: int = 2) -> None:
        super().__init__()
        self.encoder = nn.Sequential([nn.Dense(width, activation="relu", name="fc") for _ in range(depth)])
        self.norm = nn.BatchNorm()
        self.head = nn.Dense(2)

    def forward(self, x: Any) -> Any:
        return self.head(self.norm(self.encoder(x)))


def test_get_layer_on_a_subclass_by_attribute_path_and_layer_name(backend: str) -> None:
    net = Net()
    assert net.get_layer("head") is net.head and net.get_layer(0) is net.encoder and net.get_layer(-1) is net.head
    assert net.get_layer("encoder.1") is net.encoder[1] and net.get_layer("batch_norm") is net.norm
    with pytest.raises(dn.ArgumentError, match=r"Net.get_layer\('fc2'\): no such layer; its layers are \['encoder"):
        net.get_layer("fc2")


def test_count_params_matches_keras_and_torch(backend: str, keras: Any) -> None:
    import torch

    net = Net(width=6, depth=2)
    net(X)
    layers = keras.layers
    theirs = keras.Sequential(
        [keras.Input((4,)), layers.Dense(6), layers.Dense(6), layers.BatchNormalization(), layers.Dense(2)]
    )
    torch_net = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Linear(6, 6), torch.nn.BatchNorm1d(6))
    torch_net.append(torch.nn.Linear(6, 2))
    # Keras counts BatchNorm's moving statistics as (non-trainable) weights; ours are buffers, as torch's are.
    moving = 2 * 6
    assert net.count_params() == theirs.count_params() - moving == sum(p.numel() for p in torch_net.parameters())
    buffers = dict(net.named_buffers())
    assert net.count_params() == sum(int(np.prod(v.shape)) for k, v in net.state_dict().items() if k not in buffers)


# ---------------------------------------------------------------- clone


def test_clone_fresh_draws_new_weights_from_the_seeded_stream(backend: str) -> None:
    model = Net()
    model(X)
    dn.seed(7)
    fresh = nn.clone(model)
    dn.seed(7)
    built = Net()
    built.build((None, 4))  # weights, with no BatchNorm statistic moved (the clone's are as constructed)
    got, expected, original = fresh.state_dict(), built.state_dict(), model.state_dict()
    assert list(got) == list(expected) == list(original)
    for key in got:
        np.testing.assert_array_equal(got[key], expected[key])
    assert not np.array_equal(got["head.kernel"], original["head.kernel"])
    assert not set(map(id, fresh.parameters())) & set(map(id, model.parameters()))


def test_fresh_clones_are_bit_identical_across_backends() -> None:
    states = []
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        dn.seed(0)
        model = Net()
        model(X)
        dn.seed(3)
        states.append(nn.clone(model).state_dict())
    for key, value in states[0].items():
        np.testing.assert_array_equal(value, states[1][key])


def _functional() -> dn.Model:
    x = dn.Input((4,), name="x")
    shared = nn.Dense(4, activation="tanh", name="shared")
    h = nn.Add(name="sum")([shared(x), shared(nn.Dense(4, name="proj")(x))])
    return dn.Model(x, nn.Dense(2, name="head")(nn.Permute((1,))(h)), name="graph")


CLONED = [
    _functional,
    _mlp,
    Net,
    lambda: Net(width=3, depth=3),
    lambda: nn.ModuleList([nn.Dense(2)]),
    lambda: nn.ModuleDict({"a": nn.Dense(2, in_features=4)}),
]


@pytest.mark.parametrize("build", CLONED, ids=["functional", "sequential", "net", "net_3x3", "list", "dict"])
def test_clone_copy_gives_the_same_model_with_its_own_weights(backend: str, build: Any) -> None:
    model = build()
    callable_model = not isinstance(model, nn.ModuleList | nn.ModuleDict)
    if callable_model:
        model.train()
        model(X)  # BatchNorm's statistics move: the copy has them too
        model.eval()
    copy = nn.clone(model, weights="copy")
    assert type(copy) is type(model) and copy is not model and copy.training == model.training
    state = copy.state_dict()
    assert list(state) == list(model.state_dict())
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(state[key], value)
    if callable_model:
        np.testing.assert_array_equal(_np(copy(X)), _np(model(X)))
    assert not set(map(id, copy.parameters())) & set(map(id, model.parameters()))


def test_clone_keeps_a_functional_graph_and_its_shared_layers(backend: str) -> None:
    model = _functional()
    copy = nn.clone(model)
    assert isinstance(copy, dn.Model) and [layer.name for layer in copy.layers] == [m.name for m in model.layers]
    assert copy.get_layer("shared") is not model.get_layer("shared")
    assert list(copy.state_dict()) == list(model.state_dict())  # one 'shared' layer, used twice
    assert copy.get_config()["graph"] == model.get_config()["graph"]


def test_clone_copy_matches_keras_clone_model_with_the_same_weights(backend: str, keras: Any) -> None:
    model = _mlp()
    model(X)
    state = model.state_dict()
    theirs = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5), keras.layers.ReLU(), keras.layers.Dense(2)])
    theirs.set_weights([state[k] for k in ("0.kernel", "0.bias", "2.kernel", "2.bias")])
    keras_copy = keras.models.clone_model(theirs)
    # Keras's clone has new weights like our "fresh"; give it the original's, as weights="copy" does.
    assert not np.array_equal(keras_copy.get_weights()[0], state["0.kernel"])
    keras_copy.set_weights(theirs.get_weights())
    np.testing.assert_allclose(_np(nn.clone(model, "copy")(X)), np.asarray(keras_copy(X)), rtol=1e-5, atol=1e-6)


def test_clone_errors(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"dn.nn.clone\(weights='same'\): weights must be one of"):
        nn.clone(_mlp(), weights="same")
    with pytest.raises(dn.ArgumentError, match=r"dn.nn.clone\(model=3\): model must be a dn.nn.Module"):
        nn.clone(3)  # type: ignore[arg-type]
    grown = Net()
    grown.extra = nn.Dense(3, in_features=2)  # not in its constructor arguments
    with pytest.raises(dn.ArgumentError, match=r"rebuilt from its config does not have the weights of the original"):
        nn.clone(grown, weights="copy")


# ---------------------------------------------------------------- definition-time shape errors


def test_definition_time_shape_errors_show_unknown_sizes_as_none(backend: str) -> None:
    x = dn.Input((3,))
    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'fc' \(Dense\) expects inputs with last dimension 5, got shape \(None, 3\); give it inputs",
    ):
        nn.Dense(4, in_features=5, name="fc")(x)
    with pytest.raises(dn.ShapeError, match=r"got shape \(None, None, 3\); add dn.nn.Flatten\(\) before it"):
        nn.Dense(4, in_features=5, name="fc")(dn.Input((None, 3)))
    with pytest.raises(dn.ShapeError, match=r"got shape \(None, 4\)"):  # inside a block, on its own activation
        nn.Sequential([nn.Dense(4), nn.Dense(2, in_features=5)], name="block")(x)
    with pytest.raises(dn.ShapeError, match=r"got shape \(7, 3\)"):  # a known batch size is shown as it is
        nn.Dense(4, in_features=5)(dn.Input((3,), batch_size=7))
