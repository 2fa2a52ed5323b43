"""The same fit gives the same numbers: across backends (1e-4 relative), and with jit on or off (1e-5)."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import dispatch, registry
from tests.train.problems import LABELS, X, Y, classifier_trainer, regression_trainer, rel_diff


def _fit(backend: str, jit: bool = False) -> tuple[dict[str, list[float]], dict[str, np.ndarray]]:
    dn.set_backend(backend)
    dn.seed(0)
    trainer = classifier_trainer(lr=5e-3, jit=jit)
    history = trainer.fit(
        X, LABELS, epochs=4, batch_size=16, shuffle=True, validation_data=(X[:32], LABELS[:32]), verbose=0
    )
    return history.history, trainer.model.state_dict()


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both backends")
def test_per_epoch_losses_match_across_backends() -> None:
    previous = dispatch.active_name()
    try:
        runs = {name: _fit(name) for name in ("torch", "tensorflow")}
    finally:
        if previous is not None:
            dn.set_backend(previous)
    (torch_logs, torch_weights), (tf_logs, tf_weights) = runs["torch"], runs["tensorflow"]
    assert set(torch_logs) == set(tf_logs)
    for key in ("loss", "val_loss"):
        assert rel_diff(torch_logs[key], tf_logs[key]) < 1e-4, (key, torch_logs[key], tf_logs[key])
    for key in ("accuracy", "val_accuracy"):
        np.testing.assert_allclose(torch_logs[key], tf_logs[key], atol=1.5 / 96)  # at most one borderline sample
    for name in torch_weights:
        np.testing.assert_allclose(torch_weights[name], tf_weights[name], rtol=1e-3, atol=1e-5)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch.compile's own imports
def test_jit_matches_eager(backend: str) -> None:
    # One small run per backend: torch.compile costs seconds on the first call.
    dn.seed(0)
    plain = regression_trainer(lr=5e-3).fit(X, Y, epochs=2, batch_size=32, verbose=0).history
    dn.seed(0)
    compiled = regression_trainer(lr=5e-3, jit=True).fit(X, Y, epochs=2, batch_size=32, verbose=0).history
    assert rel_diff(compiled["loss"], plain["loss"]) < 1e-5, (compiled["loss"], plain["loss"])
