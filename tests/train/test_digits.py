"""End to end: a small CNN on scikit-learn's bundled 8x8 digits reaches >= 95% test accuracy through fit."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.demo import digits_cnn
from dualnet.train import Trainer

sklearn_datasets = pytest.importorskip("sklearn.datasets")


def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Train/test split (fixed, stratified by shuffling once): images (N, 8, 8, 1) in [0, 1], labels (N,)."""
    digits = sklearn_datasets.load_digits()
    images = (digits.images / 16.0).astype("float32")[..., None]
    labels = digits.target.astype("int64")
    order = np.random.default_rng(0).permutation(len(labels))
    images, labels = images[order], labels[order]
    split = 1400
    return images[:split], labels[:split], images[split:], labels[split:]


def cnn() -> dn.nn.Module:
    """(N, 8, 8, 1) -> logits (N, 10): the demo's CNN."""
    return digits_cnn()


@pytest.mark.slow
def test_cnn_on_digits_reaches_95_percent(backend: str) -> None:
    x_train, y_train, x_test, y_test = _digits()
    model = cnn()
    trainer = Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", metrics=["accuracy"])
    history = trainer.fit(x_train, y_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0)
    results = trainer.evaluate(x_test, y_test, batch_size=256)
    assert results["accuracy"] >= 0.95, (results, history.history["val_accuracy"])
    predicted = trainer.predict(x_test, batch_size=256).argmax(-1)
    assert (predicted == y_test).mean() == pytest.approx(results["accuracy"])
