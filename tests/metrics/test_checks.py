"""The Keras metrics' argument, shape and state checks: each mistake is a dualnet error that says the fix."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import dispatch
from dualnet.backend.dispatch import B
from dualnet.metrics import Metric

M = dn.metrics
RNG = np.random.default_rng(2)
PROBS = RNG.random((6, 3)).astype("float32")
ROWS = np.eye(3, dtype="float32")[RNG.integers(0, 3, 6)]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: M.TruePositives(thresholds=1.5), r"TruePositives\(thresholds=1.5\): thresholds must be a number in"),
        (lambda: M.FalseNegatives(thresholds=[]), r"thresholds must be a number in \[0, 1\] or a non-empty list"),
        (lambda: M.TrueNegatives(thresholds=[0.2, None]), r"TrueNegatives\(thresholds=\[0.2, None\]\)"),
        (lambda: M.PrecisionAtRecall(recall=1.5), r"PrecisionAtRecall\(recall=1.5\): recall must be a number in"),
        (lambda: M.RecallAtPrecision(0.5, num_thresholds=0), r"num_thresholds must be a positive int"),
        (lambda: M.SensitivityAtSpecificity(0.5, class_id=-1), r"class_id must be an int >= 0 or None"),
        (lambda: M.SpecificityAtSensitivity(True), r"SpecificityAtSensitivity\(sensitivity=True\)"),
        (lambda: M.F1Score(average="samples"), r"F1Score\(average='samples'\): average must be None .*'weighted'"),
        (lambda: M.FBetaScore(beta=0.0), r"FBetaScore\(beta=0.0\): beta must be a number > 0"),
        (lambda: M.F1Score(threshold=0.0), r"F1Score\(threshold=0.0\): threshold must be a number in \(0, 1\]"),
        (lambda: M.R2Score(class_aggregation="mean"), r"R2Score\(class_aggregation='mean'\)"),
        (lambda: M.R2Score(num_regressors=-1), r"num_regressors must be an int >= 0"),
        (lambda: M.IoU(0, [0]), r"IoU\(num_classes=0\): num_classes must be a positive int"),
        (lambda: M.IoU(3, [0, 3]), r"IoU\(target_class_ids=\[0, 3\]\): target_class_ids must be class ids below"),
        (lambda: M.IoU(3, []), r"target_class_ids must be an int >= 0 or a tuple"),
        (lambda: M.MeanIoU(3, ignore_class=0.5), r"MeanIoU\(ignore_class=0.5\)"),
        (lambda: M.OneHotMeanIoU(3, sparse_y_pred="no"), r"sparse_y_pred must be"),
        (lambda: M.BinaryIoU(target_class_ids=[2]), r"BinaryIoU\(target_class_ids=\[2\]\)"),
        (lambda: M.BinaryIoU(threshold=-0.1), r"BinaryIoU\(threshold=-0.1\)"),
        (lambda: M.SparseTopKCategoricalAccuracy(k=0), r"SparseTopKCategoricalAccuracy\(k=0\): k must be"),
        (lambda: M.SparseTopKCategoricalAccuracy(from_sorted_ids=1), r"from_sorted_ids must be"),
        (lambda: M.BinaryCrossentropy(label_smoothing=2), r"BinaryCrossentropy\(label_smoothing=2\)"),
        (lambda: M.CategoricalCrossentropy(from_logits="yes"), r"CategoricalCrossentropy\(from_logits='yes'\)"),
        (lambda: M.SparseCategoricalCrossentropy(ignore_class=True), r"ignore_class=True"),
        (lambda: M.CosineSimilarity(axis=1.0), r"CosineSimilarity\(axis=1.0\)"),
        (lambda: M.PearsonCorrelation(axis="x"), r"PearsonCorrelation\(axis='x'\)"),
    ],
)
def test_bad_arguments_are_argument_errors(backend: str, make: Callable[[], Metric], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        make()


@pytest.mark.parametrize(
    ("make", "y_pred", "y_true", "message"),
    [
        (M.F1Score, PROBS[:, 0], ROWS[:, 0], r"F1Score: y_pred and y_true must both have shape \(N, classes\)"),
        (M.FBetaScore, PROBS, ROWS[:, :2], r"got \(6, 3\) and \(6, 2\); pass one-hot or multi-label rows"),
        (M.R2Score, PROBS[:, :, None], PROBS[:, :, None], r"R2Score: .*shape \(N, outputs\).*got \(6, 3, 1\)"),
        (M.SparseCategoricalCrossentropy, PROBS, ROWS, r"pass class ids of shape \(6,\) \(one-hot rows need Cat"),
        (lambda: M.TopKCategoricalAccuracy(k=2), PROBS, np.zeros(6), r"class ids need SparseTopKCategorical"),
        (lambda: M.SparseTopKCategoricalAccuracy(k=2), PROBS, ROWS, r"one-hot rows need TopKCategoricalAccuracy"),
        (lambda: M.MeanIoU(3), np.zeros((6, 2)), np.zeros(6), r"MeanIoU: y_true holds ids of shape \(6,\) but y_pred"),
        (M.TruePositives, PROBS, ROWS[:, :2], r"TruePositives: y_pred has shape \(6, 3\) but y_true has shape"),
        (lambda: M.PrecisionAtRecall(0.5, class_id=3), PROBS, ROWS, r"class_id=3 needs y_pred of shape \(N, C\)"),
        (M.Hinge, PROBS, ROWS[:, :2], r"Hinge: y_pred has shape \(6, 3\) but y_true has shape \(6, 2\)"),
        (M.RootMeanSquaredError, PROBS, ROWS[:4], r"RootMeanSquaredError: y_pred has shape"),
    ],
)
def test_mismatched_inputs_are_shape_errors(
    backend: str, make: Callable[[], Metric], y_pred: np.ndarray, y_true: np.ndarray, message: str
) -> None:
    with pytest.raises(dn.ShapeError, match=message):
        make().update(y_pred, y_true)


def test_fractional_float_ids_are_refused(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"IoU: class ids must be whole numbers, got the float label 1.5"):
        M.IoU(3, [0]).update(np.zeros(4), np.array([0.0, 1.5, 2.0, 1.0]))


def test_a_metric_sized_by_the_data_keeps_its_size(backend: str) -> None:
    metric = M.F1Score()
    assert not metric.built and metric.result().shape == (0,) and M.R2Score().result() == 0.0
    metric.update(PROBS, ROWS)
    assert metric.built and metric.result().shape == (3,)
    with pytest.raises(dn.ShapeError, match=r"F1Score: the first batch had 3 classes but this one has 2"):
        metric.update(PROBS[:, :2], ROWS[:, :2])
    metric.reset()
    assert metric.built and np.array_equal(metric.result(), np.zeros(3))
    assert metric.log_values("f1") == {"f1_0": 0.0, "f1_1": 0.0, "f1_2": 0.0}


@pytest.fixture
def tensorflow() -> Iterator[None]:
    """TensorFlow active for the test: its tf.function step traces the Python, so an update runs while tracing."""
    previous = dn.backend()
    dn.set_backend("tensorflow")
    yield
    dn.set_backend(previous)


@pytest.mark.parametrize("make", [M.F1Score, M.R2Score], ids=["F1Score", "R2Score"])
def test_a_first_update_inside_a_compiled_step_says_to_update_eagerly_first(
    tensorflow: None, make: Callable[[], Metric]
) -> None:
    metric = make()
    step = B.compile_step(lambda batch: metric.update(*batch), False)
    batch = (dn.ops.convert_to_tensor(PROBS), dn.ops.convert_to_tensor(ROWS))
    with pytest.raises(dn.StateError, match=r"sizes its state from the first batch, which must come eagerly"):
        step(batch)
    metric.update(PROBS, ROWS)  # eagerly once, as the Trainer does: then compiled updates add to that state
    metric.reset()
    step(batch)
    eager = make()
    eager.update(PROBS, ROWS)
    np.testing.assert_allclose(metric.result(), eager.result(), rtol=1e-12)


def test_a_metric_made_before_any_backend_is_active_activates_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dispatch.B, "__dict__", {})  # as right after `import dualnet`
    metric = M.Sum()
    metric.update(np.ones(3, "float32"))
    assert metric.result() == 3.0 and dispatch.active_name() is not None


def test_results_are_floats_or_one_value_per_position(backend: str) -> None:
    counts = M.TruePositives(thresholds=[0.2, 0.8])
    counts.update(PROBS, ROWS)
    assert isinstance(M.TruePositives().result(), float) and counts.result().shape == (2,)
    assert list(counts.log_values("tp")) == ["tp_0", "tp_1"]
    assert M.Sum().log_values("total") == {"total": 0.0}


def test_integer_values_keep_float_weights_and_thresholds_may_be_an_array(backend: str) -> None:
    total = M.Sum()
    total.update(np.array([1, 2, 3]), sample_weight=np.array([0.5, 0.5, 0.25], "float32"))
    assert total.result() == pytest.approx(2.25)
    assert M.FalsePositives(thresholds=np.array([0.25, 0.5])).thresholds == (0.25, 0.5)
