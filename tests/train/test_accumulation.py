"""Gradient accumulation: k consecutive batches of b samples step like one batch of k * b samples."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.train.problems import LABELS, X, classifier_trainer, rel_diff


@pytest.mark.parametrize("samples", [96, 88])  # 88: the last group holds 3 micro-batches, the big batch 24 samples
def test_accumulated_batches_equal_one_big_batch(backend: str, samples: int) -> None:
    x, labels = X[:samples], LABELS[:samples]
    dn.seed(0)
    big = classifier_trainer()
    big_history = big.fit(x, labels, epochs=2, batch_size=32, shuffle=True, verbose=0).history
    dn.seed(0)
    small = classifier_trainer(grad_accumulation=4)
    small_history = small.fit(x, labels, epochs=2, batch_size=8, shuffle=True, verbose=0).history
    assert small.optimizer.iterations == big.optimizer.iterations == 2 * 3
    assert small.global_step == 2 * int(np.ceil(samples / 8))
    assert rel_diff(small_history["loss"], big_history["loss"]) < 1e-5
    for name, value in big.model.state_dict().items():
        np.testing.assert_allclose(small.model.state_dict()[name], value, rtol=1e-5, atol=1e-6)


def test_accumulation_steps_at_each_epoch_end(backend: str) -> None:
    trainer = classifier_trainer(grad_accumulation=5)
    trainer.fit(X, LABELS, epochs=2, batch_size=16, verbose=0)  # 6 batches per epoch: groups of 5 and 1
    assert trainer.optimizer.iterations == 4


def test_grad_accumulation_must_be_positive(backend: str) -> None:
    for bad in (0, -2, 1.5, True):
        with pytest.raises(dn.ArgumentError, match="grad_accumulation"):
            classifier_trainer(grad_accumulation=bad)
