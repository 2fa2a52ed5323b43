"""Metric names mean what Keras means: each Keras string streams Keras's value over the same batches, on both backends.

The reference is what ``Model.compile`` builds from the string
(``keras.src.trainers.compile_utils.get_metric``: ``keras.metrics.get``, with
``"accuracy"`` / ``"acc"`` chosen from the shapes), run by Keras 3 on TensorFlow.
"""

from __future__ import annotations

import os
import re

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from typing import Any

import keras
import numpy as np
import pytest
from keras.src import metrics as keras_metrics
from keras.src.trainers import compile_utils

import dualnet as dn
from dualnet.metrics import names

RNG = np.random.default_rng(11)
N, C, T = 8, 4, 3
F32 = "float32"


def _f32(x: Any) -> np.ndarray:
    return np.asarray(x, F32)


def _probs(*shape: int) -> np.ndarray:
    x = RNG.standard_normal(shape) * 2
    e = np.exp(x - x.max(-1, keepdims=True))
    return _f32(e / e.sum(-1, keepdims=True))


def _ids(*shape: int, classes: int = C) -> np.ndarray:
    return RNG.integers(0, classes, shape)


def _one_hot(ids: np.ndarray, classes: int = C) -> np.ndarray:
    return _f32(np.eye(classes)[ids])


def _binary(*shape: int) -> np.ndarray:
    return _f32(RNG.random(shape) > 0.5)


def _weights(*shape: int) -> np.ndarray:
    return _f32(RNG.uniform(0.0, 2.0, shape))


# A case: (description, [(y_pred, y_true, sample_weight or None) per batch]); the metric streams the batches.
Batch = tuple[np.ndarray, np.ndarray, "np.ndarray | None"]
Case = tuple[str, list[Batch]]


def _two(make: Any) -> list[Batch]:
    return [make(), make()]


_BINARY: list[Case] = [
    ("(N, 1) probabilities, (N,) labels", _two(lambda: (_f32(RNG.random((N, 1))), _binary(N), None))),
    ("(N,) probabilities, (N, 1) labels", _two(lambda: (_f32(RNG.random(N)), _binary(N, 1), None))),
    ("multi-label (N, D), weighted", _two(lambda: (_f32(RNG.random((N, 3))), _binary(N, 3), _weights(N)))),
    ("integer labels", _two(lambda: (_f32(RNG.random((N, 1))), RNG.integers(0, 2, (N, 1)), None))),
]
_SPARSE: list[Case] = [
    ("(N,) ids", _two(lambda: (_probs(N, C), _ids(N), None))),
    ("(N, 1) ids, weighted", _two(lambda: (_probs(N, C), _ids(N, 1), _weights(N)))),
    ("float ids", _two(lambda: (_probs(N, C), _f32(_ids(N)), None))),
    ("rank 3", _two(lambda: (_probs(N, T, C), _ids(N, T), None))),
]
_CATEGORICAL: list[Case] = [
    ("one-hot rows", _two(lambda: (_probs(N, C), _one_hot(_ids(N)), None))),
    ("one-hot rows, weighted", _two(lambda: (_probs(N, C), _one_hot(_ids(N)), _weights(N)))),
    ("rank 3", _two(lambda: (_probs(N, T, C), _one_hot(_ids(N, T)), None))),
]
_WIDE = 8  # top-5 needs more than 5 classes to miss
_TIED = _f32(np.tile([0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], (N, 1)))  # the target's score ties the 5th
_TOP_K_SPARSE: list[Case] = [
    ("(N,) ids", _two(lambda: (_probs(N, _WIDE), _ids(N, classes=_WIDE), None))),
    ("(N, 1) ids, weighted", _two(lambda: (_probs(N, _WIDE), _ids(N, 1, classes=_WIDE), _weights(N)))),
    ("ties at the k-th score", [(_TIED, np.arange(N) % _WIDE, None)]),
]
_TOP_K_ONE_HOT: list[Case] = [
    ("one-hot rows", _two(lambda: (_probs(N, _WIDE), _one_hot(_ids(N, classes=_WIDE), _WIDE), None))),
    ("weighted", _two(lambda: (_probs(N, _WIDE), _one_hot(_ids(N, classes=_WIDE), _WIDE), _weights(N)))),
    ("ties at the k-th score", [(_TIED, _one_hot(np.arange(N) % _WIDE, _WIDE), None)]),
]
_REGRESSION: list[Case] = [
    ("same shape (N, D)", _two(lambda: (_f32(RNG.standard_normal((N, 3))), _f32(RNG.standard_normal((N, 3))), None))),
    ("weighted", _two(lambda: (_f32(RNG.standard_normal((N, 3))), _f32(RNG.standard_normal((N, 3))), _weights(N)))),
    ("(N, 1) predictions, (N,) targets", _two(lambda: (_f32(RNG.standard_normal((N, 1))), _f32(RNG.random(N)), None))),
    ("(N,) predictions, (N, 1) targets", _two(lambda: (_f32(RNG.random(N)), _f32(RNG.random((N, 1))), None))),
]
_PROBABILITIES: list[Case] = [
    ("probabilities", _two(lambda: (_probs(N, C), _probs(N, C), None))),
    ("weighted", _two(lambda: (_probs(N, C), _probs(N, C), _weights(N)))),
]
_AUC: list[Case] = [
    ("(N,) scores", _two(lambda: (_f32(RNG.random(N)), _binary(N), None))),
    ("(N, 1) scores, weighted", _two(lambda: (_f32(RNG.random((N, 1))), _binary(N, 1), _weights(N)))),
    ("exact thresholds", [(_f32(np.arange(N) / (N - 1)), _binary(N), None)]),
]

