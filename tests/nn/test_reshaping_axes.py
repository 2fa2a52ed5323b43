"""Permute, RepeatVector and Unflatten: vs Keras 3, torch and NumPy, gradients, parity, symbolic shapes, traced
calls, dn.save across backends, and errors naming the layer and the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn

nn = dn.nn
RNG = np.random.default_rng(0)


def _r(*shape: int, dtype: str = "float32") -> np.ndarray:
    return RNG.standard_normal(shape).astype(dtype)


X4 = _r(2, 3, 4, 5)
X2 = _r(3, 4)
PERMUTES = [(2, 1, 3), (3, 1, 2), (1, 2, 3)]


def _np(x: Any) -> np.ndarray:
    return dn.ops.to_numpy(x)


@pytest.fixture(scope="module")
def keras_outputs() -> dict[str, np.ndarray]:
    """Keras 3's Permute and RepeatVector outputs, computed once."""
    dn.set_backend("tensorflow")  # the dualnet TF backend starts TF's runtime before Keras imports it
    import keras

    found = {f"permute{dims}": np.asarray(keras.layers.Permute(dims)(X4)) for dims in PERMUTES}
    found["repeat"] = np.asarray(keras.layers.RepeatVector(3)(X2))
    return found


@pytest.mark.parametrize("dims", PERMUTES)
def test_permute_matches_keras_and_torch(keras_outputs: dict[str, np.ndarray], backend: str, dims: Any) -> None:
    import torch

    got = _np(nn.Permute(dims)(X4))
    np.testing.assert_array_equal(got, keras_outputs[f"permute{dims}"])
    np.testing.assert_array_equal(got, torch.from_numpy(X4).permute(0, *dims).numpy())


def test_repeat_vector_matches_keras_and_numpy(keras_outputs: dict[str, np.ndarray], backend: str) -> None:
    got = _np(nn.RepeatVector(3)(X2))
    assert got.shape == (3, 3, 4)
    np.testing.assert_array_equal(got, keras_outputs["repeat"])
    np.testing.assert_array_equal(got, np.repeat(X2[:, None, :], 3, axis=1))


UNFLATTENS = [
    (1, (2, 5), (2, 10)),
    (-1, (2, -1), (2, 3, 6)),
    (2, (3,), (2, 4, 3)),
    (1, [2, 2, 3], (2, 12)),
    (-2, (-1, 2), (0, 6, 3)),
]


@pytest.mark.parametrize(("dim", "sizes", "shape"), UNFLATTENS)
def test_unflatten_matches_torch(backend: str, dim: int, sizes: Any, shape: tuple[int, ...]) -> None:
    import torch

    x = _r(*shape)
    expected = torch.nn.Unflatten(dim, tuple(sizes))(torch.from_numpy(x)).numpy()
    got = _np(nn.Unflatten(dim, sizes)(x))
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


LAYERS: list[tuple[str, Callable[[], dn.nn.Module], tuple[int, ...]]] = [
    ("permute", lambda: nn.Permute((3, 1, 2)), (2, 2, 3, 2)),
    ("repeat", lambda: nn.RepeatVector(3), (2, 4)),
    ("unflatten", lambda: nn.Unflatten(-1, (2, 3)), (2, 2, 6)),
]


