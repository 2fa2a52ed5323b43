"""Models with several inputs (tuple: positional, dict: one argument) and several outputs (tuple or dict)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.train import Trainer
from tests.train.problems import LABELS, X, Y

A, C = X[:, :4], X[:, 4:]


class TwoInputs(dn.nn.Module):
    """``(a (N, 4), c (N, 2)) -> (N, 1)``."""

    def __init__(self) -> None:
        super().__init__()
        self.a = dn.nn.Dense(8, activation="relu", in_features=4)
        self.c = dn.nn.Dense(8, activation="relu", in_features=2)
        self.out = dn.nn.Dense(1, in_features=8)

    def forward(self, a: Any, c: Any) -> Any:
        return self.out(dn.ops.add(self.a(a), self.c(c)))


class DictInputs(TwoInputs):
    """``{"a": (N, 4), "c": (N, 2)} -> (N, 1)``, the dict as one argument (Keras's habit)."""

    def forward(self, inputs: Any) -> Any:  # type: ignore[override]
        return super().forward(inputs["a"], inputs["c"])


class TwoHeads(dn.nn.Module):
    """``(N, 6) -> (value (N, 1), logits (N, 3))`` as a tuple, or as a dict with ``as_dict``."""

    def __init__(self, as_dict: bool = False) -> None:
        super().__init__()
        self.as_dict = as_dict
        self.body = dn.nn.Dense(16, activation="relu", in_features=6)
        self.value = dn.nn.Dense(1, in_features=16)
        self.classes = dn.nn.Dense(3, in_features=16)

    def forward(self, x: Any) -> Any:
        h = self.body(x)
        value, logits = self.value(h), self.classes(h)
        return {"value": value, "classes": logits} if self.as_dict else (value, logits)


def _trainer(model: dn.nn.Module, loss: Any, **kwargs: Any) -> Trainer:
    return Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), loss, **kwargs)


def test_tuple_inputs_are_passed_positionally(backend: str) -> None:
    trainer = _trainer(TwoInputs(), "mse")
    history = trainer.fit((A, C), Y, epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert trainer.predict((A, C)).shape == (96, 1)


def test_dict_inputs_are_one_argument(backend: str) -> None:
    trainer = _trainer(DictInputs(), "mse")
    history = trainer.fit({"a": A, "c": C}, Y, epochs=2, batch_size=32, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "val_loss", "lr"}
    assert trainer.predict({"a": A[:5], "c": C[:5]}).shape == (5, 1)


def test_tuple_outputs_with_losses_weights_and_metrics(backend: str) -> None:
    trainer = _trainer(TwoHeads(), ("mse", "cross_entropy"), loss_weights=(2.0, 0.5), metrics=[[], ["accuracy"]])
    history = trainer.fit(X, (Y, LABELS), epochs=2, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "output_0_loss", "output_1_loss", "output_1_accuracy", "lr"}
    results = trainer.evaluate(X, (Y, LABELS))
    assert results["loss"] == pytest.approx(2.0 * results["output_0_loss"] + 0.5 * results["output_1_loss"], rel=1e-5)
    value, logits = trainer.predict(X)
    assert value.shape == (96, 1) and logits.shape == (96, 3)
    assert results["output_1_accuracy"] == pytest.approx((logits.argmax(-1) == LABELS).mean())


def test_dict_outputs_with_dict_losses_and_metrics(backend: str) -> None:
    trainer = _trainer(
        TwoHeads(as_dict=True),
        {"value": "mse", "classes": dn.losses.CrossEntropy()},
        metrics={"classes": "accuracy", "value": ["mae"]},
    )
    history = trainer.fit(X, {"value": Y, "classes": LABELS}, epochs=2, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "value_loss", "classes_loss", "value_mae", "classes_accuracy", "lr"}
    out = trainer.predict(X[:7])
    assert isinstance(out, dict) and out["value"].shape == (7, 1) and out["classes"].shape == (7, 3)


def test_an_output_without_a_loss_is_not_trained_on(backend: str) -> None:
    trainer = _trainer(TwoHeads(as_dict=True), {"value": "mse"})
    history = trainer.fit(X, {"value": Y}, epochs=1, batch_size=48, verbose=0)
    assert set(history.history) == {"loss", "lr"}


def test_one_loss_for_every_output(backend: str) -> None:
    class Twice(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = dn.nn.Dense(1, in_features=6)

        def forward(self, x: Any) -> Any:
            y = self.fc(x)
            return y, dn.ops.multiply(y, 2.0)

    trainer = _trainer(Twice(), "mse", metrics=["mae"])
    history = trainer.fit(X, (Y, 2 * Y), epochs=1, batch_size=48, verbose=0)
    assert {"output_0_mae", "output_1_mae", "output_0_loss", "output_1_loss"} <= set(history.history)


def test_mismatched_structures_are_clear(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="3 items but the model returns a tuple of 2 outputs"):
        _trainer(TwoHeads(), ("mse", "mse", "mse")).fit(X, (Y, Y, Y), epochs=1, verbose=0)
    with pytest.raises(dn.ArgumentError, match=r"keys \['score'\] name no output"):
        _trainer(TwoHeads(as_dict=True), {"score": "mse"}).fit(X, {"score": Y}, epochs=1, verbose=0)
    with pytest.raises(dn.ShapeError, match="key 'classes'"):
        _trainer(TwoHeads(as_dict=True), {"value": "mse", "classes": "cross_entropy"}).fit(
            X, {"value": Y}, epochs=1, verbose=0
        )
    metric = dn.metrics.Accuracy()
    with pytest.raises(dn.ArgumentError, match="cannot serve several outputs"):
        _trainer(TwoHeads(), "mse", metrics=[metric]).fit(X, (Y, Y), epochs=1, verbose=0)


def test_predict_accepts_loader_batches_with_targets(backend: str) -> None:
    trainer = _trainer(TwoInputs(), "mse")
    direct = trainer.predict((A, C), batch_size=40)
    loader = dn.data.DataLoader(((A, C), Y), batch_size=40)
    np.testing.assert_allclose(trainer.predict(loader), direct, rtol=1e-6)
