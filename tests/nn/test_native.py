"""Native interop: ``model.native()`` shares the variables; ``dn.nn.wrap`` puts native modules inside dualnet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import dispatch
from dualnet.nn.native import to_native, wrap


@pytest.fixture
def tf_backend() -> Iterator[str]:
    """For the tf.Module and Keras specifics: tensorflow only."""
    previous = dispatch.active_name()
    dn.set_backend("tensorflow")
    dn.seed(0)
    yield "tensorflow"
    if previous is not None and previous != "tensorflow":
        dn.set_backend(previous)


class MLP(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = dn.nn.Dense(5)
        self.norm = dn.nn.BatchNorm()
        self.fc2 = dn.nn.Dense(2)

    def forward(self, x: Any) -> Any:
        return self.fc2(dn.ops.relu(self.norm(self.fc1(x))))


def _x(shape: tuple[int, ...] = (6, 4), seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _built_mlp() -> MLP:
    model = MLP()
    model(_x())
    return model


def _native_variables(native: Any, backend: str) -> dict[str, Any]:
    if backend == "torch":
        return {**dict(native.named_parameters()), **dict(native.named_buffers())}
    return dict(native.weights)


# -- model.native() ---------------------------------------------------------------


def test_native_shares_the_variables_both_ways(backend: str) -> None:
    model = _built_mlp()
    native = to_native(model)
    shared = _native_variables(native, backend)
    ours = dict(model.named_parameters()) | dict(model.named_buffers())
    assert list(shared) == list(ours)
    assert all(shared[k] is ours[k] for k in ours)
    np.testing.assert_allclose(dn.ops.to_numpy(native(_x())), dn.ops.to_numpy(model(_x())), rtol=0, atol=0)

    model.load_state_dict({k: v + 1.0 for k, v in model.state_dict().items()})  # dualnet -> native
    np.testing.assert_array_equal(dn.ops.to_numpy(shared["fc1.kernel"]), model.state_dict()["fc1.kernel"])
    before = model.state_dict()["fc2.bias"]
    if backend == "torch":
        import torch

        with torch.no_grad():
            native.fc2.bias.add_(2.0)  # native -> dualnet
    else:
        native.weights["fc2.bias"].assign_add([2.0, 2.0])
    np.testing.assert_allclose(model.state_dict()["fc2.bias"], before + 2.0)


def test_native_needs_a_built_model(backend: str) -> None:
    with pytest.raises(dn.StateError, match="call the model once"):
        to_native(MLP())


def test_torch_native_module_is_a_real_module(torch_backend: str) -> None:
    import torch

    model = _built_mlp()
    native = to_native(model)
    assert isinstance(native, torch.nn.Module) and isinstance(native.fc1, torch.nn.Module)
    assert sorted(native.state_dict()) == sorted(model.state_dict())  # torch orders per submodule
    assert [n for n, _ in native.named_parameters()] == [n for n, _ in model.named_parameters()]
    native.eval()
    assert not model.training and not model.norm.training
    native.train()
    assert model.training and model.norm.training
    native.to(torch.float64).to(torch.float32)  # converts in place: still the same objects
    assert native.norm.moving_mean is dict(model.named_buffers())["norm.moving_mean"]
    assert native.fc1.kernel is dict(model.named_parameters())["fc1.kernel"]


def test_torch_optimizer_on_native_trains_the_model(torch_backend: str) -> None:
    import torch

    model = _built_mlp()
    native = to_native(model)
    opt = torch.optim.SGD(native.parameters(), lr=0.1)
    before = model.state_dict()
    loss = native(torch.as_tensor(_x())).square().mean()
    loss.backward()
    expected = before["fc2.kernel"] - 0.1 * native.fc2.kernel.grad.numpy()
    opt.step()
    np.testing.assert_allclose(model.state_dict()["fc2.kernel"], expected, rtol=1e-6)


def test_torch_compile_of_native_matches_eager(torch_backend: str) -> None:
    import torch

    model = dn.nn.Sequential([dn.nn.Dense(3), dn.nn.Activation("tanh"), dn.nn.Dense(1)])
    x = torch.as_tensor(_x())
    expected = dn.ops.to_numpy(model(x))
    compiled = torch.compile(to_native(model))
    np.testing.assert_allclose(dn.ops.to_numpy(compiled(x)), expected, rtol=1e-6, atol=1e-6)


def test_tf_native_trains_with_tape_and_keras_optimizer(tf_backend: str) -> None:
    import keras
    import tensorflow as tf

    model = _built_mlp()
    native = to_native(model)
    assert isinstance(native, tf.Module)
    trainable = [v for v, m in zip(model.parameters(), model.trainable_mask()) if m]
    assert [id(v) for v in native.trainable_variables] == [id(v) for v in trainable]
    before = model.state_dict()
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(native(_x())))
    grads = tape.gradient(loss, native.trainable_variables)
    keras.optimizers.SGD(0.1).apply_gradients(zip(grads, native.trainable_variables))
    index = [n for n, _ in model.named_parameters()].index("fc2.kernel")
    np.testing.assert_allclose(model.state_dict()["fc2.kernel"], before["fc2.kernel"] - 0.1 * grads[index], rtol=1e-6)


def test_tf_saved_model_of_native_serves_inference(tf_backend: str, tmp_path: Path) -> None:
    import tensorflow as tf

    model = dn.nn.Sequential([dn.nn.Dense(3), dn.nn.Dropout(0.5), dn.nn.Dense(2)])
    model(_x())
    native = to_native(model, input_signature=[((None, 4), "float32")])
    expected = dn.ops.to_numpy(model.eval()(_x(seed=1)))
    model.train()
    tf.saved_model.save(native, str(tmp_path / "sm"))
    assert model.training  # serving traced in inference mode, the mode was restored
    loaded = tf.saved_model.load(str(tmp_path / "sm"))
    np.testing.assert_allclose(loaded.serve(_x(seed=1)).numpy(), expected, rtol=1e-6, atol=1e-6)
    served = loaded.signatures["serving_default"](tf.constant(_x(seed=1)))
    np.testing.assert_allclose(next(iter(served.values())).numpy(), expected, rtol=1e-6, atol=1e-6)


def test_bad_input_signature_is_an_argument_error(tf_backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="TensorSpec"):
        to_native(_built_mlp(), input_signature=["float32"])


# -- dn.nn.wrap ---------------------------------------------------------------------


class Hybrid(dn.nn.Module):
    def __init__(self, body: Any) -> None:
        super().__init__()
        self.body = wrap(body)
        self.head = dn.nn.Dense(1)

    def forward(self, x: Any) -> Any:
        return self.head(self.body(x))


def _loss(model: Any, x: Any) -> Any:
    return dn.ops.mean(dn.ops.square(model(x)))


def test_wrapped_torch_modules_train_inside_dualnet(torch_backend: str) -> None:
    import torch

    body = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    model = Hybrid(body)
    x = torch.as_tensor(_x())
    model(x)  # builds the dualnet head
    loss, grads = dn.value_and_grad(_loss)(model, x)
    names = [n for n, _ in model.named_parameters()]
    assert names == ["body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "head.kernel", "head.bias"]
    assert dict(model.named_parameters())["body.0.weight"] is body[0].weight

    head = model.head.state_dict()
    reference = (body(x) @ torch.as_tensor(head["kernel"]) + torch.as_tensor(head["bias"])).square().mean()
    reference.backward()
    np.testing.assert_allclose(dn.ops.to_numpy(loss), reference.item(), rtol=1e-6)
    for name, g in zip(names[:4], grads[:4]):
        expected = dict(body.named_parameters())[name.removeprefix("body.")].grad
        np.testing.assert_allclose(dn.ops.to_numpy(g), expected.numpy(), rtol=1e-5, atol=1e-7)

    before = body[2].bias.detach().clone().numpy()
    dn.optim.SGD(model.parameters(), lr=0.5).step(grads)
    np.testing.assert_allclose(body[2].bias.detach().numpy(), before - 0.5 * dn.ops.to_numpy(grads[3]), rtol=1e-6)
    assert set(model.state_dict()) == set(names)


def test_wrapped_torch_module_follows_mode_and_keeps_buffers(torch_backend: str) -> None:
    import torch

    norm = torch.nn.BatchNorm1d(4)
    layer = wrap(norm)
    assert [n for n, _ in layer.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    layer.eval()
    layer(torch.as_tensor(_x()))
    assert not norm.training
    layer.train()
    layer(torch.as_tensor(_x()))
    assert norm.training and layer.state_dict()["num_batches_tracked"] == 1
    native = to_native(dn.nn.Sequential([layer]))  # a wrapped module inside native(): nested names
    assert [n for n, _ in native.named_parameters()] == ["0.weight", "0.bias"]


def test_wrapped_keras_layers_train_inside_dualnet(tf_backend: str) -> None:
    import keras
    import tensorflow as tf

    body = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.BatchNormalization()])
    model = Hybrid(body)
    x = tf.constant(_x())
    model(x)  # builds the Keras model from the first call's shapes
    names = [n for n, _ in model.named_parameters()]
    norm = ["body.1.gamma", "body.1.beta", "body.1.moving_mean", "body.1.moving_variance"]
    assert names[:6] == ["body.0.kernel", "body.0.bias", *norm]
    assert model.trainable_mask()[:6] == [True, True, True, True, False, False]
    assert dict(model.named_parameters())["body.0.kernel"] is body.layers[0].kernel.value

    loss, grads = dn.value_and_grad(_loss)(model, x)
    head = model.head
    with tf.GradientTape() as tape:
        ref = tf.reduce_mean(tf.square(head(body(x, training=True))))
    ref_grads = tape.gradient(ref, body.trainable_weights)
    np.testing.assert_allclose(loss.numpy(), ref.numpy(), rtol=1e-6)
    for g, r in zip(grads[:4], ref_grads):
        np.testing.assert_allclose(g.numpy(), r.numpy(), rtol=1e-5, atol=1e-6)
    assert grads[4] is None and grads[5] is None

    before = body.layers[0].bias.numpy()
    dn.optim.SGD(model.parameters(), lr=0.5).step(grads)
    np.testing.assert_allclose(body.layers[0].bias.numpy(), before - 0.5 * grads[1].numpy(), rtol=1e-6)


def test_wrapped_keras_dense_values_and_state(tf_backend: str) -> None:
    import keras

    dense = keras.layers.Dense(3)
    dense.build((None, 4))
    layer = wrap(dense)
    assert layer.built and [n for n, _ in layer.named_parameters()] == ["kernel", "bias"]
    np.testing.assert_allclose(layer(_x()).numpy(), dense(_x()).numpy(), rtol=0, atol=0)
    state = {k: np.full_like(v, 0.5) for k, v in layer.state_dict().items()}
    layer.load_state_dict(state)
    np.testing.assert_array_equal(dense.kernel.numpy(), state["kernel"])


def test_wrapping_the_other_frameworks_object_names_the_backend(backend: str) -> None:
    if backend == "torch":
        import keras

        other: Any = keras.layers.Dense(2)
        fix = "dn.set_backend('tensorflow')"
    else:
        import torch

        other = torch.nn.Linear(2, 2)
        fix = "dn.set_backend('torch')"
    with pytest.raises(dn.ArgumentError, match=f"active backend is '{backend}'") as info:
        wrap(other)
    assert fix in str(info.value)
    with pytest.raises(dn.ArgumentError, match=r"expected a torch\.nn\.Module"):
        wrap(object())
