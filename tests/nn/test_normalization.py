"""BatchNorm, LayerNorm, GroupNorm: values against NumPy, moving statistics, parity across backends, errors."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.normalization import BatchNorm, GroupNorm, LayerNorm
from tests.helpers import assert_matches_numpy


def _x(shape: tuple[int, ...] = (4, 3, 5), seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 2.0 + 0.5).astype("float32")


def _normalise(x: np.ndarray, axes: tuple[int, ...], eps: float) -> np.ndarray:
    x64 = x.astype("float64")
    mean, var = x64.mean(axes, keepdims=True), x64.var(axes, keepdims=True)
    return (x64 - mean) / np.sqrt(var + eps)


def _with_state(layer: dn.nn.Module, **arrays: np.ndarray) -> dn.nn.Module:
    layer.load_state_dict(arrays, strict=False)
    return layer


def _affine(layer: dn.nn.Module, c: int) -> dn.nn.Module:
    """Non-trivial gamma and beta, so tests see that both are applied."""
    return _with_state(
        layer, gamma=np.linspace(0.5, 1.5, c, dtype="float32"), beta=np.linspace(-1, 1, c, dtype="float32")
    )


class Net(dn.nn.Module):
    def __init__(self, norm: dn.nn.Module) -> None:
        super().__init__()
        self.norm = norm

    def forward(self, x):  # type: ignore[no-untyped-def]
        return self.norm(x)


# ---------------------------------------------------------------- BatchNorm


def test_batch_norm_training_uses_batch_statistics_and_updates_moving_ones(backend: str) -> None:
    x = _x()
    layer = _affine(BatchNorm(momentum=0.9, num_features=5), 5)
    y = layer(x)
    gamma, beta = np.linspace(0.5, 1.5, 5), np.linspace(-1, 1, 5)
    assert_matches_numpy(y, (_normalise(x, (0, 1), 1e-3) * gamma + beta).astype("float32"), rtol=1e-5, atol=1e-5)
    state = layer.state_dict()
    assert list(state) == ["gamma", "beta", "moving_mean", "moving_variance"]
    # Keras convention: moving = moving * momentum + batch * (1 - momentum), biased batch variance.
    np.testing.assert_allclose(state["moving_mean"], 0.1 * x.mean((0, 1)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(state["moving_variance"], 0.9 + 0.1 * x.var((0, 1)), rtol=1e-5, atol=1e-6)


def test_batch_norm_eval_uses_moving_statistics(backend: str) -> None:
    x = _x()
    mean, var = np.array([0.5, -1, 0, 2, 1], "float32"), np.array([1, 4, 0.5, 2, 3], "float32")
    layer = _with_state(BatchNorm(num_features=5, epsilon=1e-5), moving_mean=mean, moving_variance=var)
    layer.eval()
    assert_matches_numpy(layer(x), ((x - mean) / np.sqrt(var + 1e-5)).astype("float32"), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(layer.state_dict()["moving_mean"], mean)  # eval leaves the statistics alone


def test_batch_norm_channel_axis_other_than_last(backend: str) -> None:
    x = _x((2, 3, 4, 2))
    layer = BatchNorm(axis=1, center=False, momentum=0.0)
    assert_matches_numpy(layer(x), _normalise(x, (0, 2, 3), 1e-3).astype("float32"), rtol=1e-5, atol=1e-5)
    assert layer.state_dict()["moving_mean"].shape == (3,)
    np.testing.assert_allclose(layer.state_dict()["moving_variance"], x.var((0, 2, 3)), rtol=1e-5)
    assert [n for n, _ in layer.named_parameters()] == ["gamma"]
    layer.eval()
    assert dn.ops.shape(layer(x)) == x.shape


def test_batch_norm_without_affine_parameters_and_lazy_size(backend: str) -> None:
    layer = BatchNorm(center=False, scale=False)
    assert not layer.built
    layer(_x((3, 2)))
    assert layer.num_features == 2 and layer.parameters() == []
    assert [n for n, _ in layer.named_buffers()] == ["moving_mean", "moving_variance"]


def test_batch_norm_half_precision_is_computed_in_float32(backend: str) -> None:
    x = _x((8, 3))
    y = BatchNorm()(x.astype("float16"))
    assert dn.ops.dtype(y) == "float16"
    np.testing.assert_allclose(dn.ops.to_numpy(y), _normalise(x, (0,), 1e-3), atol=5e-3)


def test_batch_norm_updates_moving_statistics_inside_a_compiled_step(backend: str) -> None:
    x = dn.ops.convert_to_tensor(_x((6, 4)))
    model = Net(BatchNorm(momentum=0.5))
    model(x)
    model.load_state_dict({"norm.moving_mean": np.zeros(4), "norm.moving_variance": np.ones(4)}, strict=False)

    @dn.function
    def step(x):  # type: ignore[no-untyped-def]
        loss, grads = dn.value_and_grad(lambda m, x: dn.ops.sum(dn.ops.square(m(x))))(model, x)
        return loss, grads

    step(x)
    step(x)
    expected = 0.75 * _x((6, 4)).mean(0)  # two updates with momentum 0.5 from 0
    np.testing.assert_allclose(model.state_dict()["norm.moving_mean"], expected, rtol=1e-5, atol=1e-6)


def _small_ints(shape: tuple[int, ...]) -> np.ndarray:
    # module_parity takes the "initial" state after a probing call, which in training mode has already updated the
    # moving statistics; integer inputs over 8 values per channel give exact batch statistics on both backends, so
    # that state is bit-identical and the updates of the differentiated call are compared to 1e-5 as usual.
    return np.random.default_rng(2).integers(-3, 4, shape).astype("float32")


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_parity(training: bool) -> None:
    x = _small_ints((4, 2, 3)) if training else _x((4, 2, 3))
    stats = {"moving_mean": np.array([0.5, -1, 0], "float32"), "moving_variance": np.array([2, 0.5, 1], "float32")}
    runs = dn.testing.module_parity(
        lambda: _with_state(_affine(BatchNorm(momentum=0.8, num_features=3), 3), **stats), [x], training=training
    )
    moved = not np.array_equal(runs[0].final_state["moving_mean"], stats["moving_mean"])
    assert moved == training  # the moving statistics moved in training mode, identically on both backends


def test_batch_norm_parity_lazy_and_channels_on_axis_1() -> None:
    dn.testing.module_parity(lambda: BatchNorm(axis=1), [_small_ints((2, 3, 4))], training=True)
    dn.testing.module_parity(lambda: BatchNorm(axis=1, momentum=0.5), [_x((2, 3, 4))], training=False)


# ---------------------------------------------------------------- LayerNorm


@pytest.mark.parametrize(("axis", "axes"), [(-1, (2,)), ((1, 2), (1, 2)), ([-2, -1], (1, 2)), (1, (1,))])
def test_layer_norm_matches_numpy(backend: str, axis: object, axes: tuple[int, ...]) -> None:
    x = _x((2, 3, 4))
    layer = LayerNorm(axis=axis)  # type: ignore[arg-type]
    y = layer(x)
    shape = tuple(x.shape[a] for a in axes)
    assert layer.state_dict()["gamma"].shape == shape and layer.state_dict()["beta"].shape == shape
    assert_matches_numpy(y, _normalise(x, axes, 1e-3).astype("float32"), rtol=1e-5, atol=1e-5)


def test_layer_norm_applies_gamma_and_beta_and_works_on_any_rank(backend: str) -> None:
    layer = LayerNorm(epsilon=1e-5)
    layer(_x((2, 4)))
    _affine(layer, 4)
    x = _x((2, 3, 4))  # built on rank 2, normalising the last axis works on rank 3 too
    gamma, beta = np.linspace(0.5, 1.5, 4), np.linspace(-1, 1, 4)
    assert_matches_numpy(layer(x), (_normalise(x, (2,), 1e-5) * gamma + beta).astype("float32"), rtol=1e-5, atol=1e-5)


def test_layer_norm_without_affine(backend: str) -> None:
    layer = LayerNorm(center=False, scale=False)
    layer(_x())
    assert layer.parameters() == []


@pytest.mark.parametrize("axis", [-1, (1, 2), 1])
def test_layer_norm_parity(axis: object) -> None:
    dn.testing.module_parity(lambda: _layer_norm(axis), [_x((2, 3, 4))])


def _layer_norm(axis: object) -> dn.nn.Module:
    return LayerNorm(axis=axis, epsilon=1e-5)  # type: ignore[arg-type]


# ---------------------------------------------------------------- GroupNorm


def _group_norm_ref(x: np.ndarray, groups: int, eps: float) -> np.ndarray:
    n, c = x.shape[0], x.shape[-1]
    g = x.reshape(n, -1, groups, c // groups)
    return _normalise(g, (1, 3), eps).reshape(x.shape)


@pytest.mark.parametrize("shape", [(2, 6), (2, 3, 6), (2, 2, 3, 6)])
def test_group_norm_matches_numpy(backend: str, shape: tuple[int, ...]) -> None:
    x = _x(shape)
    layer = GroupNorm(groups=3)
    assert_matches_numpy(layer(x), _group_norm_ref(x, 3, 1e-3).astype("float32"), rtol=1e-5, atol=1e-5)
    assert layer.state_dict()["gamma"].shape == (6,) and layer.channels == 6


def test_group_norm_channel_axis_other_than_last(backend: str) -> None:
    x = _x((2, 4, 3))
    y = GroupNorm(groups=2, axis=1)(x)
    expected = np.moveaxis(_group_norm_ref(np.moveaxis(x, 1, -1), 2, 1e-3), -1, 1)
    assert_matches_numpy(y, expected.astype("float32"), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("shape", "groups", "axis"), [((2, 3, 4), 2, -1), ((2, 2, 2, 6), 3, -1), ((2, 4, 3), 4, 1)])
def test_group_norm_parity(shape: tuple[int, ...], groups: int, axis: int) -> None:
    c = shape[axis]

    def factory() -> dn.nn.Module:
        layer = GroupNorm(groups=groups, axis=axis)
        layer(_x(shape))  # build, then give the affine parameters values other than 1 and 0
        return _affine(layer, c)

    dn.testing.module_parity(factory, [_x(shape, seed=1)])


# ---------------------------------------------------------------- errors


def test_integer_inputs_are_dtype_errors(backend: str) -> None:
    for layer in (BatchNorm(), LayerNorm(), GroupNorm(2)):
        with pytest.raises(dn.DTypeError, match=r"expects floating-point inputs, got int64; cast first"):
            layer(np.ones((2, 4), "int64"))


def test_batch_norm_wrong_rank_and_changed_channels_name_the_layer(backend: str) -> None:
    with pytest.raises(
        dn.ShapeError,
        match=r"BatchNorm expects inputs of rank >= 2 \(batch, ..., channels\), got shape \(3,\); add the missing",
    ):
        BatchNorm()(np.ones((3,), "float32"))
    net = Net(BatchNorm())
    net(_x((2, 3)))
    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'norm' \(BatchNorm\) expects 3 channels on axis -1, got shape \(2, 4\); give it inputs with 3",
    ):
        net(_x((2, 4)))
    with pytest.raises(dn.ShapeError, match=r"BatchNorm normalises axis 3, which inputs of shape \(2, 3\) do not have"):
        BatchNorm(axis=3)(_x((2, 3)))


def test_group_norm_groups_not_dividing_channels(backend: str) -> None:
    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'norm' \(GroupNorm\) splits 6 channels \(shape \(2, 6\)\) into groups=4, which does not divide "
        r"them; choose groups dividing 6, e.g. GroupNorm\(groups=3\)",
    ):
        Net(GroupNorm(groups=4))(_x((2, 6)))
    layer = GroupNorm(groups=2)
    layer(_x((2, 4)))
    with pytest.raises(dn.ShapeError, match=r"GroupNorm expects 4 channels on axis -1, got shape \(2, 6\)"):
        layer(_x((2, 6)))


def test_layer_norm_changed_sizes_name_the_layer(backend: str) -> None:
    net = Net(LayerNorm())
    net(_x((2, 4)))
    with pytest.raises(dn.ShapeError, match=r"layer 'norm' \(LayerNorm\) expects sizes \(4,\) on axes \(-1,\), got"):
        net(_x((2, 5)))
    layer = LayerNorm(axis=1)
    layer(_x((2, 3, 4)))
    with pytest.raises(
        dn.ShapeError, match=r"was built for inputs of rank 3 \(axis=\(1,\)\), got shape \(2, 3\); keep"
    ):
        layer(_x((2, 3)))


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: BatchNorm(momentum=1.5), r"BatchNorm\(momentum=1.5\): momentum must be a number in \[0, 1\]"),
        (lambda: BatchNorm(epsilon=0), r"BatchNorm\(epsilon=0\): epsilon must be a number > 0"),
        (lambda: BatchNorm(axis=1.0), r"BatchNorm\(axis=1.0\): axis must be an int"),
        (lambda: BatchNorm(num_features=0), r"BatchNorm\(num_features=0\): num_features must be a positive int or"),
        (lambda: LayerNorm(axis=()), r"LayerNorm\(axis=\(\)\): give at least one axis"),
        (lambda: LayerNorm(epsilon=-1.0), r"LayerNorm\(epsilon=-1.0\)"),
        (lambda: GroupNorm(groups=0), r"GroupNorm\(groups=0\): groups must be a positive int"),
        (lambda: GroupNorm(axis="last"), r"GroupNorm\(axis='last'\): axis must be an int"),
    ],
)
def test_bad_arguments(backend: str, factory: object, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        factory()  # type: ignore[operator]


def test_repr(backend: str) -> None:
    assert repr(BatchNorm(num_features=3)) == "BatchNorm(num_features=3, momentum=0.99, epsilon=0.001, axis=-1)"
    assert repr(LayerNorm()) == "LayerNorm(axis=-1, epsilon=0.001)"
    assert repr(GroupNorm(4)) == "GroupNorm(groups=4, channels=None, axis=-1, epsilon=0.001)"
