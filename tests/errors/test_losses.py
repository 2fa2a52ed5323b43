"""Misuse of losses and metrics: unknown names, bad options, predictions and targets that do not match."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, X, cases, check, tensor

losses, metrics = dn.losses, dn.metrics
IDS = np.array([0, 1, 2, 1])


def _ones(*shape: int) -> object:
    return tensor(np.ones(shape, "float32"))


def _update(metric: dn.metrics.Metric, y_pred: object, y_true: object) -> None:
    metric.update(y_pred, y_true)


CASES = cases(
    Case(
        "unknown loss name", lambda: losses.get("msee"), dn.ArgumentError, ("unknown loss 'msee'", "use one of", "mse")
    ),
    Case(
        "unknown reduction",
        lambda: losses.MeanSquaredError(reduction="avg"),
        dn.ArgumentError,
        ("reduction='avg'", "one of 'mean', 'sum', 'none'"),
    ),
    Case("Huber delta", lambda: losses.Huber(delta=0), dn.ArgumentError, ("Huber(delta=0)", "delta=1.0")),
    Case(
        "label smoothing",
        lambda: losses.BinaryCrossEntropy(label_smoothing=2),
        dn.ArgumentError,
        ("label_smoothing=2", "label_smoothing=0.1"),
    ),
    Case(
        "MSE shapes",
        lambda: losses.MeanSquaredError()(tensor(X), _ones(4, 2)),
        dn.ShapeError,
        ("MeanSquaredError", "(4, 3)", "y[:, None]"),
    ),
    Case(
        "MAE batch",
        lambda: losses.MeanAbsoluteError()(tensor(X), _ones(5, 3)),
        dn.ShapeError,
        ("MeanAbsoluteError", "(5, 3)", "must match"),
    ),
    Case(
        "BCE shapes",
        lambda: losses.BinaryCrossEntropy()(_ones(4, 1), _ones(4, 3)),
        dn.ShapeError,
        ("BinaryCrossEntropy", "(4, 1)", "reshape the target"),
    ),
    Case(
        "CE label range",
        lambda: losses.CrossEntropy()(tensor(X), tensor(np.array([0, 1, 2, 5]))),
        dn.ArgumentError,
        ("CrossEntropy", "[0, 3)", "number of classes"),
    ),
    Case(
        "CE label shape",
        lambda: losses.CrossEntropy()(tensor(X), tensor(np.array([0, 1]))),
        dn.ShapeError,
        ("CrossEntropy", "(2,)", "integer class ids of shape (4,)"),
    ),
    Case(
        "CE axis",
        lambda: losses.CrossEntropy(axis=3)(tensor(X), tensor(IDS)),
        dn.ShapeError,
        ("CrossEntropy", "axis 3", "-2 <= axis < 2"),
    ),
    Case(
        "KL shapes",
        lambda: losses.KLDivergence()(tensor(X), _ones(4, 2)),
        dn.ShapeError,
        ("KLDivergence", "must match"),
    ),
    Case(
        "sample weights",
        lambda: losses.MeanSquaredError()(tensor(X), tensor(X), sample_weight=_ones(7)),
        dn.ShapeError,
        ("sample_weight has shape (7,)", "one weight per example"),
    ),
    Case(
        "string targets",
        lambda: losses.MeanSquaredError()(X, np.array(["a"])),
        dn.DTypeError,
        ("convert_to_tensor", "<U1"),
    ),
    Case(
        "unknown metric",
        lambda: metrics.get("acc_foo"),
        dn.ArgumentError,
        ("unknown metric 'acc_foo'", "a Metric object or a function"),
    ),
    Case("TopK k", lambda: metrics.TopKAccuracy(k=0), dn.ArgumentError, ("TopKAccuracy(k=0)", "k=5")),
    Case(
        "Precision threshold",
        lambda: metrics.Precision(threshold=2),
        dn.ArgumentError,
        ("threshold=2", "threshold=0.5"),
    ),
    Case(
        "Recall average",
        lambda: metrics.Recall(average="weird"),
        dn.ArgumentError,
        ("average='weird'", "one of 'macro', 'micro'"),
    ),
    Case("AUC thresholds", lambda: metrics.AUC(num_thresholds=1), dn.ArgumentError, ("num_thresholds=1", "=200")),
    Case("AUC curve", lambda: metrics.AUC(curve="XY"), dn.ArgumentError, ("curve='XY'", "one of 'ROC', 'PR'")),
    Case("MeanOf non-function", lambda: metrics.MeanOf(3), dn.ArgumentError, ("MeanOf(fn=3)", "MeanOf(lambda")),  # type: ignore[arg-type]
    Case(
        "Accuracy targets",
        lambda: _update(metrics.Accuracy(), tensor(X), tensor(np.array([0, 1]))),
        dn.ShapeError,
        ("Accuracy", "(2,)", "one-hot rows"),
    ),
    Case(
        "F1 classes",
        lambda: _update(metrics.F1(num_classes=2), tensor(X), tensor(IDS)),
        dn.ShapeError,
        ("num_classes=2", "set num_classes to match"),
    ),
)


@pytest.mark.parametrize("case", CASES)
def test_loss_and_metric_misuse(backend: str, case: Case) -> None:
    check(case)
