"""UpSampling1D/2D/3D, Upsample, PixelShuffle/Unshuffle, Resizing, CenterCrop: Keras and torch references, parity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.helpers import assert_matches_numpy


def _x(*shape: int) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _grad(layer: Any, x: np.ndarray, cot: np.ndarray) -> np.ndarray:
    def loss(t: Any) -> Any:
        return dn.ops.sum(layer(t) * dn.ops.convert_to_tensor(cot))

    return dn.ops.to_numpy(dn.value_and_grad(loss)(dn.ops.convert_to_tensor(x))[1])


def _first(x: np.ndarray) -> np.ndarray:
    return np.moveaxis(x, -1, 1)


def _last(x: np.ndarray) -> np.ndarray:
    return np.moveaxis(x, 1, -1)


# (id, dualnet factory, keras layer name and arguments, input shape)
KERAS: list[tuple[str, Any, tuple[str, dict[str, Any]], tuple[int, ...]]] = [
    ("up1d", lambda: dn.nn.UpSampling1D(3), ("UpSampling1D", {"size": 3}), (2, 4, 3)),
    ("up2d", lambda: dn.nn.UpSampling2D((2, 3)), ("UpSampling2D", {"size": (2, 3)}), (2, 3, 4, 2)),
    (
        "up2d-bilinear",
        lambda: dn.nn.UpSampling2D(2, interpolation="bilinear"),
        ("UpSampling2D", {"size": 2, "interpolation": "bilinear"}),
        (2, 3, 4, 2),
    ),
    ("up3d", lambda: dn.nn.UpSampling3D((1, 2, 3)), ("UpSampling3D", {"size": (1, 2, 3)}), (1, 2, 3, 2, 2)),
    ("resize", lambda: dn.nn.Resizing(5, 7), ("Resizing", {"height": 5, "width": 7}), (2, 4, 6, 3)),
    (
        "resize-nearest",
        lambda: dn.nn.Resizing(3, 8, interpolation="nearest"),
        ("Resizing", {"height": 3, "width": 8, "interpolation": "nearest"}),
        (2, 4, 6, 3),
    ),
    (
        "resize-crop",
        lambda: dn.nn.Resizing(4, 4, crop_to_aspect_ratio=True),
        ("Resizing", {"height": 4, "width": 4, "crop_to_aspect_ratio": True}),
        (2, 5, 8, 1),
    ),
    (
        "resize-pad",
        lambda: dn.nn.Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=0.5),
        ("Resizing", {"height": 4, "width": 4, "pad_to_aspect_ratio": True, "fill_value": 0.5}),
        (2, 5, 8, 1),
    ),
    ("crop", lambda: dn.nn.CenterCrop(3, 4), ("CenterCrop", {"height": 3, "width": 4}), (2, 6, 7, 2)),
    ("crop-single", lambda: dn.nn.CenterCrop(2, 2), ("CenterCrop", {"height": 2, "width": 2}), (5, 5, 3)),
    ("crop-small", lambda: dn.nn.CenterCrop(6, 4), ("CenterCrop", {"height": 6, "width": 4}), (2, 3, 5, 2)),
]


@pytest.fixture(scope="module")
def keras_outputs() -> dict[str, np.ndarray]:
    import keras

    return {key: np.asarray(getattr(keras.layers, name)(**kw)(_x(*s))) for key, _, (name, kw), s in KERAS}


@pytest.mark.parametrize(("key", "factory", "keras_layer", "shape"), KERAS, ids=[case[0] for case in KERAS])
def test_matches_keras(
    keras_outputs: dict[str, np.ndarray], backend: str, key: str, factory: Any, keras_layer: Any, shape: Any
) -> None:
    layer = factory()
    assert_matches_numpy(layer(_x(*shape)), keras_outputs[key], rtol=1e-5, atol=1e-5)
    assert layer.parameters() == [] and layer.state_dict() == {}


def test_resizing_keeps_integer_dtypes_as_keras(backend: str) -> None:
    import keras

    x = (np.arange(2 * 4 * 6, dtype="uint8").reshape(2, 4, 6, 1) * 37) % 251
    # Bilinear only: TensorFlow's bicubic tabulates its kernel (~1e-3 off the exact one), which moves roundings.
    expected = np.asarray(keras.layers.Resizing(5, 9)(x))
    got = dn.nn.Resizing(5, 9)(x)
    assert dn.ops.dtype(got) == "uint8"
    # At an exact .5 tie, float error on either side decides the rounding: there the two may differ by 1.
    exact = np.asarray(keras.layers.Resizing(5, 9)(x.astype("float32")))
    tie = np.abs(exact - np.floor(exact) - 0.5) < 1e-4
    diff = np.abs(dn.ops.to_numpy(got).astype("int64") - expected.astype("int64"))
    assert (diff[~tie] == 0).all() and (diff[tie] <= 1).all() and (~tie).mean() > 0.5


def test_center_crop_casts_integer_images_as_keras(backend: str) -> None:
    x = np.arange(2 * 5 * 4, dtype="int32").reshape(2, 5, 4, 1)
    assert_matches_numpy(dn.nn.CenterCrop(3, 2)(x), x[:, 1:4, 1:3].astype("float32"))


# (dualnet layer, torch module, input shape)
TORCH: list[tuple[Any, Any, tuple[int, ...]]] = [
    (lambda: dn.nn.UpSampling1D(2), lambda t: t.nn.Upsample(scale_factor=2), (2, 3, 2)),
    (lambda: dn.nn.UpSampling2D((2, 3)), lambda t: t.nn.Upsample(scale_factor=(2, 3)), (2, 3, 4, 2)),
    (
        lambda: dn.nn.UpSampling2D(2, interpolation="bilinear"),
        lambda t: t.nn.Upsample(scale_factor=2, mode="bilinear"),
        (2, 3, 4, 2),
    ),
    (lambda: dn.nn.UpSampling3D(2), lambda t: t.nn.Upsample(scale_factor=2), (1, 2, 3, 2, 2)),
    (lambda: dn.nn.Upsample(scale_factor=2), lambda t: t.nn.Upsample(scale_factor=2), (1, 2, 3, 2, 2)),
    (
        lambda: dn.nn.Upsample(scale_factor=3, mode="bilinear"),
        lambda t: t.nn.Upsample(scale_factor=3, mode="bilinear", align_corners=False),
        (2, 3, 2, 2),
    ),
    (
        lambda: dn.nn.Upsample(scale_factor=(2, 3), mode="bilinear", align_corners=True),
        lambda t: t.nn.Upsample(scale_factor=(2, 3), mode="bilinear", align_corners=True),
        (2, 3, 2, 2),
    ),
    (
        lambda: dn.nn.Upsample(scale_factor=3, mode="linear"),
        lambda t: t.nn.Upsample(scale_factor=3, mode="linear"),
        (2, 4, 3),
    ),
    (
        lambda: dn.nn.Upsample(scale_factor=(1, 2, 3), mode="trilinear", align_corners=True),
        lambda t: t.nn.Upsample(scale_factor=(1, 2, 3), mode="trilinear", align_corners=True),
        (1, 2, 3, 2, 2),
    ),
    (
        lambda: dn.nn.Upsample(scale_factor=2, mode="trilinear"),
        lambda t: t.nn.Upsample(scale_factor=2, mode="trilinear"),
        (1, 2, 3, 2, 2),
    ),
    (lambda: dn.nn.PixelShuffle(2), lambda t: t.nn.PixelShuffle(2), (2, 3, 2, 8)),
    (lambda: dn.nn.PixelUnshuffle(2), lambda t: t.nn.PixelUnshuffle(2), (2, 4, 6, 3)),
    (
        lambda: dn.nn.Resizing(7, 5),
        lambda t: lambda v: t.nn.functional.interpolate(v, size=(7, 5), mode="bilinear", align_corners=False),
        (2, 3, 4, 2),
    ),
]


@pytest.mark.parametrize(("factory", "torch_factory", "shape"), TORCH)
def test_matches_torch_outputs_and_gradients(backend: str, factory: Any, torch_factory: Any, shape: Any) -> None:
    import torch

    layer, x = factory(), _x(*shape)
    xt = torch.tensor(_first(x), requires_grad=True)
    yt = torch_factory(torch)(xt)
    cot = _x(*_last(yt.detach().numpy()).shape)
    (yt * torch.tensor(_first(cot))).sum().backward()
    np.testing.assert_allclose(dn.ops.to_numpy(layer(x)), _last(yt.detach().numpy()), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_grad(layer, x, cot), _last(xt.grad.numpy()), rtol=1e-5, atol=1e-5)


def test_pixel_shuffle_order_relative_to_depth_to_space(backend: str) -> None:
    one = _x(2, 3, 3, 4)
    np.testing.assert_array_equal(
        dn.ops.to_numpy(dn.nn.PixelShuffle(2)(one[..., :4])), dn.ops.to_numpy(dn.ops.depth_to_space(one, 2))
    )
    x = _x(1, 2, 2, 8)
    # torch's channel-major order is depth_to_space after regrouping channels (c, block) -> (block, c).
    regrouped = x.reshape(1, 2, 2, 2, 4).transpose(0, 1, 2, 4, 3).reshape(1, 2, 2, 8)
    np.testing.assert_array_equal(
        dn.ops.to_numpy(dn.nn.PixelShuffle(2)(x)), dn.ops.to_numpy(dn.ops.depth_to_space(regrouped, 2))
    )
    back = dn.nn.PixelUnshuffle(2)(dn.nn.PixelShuffle(2)(x))
    np.testing.assert_array_equal(dn.ops.to_numpy(back), x)


PARITY: list[tuple[Any, tuple[int, ...]]] = [
    (lambda: dn.nn.UpSampling1D(2), (2, 3, 2)),
    (lambda: dn.nn.UpSampling2D(2, interpolation="bicubic"), (1, 3, 3, 2)),
    (lambda: dn.nn.UpSampling3D((2, 1, 2)), (1, 2, 2, 2, 1)),
    (lambda: dn.nn.Upsample(scale_factor=(2, 3), mode="bilinear"), (1, 2, 3, 2)),
    (lambda: dn.nn.Upsample(mode="bilinear", align_corners=True), (1, 3, 2, 2)),
    (lambda: dn.nn.Upsample(scale_factor=(2, 1, 3), mode="trilinear"), (1, 2, 2, 3, 1)),
    (lambda: dn.nn.PixelShuffle(3), (1, 2, 2, 9)),
    (lambda: dn.nn.PixelUnshuffle(2), (1, 4, 2, 2)),
    (lambda: dn.nn.Resizing(3, 5, antialias=True), (2, 6, 9, 2)),
    (lambda: dn.nn.CenterCrop(3, 3), (2, 4, 5, 2)),
    (lambda: dn.nn.CenterCrop(5, 5), (2, 4, 3, 2)),
]


@pytest.mark.parametrize(("factory", "shape"), PARITY)
def test_parity_across_backends(factory: Any, shape: tuple[int, ...]) -> None:
    for training in (False, True):
        runs = dn.testing.module_parity(factory, [_x(*shape)], training=training)
    assert runs[0].input_grads[0] is not None


def _model() -> Any:
    return dn.nn.Sequential(
        [
            dn.nn.Conv2D(8, 3),
            dn.nn.PixelShuffle(2),
            dn.nn.UpSampling2D(2, interpolation="bilinear"),
            dn.nn.Resizing(6, 5),
            dn.nn.CenterCrop(4, 4),
            dn.nn.PixelUnshuffle(2),
        ]
    )


def _traced_matches_eager(jit: bool) -> None:
    dn.seed(0)
    model, x = _model(), _x(2, 5, 5, 3)
    traced = dn.function(lambda t: model(t), jit=jit)
    np.testing.assert_allclose(dn.ops.to_numpy(traced(x)), dn.ops.to_numpy(model(x)), rtol=1e-5, atol=1e-6)


def test_inside_dn_function(backend: str) -> None:
    _traced_matches_eager(jit=False)


def test_inside_xla_function() -> None:
    # torch's jit=True is torch.compile, which traces these reshapes and repeats like any torch code, slowly here.
    dn.set_backend("tensorflow")
    _traced_matches_eager(jit=True)


@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path, source: str, target: str) -> None:
    dn.set_backend(source)
    dn.seed(0)
    model, x = _model(), _x(1, 5, 5, 3)
    expected = dn.ops.to_numpy(model(x))
    path = dn.save(model, tmp_path / "m.safetensors")
    dn.set_backend(target)
    np.testing.assert_allclose(dn.ops.to_numpy(dn.load(path)(x)), expected, rtol=1e-5, atol=1e-6)


class _Net(dn.nn.Module):
    def __init__(self, layer: dn.nn.Module) -> None:
        super().__init__()
        self.up = layer

    def forward(self, x: Any) -> Any:
        return self.up(x)


@pytest.mark.parametrize(
    ("layer", "shape", "match"),
    [
        (dn.nn.UpSampling2D(), (2, 4, 4), r"layer 'up' \(UpSampling2D\) expects inputs of rank 4 \(N, H, W, C\)"),
        (dn.nn.UpSampling1D(), (2, 4, 4, 1), r"layer 'up' \(UpSampling1D\) expects inputs of rank 3 \(N, W, C\)"),
        (
            dn.nn.Upsample(scale_factor=2, mode="bilinear"),
            (2, 4, 3),
            r"layer 'up' \(Upsample\) with mode='bilinear' expects channels-last inputs \(N, H, W, C\), got shape",
        ),
        (dn.nn.Upsample(mode="linear"), (2, 4, 3, 1), r"mode='linear' expects channels-last inputs \(N, W, C\)"),
        (dn.nn.Upsample(scale_factor=(2, 2)), (2, 4, 3), r"has scale_factor=\(2, 2\) for inputs of shape \(2, 4, 3\)"),
        (
            dn.nn.PixelShuffle(2),
            (1, 2, 2, 6),
            r"layer 'up' \(PixelShuffle\) expects a channel count divisible by upscale_factor \*\* 2 = 4, got shape "
            r"\(1, 2, 2, 6\); give the layer before it a multiple of 4 channels",
        ),
        (dn.nn.PixelUnshuffle(2), (1, 3, 4, 1), r"layer 'up' \(PixelUnshuffle\) expects height and width divisible"),
        (dn.nn.Resizing(2, 2), (4, 4), r"layer 'up' \(Resizing\) expects images \(N, H, W, C\) or a single image"),
        (dn.nn.CenterCrop(2, 2), (1, 1, 4, 4, 1), r"layer 'up' \(CenterCrop\) expects images"),
    ],
)
def test_bad_inputs_name_the_layer_and_the_fix(backend: str, layer: Any, shape: tuple[int, ...], match: str) -> None:
    with pytest.raises(dn.ShapeError, match=match):
        _Net(layer)(_x(*shape))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: dn.nn.UpSampling2D(interpolation="area"), r"UpSampling2D\(interpolation='area'\)"),
        (lambda: dn.nn.UpSampling3D((2, 2)), r"UpSampling3D\(size=\(2, 2\)\)"),
        (lambda: dn.nn.Upsample(size=(4, 4)), r"Upsample\(size=\(4, 4\)\).*dn\.nn\.Resizing"),
        (lambda: dn.nn.Upsample(scale_factor=1.5), r"Upsample\(scale_factor=1\.5\)"),
        (lambda: dn.nn.Upsample(align_corners=1), r"Upsample\(align_corners=1\): align_corners must be None, True or"),
        (lambda: dn.nn.PixelShuffle(0), r"PixelShuffle\(upscale_factor=0\): upscale_factor must be a positive int"),
        (lambda: dn.nn.Resizing(0, 4), r"Resizing\(height=0\)"),
        (lambda: dn.nn.Resizing(4, 4, interpolation="cubic"), r"Resizing\(interpolation='cubic'\)"),
        (lambda: dn.nn.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), r"exclude each other"),
        (lambda: dn.nn.CenterCrop(4, "4"), r"CenterCrop\(width='4'\)"),
    ],
)
def test_bad_arguments_at_construction(backend: str, make: Any, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        make()
