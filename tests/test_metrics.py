"""Streaming metrics: results against NumPy over several batches, weights, reset, compiled updates, names, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.metrics import (
    AUC,
    F1,
    Accuracy,
    BinaryAccuracy,
    Mean,
    MeanAbsoluteError,
    MeanOf,
    MeanSquaredError,
    Metric,
    Precision,
    Recall,
    TopKAccuracy,
    get,
)

RNG = np.random.default_rng(0)
SCORES = RNG.random((12, 4)).astype("float32")
LABELS = RNG.integers(0, 4, 12)
PROBS = RNG.random(40).astype("float32")
BINARY = (RNG.random(40) < PROBS).astype("float32")
WEIGHTS = RNG.random(12).astype("float32")


def _stream(metric: Metric, y_pred: np.ndarray, y_true: Any, weights: np.ndarray | None = None) -> float:
    """Feed two uneven batches, then read the result."""
    for part in (slice(0, len(y_pred) // 3), slice(len(y_pred) // 3, None)):
        w = None if weights is None else weights[part]
        metric.update(y_pred[part], None if y_true is None else y_true[part], sample_weight=w)
    return metric.result()


def _wmean(values: np.ndarray, weights: np.ndarray | None) -> float:
    return float(np.average(values, weights=weights))


@pytest.mark.parametrize("weighted", [False, True])
def test_mean_and_errors(backend: str, weighted: bool) -> None:
    w = WEIGHTS if weighted else None
    target = SCORES[::-1].copy()
    assert _stream(Mean(), SCORES[:, 0], None, w) == pytest.approx(_wmean(SCORES[:, 0], w), rel=1e-6)
    mse = ((SCORES - target) ** 2).mean(-1)
    assert _stream(MeanSquaredError(), SCORES, target, w) == pytest.approx(_wmean(mse, w), rel=1e-6)
    mae = np.abs(SCORES - target).mean(-1)
    assert _stream(MeanAbsoluteError(), SCORES, target, w) == pytest.approx(_wmean(mae, w), rel=1e-6)


@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_with_ids_one_hot_and_a_single_column(backend: str, weighted: bool) -> None:
    w = WEIGHTS if weighted else None
    expected = _wmean(SCORES.argmax(-1) == LABELS, w)
    for labels in (LABELS, np.eye(4, dtype="float32")[LABELS], LABELS[:, None].astype("float32")):
        assert _stream(Accuracy(), SCORES, labels, w) == pytest.approx(expected, rel=1e-6)
    column, truth = SCORES[:, :1], (LABELS[:, None] % 2).astype("float32")
    assert _stream(Accuracy(), column, truth, w) == pytest.approx(_wmean((column[:, 0] > 0.5) == truth[:, 0], w))


def test_binary_accuracy_threshold_and_per_value_weights(backend: str) -> None:
    pred, truth = SCORES, (SCORES[::-1] > 0.5).astype("float32")
    assert _stream(BinaryAccuracy(threshold=0.3), pred, truth) == pytest.approx(np.mean((pred > 0.3) == truth))
    per_value = RNG.random(pred.shape).astype("float32")
    got = _stream(BinaryAccuracy(), pred, truth, per_value)
    assert got == pytest.approx(_wmean(((pred > 0.5) == truth).ravel(), per_value.ravel()), rel=1e-6)
    example_weighted = _stream(BinaryAccuracy(), pred, truth, WEIGHTS)
    assert example_weighted == pytest.approx(_wmean(((pred > 0.5) == truth).mean(-1), WEIGHTS), rel=1e-6)


def test_top_k_accuracy_counts_ties_as_in(backend: str) -> None:
    order = np.argsort(-SCORES, -1)
    in_top2 = (order[:, :2] == LABELS[:, None]).any(-1)
    assert _stream(TopKAccuracy(k=2), SCORES, LABELS) == pytest.approx(in_top2.mean())
    assert _stream(TopKAccuracy(k=2), SCORES, np.eye(4)[LABELS], WEIGHTS) == pytest.approx(_wmean(in_top2, WEIGHTS))
    tied = TopKAccuracy(k=1)
    tied.update(np.array([[0.5, 0.5, 0.1]], "float32"), np.array([1]))
    assert tied.result() == 1.0
    assert _stream(TopKAccuracy(k=4), SCORES, LABELS) == 1.0


def _confusion_ref(pred: np.ndarray, true: np.ndarray, w: np.ndarray, classes: int) -> tuple[np.ndarray, ...]:
    tp = np.array([w[(pred == c) & (true == c)].sum() for c in range(classes)])
    predicted = np.array([w[pred == c].sum() for c in range(classes)])
    actual = np.array([w[true == c].sum() for c in range(classes)])
    return tp, predicted, actual


def _safe(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(b > 0, a / np.where(b > 0, b, 1), 0.0)


@pytest.mark.parametrize("average", ["macro", "micro"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass_precision_recall_f1(backend: str, average: str, weighted: bool) -> None:
    w = WEIGHTS if weighted else np.ones(12, "float32")
    labels = np.where(LABELS == 3, 0, LABELS)  # class 3 never occurs: it still counts (as 0) in the macro mean
    tp, predicted, actual = _confusion_ref(SCORES.argmax(-1), labels, w, 4)
    if average == "micro":
        tp, predicted, actual = tp.sum(), predicted.sum(), actual.sum()
    refs = {
        Precision: _safe(tp, predicted).mean(),
        Recall: _safe(tp, actual).mean(),
        F1: _safe(2 * tp, predicted + actual).mean(),
    }
    for cls, expected in refs.items():
        metric = cls(num_classes=4, average=average)
        got = _stream(metric, SCORES, labels, WEIGHTS if weighted else None)
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-12), cls.__name__


@pytest.mark.parametrize("threshold", [0.5, 0.7])
def test_binary_precision_recall_f1(backend: str, threshold: float) -> None:
    w = RNG.random(40).astype("float32")
    predicted, actual = np.greater(PROBS, threshold), BINARY > 0
    tp, pp, ap = (w * predicted * actual).sum(), (w * predicted).sum(), (w * actual).sum()
    assert _stream(Precision(threshold), PROBS, BINARY, w) == pytest.approx(tp / pp, rel=1e-6)
    assert _stream(Recall(threshold), PROBS[:, None], BINARY, w) == pytest.approx(tp / ap, rel=1e-6)
    assert _stream(F1(threshold), PROBS, BINARY[:, None], w) == pytest.approx(2 * tp / (pp + ap), rel=1e-6)


def _auc_ref(pred: np.ndarray, true: np.ndarray, w: np.ndarray, n: int, curve: str) -> float:
    """Keras's definition, written directly: N x T comparisons, then the ROC trapezoids or PR interpolation."""
    thresholds = np.array([-1e-7, *[(i + 1) / (n - 1) for i in range(n - 2)], 1 + 1e-7])
    above = pred[:, None] > thresholds[None, :]
    tp = (w[:, None] * above * true[:, None]).sum(0)
    fp = (w[:, None] * above * (1 - true[:, None])).sum(0)
    fn, tn = (w * true).sum() - tp, (w * (1 - true)).sum() - fp
    if curve == "ROC":
        tpr, fpr = _safe(tp, tp + fn), _safe(fp, fp + tn)
        return float(np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2))
    p = tp + fp
    dtp, dp = tp[:-1] - tp[1:], p[:-1] - p[1:]
    slope = _safe(dtp, dp)
    intercept = tp[1:] - slope * p[1:]
    ratio = np.where((p[:-1] > 0) & (p[1:] > 0), _safe(p[:-1], p[1:]), 1.0)
    return float(np.sum(_safe(slope * (dtp + intercept * np.log(ratio)), tp[1:] + fn[1:])))


