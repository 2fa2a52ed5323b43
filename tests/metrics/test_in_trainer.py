"""Metrics stream inside the Trainer's compiled steps: fit and evaluate give the eager value and Keras's.

One four-headed model (a binary, a one-hot, a class-id and a regression head)
carries the metrics. The optimizer's learning rate is 0, so fit's epoch
metrics are over the same predictions as evaluate's: both must equal the
metric streamed eagerly over the model's outputs batch by batch, and Keras's
metric streamed over the same batches.

With ``jit=False`` (torch eager; TensorFlow's default ``tf.function`` step) the
model carries every metric class dualnet has, Keras's and its own. With
``jit=True`` (``torch.compile``, XLA) it carries one metric per head, one of
each way of updating state (bucketed threshold counts, a confusion matrix,
state sized by the first batch): compile time grows with every metric, and all
of them take inductor 100 s of CPU on two cores.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn

RNG = np.random.default_rng(3)
M, BATCH, C, D = 32, 16, 4, 3  # two batches of 16
X = RNG.standard_normal((M, 6)).astype("float32")
TARGETS = {
    "binary": (RNG.random((M, 1)) > 0.5).astype("float32"),
    "classes": np.eye(C, dtype="float32")[RNG.integers(0, C, M)],
    "ids": RNG.integers(0, C, M),
    "values": RNG.uniform(0.1, 2.0, (M, D)).astype("float32"),
}
LOSSES = {
    "binary": "binary_crossentropy",
    "classes": "categorical_crossentropy",
    "ids": "sparse_categorical_crossentropy",
    "values": "mse",
}

# (dualnet class, its arguments, Keras's class or None for dualnet's own metrics) per head.
Spec = tuple[str, dict[str, Any], "str | None"]
_SAME = "same"  # Keras has a class of the same name and arguments
SPECS: dict[str, list[Spec]] = {
    "binary": [
        ("BinaryAccuracy", {}, _SAME),
        ("BinaryCrossentropy", {}, _SAME),
        ("Precision", {}, _SAME),
        ("Recall", {}, _SAME),
        ("F1", {}, None),
        ("AUC", {"num_thresholds": 50}, _SAME),
        ("TruePositives", {"thresholds": [0.3, 0.5, 0.7]}, _SAME),
        ("FalsePositives", {}, _SAME),
        ("TrueNegatives", {"thresholds": [0.0, 0.5, 1.0]}, _SAME),
        ("FalseNegatives", {}, _SAME),
        ("PrecisionAtRecall", {"recall": 0.5, "num_thresholds": 50}, _SAME),
        ("RecallAtPrecision", {"precision": 0.5, "num_thresholds": 50}, _SAME),
        ("SensitivityAtSpecificity", {"specificity": 0.5, "num_thresholds": 50}, _SAME),
        ("SpecificityAtSensitivity", {"sensitivity": 0.5, "num_thresholds": 50}, _SAME),
        ("BinaryIoU", {}, _SAME),
        ("Hinge", {}, _SAME),
        ("SquaredHinge", {}, _SAME),
    ],
    "classes": [
        ("CategoricalAccuracy", {}, _SAME),
        ("CategoricalCrossentropy", {}, _SAME),
        ("TopKCategoricalAccuracy", {"k": 2}, _SAME),
        ("F1Score", {}, _SAME),
        ("FBetaScore", {"average": "weighted", "beta": 2.0}, _SAME),
        ("OneHotIoU", {"num_classes": C, "target_class_ids": [0, 1]}, _SAME),
        ("OneHotMeanIoU", {"num_classes": C}, _SAME),
        ("KLDivergence", {}, _SAME),
        ("CategoricalHinge", {}, _SAME),
        ("CosineSimilarity", {}, _SAME),
        ("TopKAccuracy", {"k": 2}, None),
    ],
    "ids": [
        ("SparseCategoricalAccuracy", {}, _SAME),
        ("SparseCategoricalCrossentropy", {}, _SAME),
        ("SparseTopKCategoricalAccuracy", {"k": 2}, _SAME),
        ("MeanIoU", {"num_classes": C, "sparse_y_pred": False}, _SAME),
        ("IoU", {"num_classes": C, "target_class_ids": [1, 3], "sparse_y_pred": False}, _SAME),
        ("Accuracy", {}, None),  # compile's "accuracy": sparse here, chosen from the shapes
    ],
    "values": [
        ("MeanSquaredError", {}, _SAME),
        ("MeanAbsoluteError", {}, _SAME),
        ("RootMeanSquaredError", {}, _SAME),
        ("MeanAbsolutePercentageError", {}, _SAME),
        ("MeanSquaredLogarithmicError", {}, _SAME),
        ("LogCoshError", {}, _SAME),
        ("R2Score", {}, _SAME),
        ("PearsonCorrelation", {}, _SAME),
        ("ConcordanceCorrelation", {}, _SAME),
        ("Poisson", {}, _SAME),
        ("Mean", {}, None),  # the mean of the predictions (y_true is ignored)
        ("Sum", {}, None),
        ("MeanOf", {"fn": lambda p, t: dn.ops.abs(dn.ops.subtract(p, t))}, None),
    ],
}


# What jit=True compiles: one metric per head, each a different way of updating state.
COMPILED_SAMPLE = {
    "binary": ["SensitivityAtSpecificity"],
    "classes": ["F1Score"],
    "ids": ["MeanIoU"],
    "values": ["R2Score"],
}


class FourHeads(dn.nn.Module):
    """``(N, 6) -> {binary (N, 1) sigmoid, classes (N, C) softmax, ids (N, C) softmax, values (N, D) softplus}``."""

    def __init__(self) -> None:
        super().__init__()
        self.binary = dn.nn.Dense(1, activation="sigmoid", in_features=6)
        self.classes = dn.nn.Dense(C, activation="softmax", in_features=6)
        self.ids = dn.nn.Dense(C, activation="softmax", in_features=6)
        self.values = dn.nn.Dense(D, activation="softplus", in_features=6)

    def forward(self, x: Any) -> Any:
        return {"binary": self.binary(x), "classes": self.classes(x), "ids": self.ids(x), "values": self.values(x)}


def _specs(backend: str, jit: bool) -> dict[str, list[Spec]]:
    if jit:
        return {head: [spec for spec in specs if spec[0] in COMPILED_SAMPLE[head]] for head, specs in SPECS.items()}
    return SPECS


def _flat(value: Any, key: str) -> dict[str, float]:
    if np.ndim(value):
        return {f"{key}_{i}": float(v) for i, v in enumerate(np.ravel(value))}
    return {key: float(value)}


def _streamed(outputs: dict[str, np.ndarray], make: Callable[[], Any], head: str, keras_order: bool) -> Any:
    metric = make()
    for start in range(0, M, BATCH):
        y_pred, y_true = outputs[head][start : start + BATCH], TARGETS[head][start : start + BATCH]
        if keras_order:
            metric.update_state(y_true, y_pred)
        else:
            metric.update(y_pred, y_true)
    return np.asarray(metric.result())


_KERAS: dict[tuple[str, str], Any] = {}


def _keras(outputs: dict[str, np.ndarray], head: str, cls: str, kwargs: dict[str, Any]) -> Any:
    """Keras's value, computed once: every run starts from the same weights (dn.seed), so the outputs agree."""
    if (head, cls) not in _KERAS:
        _KERAS[head, cls] = _streamed(outputs, lambda: getattr(keras.metrics, cls)(**kwargs), head, True)
    return _KERAS[head, cls]