@pytest.mark.parametrize("case", LAYERS, ids=[c[0] for c in LAYERS])
def test_gradients_match_finite_differences(backend: str, case: Any) -> None:
    _, factory, shape = case
    layer = factory()
    x = _r(*shape, dtype="float64")
    weights = _r(*_np(layer(x)).shape, dtype="float64")

    def objective(t: Any) -> Any:
        return dn.ops.sum(dn.ops.multiply(layer(t), dn.ops.convert_to_tensor(weights)))

    _, grad = dn.value_and_grad(objective)(dn.ops.convert_to_tensor(x))
    numerical = np.zeros_like(x)
    eps = 1e-6
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        numerical[i] = (float(_np(objective(up))) - float(_np(objective(down)))) / (2 * eps)
    np.testing.assert_allclose(_np(grad), numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("case", LAYERS, ids=[c[0] for c in LAYERS])
def test_parity_across_backends(case: Any, training: bool) -> None:
    _, factory, shape = case
    runs = dn.testing.module_parity(factory, [_r(*shape)], training=training)
    assert runs[0].input_grads[0] is not None and runs[0].input_grads[0].shape == shape


def test_symbolic_shapes_are_inferred(backend: str) -> None:
    seq = dn.Input((None, 6))
    assert nn.Permute((2, 1))(seq).shape == (None, 6, None)
    assert nn.RepeatVector(3)(dn.Input((4,))).shape == (None, 3, 4)
    assert nn.Unflatten(-1, (2, 3))(seq).shape == (None, None, 2, 3)
    assert nn.Unflatten(1, (-1, 2))(dn.Input((8, 5))).shape == (None, 4, 2, 5)


def _functional() -> dn.Model:
    x = dn.Input((12,))
    h = nn.Unflatten(1, (3, 4), name="split")(nn.Dense(12, name="fc")(x))
    h = nn.Flatten()(nn.Permute((2, 1), name="swap")(h))
    return dn.Model(x, nn.RepeatVector(2, name="rep")(h), name="structural")


def _sequential() -> dn.nn.Sequential:
    return nn.Sequential([nn.Dense(12), nn.Unflatten(1, (3, 4)), nn.Permute((2, 1)), nn.Flatten(), nn.RepeatVector(2)])


@pytest.mark.parametrize("build", [_functional, _sequential], ids=["functional", "sequential"])
@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_models_saved_on_one_backend_load_on_the_other(tmp_path: Path, build: Any, source: str, target: str) -> None:
    x = _r(2, 12)
    dn.set_backend(source)
    dn.seed(0)
    model = build()
    got = _np(model(x))
    state = model.state_dict()
    prefix = "fc" if "fc.kernel" in state else "0"
    hidden = (x @ state[f"{prefix}.kernel"] + state[f"{prefix}.bias"]).reshape(2, 3, 4).transpose(0, 2, 1)
    np.testing.assert_allclose(got, np.repeat(hidden.reshape(2, 1, 12), 2, axis=1), rtol=1e-5, atol=1e-6)
    path = dn.save(model, tmp_path / "m.safetensors")
    dn.set_backend(target)
    loaded = dn.load(path)
    np.testing.assert_allclose(_np(loaded(x)), got, rtol=0, atol=1e-6)


def _traced_matches_eager(jit: bool) -> None:
    model = nn.Sequential([nn.Unflatten(-1, (2, -1)), nn.Permute((1, 3, 2)), nn.Flatten(), nn.RepeatVector(2)])
    traced = dn.function(lambda t: model(t), jit=jit)
    for batch in (2, 3):  # a second batch size retraces
        x = _r(batch, 2, 6)
        np.testing.assert_array_equal(_np(traced(x)), _np(model(x)))


def test_traced_calls_match_eager(backend: str) -> None:
    _traced_matches_eager(jit=False)


def test_xla_calls_match_eager() -> None:
    # jit=True on torch is torch.compile, which traces these layers like any torch code (and takes ~30 s here);
    # TensorFlow's XLA path is the one with static-shape rules of its own.
    dn.set_backend("tensorflow")
    _traced_matches_eager(jit=True)


def test_an_unknown_batch_axis_under_tf_function() -> None:
    # The compiled train step traces with relaxed shapes: the batch axis is then None inside the layers.
    dn.set_backend("tensorflow")
    import tensorflow as tf

    model = nn.Sequential([nn.Unflatten(-1, (2, -1)), nn.Permute((2, 1)), nn.Flatten(), nn.RepeatVector(2)])
    fn = tf.function(lambda t: model(t), input_signature=[tf.TensorSpec((None, 6), tf.float32)])
    for batch in (3, 1):
        x = _r(batch, 6)
        np.testing.assert_array_equal(fn(x).numpy(), _np(model(x)))


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: nn.Permute((1, 3)), r"Permute\(dims=\(1, 3\)\): dims must be a permutation of 1..k"),
        (lambda: nn.Permute((0, 1)), r"Permute\(dims=\(0, 1\)\): .*batch axis 0 is never moved.*Permute\(\(2, 1\)\)"),
        (lambda: nn.Permute((1, 1)), r"Permute\(dims=\(1, 1\)\)"),
        (lambda: nn.Permute("21"), r"Permute\(dims='21'\)"),
        (lambda: nn.RepeatVector(0), r"RepeatVector\(n=0\): n must be a positive int; pass e.g. RepeatVector\(3\)"),
        (lambda: nn.RepeatVector(2.0), r"RepeatVector\(n=2.0\)"),
        (lambda: nn.Unflatten(0, (2, 3)), r"Unflatten\(dim=0\): dim must be a sample axis, not the batch axis 0"),
        (lambda: nn.Unflatten(1, ()), r"Unflatten\(unflattened_size=\(\)\): .*Unflatten\(1, \(2, 5, 5\)\)"),
        (lambda: nn.Unflatten(1, (2, -1, -1)), r"unflattened_size must be a tuple of positive ints with at most one"),
        (lambda: nn.Unflatten(1, (0, 3)), r"Unflatten\(unflattened_size=\(0, 3\)\)"),
    ],
)
def test_bad_arguments_name_the_layer_and_the_fix(build: Any, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        build()


def test_shape_errors_name_the_layer_and_the_fix(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"Permute permutes 2 sample axes .* rank 3, got shape \(3, 4\); pass dims"):
        nn.Permute((2, 1))(X2)
    with pytest.raises(dn.ShapeError, match=r"RepeatVector expects inputs of rank 2 .* \(2, 3, 4, 5\); add dn.nn.Flat"):
        nn.RepeatVector(2)(X4)
    with pytest.raises(dn.ShapeError, match=r"cannot split axis 1 of size 4 .* into \(3, 2\): those sizes multiply to"):
        nn.Unflatten(1, (3, 2))(X2)
    with pytest.raises(dn.ShapeError, match=r"splits axis dim=3 of inputs of shape \(3, 4\), which has no axis 3"):
        nn.Unflatten(3, (2, 2))(X2)
    with pytest.raises(dn.ShapeError, match=r"splits axis dim=-2 .* which is the batch axis; pass a dim in 1..1"):
        nn.Unflatten(-2, (2, 2))(X2)


def test_definition_time_errors_show_unknown_sizes_as_none(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"layer 'swap' \(Permute\) .* got shape \(None, 4\); pass dims"):
        nn.Permute((2, 1), name="swap")(dn.Input((4,)))
    with pytest.raises(dn.ShapeError, match=r"layer 'rep' \(RepeatVector\) .* got shape \(None, None, 4\); add"):
        nn.RepeatVector(2, name="rep")(dn.Input((None, 4)))
    with pytest.raises(dn.ShapeError, match=r"layer 'split' \(Unflatten\) .* \(inputs of shape \(None, 10\)\) into"):
        nn.Unflatten(1, (3, 3), name="split")(dn.Input((10,)))


def test_reprs() -> None:
    assert repr(nn.Permute([2, 1])) == "Permute(dims=(2, 1))"
    assert repr(nn.RepeatVector(4)) == "RepeatVector(n=4)"
    assert repr(nn.Unflatten(1, 6)) == "Unflatten(dim=1, unflattened_size=(6,))"


def test_permute_and_unflatten_are_views_on_torch(torch_backend: str) -> None:
    x = dn.ops.convert_to_tensor(X4)
    permuted, split = nn.Permute((3, 1, 2))(x), nn.Unflatten(-1, (5, 1))(x)
    assert permuted.data_ptr() == split.data_ptr() == x.data_ptr() and not permuted.is_contiguous()