@pytest.mark.parametrize("curve", ["ROC", "PR"])
@pytest.mark.parametrize("num_thresholds", [200, 7])
def test_auc_matches_the_thresholded_definition(backend: str, curve: str, num_thresholds: int) -> None:
    w = RNG.random(40).astype("float32")
    got = _stream(AUC(num_thresholds=num_thresholds, curve=curve), PROBS, BINARY, w)
    assert got == pytest.approx(_auc_ref(PROBS, BINARY, w, num_thresholds, curve), rel=1e-6)
    unweighted = _stream(AUC(num_thresholds, curve.lower()), PROBS, BINARY)
    assert unweighted == pytest.approx(_auc_ref(PROBS, BINARY, np.ones(40), num_thresholds, curve), rel=1e-6)


def test_roc_auc_approaches_the_exact_area(backend: str) -> None:
    pos, neg = PROBS[BINARY > 0], PROBS[BINARY == 0]
    exact = (pos[:, None] > neg[None, :]).mean()  # the Mann-Whitney statistic
    assert _stream(AUC(num_thresholds=2000), PROBS, BINARY) == pytest.approx(exact, abs=1e-3)


def test_reset_and_empty_results(backend: str) -> None:
    metric = Accuracy()
    assert metric.result() == 0.0
    metric.update(SCORES, LABELS)
    metric.reset()
    assert metric.result() == 0.0 and metric.totals()["count"] == 0.0
    metric.update(SCORES[:3], LABELS[:3])
    assert metric.result() == pytest.approx(np.mean(SCORES[:3].argmax(-1) == LABELS[:3]))
    assert AUC().result() == 0.0 and F1(num_classes=3).result() == 0.0
    assert [dn.ops.shape(v) for v in AUC(num_thresholds=5).variables] == [(5,), (5,)]


def test_updates_inside_a_compiled_step_match_eager(backend: str) -> None:
    eager = [Accuracy(), AUC(), F1(num_classes=4), Mean()]
    compiled = [Accuracy(), AUC(), F1(num_classes=4), Mean()]

    def step(metrics: list[Metric], scores: Any, labels: Any) -> Any:
        metrics[0].update(scores, labels)
        metrics[1].update(dn.ops.softmax(scores)[:, 0], dn.ops.cast(dn.ops.equal(labels, 0), "float32"))
        metrics[2].update(scores, labels)
        metrics[3].update(dn.ops.max(scores, -1))
        return dn.ops.sum(scores)

    fast = dn.function(lambda s, y: step(compiled, s, y))
    for part in (slice(0, 5), slice(5, None)):
        step(eager, SCORES[part], LABELS[part])
        fast(dn.ops.convert_to_tensor(SCORES[part]), dn.ops.convert_to_tensor(LABELS[part]))
    for a, b in zip(eager, compiled):
        assert b.result() == pytest.approx(a.result(), rel=1e-12) and a.result() > 0