_POSITIVE: list[Case] = [
    ("rates and counts", _two(lambda: (_f32(RNG.uniform(0.1, 3.0, (N, 3))), _f32(RNG.integers(0, 4, (N, 3))), None))),
    ("weighted", _two(lambda: (_f32(RNG.uniform(0.1, 3.0, (N, 3))), _f32(RNG.uniform(0, 3, (N, 3))), _weights(N)))),
]
_MULTI_COLUMN: list[Case] = [_REGRESSION[0], _REGRESSION[1]]  # per-row scores need several columns
_HINGE: list[Case] = [
    ("0/1 labels", _two(lambda: (_f32(RNG.standard_normal((N, 3))), _binary(N, 3), None))),
    ("-1/1 labels, weighted", _two(lambda: (_f32(RNG.standard_normal((N, 3))), _binary(N, 3) * 2 - 1, _weights(N)))),
]
_SCORES_ONE_HOT: list[Case] = [
    ("scores, one-hot rows", _two(lambda: (_f32(RNG.standard_normal((N, C))), _one_hot(_ids(N)), None))),
    ("weighted", _two(lambda: (_f32(RNG.standard_normal((N, C))), _one_hot(_ids(N)), _weights(N)))),
]
_F_SCORE: list[Case] = [_CATEGORICAL[0], _CATEGORICAL[1]]  # (N, C) rows only
_COUNTS: list[Case] = [_BINARY[0], _BINARY[2], ("exact thresholds", [(_f32(np.arange(N) / (N - 1)), _binary(N), None)])]
_PIXELS: list[Case] = [
    ("(N, D) probabilities", _two(lambda: (_f32(RNG.random((N, 3))), _binary(N, 3), None))),
    ("(N,) probabilities", _two(lambda: (_f32(RNG.random(N)), _binary(N), None))),
]

