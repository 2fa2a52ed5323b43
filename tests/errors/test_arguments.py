"""Strict arguments everywhere: flags that are not bools, bools given as counts, non-finite hyper-parameters,
fractional class ids and bad class weights are refused by name; NumPy scalars are taken like Python numbers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import IMAGES, SEQUENCES, Case, X, built, cases, check, mlp, tensor

nn, optim, losses, metrics, cb = dn.nn, dn.optim, dn.losses, dn.metrics, dn.callbacks
XT = np.random.default_rng(3).standard_normal((12, 3)).astype("float32")
IDS = np.array([0, 1, 2, 1] * 3)
ONE_HOT = np.eye(3, dtype="float32")[IDS]


def _params() -> list[object]:
    return mlp().parameters()


def _trainer(**kwargs: Any) -> dn.Trainer:
    model = mlp((3,))
    return dn.Trainer(model, optim.SGD(model.parameters(), lr=0.01), losses.CrossEntropy(), **kwargs)


def _fit(y: Any = IDS, **kwargs: Any) -> None:
    _trainer().fit(XT, y, **{"epochs": 1, "batch_size": 4, "verbose": 0, **kwargs})


def _update(metric: dn.metrics.Metric, y_true: Any) -> None:
    metric.update(tensor(X), tensor(y_true))


FLAGS = cases(
    Case("Dense use_bias", lambda: nn.Dense(3, use_bias="no"), dn.ArgumentError, ("Dense(use_bias='no')", "True")),
    Case("Conv2D use_bias", lambda: nn.Conv2D(2, 3, use_bias=0), dn.ArgumentError, ("Conv2D(use_bias=0)", "False")),
    Case(
        "LSTM return_sequences",
        lambda: nn.LSTM(4, return_sequences="no"),
        dn.ArgumentError,
        ("LSTM(return_sequences='no')", "True or False"),
    ),
    Case("LSTM return_state", lambda: nn.LSTM(4, return_state=1), dn.ArgumentError, ("LSTM(return_state=1)",)),
    Case("GRU reset_after", lambda: nn.GRU(4, reset_after="yes"), dn.ArgumentError, ("GRU(reset_after='yes')",)),
    Case("BatchNorm center", lambda: nn.BatchNorm(center="no"), dn.ArgumentError, ("BatchNorm(center='no')",)),
    Case("Embedding mask_zero", lambda: nn.Embedding(5, 2, mask_zero=1), dn.ArgumentError, ("mask_zero=1",)),
    Case("global pool keepdims", lambda: nn.GlobalMaxPool1D(keepdims=1), dn.ArgumentError, ("keepdims=1",)),
    Case(
        "attention causal",
        lambda: nn.MultiHeadAttention(2, 4)(SEQUENCES, causal="no"),
        dn.ArgumentError,
        ("MultiHeadAttention.forward(causal='no')", "causal=True or causal=False"),
    ),
    Case(
        "transformer causal",
        lambda: nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)(np.ones((2, 3, 4), "float32"), causal="yes"),
        dn.ArgumentError,
        ("TransformerEncoderLayer.forward(causal='yes')",),
    ),
    Case("Adam amsgrad", lambda: optim.Adam(_params(), amsgrad="no"), dn.ArgumentError, ("Adam(amsgrad='no')",)),
    Case(
        "SGD nesterov",
        lambda: optim.SGD(_params(), momentum=0.9, nesterov="False"),
        dn.ArgumentError,
        ("SGD(nesterov='False')", "nesterov=False"),
    ),
    Case("RMSprop centered", lambda: optim.RMSprop(_params(), centered=1), dn.ArgumentError, ("centered=1",)),
    Case(
        "schedule staircase",
        lambda: optim.schedules.ExponentialDecay(0.1, 10, 0.5, staircase="yes"),
        dn.ArgumentError,
        ("ExponentialDecay(staircase='yes')",),
    ),
    Case("CE from_logits", lambda: losses.CrossEntropy(from_logits="no"), dn.ArgumentError, ("from_logits='no'",)),
    Case("BCE from_logits", lambda: losses.BinaryCrossEntropy(from_logits=1), dn.ArgumentError, ("from_logits=1",)),
    Case(
        "DataLoader drop_last",
        lambda: dn.data.DataLoader(XT, drop_last="no"),
        dn.ArgumentError,
        ("DataLoader(drop_last='no')",),
    ),
    Case("fit shuffle", lambda: _fit(shuffle="no"), dn.ArgumentError, ("fit(shuffle='no')", "shuffle=True")),
    Case("Trainer jit", lambda: _trainer(jit="no"), dn.ArgumentError, ("Trainer(jit='no')", "jit=False")),
    Case(
        "EarlyStopping restore_best_weights",
        lambda: cb.EarlyStopping(restore_best_weights="yes"),
        dn.ArgumentError,
        ("EarlyStopping(restore_best_weights='yes')",),
    ),
    Case(
        "ModelCheckpoint save_best_only",
        lambda: cb.ModelCheckpoint("w.safetensors", save_best_only="no"),
        dn.ArgumentError,
        ("save_best_only='no'",),
    ),
    Case(
        "ops.dropout training", lambda: dn.ops.dropout(tensor(X), 0.5, training="no"), dn.ArgumentError, ("training",)
    ),
    Case("Module.train mode", lambda: mlp().train("no"), dn.ArgumentError, ("Sequential.train(mode='no')",)),
    Case("Module.trainable", lambda: setattr(mlp(), "trainable", "no"), dn.ArgumentError, ("trainable='no'",)),
    Case(
        "check_numerics gradients",
        lambda: dn.debug.check_numerics(gradients="no"),
        dn.ArgumentError,
        ("check_numerics(gradients='no')",),
    ),
)

BOOLS_AS_COUNTS = cases(
    Case("Dense units", lambda: nn.Dense(True), dn.ArgumentError, ("Dense(units=True)", "positive int")),
    Case("Conv2D kernel_size", lambda: nn.Conv2D(4, True), dn.ArgumentError, ("kernel_size=True",)),
    Case("EarlyStopping patience", lambda: cb.EarlyStopping(patience=True), dn.ArgumentError, ("patience=True",)),
    Case("Trainer grad_accumulation", lambda: _trainer(grad_accumulation=True), dn.ArgumentError, ("=True",)),
    Case("DataLoader batch_size", lambda: dn.data.DataLoader(XT, batch_size=True), dn.ArgumentError, ("=True",)),
    Case("fit epochs", lambda: _fit(epochs=np.True_), dn.ArgumentError, ("fit(epochs=np.True_)", "epochs=10")),
    Case("ops.zeros size", lambda: dn.ops.zeros((2, True)), dn.ArgumentError, ("zeros", "True", "must be an int")),
    Case("callback verbose", lambda: cb.ProgressBar(verbose=True), dn.ArgumentError, ("verbose=True", "0, 1, 2")),
)

NON_FINITE = cases(
    Case("Adam lr inf", lambda: optim.Adam(_params(), lr=math.inf), dn.ArgumentError, ("lr=inf", "a finite number")),
    Case("SGD lr nan", lambda: optim.SGD(_params(), lr=math.nan), dn.ArgumentError, ("SGD(lr=nan)", "lr=1e-3")),
    Case(
        "lr set to inf",
        lambda: setattr(optim.SGD(_params()), "lr", np.float32("inf")),
        dn.ArgumentError,
        ("a finite number >= 0",),
    ),
    Case("Adam eps inf", lambda: optim.Adam(_params(), eps=math.inf), dn.ArgumentError, ("eps=inf", "finite")),
    Case("Adam eps zero", lambda: optim.Adam(_params(), eps=0.0), dn.ArgumentError, ("eps=0.0", "> 0")),
    Case("AdamW weight_decay inf", lambda: optim.AdamW(_params(), weight_decay=math.inf), dn.ArgumentError, ("inf",)),
    Case("SGD momentum inf", lambda: optim.SGD(_params(), momentum=math.inf), dn.ArgumentError, ("momentum=inf",)),
    Case("clipnorm inf", lambda: optim.Adam(_params(), clipnorm=math.inf), dn.ArgumentError, ("clipnorm=inf",)),
    Case(
        "schedule initial inf",
        lambda: optim.schedules.CosineDecay(math.inf, 10),
        dn.ArgumentError,
        ("CosineDecay(initial_learning_rate=inf)",),
    ),
    Case("Dropout rate nan", lambda: nn.Dropout(math.nan), dn.ArgumentError, ("Dropout(rate=nan)", "[0, 1)")),
    Case("BatchNorm epsilon inf", lambda: nn.BatchNorm(epsilon=math.inf), dn.ArgumentError, ("epsilon=inf",)),
    Case("Huber delta inf", lambda: losses.Huber(delta=math.inf), dn.ArgumentError, ("Huber(delta=inf)",)),
    Case("threshold nan", lambda: metrics.Precision(threshold=math.nan), dn.ArgumentError, ("threshold=nan",)),
    Case("min_lr inf", lambda: cb.ReduceLROnPlateau(min_lr=math.inf), dn.ArgumentError, ("min_lr=inf",)),
)

CLASS_IDS = cases(
    Case(
        "CE fractional labels",
        lambda: losses.CrossEntropy()(tensor(X), tensor(np.array([0.0, 0.7, 2.0, 1.0], "float32"))),
        dn.ArgumentError,
        ("CrossEntropy", "whole numbers", "0.7", "cast the labels to int"),
    ),
    Case(
        "CE NaN label",
        lambda: losses.CrossEntropy()(tensor(X), tensor(np.array([0.0, math.nan, 2.0, 1.0]))),
        dn.ArgumentError,
        ("CrossEntropy", "nan"),
    ),
    Case(
        "Accuracy fractional labels",
        lambda: _update(metrics.Accuracy(), np.array([0.0, 1.9, 2.0, 1.0], "float32")),
        dn.ArgumentError,
        ("Accuracy", "1.9", "y.astype('int64')"),
    ),
    Case(
        "TopK fractional labels",
        lambda: _update(metrics.TopKAccuracy(k=2), np.array([[0.5], [1.0], [2.0], [1.0]])),
        dn.ArgumentError,
        ("TopKAccuracy", "0.5"),
    ),
    Case(
        "F1 fractional labels",
        lambda: _update(metrics.F1(num_classes=3), np.array([0.0, 1.0, 2.5, 1.0])),
        dn.ArgumentError,
        ("F1", "2.5"),
    ),
)

CLASS_WEIGHTS = cases(
    Case("string key", lambda: _fit(class_weight={"a": 1.0}), dn.ArgumentError, ("key 'a' is not a class id", ">= 0")),
    Case("negative key", lambda: _fit(class_weight={-1: 5.0}), dn.ArgumentError, ("key -1", "ints >= 0")),
    Case("bool key", lambda: _fit(class_weight={True: 5.0}), dn.ArgumentError, ("key True",)),
    Case(
        "key beyond the one-hot classes",
        lambda: _fit(ONE_HOT, class_weight={3: 2.0}),
        dn.ArgumentError,
        ("key 3", "in [0, 3)", "y has 3 classes"),
    ),
    Case("string weight", lambda: _fit(class_weight={0: "x"}), dn.ArgumentError, ("weight of class 0 is 'x'",)),
    Case("negative weight", lambda: _fit(class_weight={1: -2.0}), dn.ArgumentError, ("class 1 is -2.0", ">= 0")),
    Case("infinite weight", lambda: _fit(class_weight={1: math.inf}), dn.ArgumentError, ("class 1 is inf", "finite")),
    Case(
        "fractional labels",
        lambda: _fit(IDS + 0.5, class_weight={0: 1.0}),
        dn.ArgumentError,
        ("y holds the label 0.5", "y.astype('int64')"),
    ),
    Case("negative labels", lambda: _fit(IDS - 1, class_weight={0: 1.0}), dn.ArgumentError, ("class id -1", ">= 0")),
)


@pytest.mark.parametrize("case", FLAGS + BOOLS_AS_COUNTS + NON_FINITE + CLASS_IDS + CLASS_WEIGHTS)
def test_strict_argument_misuse(backend: str, case: Case) -> None:
    check(case)


# -- what is accepted ------------------------------------------------------------------------------------


def _accepted(make: Any, attribute: str, expected: Any) -> None:
    value = make()
    for name in attribute.split("."):
        value = value[int(name)] if name.isdigit() else value[name] if isinstance(value, dict) else getattr(value, name)
    assert value == expected and type(value) is type(expected)


NUMPY_SCALARS = [
    pytest.param(lambda: nn.Dense(np.int64(64)), "units", 64, id="Dense units"),
    pytest.param(lambda: nn.Conv2D(4, (np.int64(3), np.int64(2))), "kernel_size", (3, 2), id="Conv2D kernel_size"),
    pytest.param(lambda: nn.Conv2D(np.int32(4), np.int64(3)), "kernel_size", (3, 3), id="Conv2D kernel int"),
    pytest.param(lambda: nn.Dropout(np.float32(0.25)), "rate", 0.25, id="Dropout rate"),
    pytest.param(lambda: nn.Dense(2, use_bias=np.False_), "use_bias", False, id="Dense use_bias np.bool_"),
    pytest.param(lambda: cb.EarlyStopping(patience=np.int64(3)), "patience", 3, id="EarlyStopping patience"),
    pytest.param(lambda: _trainer(grad_accumulation=np.int64(4)), "grad_accumulation", 4, id="Trainer accumulation"),
    pytest.param(lambda: optim.Adam(_params(), lr=np.float32(0.5)), "lr", 0.5, id="Adam lr"),
    pytest.param(
        lambda: optim.Adam(_params(), betas=(np.float32(0.5), np.float64(0.25))),
        "param_groups.0.betas",
        (0.5, 0.25),
        id="Adam betas",
    ),
    pytest.param(lambda: dn.data.DataLoader(XT, batch_size=np.int32(4)), "batch_size", 4, id="DataLoader batch_size"),
    pytest.param(lambda: losses.Huber(delta=np.float16(2.0)), "delta", 2.0, id="Huber delta"),
    pytest.param(lambda: metrics.TopKAccuracy(k=np.uint8(3)), "k", 3, id="TopKAccuracy k"),
]


@pytest.mark.parametrize(("make", "attribute", "expected"), NUMPY_SCALARS)
def test_numpy_scalars_are_taken_as_python_numbers(backend: str, make: Any, attribute: str, expected: Any) -> None:
    _accepted(make, attribute, expected)


def test_a_numpy_bool_flag_turns_the_bias_off(backend: str) -> None:
    layer = built(nn.Dense(2, use_bias=np.False_), X)
    assert [name for name, _ in layer.named_parameters()] == ["kernel"]


def test_a_model_made_with_numpy_scalars_saves_and_loads(backend: str, tmp_path: Path) -> None:
    model = built(nn.Sequential([nn.Conv2D(np.int64(2), (np.int64(3), 3)), nn.Dropout(np.float32(0.5))]), IMAGES)
    dn.save(model, tmp_path / "m.safetensors")
    loaded = dn.load(tmp_path / "m.safetensors")
    assert loaded[0].get_config()["filters"] == 2 and loaded[1].rate == 0.5


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_whole_float_class_ids_give_the_same_numbers_as_int_ids(backend: str, dtype: str) -> None:
    ids = np.array([0, 2, 1, 2])
    loss = losses.CrossEntropy()
    expected = dn.ops.to_numpy(loss(tensor(X), tensor(ids)))
    np.testing.assert_allclose(dn.ops.to_numpy(loss(tensor(X), tensor(ids.astype(dtype)))), expected, rtol=1e-6)
    accuracy, float_accuracy = metrics.Accuracy(), metrics.Accuracy()
    accuracy.update(tensor(X), tensor(ids))
    float_accuracy.update(tensor(X), tensor(ids.astype(dtype)))
    assert float_accuracy.result() == accuracy.result()


def test_class_weight_takes_numpy_keys_whole_float_labels_and_one_hot_rows(backend: str) -> None:
    from dualnet.train.loop import fit_data  # the arrays fit trains on, without training

    weights = {np.int64(0): np.float32(2.0), 2: 3}
    for y in (IDS, IDS.astype("float32"), ONE_HOT):
        _, _, sample_weight = fit_data(XT, y, None, weights)
        np.testing.assert_array_equal(sample_weight, np.array([2.0, 1.0, 3.0, 1.0] * 3, "float32"))