def test_gradients_do_not_flow_into_metric_state(backend: str) -> None:
    metric = MeanSquaredError()

    def loss(x: Any) -> Any:
        metric.update(x, np.zeros((12, 4), "float32"))
        return dn.ops.sum(x)

    _, grad = dn.value_and_grad(loss)(dn.ops.convert_to_tensor(SCORES))
    np.testing.assert_allclose(dn.ops.to_numpy(grad), np.ones((12, 4)))
    assert metric.result() == pytest.approx(float((SCORES**2).mean()), rel=1e-6)


def test_switching_backends_needs_a_reset() -> None:
    previous = dn.backend()
    try:
        dn.set_backend("torch")
        metric = Accuracy()
        dn.set_backend("tensorflow")
        with pytest.raises(dn.StateError, match=r"metric 'accuracy' \(Accuracy\) holds torch buffers.*call reset\(\)"):
            metric.update(SCORES, LABELS)
        metric.reset()
        metric.update(SCORES, LABELS)
        assert metric.result() == pytest.approx(np.mean(SCORES.argmax(-1) == LABELS))
    finally:
        dn.set_backend(previous)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("accuracy", Accuracy),
        ("binary_accuracy", BinaryAccuracy),
        ("top_k_accuracy", TopKAccuracy),
        ("precision", Precision),
        ("recall", Recall),
        ("f1", F1),
        ("auc", AUC),
        ("mse", MeanSquaredError),
        ("mae", MeanAbsoluteError),
        ("mean", Mean),
    ],
)
def test_get_by_name_gives_a_fresh_metric_named_so(backend: str, name: str, cls: type) -> None:
    metric = get(name)
    assert type(metric) is cls and metric.name == name and get(name) is not metric


def test_get_passes_metrics_through_and_wraps_functions(backend: str) -> None:
    metric = Precision(name="p")
    assert get(metric) is metric and type(get(Recall)) is Recall

    def error(y_pred: Any, y_true: Any) -> Any:
        return dn.ops.abs(dn.ops.subtract(y_pred, y_true))

    wrapped = get(error)
    assert isinstance(wrapped, MeanOf) and wrapped.name == "error"
    assert _stream(wrapped, SCORES, SCORES * 0) == pytest.approx(float(SCORES.mean()), rel=1e-6)


def test_get_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(dn.ArgumentError, match=r"unknown metric 'iou'; did you mean 'io_u'.*use one of .*accuracy.*f1"):
        get("iou")


# ---------------------------------------------------------------- bad inputs


def test_shape_mismatches_say_both_shapes_and_the_fix(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"Accuracy: y_pred has shape \(12, 4\).*y_true has shape \(12, 3\); pass"):
        Accuracy().update(SCORES, np.zeros((12, 3)))
    with pytest.raises(dn.ShapeError, match=r"BinaryAccuracy: y_pred has shape \(12, 4\) but y_true has shape \(12,"):
        BinaryAccuracy().update(SCORES, np.zeros(12))
    with pytest.raises(dn.ShapeError, match=r"Precision: y_pred must have num_classes=3 scores"):
        Precision(num_classes=3).update(SCORES, LABELS)
    with pytest.raises(dn.ShapeError, match=r"Mean: sample_weight has shape \(5,\)"):
        Mean().update(SCORES[:, 0], sample_weight=np.ones(5))


def test_out_of_range_class_ids(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"TopKAccuracy: class ids must lie in \[0, 4\), got labels in \[1, 9\]"):
        TopKAccuracy(k=2).update(SCORES, np.where(LABELS == 0, 9, LABELS))
    with pytest.raises(dn.ArgumentError, match=r"F1: class ids must lie in \[0, 4\), got labels in \[-1, 2\]"):
        F1(num_classes=4).update(SCORES, LABELS - 1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: BinaryAccuracy(threshold=2), r"BinaryAccuracy\(threshold=2\): threshold must be a number in \[0, 1\]"),
        (lambda: TopKAccuracy(k=0), r"TopKAccuracy\(k=0\): k must be a positive int"),
        (lambda: Precision(num_classes=1), r"Precision\(num_classes=1\): num_classes must be an int >= 2 or None"),
        (lambda: Recall(num_classes=3, average="weighted"), r"Recall\(average='weighted'\): average must be one of"),
        (lambda: AUC(num_thresholds=1), r"AUC\(num_thresholds=1\): num_thresholds must be an int >= 2"),
        (lambda: AUC(curve="PRGAIN"), r"AUC\(curve='PRGAIN'\): curve must be one of 'ROC', 'PR'"),
    ],
)
def test_bad_arguments(backend: str, make: Callable[[], Metric], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()