_CASES_BY_FOLLOWS = {
    "keras.metrics.BinaryAccuracy": _BINARY,
    "keras.metrics.CategoricalAccuracy": _CATEGORICAL,
    "keras.metrics.SparseCategoricalAccuracy": _SPARSE,
    "keras.metrics.TopKCategoricalAccuracy": _TOP_K_ONE_HOT,
    "keras.metrics.SparseTopKCategoricalAccuracy": _TOP_K_SPARSE,
    "keras.metrics.Precision": _BINARY,
    "keras.metrics.Recall": _BINARY,
    "keras.metrics.F1Score": _F_SCORE,
    "keras.metrics.FBetaScore": _F_SCORE,
    "keras.metrics.AUC": _AUC,
    "keras.metrics.TruePositives": _COUNTS,
    "keras.metrics.FalsePositives": _COUNTS,
    "keras.metrics.TrueNegatives": _COUNTS,
    "keras.metrics.FalseNegatives": _COUNTS,
    "keras.metrics.BinaryIoU": _PIXELS,  # Keras weighs each value: no (N,) weights for (N, D) here
    "keras.metrics.MeanSquaredError": _REGRESSION,
    "keras.metrics.MeanAbsoluteError": _REGRESSION,
    "keras.metrics.MeanAbsolutePercentageError": _REGRESSION,
    "keras.metrics.MeanSquaredLogarithmicError": _POSITIVE,
    "keras.metrics.RootMeanSquaredError": _REGRESSION,
    "keras.metrics.LogCoshError": _REGRESSION,
    "keras.metrics.CosineSimilarity": _MULTI_COLUMN,
    "keras.metrics.R2Score": _REGRESSION[:3],  # Keras's R2Score takes no (N,) predictions
    "keras.metrics.PearsonCorrelation": _MULTI_COLUMN,
    "keras.metrics.ConcordanceCorrelation": _MULTI_COLUMN,
    "keras.metrics.BinaryCrossentropy": [_BINARY[2], _BINARY[3]],  # Keras's metric does not match ranks
    "keras.metrics.CategoricalCrossentropy": _CATEGORICAL,
    "keras.metrics.SparseCategoricalCrossentropy": _SPARSE,
    "keras.metrics.KLDivergence": _PROBABILITIES,
    "keras.metrics.Poisson": _POSITIVE,
    "keras.metrics.Hinge": _HINGE,
    "keras.metrics.SquaredHinge": _HINGE,
    "keras.metrics.CategoricalHinge": _SCORES_ONE_HOT,
}
# compile's "accuracy" meets each kind of target; (N,) predictions are not binary to Keras's rule.
_ACCURACY = [_BINARY[0], *_BINARY[2:], *_SPARSE, *_CATEGORICAL]

_VALUES_ONLY = (dn.metrics.Mean, dn.metrics.Sum)  # update(values): compared through keras.metrics.get below
KERAS_NAMES = sorted(
    name
    for name, named in names.NAMES.items()
    if named.follows.startswith("keras.metrics.") and named.cls not in _VALUES_ONLY
)
_ACCURACY_SPELLINGS = ["accuracy", "acc", "Accuracy", "ACC"]


def _keras_result(name: str, batches: list[Batch]) -> Any:
    first_pred, first_true, _ = batches[0]
    metric = compile_utils.get_metric(name, first_true, first_pred)  # what Model.compile(metrics=[name]) builds
    for y_pred, y_true, weight in batches:
        metric.update_state(y_true, y_pred, sample_weight=weight)
    return np.asarray(metric.result())


def _dualnet_result(name: str, batches: list[Batch]) -> Any:
    metric = dn.metrics.get(name)
    assert metric.name == name  # Keras names a metric by the string: "acc" logs as "acc"
    for y_pred, y_true, weight in batches:
        metric.update(y_pred, y_true, sample_weight=weight)
    return metric.result()


def _check(name: str, cases: list[Case]) -> None:
    for description, batches in cases:
        expected = _keras_result(name, batches)
        np.testing.assert_allclose(
            _dualnet_result(name, batches), expected, rtol=1e-6, atol=1e-12, err_msg=f"{name!r}: {description}"
        )


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_each_keras_name_streams_keras_value(backend: str, name: str) -> None:
    named = names.lookup(name)
    assert named is not None
    _check(name, _CASES_BY_FOLLOWS[named.follows])


@pytest.mark.parametrize("name", _ACCURACY_SPELLINGS)
def test_accuracy_is_chosen_from_the_shapes_as_compile_does(backend: str, name: str) -> None:
    _check(name, _ACCURACY)


def test_the_mnist_convnet_accuracy_is_categorical(backend: str) -> None:
    """Softmax outputs and one-hot targets: "accuracy" compares argmaxes, as Keras's CategoricalAccuracy."""
    probs, one_hot = _probs(N, C), _one_hot(_ids(N))
    metric = dn.metrics.get("accuracy")
    metric.update(probs, one_hot)
    assert metric.result() == pytest.approx(float((probs.argmax(-1) == one_hot.argmax(-1)).mean()))


@pytest.mark.parametrize("name", ["mean", "Mean", "sum", "Sum"])
def test_mean_and_sum_take_values_like_keras(backend: str, name: str) -> None:
    # Its own generator: drawn from the shared one, the data depended on which tests ran first in the worker,
    # and some draws summed to near zero, where float32 summation order alone moves the result by 3e-6 relative.
    rng = np.random.default_rng(5)
    batches = [(_f32(rng.standard_normal((N, 3))), _f32(rng.uniform(0.0, 2.0, N))) for _ in range(2)]
    reference = keras_metrics.get(name)
    metric = dn.metrics.get(name)
    for values, weight in batches:
        reference.update_state(values, sample_weight=weight)
        metric.update(values, sample_weight=weight)
    np.testing.assert_allclose(metric.result(), float(np.asarray(reference.result())), rtol=1e-6)


