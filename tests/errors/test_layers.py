"""Misuse of layers: bad constructor arguments (named with the fix), inputs a built layer cannot take (by path)."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import IMAGES, SEQUENCES, Case, X, cases, check, mlp

nn = dn.nn


def _twice(layer: dn.nn.Module, first: np.ndarray, second: np.ndarray) -> None:
    layer(first)
    layer(second)


CONSTRUCTION = cases(
    Case("Dense units", lambda: nn.Dense(0), dn.ArgumentError, ("Dense(units=0)", "e.g. Dense(64)")),
    Case(
        "Dense activation",
        lambda: nn.Dense(3, activation="relux"),
        dn.ArgumentError,
        ("activation='relux'", "use one of", "relu"),
    ),
    Case("Conv2D filters", lambda: nn.Conv2D(0, 3), dn.ArgumentError, ("Conv2D(filters=0)", "filters=32")),
    Case("Conv2D padding", lambda: nn.Conv2D(4, 3, padding="full"), dn.ArgumentError, ("padding='full'", "'same'")),
    Case(
        "Conv2D kernel tuple",
        lambda: nn.Conv2D(4, (3, 3, 3)),
        dn.ArgumentError,
        ("kernel_size=(3, 3, 3)", "kernel_size=(2, 2)"),
    ),
    Case(
        "DepthwiseConv2D multiplier",
        lambda: nn.DepthwiseConv2D(3, depth_multiplier=0),
        dn.ArgumentError,
        ("depth_multiplier=0", "depth_multiplier=1"),
    ),
    Case(
        "MaxPool2D strides",
        lambda: nn.MaxPool2D(2, strides=0),
        dn.ArgumentError,
        ("MaxPool2D(strides=0)", "strides=(2, 2)"),
    ),
    Case(
        "Reshape two unknowns",
        lambda: nn.Reshape((-1, -1)),
        dn.ArgumentError,
        ("target_shape=(-1, -1)", "at most one -1"),
    ),
    Case("Dropout rate", lambda: nn.Dropout(1.5), dn.ArgumentError, ("Dropout(rate=1.5)", "Dropout(0.1)")),
    Case(
        "Embedding vocabulary",
        lambda: nn.Embedding(0, 4),
        dn.ArgumentError,
        ("input_dim=0", "Embedding(input_dim=10000"),
    ),
    Case(
        "BatchNorm momentum",
        lambda: nn.BatchNorm(momentum=1.5),
        dn.ArgumentError,
        ("momentum=1.5", "1 - torch_momentum"),
    ),
    Case("BatchNorm epsilon", lambda: nn.BatchNorm(epsilon=-1), dn.ArgumentError, ("epsilon=-1", "1e-3")),
    Case("GroupNorm groups", lambda: nn.GroupNorm(groups=0), dn.ArgumentError, ("GroupNorm(groups=0)", "groups=32")),
    Case("LSTM units", lambda: nn.LSTM(0), dn.ArgumentError, ("LSTM(units=0)", "LSTM(64)")),
    Case(
        "MultiHeadAttention heads",
        lambda: nn.MultiHeadAttention(0, 4),
        dn.ArgumentError,
        ("num_heads=0", "num_heads=8"),
    ),
    Case(
        "MultiHeadAttention dropout",
        lambda: nn.MultiHeadAttention(2, 4, dropout=2.0),
        dn.ArgumentError,
        ("dropout=2.0", "dropout=0.1"),
    ),
    Case(
        "Transformer heads",
        lambda: nn.TransformerEncoderLayer(10, 3),
        dn.ArgumentError,
        ("d_model=10, num_heads=3", "num_heads dividing 10"),
    ),
    Case(
        "Sequential non-module",
        lambda: nn.Sequential([nn.Dense(2), "relu"]),
        dn.ArgumentError,
        ("position 1 is a str", "dn.nn.Dense(4)"),
    ),
    Case(
        "Sequential layer class",
        lambda: nn.Sequential([nn.Dense]),
        dn.ArgumentError,
        ("position 0 is the class Dense", "construct it: Dense(...)"),
    ),
    Case(
        "Residual non-module",
        lambda: nn.Residual("x"),
        dn.ArgumentError,
        ("Residual(block=str)", "dn.nn.Activation(fn)"),
    ),  # type: ignore[arg-type]
    Case("Activation unknown", lambda: nn.Activation("foo"), dn.ArgumentError, ("activation='foo'", "or a callable")),
    Case(
        "wrap a non-module",
        lambda: nn.wrap(object()),
        dn.ArgumentError,
        ("dn.nn.wrap", "pass a native module or layer"),
    ),
)

INPUTS = cases(
    Case(
        "Dense features in a model",
        lambda: mlp()(np.ones((4, 5), "float32")),
        dn.ShapeError,
        ("layer '0' (Dense)", "last dimension 3", "3 features"),
    ),
    Case(
        "Dense images",
        lambda: _twice(nn.Dense(2), X, np.ones((2, 2, 4), "float32")),
        dn.ShapeError,
        ("Dense", "(2, 2, 4)", "dn.nn.Flatten()"),
    ),
    Case("Dense in_features", lambda: nn.Dense(2, in_features=5)(X), dn.ShapeError, ("last dimension 5", "5 features")),
    Case(
        "Dense of strings",
        lambda: nn.Dense(2)(np.array([["a", "b"]])),
        dn.DTypeError,
        ("convert_to_tensor", "convert the data to numbers"),
    ),
    Case(
        "Conv2D rank",
        lambda: nn.Conv2D(4, 3)(SEQUENCES),
        dn.ShapeError,
        ("Conv2D", "rank 4 (N, H, W, C)", "expand_dims(x, -1)"),
    ),
    Case(
        "Conv2D channels after build",
        lambda: _twice(nn.Conv2D(4, 3), IMAGES, IMAGES[..., :2]),
        dn.ShapeError,
        ("3 channels", "use a new layer"),
    ),
    Case("Conv2D window", lambda: nn.Conv2D(4, 7)(IMAGES), dn.ShapeError, ("(7, 7)", "padding='same'")),
    Case("Conv2D groups", lambda: nn.Conv2D(4, 3, groups=2)(IMAGES), dn.ShapeError, ("groups=2", "change groups")),
    Case("Conv1D on images", lambda: nn.Conv1D(4, 3)(IMAGES), dn.ShapeError, ("Conv1D", "rank 3 (N, W, C)")),
    Case("AvgPool2D window", lambda: nn.AvgPool2D(9)(IMAGES), dn.ShapeError, ("AvgPool2D", "(9, 9)", "padding='same'")),
    Case("GlobalAvgPool2D rank", lambda: nn.GlobalAvgPool2D()(SEQUENCES), dn.ShapeError, ("GlobalAvgPool2D", "rank 4")),
    Case(
        "Reshape size", lambda: nn.Reshape((5,))(X), dn.ShapeError, ("Reshape", "target_shape needs 5", "multiply to 3")
    ),
    Case(
        "Embedding float ids",
        lambda: nn.Embedding(10, 4)(X),
        dn.DTypeError,
        ("Embedding", "float32", "dn.ops.cast(ids, 'int64')"),
    ),
    Case(
        "Embedding id too large",
        lambda: nn.Embedding(10, 4)(np.array([[12, 1]])),
        dn.ArgumentError,
        ("[0, 10)", "input_dim=13"),
    ),
    Case(
        "Embedding negative id",
        lambda: nn.Embedding(10, 4)(np.array([[-1, 1]])),
        dn.ArgumentError,
        ("got -1", "reserved id"),
    ),
    Case(
        "BatchNorm channels after build",
        lambda: _twice(nn.BatchNorm(), X, np.ones((4, 5), "float32")),
        dn.ShapeError,
        ("BatchNorm", "3 channels", "channel axis"),
    ),
    Case("LayerNorm axis", lambda: nn.LayerNorm(axis=4)(X), dn.ShapeError, ("LayerNorm", "axis 4", "[-2, 2)")),
    Case("GroupNorm split", lambda: nn.GroupNorm(groups=2)(X), dn.ShapeError, ("groups=2", "GroupNorm(groups=1)")),
    Case("LSTM rank", lambda: nn.LSTM(4)(X), dn.ShapeError, ("LSTM", "rank 3 (N, T, F)", "expand_dims(x, 1)")),
    Case(
        "LSTM features after build",
        lambda: _twice(nn.LSTM(4), SEQUENCES, np.ones((2, 4, 5), "float32")),
        dn.ShapeError,
        ("LSTM", "3 features", "same number of features"),
    ),
    Case(
        "GRU features after build",
        lambda: _twice(nn.GRU(4), SEQUENCES, np.ones((2, 4, 5), "float32")),
        dn.ShapeError,
        ("GRU", "3 features", "same number of features"),
    ),
    Case(
        "MultiHeadAttention key/value",
        lambda: nn.MultiHeadAttention(2, 4)(SEQUENCES, np.ones((2, 5, 3), "float32"), SEQUENCES),
        dn.ShapeError,
        ("key and value", "pair each key"),
    ),
    Case(
        "MultiHeadAttention batch",
        lambda: nn.MultiHeadAttention(2, 4)(SEQUENCES, np.ones((3, 4, 3), "float32")),
        dn.ShapeError,
        ("same batch size", "matching batches"),
    ),
    Case(
        "Transformer d_model",
        lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)(SEQUENCES),
        dn.ShapeError,
        ("d_model=8", "dn.nn.Dense(8)"),
    ),
    Case(
        "Residual shapes",
        lambda: nn.Residual(nn.Dense(5))(X),
        dn.ShapeError,
        ("Residual", "(4, 5)", "shortcut=dn.nn.Dense(5)"),
    ),
)


@pytest.mark.parametrize("case", CONSTRUCTION)
def test_layer_construction_misuse(backend: str, case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", INPUTS)
def test_layer_input_misuse(backend: str, case: Case) -> None:
    check(case)
