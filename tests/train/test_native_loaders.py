"""The backend's own loaders go to fit as they are: torch.utils.data.DataLoader on torch, tf.data.Dataset on TF."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import dispatch, registry
from tests.train.problems import LABELS, X, classifier_trainer


@pytest.fixture
def tensorflow_backend() -> Iterator[str]:
    if not registry.is_installed("tensorflow"):
        pytest.skip("tensorflow is not installed")
    previous = dispatch.active_name()
    dn.set_backend("tensorflow")
    dn.seed(0)
    yield "tensorflow"
    if previous is not None:
        dn.set_backend(previous)


def test_fit_on_a_torch_dataloader(torch_backend: str) -> None:
    import torch

    dataset = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(LABELS))
    loader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=True)
    trainer = classifier_trainer()
    history = trainer.fit(loader, epochs=2, validation_data=loader, verbose=0)
    assert len(history.history["loss"]) == 2 and "val_accuracy" in history.history
    assert trainer.global_step == 12
    ordered = torch.utils.data.DataLoader(dataset, batch_size=40)
    np.testing.assert_allclose(trainer.predict(ordered), trainer.predict(X), rtol=1e-6)


def test_fit_on_a_tf_data_dataset(tensorflow_backend: str) -> None:
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices((X, LABELS)).shuffle(96, seed=0).batch(16)
    trainer = classifier_trainer()
    history = trainer.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert trainer.global_step == 12
    ordered = tf.data.Dataset.from_tensor_slices(X).batch(40)
    np.testing.assert_allclose(trainer.predict(ordered), trainer.predict(X), rtol=1e-6)