@pytest.mark.parametrize(
    ("name", "y_pred", "y_true"),
    [
        ("categorical_accuracy", np.ones((N, C), F32), np.zeros(N)),
        ("sparse_categorical_accuracy", np.ones((N, C), F32), np.zeros((N, C))),
        ("accuracy", np.ones((N, C), F32), np.zeros((N, C + 1))),
        ("accuracy", np.ones((N, C), F32), np.zeros((N + 1,))),
    ],
)
def test_targets_of_the_wrong_kind_are_shape_errors_that_name_the_right_metric(
    backend: str, name: str, y_pred: np.ndarray, y_true: np.ndarray
) -> None:
    with pytest.raises(dn.ShapeError, match=r"y_pred has shape .* but y_true has shape .*; pass"):
        dn.metrics.get(name).update(y_pred, y_true)


# ---------------------------------------------------------------- coverage of Keras's identifiers

_KERAS_BASES = {"Metric", "metric", "MeanMetricWrapper", "mean_metric_wrapper"}


def test_every_keras_identifier_is_implemented_needs_arguments_or_is_reported_as_not_yet() -> None:
    identifiers = set(keras_metrics.ALL_OBJECTS_DICT) - _KERAS_BASES
    elsewhere = names.KERAS_NOT_YET | set(names.NEEDS_ARGUMENTS)
    missing = sorted(i for i in identifiers - elsewhere if names.lookup(i) is None)
    assert not missing, f"Keras {keras.__version__} metric identifiers with no entry: {missing}"
    assert identifiers >= elsewhere, sorted(elsewhere - identifiers)
    keras_entries = {n for n, named in names.NAMES.items() if named.follows.startswith("keras.")}
    assert identifiers >= keras_entries, sorted(keras_entries - identifiers)
    assert not elsewhere & set(names.NAMES) and not names.KERAS_NOT_YET & set(names.NEEDS_ARGUMENTS)
    for name, named in names.NAMES.items():  # a Keras class name builds the dualnet class of that name
        if named.follows.startswith("keras.metrics.") and name[0].isupper() and name not in names.CASE_FREE:
            assert named.cls.__name__ == name or name.isupper(), name
    checked = {named.follows for named in names.NAMES.values()} - {"keras.metrics.Mean", "keras.metrics.Sum"}
    assert {f for f in checked if f.startswith("keras.")} == set(_CASES_BY_FOLLOWS)


@pytest.mark.parametrize("name", sorted(names.NEEDS_ARGUMENTS))
def test_a_keras_metric_that_needs_arguments_shows_the_construction(name: str) -> None:
    with pytest.raises(TypeError, match="missing"):  # Keras cannot build it from the string either
        keras_metrics.get(name)
    example = names.NEEDS_ARGUMENTS[name]
    built = eval(f"dn.metrics.{example}", {"dn": dn})  # the construction the message shows works
    assert example.startswith(f"{type(built).__name__}(")
    with pytest.raises(
        dn.ArgumentError, match=rf"Keras's metric '{name}' needs arguments.*dn\.metrics\.{re.escape(example)}"
    ):
        dn.metrics.get(name)


def test_a_keras_metric_dualnet_lacks_says_so_and_lists_the_available_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names, "KERAS_NOT_YET", frozenset({"FutureMetric"}))
    with pytest.raises(dn.ArgumentError, match=r"Keras's metric 'FutureMetric' is not available in dualnet yet; .*acc"):
        dn.metrics.get("FutureMetric")


def test_the_two_f1_names() -> None:
    """'f1_score' is Keras's per-class F1Score; dualnet's binary F1 keeps its name 'f1'."""
    assert type(dn.metrics.get("f1_score")) is dn.metrics.F1Score and dn.metrics.get("f1_score").average is None
    f1 = dn.metrics.get("f1")
    assert type(f1) is dn.metrics.F1 and f1.threshold == 0.5 and f1.num_classes is None


def test_an_unknown_name_gets_the_close_matches() -> None:
    with pytest.raises(dn.ArgumentError, match=r"unknown metric 'acuracy'; did you mean 'accuracy'"):
        dn.metrics.get("acuracy")
