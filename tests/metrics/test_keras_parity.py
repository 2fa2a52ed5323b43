"""Every Keras 3 metric class dualnet has streams Keras's value, with sample weights, on both backends.

Each case builds the dualnet metric and its Keras namesake with the same
arguments, streams the same batches (two or three, weighted where Keras takes
weights) through both, and compares the results within 1e-6 relative; then
resets both and streams the last batch alone, which checks reset. The
reference is Keras 3 on TensorFlow (``KERAS_BACKEND=tensorflow``), computed
once per case.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn

RNG = np.random.default_rng(5)
N, C, D = 8, 4, 3
F32 = "float32"

Batch = tuple[np.ndarray, np.ndarray, "np.ndarray | None"]


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


def _labels(*shape: int) -> np.ndarray:
    return _f32(RNG.random(shape) > 0.5)


def _weights(*shape: int) -> np.ndarray:
    return _f32(RNG.uniform(0.0, 2.0, shape))


def _normal(*shape: int) -> np.ndarray:
    return _f32(RNG.standard_normal(shape))


def _stream(make: Callable[[], Batch], count: int = 2) -> list[Batch]:
    return [make() for _ in range(count)]


def _unweighted(batches: list[Batch]) -> list[Batch]:
    return [(p, t, None) for p, t, _ in batches]


@dataclass
class Case:
    """``dn.metrics.<cls>(**kwargs)`` against ``keras.metrics.<cls>(**kwargs, **keras_only)`` on ``batches``."""

    cls: str
    batches: list[Batch]
    kwargs: dict[str, Any] = field(default_factory=dict)
    keras_only: dict[str, Any] = field(default_factory=dict)
    values_only: bool = False  # Mean-like: update(values, sample_weight=...)

    def make_dualnet(self) -> Any:
        return getattr(dn.metrics, self.cls)(**self.kwargs)

    def make_keras(self) -> Any:
        return getattr(keras.metrics, self.cls)(**self.kwargs, **self.keras_only)


# Scores at and around the evenly spaced thresholds 0, 0.5, 1, where the bucketed count must round as Keras does.
_EDGES = _f32([0.0, 0.5, 1.0, 0.25, 0.75, 0.5000001, 1e-8, 0.9999999])

_REGRESSION = _stream(lambda: (_normal(N, D), _normal(N, D), _weights(N)), 3)
_POSITIVE = _stream(lambda: (_f32(RNG.uniform(0.1, 3.0, (N, D))), _f32(RNG.uniform(0.0, 3.0, (N, D))), _weights(N)))
_COLUMN = _stream(lambda: (_normal(N, 1), _normal(N), _weights(N)))  # (N, 1) predictions, (N,) targets
_VECTORS = _stream(lambda: (_normal(N), _normal(N), None))  # one correlation per batch
_BINARY = _stream(lambda: (_f32(RNG.random((N, D))), _labels(N, D), _weights(N)), 3)
_BINARY_COLUMN = _stream(lambda: (_f32(RNG.random((N, 1))), _labels(N, 1), _weights(N)))
_EDGE_SCORES = [(_EDGES, _f32([0, 1, 1, 0, 1, 0, 1, 1]), None), (_EDGES[::-1].copy(), _labels(N), _weights(N))]
_LOGITS = _stream(lambda: (_normal(N, D) * 3, _labels(N, D), _weights(N)))
_SCORES = _stream(lambda: (_normal(N, D) * 2, _labels(N, D), _weights(N)))
_SIGNS = _stream(lambda: (_normal(N, D) * 2, _labels(N, D) * 2 - 1, _weights(N)))
_ONE_HOT = _stream(lambda: (_probs(N, C), _one_hot(_ids(N)), _weights(N)), 3)
_ONE_HOT_LOGITS = _stream(lambda: (_normal(N, C) * 3, _one_hot(_ids(N)), _weights(N)))
_SPARSE = _stream(lambda: (_probs(N, C), _ids(N), _weights(N)), 3)
_SPARSE_COLUMN = _stream(lambda: (_probs(N, C), _ids(N, 1), None))
_MULTI_LABEL = _stream(lambda: (_f32(RNG.random((N, C))), _labels(N, C), _weights(N)))
_SORTED = [(np.argsort(-p, -1), t, w) for p, t, w in _SPARSE]  # class ids by decreasing score
_SEGMENT_IDS = _stream(lambda: (_ids(N, 5, classes=3), _ids(N, 5, classes=3), _weights(N, 5)))
_VOID = [(p, np.where(t == 1, 255, t), w) for p, t, w in _SEGMENT_IDS]  # 255: a void label outside the classes
_SEGMENT_SCORES = _stream(lambda: (_probs(N, 5, 3), _ids(N, 5, classes=3), _weights(N, 5)))
_SEGMENT_ONE_HOT = _stream(lambda: (_probs(N, 5, 3), _one_hot(_ids(N, 5, classes=3), 3), _weights(N, 5)))
_PIXELS = _stream(lambda: (_f32(RNG.random((N, D))), _labels(N, D), _weights(N, D)))  # Keras weighs each value
_VALUES = _stream(lambda: (_f32(RNG.random((N, D))), _normal(N, D), _weights(N)))  # Sum: values and their weights
_IOU_FLOAT = {"dtype": "float32"}  # Keras's default int dtype would truncate float weights

CASES: dict[str, Case] = {
    # regression
    "RootMeanSquaredError": Case("RootMeanSquaredError", _REGRESSION),
    "RootMeanSquaredError (N, 1) vs (N,)": Case("RootMeanSquaredError", _COLUMN),
    "MeanAbsolutePercentageError": Case("MeanAbsolutePercentageError", _REGRESSION),
    "MeanSquaredLogarithmicError": Case("MeanSquaredLogarithmicError", _POSITIVE),
    "MeanSquaredLogarithmicError negatives": Case("MeanSquaredLogarithmicError", _REGRESSION),
    "LogCoshError": Case("LogCoshError", _REGRESSION),
    "LogCoshError (N, 1) vs (N,)": Case("LogCoshError", _COLUMN),
    "CosineSimilarity": Case("CosineSimilarity", _REGRESSION),
    "R2Score": Case("R2Score", _REGRESSION),
    "R2Score per output": Case("R2Score", _REGRESSION, {"class_aggregation": None}),
    "R2Score variance weighted": Case("R2Score", _REGRESSION, {"class_aggregation": "variance_weighted_average"}),
    "R2Score adjusted": Case("R2Score", _REGRESSION, {"num_regressors": 5}),
    "R2Score (N, 1) vs (N,)": Case("R2Score", _COLUMN),
    "PearsonCorrelation": Case("PearsonCorrelation", _REGRESSION),
    "PearsonCorrelation per batch": Case("PearsonCorrelation", _VECTORS),
    "ConcordanceCorrelation": Case("ConcordanceCorrelation", _REGRESSION),
    "ConcordanceCorrelation per batch": Case("ConcordanceCorrelation", _VECTORS),
    "Sum": Case("Sum", _VALUES, values_only=True),
    "Sum unweighted": Case("Sum", _unweighted(_VALUES), values_only=True),
    # probabilistic
    "Poisson": Case("Poisson", _POSITIVE),
    "KLDivergence": Case("KLDivergence", _ONE_HOT),
    "KLDivergence of distributions": Case("KLDivergence", _stream(lambda: (_probs(N, C), _probs(N, C), _weights(N)))),
    "BinaryCrossentropy": Case("BinaryCrossentropy", _BINARY),
    "BinaryCrossentropy logits, smoothed": Case(
        "BinaryCrossentropy", _LOGITS, {"from_logits": True, "label_smoothing": 0.1}
    ),
    "CategoricalCrossentropy": Case("CategoricalCrossentropy", _ONE_HOT),
    "CategoricalCrossentropy logits, smoothed": Case(
        "CategoricalCrossentropy", _ONE_HOT_LOGITS, {"from_logits": True, "label_smoothing": 0.2}
    ),
    "SparseCategoricalCrossentropy": Case("SparseCategoricalCrossentropy", _SPARSE),
    "SparseCategoricalCrossentropy (N, 1) ids": Case("SparseCategoricalCrossentropy", _SPARSE_COLUMN),
    "SparseCategoricalCrossentropy ignore_class": Case("SparseCategoricalCrossentropy", _SPARSE, {"ignore_class": 2}),
    # hinge
    "Hinge 0/1 labels": Case("Hinge", _SCORES),
    "Hinge -1/1 labels": Case("Hinge", _SIGNS),
    "SquaredHinge 0/1 labels": Case("SquaredHinge", _SCORES),
    "SquaredHinge -1/1 labels": Case("SquaredHinge", _SIGNS),
    "CategoricalHinge": Case("CategoricalHinge", _ONE_HOT_LOGITS),
    # accuracies
    "TopKCategoricalAccuracy": Case("TopKCategoricalAccuracy", _ONE_HOT, {"k": 2}),
    "SparseTopKCategoricalAccuracy": Case("SparseTopKCategoricalAccuracy", _SPARSE, {"k": 2}),
    "SparseTopKCategoricalAccuracy (N, 1) ids": Case("SparseTopKCategoricalAccuracy", _SPARSE_COLUMN, {"k": 3}),
    "SparseTopKCategoricalAccuracy sorted ids": Case(
        "SparseTopKCategoricalAccuracy", _SORTED, {"k": 2, "from_sorted_ids": True}
    ),
    # confusion counts
    **{
        f"{cls} at 0.5": Case(cls, _BINARY)
        for cls in ("TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives")
    },
    **{
        f"{cls} at a list": Case(cls, _BINARY, {"thresholds": [0.3, 0.5, 0.8]})
        for cls in ("TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives")
    },
    **{
        f"{cls} at even thresholds": Case(cls, _EDGE_SCORES, {"thresholds": [0.0, 0.5, 1.0]})
        for cls in ("TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives")
    },
    "TruePositives at exact edges": Case("TruePositives", _EDGE_SCORES, {"thresholds": [0.0, 0.25, 0.5]}),
    # operating points
    "PrecisionAtRecall": Case("PrecisionAtRecall", _BINARY, {"recall": 0.6}),
    "PrecisionAtRecall coarse": Case("PrecisionAtRecall", _BINARY, {"recall": 0.4, "num_thresholds": 5}),
    "RecallAtPrecision": Case("RecallAtPrecision", _BINARY, {"precision": 0.5}),
    "SensitivityAtSpecificity": Case("SensitivityAtSpecificity", _BINARY, {"specificity": 0.5}),
    "SensitivityAtSpecificity edges": Case("SensitivityAtSpecificity", _EDGE_SCORES, {"specificity": 0.3}),
    "SpecificityAtSensitivity": Case("SpecificityAtSensitivity", _BINARY_COLUMN, {"sensitivity": 0.7}),
    "SpecificityAtSensitivity one threshold": Case(
        "SpecificityAtSensitivity", _BINARY, {"sensitivity": 0.2, "num_thresholds": 1}
    ),
    "PrecisionAtRecall class_id": Case("PrecisionAtRecall", _MULTI_LABEL, {"recall": 0.5, "class_id": 2}),
    # F-scores
    "F1Score per class": Case("F1Score", _ONE_HOT),
    **{f"F1Score {average}": Case("F1Score", _ONE_HOT, {"average": average}) for average in ("micro", "macro")},
    "F1Score weighted, multi-label": Case("F1Score", _MULTI_LABEL, {"average": "weighted", "threshold": 0.5}),
    "F1Score at a threshold": Case("F1Score", _MULTI_LABEL, {"threshold": 0.3}),
    "FBetaScore": Case("FBetaScore", _ONE_HOT, {"beta": 2.0}),
    "FBetaScore macro, threshold": Case(
        "FBetaScore", _MULTI_LABEL, {"average": "macro", "beta": 0.5, "threshold": 0.6}
    ),
    # intersection over union
    "IoU": Case("IoU", _SEGMENT_IDS, {"num_classes": 3, "target_class_ids": [0, 2]}, _IOU_FLOAT),
    "IoU void labels": Case("IoU", _VOID, {"num_classes": 3, "target_class_ids": [0, 1, 2]}, _IOU_FLOAT),
    "IoU ignore_class, scores": Case(
        "IoU",
        _SEGMENT_SCORES,
        {"num_classes": 3, "target_class_ids": [1, 2], "ignore_class": 0, "sparse_y_pred": False},
        _IOU_FLOAT,
    ),
    "MeanIoU": Case("MeanIoU", _SEGMENT_IDS, {"num_classes": 3}, _IOU_FLOAT),
    "MeanIoU integer weights": Case(
        "MeanIoU", [(p, t, np.round(w * 2).astype("int64")) for p, t, w in _SEGMENT_IDS], {"num_classes": 3}
    ),
    "MeanIoU scores": Case("MeanIoU", _SEGMENT_SCORES, {"num_classes": 3, "sparse_y_pred": False}, _IOU_FLOAT),
    "BinaryIoU": Case("BinaryIoU", _PIXELS, keras_only=_IOU_FLOAT),
    "BinaryIoU positive class": Case("BinaryIoU", _PIXELS, {"target_class_ids": [1], "threshold": 0.3}, _IOU_FLOAT),
    "OneHotIoU": Case("OneHotIoU", _SEGMENT_ONE_HOT, {"num_classes": 3, "target_class_ids": [0, 1]}, _IOU_FLOAT),
    "OneHotMeanIoU": Case("OneHotMeanIoU", _SEGMENT_ONE_HOT, {"num_classes": 3}, _IOU_FLOAT),
}

_KERAS: dict[str, tuple[Any, Any]] = {}


def _update(metric: Any, batch: Batch, keras_order: bool, values_only: bool) -> None:
    y_pred, y_true, weight = batch
    if values_only:
        (metric.update_state if keras_order else metric.update)(y_pred, sample_weight=weight)
    elif keras_order:
        metric.update_state(y_true, y_pred, sample_weight=weight)
    else:
        metric.update(y_pred, y_true, sample_weight=weight)


def _keras_results(name: str) -> tuple[Any, Any]:
    """Keras's result over every batch, and after a reset over the last batch alone (computed once)."""
    if name not in _KERAS:
        case = CASES[name]
        metric = case.make_keras()
        for batch in case.batches:
            _update(metric, batch, True, case.values_only)
        streamed = np.asarray(metric.result())
        metric.reset_state()
        _update(metric, case.batches[-1], True, case.values_only)
        _KERAS[name] = (streamed, np.asarray(metric.result()))
    return _KERAS[name]


