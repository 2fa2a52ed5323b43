"""Names given to the Trainer: bad ones fail at construction with the close matches; metrics log under the string."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.train import Trainer
from tests.train.problems import LABELS, X, mlp


def _make(**kwargs: Any) -> Trainer:
    model = mlp(outputs=3)
    return Trainer(model, kwargs.pop("optimizer", dn.optim.SGD(model.parameters(), lr=0.1)), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": "msee"}, r"Trainer\(loss=\.\.\.\): unknown loss 'msee'; did you mean 'mse'"),
        ({"loss": ("mse", "hnge")}, r"Trainer\(loss=\.\.\.\): unknown loss 'hnge'; did you mean 'hinge'"),
        (
            {"loss": "cross_entropy", "metrics": ["acuracy"]},
            r"Trainer\(metrics=\.\.\.\): unknown metric 'acuracy'; did you mean 'accuracy'",
        ),
        (
            {"loss": "cross_entropy", "metrics": {"out": ["mae", "precison"]}},
            r"Trainer\(metrics=\.\.\.\): unknown metric 'precison'; did you mean 'precision'",
        ),
        (
            {"loss": "cross_entropy", "metrics": [[], ["acc", "mean_io_u"]]},
            r"Keras's metric 'mean_io_u' needs arguments.*dn\.metrics\.MeanIoU\(num_classes=3\)",
        ),
        (
            {"loss": "mse", "optimizer": "adamm"},
            r"Trainer\(optimizer=\.\.\.\): unknown optimizer 'adamm'; did you mean 'adam'",
        ),
        (
            {"loss": "mse", "optimizer": "ScheduleFreeAdamW"},
            r"Keras's optimizer 'ScheduleFreeAdamW' is not available in dualnet yet",
        ),
        (
            {"loss": "mse", "optimizer": "Nadam"},
            r"got the name 'Nadam'; .*dn\.optim\.Nadam\(model\.parameters\(\), lr=1e-3\)",
        ),
        (
            {"loss": "mse", "optimizer": "adam"},
            r"got the name 'adam'; pass a dn\.optim optimizer .* dn\.optim\.Adam\(model\.parameters\(\), lr=1e-3\)",
        ),
        (
            {"loss": "mse", "optimizer": "SGD"},
            r"got the name 'SGD'; .*dn\.optim\.SGD\(model\.parameters\(\), lr=1e-2\)",
        ),
    ],
)
def test_bad_names_fail_when_the_trainer_is_made(backend: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(dn.ArgumentError, match=message):
        _make(**kwargs)


@pytest.mark.parametrize("name", ["acc", "accuracy", "sparse_categorical_accuracy", "Accuracy"])
def test_a_metric_logs_under_the_string_it_was_given(backend: str, name: str) -> None:
    trainer = _make(loss="cross_entropy", metrics=[name])
    results = trainer.evaluate(X, LABELS, batch_size=32, verbose=0)
    assert set(results) == {"loss", name}
    logits = dn.ops.to_numpy(trainer.predict(X, batch_size=32, verbose=0))
    np.testing.assert_allclose(results[name], (logits.argmax(-1) == LABELS).mean(), rtol=1e-6)


def test_compiles_crossentropy_and_acc_pick_binary_for_one_sigmoid_column(backend: str) -> None:
    dn.seed(0)
    model = dn.nn.Dense(1, activation="sigmoid", in_features=6)
    target = (LABELS > 0).astype("float32")  # shape (N,) against outputs (N, 1)
    trainer = Trainer(model, dn.optim.SGD(model.parameters(), lr=0.1), loss="crossentropy", metrics=["acc"])
    trainer.fit(X, target, epochs=1, batch_size=32, verbose=0)  # inside the compiled step too
    results = trainer.evaluate(X, target, batch_size=32, verbose=0)
    p = np.clip(dn.ops.to_numpy(trainer.predict(X, batch_size=32, verbose=0))[:, 0], 1e-7, 1 - 1e-7)
    bce = -(target * np.log(p) + (1 - target) * np.log(1 - p)).mean()
    np.testing.assert_allclose(results["loss"], bce, rtol=1e-5)
    np.testing.assert_allclose(results["acc"], ((p > 0.5) == target).mean(), rtol=1e-6)
