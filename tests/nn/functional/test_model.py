"""dn.Model: a functional graph as a Module; Keras's functional model with the same weights; save/load; errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn

nn = dn.nn
RNG = np.random.default_rng(0)
XA, XB = RNG.standard_normal((3, 4)).astype("float32"), RNG.standard_normal((3, 6)).astype("float32")


def two_branch() -> dn.Model:
    a, b = dn.Input((4,), name="a"), dn.Input((6,), name="b")
    shared = nn.Dense(5, activation="tanh", name="shared")
    ha, hb = shared(nn.Dense(6, name="left")(a)), shared(b)  # one layer called twice: one set of weights
    return dn.Model([a, b], {"sum": nn.Dense(1, name="head")(ha), "b": hb}, name="two")


def _numpy(out: Any) -> Any:
    return {k: dn.ops.to_numpy(v) for k, v in out.items()}


def test_a_functional_model_is_a_module_with_named_layers(backend: str) -> None:
    model = two_branch()
    assert [n for n, _ in model.named_parameters()] == [
        "left.kernel", "left.bias", "shared.kernel", "shared.bias", "head.kernel", "head.bias"
    ]  # fmt: skip
    out = _numpy(model(XA, XB))
    state = model.state_dict()
    left = XA @ state["left.kernel"] + state["left.bias"]
    np.testing.assert_allclose(out["b"], np.tanh(XB @ state["shared.kernel"] + state["shared.bias"]), atol=1e-5)
    hidden = np.tanh(left @ state["shared.kernel"] + state["shared.bias"])
    np.testing.assert_allclose(out["sum"], hidden @ state["head.kernel"] + state["head.bias"], atol=1e-5)
    assert model.get_layer("shared") is model.get_layer(1) and model.count_params() == sum(
        v.size for v in state.values()
    )
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    assert "Connected to" in lines[1] and any("left[0][0]; b[0][0]" in line for line in lines)


def test_the_same_weights_give_keras_functional_outputs() -> None:
    dn.set_backend("tensorflow")
    import keras

    model = two_branch()
    state = model.state_dict()
    a, b = keras.Input((4,)), keras.Input((6,))
    left, shared, head = keras.layers.Dense(6), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(1)
    ka = keras.Model([a, b], {"sum": head(shared(left(a))), "b": shared(b)})
    for layer, name in ((left, "left"), (shared, "shared"), (head, "head")):
        layer.set_weights([state[f"{name}.kernel"], state[f"{name}.bias"]])
    expected = {k: np.asarray(v) for k, v in ka([XA, XB]).items()}
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        ours = two_branch()
        ours.load_state_dict(state)
        got = _numpy(ours([XA, XB]))
        for key in expected:
            np.testing.assert_allclose(got[key], expected[key], atol=1e-5)


def test_nested_models_and_feature_extractors(backend: str) -> None:
    inner = two_branch()
    a, b = dn.Input((4,)), dn.Input((6,))
    outer = dn.Model([a, b], nn.Dense(2, name="top")(inner([a, b])["sum"]))
    assert {n.split(".")[0] for n, _ in outer.named_parameters()} == {"two", "top"}
    assert tuple(dn.ops.shape(outer(XA, XB))) == (3, 2)
    features = dn.Model(inner.input, inner.get_layer("left").output)
    state = inner.state_dict()
    np.testing.assert_allclose(
        dn.ops.to_numpy(features(XA, XB)), XA @ state["left.kernel"] + state["left.bias"], atol=1e-5
    )


def test_save_on_one_backend_load_on_the_other(tmp_path: Path) -> None:
    dn.set_backend("torch")
    dn.seed(0)
    model = two_branch()
    expected = _numpy(model(XA, XB))
    path = dn.save(model, tmp_path / "two.safetensors")
    dn.set_backend("tensorflow")
    loaded = dn.load(path)
    assert isinstance(loaded, dn.Model) and loaded.get_layer("shared").name == "shared"
    for key, value in _numpy(loaded(XA, XB)).items():
        np.testing.assert_allclose(value, expected[key], atol=1e-6)


def test_a_crafted_config_naming_an_unregistered_class_is_refused(tmp_path: Path, backend: str) -> None:
    import json

    from dualnet.io.model import METADATA_KEY, read_config
    from dualnet.io.weights import load_state, save_state

    path = dn.save(two_branch(), tmp_path / "m.safetensors")
    document = read_config(path)
    document["config"]["layers"][0] = {"__module__": "os.system", "config": {"command": "touch pwned"}}
    save_state(load_state(path), path, metadata={METADATA_KEY: json.dumps(document)})
    with pytest.raises(dn.ArgumentError, match=r"class 'os.system' is not registered"):
        dn.load(path)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_shape_errors_at_definition_name_the_layer(backend: str) -> None:
    x = dn.Input((4,))
    with pytest.raises(dn.ShapeError, match=r"layer 'fixed' \(Dense\) expects inputs with last dimension 3"):
        nn.Dense(2, in_features=3, name="fixed")(x)


def test_wrong_inputs_disconnected_graphs_and_mixed_tensors(backend: str) -> None:
    model = two_branch()
    with pytest.raises(dn.ArgumentError, match=r"model 'two' \(Model\) takes 2 inputs \(a, b\)"):
        model(XA)
    with pytest.raises(dn.ShapeError, match=r"model 'two' \(Model\): 'b' expects shape \(None, 6\)"):
        model(XA, XA)
    a, b = dn.Input((4,), name="a"), dn.Input((4,), name="b")
    out = nn.Dense(2, name="d")(b)
    with pytest.raises(dn.ArgumentError, match=r"disconnected: input 'b' .* taken by layer 'd'.* add it to inputs"):
        dn.Model(a, out)
    with pytest.raises(dn.ArgumentError, match=r"layer 'dense' \(Dense\) was called on both symbolic tensors"):
        nn.Dense(2)(a, dn.ops.convert_to_tensor(XA))
    with pytest.raises(dn.ArgumentError, match=r"symbolic tensor .*dn.nn.Lambda"):
        dn.ops.relu(a)
    with pytest.raises(dn.ArgumentError, match=r"two layers are named 'd'"):
        dn.Model(b, nn.Dense(2, name="d")(out))


def test_parity_across_backends_and_training() -> None:
    results = {}
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        dn.seed(0)
        model = two_branch()
        trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.1), loss={"sum": "mse", "b": None})
        history = trainer.fit((XA, XB), {"sum": np.ones((3, 1), "float32")}, epochs=2, batch_size=3, verbose=0)
        results[name] = (model.state_dict(), history.history["loss"])
    np.testing.assert_allclose(results["torch"][1], results["tensorflow"][1], rtol=1e-5)
    for key, value in results["torch"][0].items():
        np.testing.assert_allclose(value, results["tensorflow"][0][key], atol=1e-6)