@pytest.mark.parametrize("name", sorted(CASES))
def test_streams_keras_value_and_resets_like_keras(backend: str, name: str) -> None:
    case = CASES[name]
    streamed, after_reset = _keras_results(name)
    metric = case.make_dualnet()
    for batch in case.batches:
        _update(metric, batch, False, case.values_only)
    result = metric.result()
    assert np.shape(result) == np.shape(streamed), f"{name}: result shape {np.shape(result)}, Keras {streamed.shape}"
    np.testing.assert_allclose(result, streamed, rtol=1e-6, atol=1e-12, err_msg=name)
    metric.reset()
    _update(metric, case.batches[-1], False, case.values_only)
    np.testing.assert_allclose(metric.result(), after_reset, rtol=1e-6, atol=1e-12, err_msg=f"{name} after reset")


def test_every_keras_metric_class_has_a_case() -> None:
    keras_classes = {
        name
        for name in dir(keras.metrics)
        if isinstance(getattr(keras.metrics, name), type) and issubclass(getattr(keras.metrics, name), keras.Metric)
    }
    # Checked elsewhere: Mean and the classes tests/metrics/test_keras_strings.py compares by name; Keras's Accuracy
    # (exact equality) is the one class dualnet's "accuracy" does not mirror: its name means compile's accuracy.
    elsewhere = {"Metric", "MeanMetricWrapper", "Mean", "Accuracy", "AUC", "Precision", "Recall"}
    elsewhere |= {"BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy"}
    elsewhere |= {"MeanSquaredError", "MeanAbsoluteError"}
    covered = {case.cls for case in CASES.values()}
    assert keras_classes - elsewhere == covered, sorted((keras_classes - elsewhere) ^ covered)
    assert all(hasattr(dn.metrics, cls) for cls in keras_classes - {"Metric", "MeanMetricWrapper"})