@pytest.fixture(scope="module", params=[False, True], ids=["jit=False", "jit=True"])
def jit(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_fit_and_evaluate_stream_every_metric_like_eager_and_keras(backend: str, jit: bool) -> None:
    specs = _specs(backend, jit)
    dn.seed(0)
    model = FourHeads()
    metrics = {head: [getattr(dn.metrics, cls)(**kwargs) for cls, kwargs, _ in items] for head, items in specs.items()}
    trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.0), LOSSES, metrics=metrics, jit=jit)
    fitted = trainer.fit(X, TARGETS, epochs=1, batch_size=BATCH, verbose=0).history
    evaluated = trainer.evaluate(X, TARGETS, batch_size=BATCH)
    with dn.no_grad():
        outputs = {head: dn.ops.to_numpy(value) for head, value in model(dn.ops.convert_to_tensor(X)).items()}
    for head, items in specs.items():
        for (cls, kwargs, keras_cls), metric in zip(items, metrics[head]):
            key = f"{head}_{metric.name}"
            make = getattr(dn.metrics, cls)
            eager = _flat(_streamed(outputs, lambda: make(**kwargs), head, False), key)  # noqa: B023 (called here)
            for name, value in eager.items():
                where = f"{name} ({cls}, {backend}, jit={jit})"
                np.testing.assert_allclose(fitted[name][0], value, rtol=1e-6, atol=1e-9, err_msg=f"fit: {where}")
                np.testing.assert_allclose(evaluated[name], value, rtol=1e-6, atol=1e-9, err_msg=f"evaluate: {where}")
            if keras_cls is not None:
                reference = _flat(_keras(outputs, head, cls, kwargs), key)
                assert set(reference) == set(eager), key
                for name, value in reference.items():
                    np.testing.assert_allclose(eager[name], value, rtol=1e-6, atol=1e-9, err_msg=f"Keras: {name}")
