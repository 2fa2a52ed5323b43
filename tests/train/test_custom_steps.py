"""Custom training steps: an overridden ``Trainer.train_step`` and ``step_fn`` with two optimizers (GAN-style)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.train import Trainer, unpack
from tests.train.problems import LABELS, X, mlp


class L1Trainer(Trainer):
    """Adds an L1 penalty on the first kernel and reports it."""

    def train_step(self, batch: Any) -> dict[str, Any]:
        x, y, _ = unpack(batch)

        def objective(model: dn.nn.Module) -> Any:
            y_pred = self.forward(x)
            loss, _ = self.compute_loss(y_pred, y)
            penalty = dn.ops.multiply(dn.ops.sum(dn.ops.abs(model[0].kernel)), 1e-3)
            return dn.ops.add(loss, penalty), (y_pred, loss, penalty)

        (_, (y_pred, loss, penalty)), grads = dn.value_and_grad(objective, has_aux=True)(self.model)
        self.optimizer.step(grads)
        self.update_metrics(y_pred, y)
        return {"loss": loss, "penalty": penalty}


def test_overridden_train_step_keeps_callbacks_history_and_metrics(backend: str) -> None:
    model = mlp(outputs=3)
    trainer = L1Trainer(model, dn.optim.Adam(model.parameters(), lr=1e-2), "cross_entropy", metrics=["accuracy"])
    epochs_seen: list[int] = []
    hook = dn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: epochs_seen.append(epoch))
    history = trainer.fit(X, LABELS, epochs=3, batch_size=32, callbacks=[hook], verbose=0)
    assert set(history.history) == {"loss", "penalty", "accuracy", "lr"}
    assert epochs_seen == [0, 1, 2]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert trainer.optimizer.iterations == 9
    # evaluate still runs the default test step
    assert set(trainer.evaluate(X, LABELS)) == {"loss", "accuracy"}


class Gan(dn.nn.Module):
    """A 2-D generator ``z (N, 2) -> (N, 2)`` and a discriminator ``(N, 2) -> logit (N, 1)``."""

    def __init__(self) -> None:
        super().__init__()
        self.generator = dn.nn.Sequential([dn.nn.Dense(8, activation="relu", in_features=2), dn.nn.Dense(2)])
        self.discriminator = dn.nn.Sequential([dn.nn.Dense(8, activation="relu", in_features=2), dn.nn.Dense(1)])
        self.generator(np.zeros((1, 2), "float32"))
        self.discriminator(np.zeros((1, 2), "float32"))

    def forward(self, z: Any) -> Any:
        return self.generator(z)


def test_step_fn_with_two_optimizers(backend: str) -> None:
    gan = Gan()
    d_opt = dn.optim.Adam(gan.discriminator.parameters(), lr=1e-2)
    g_opt = dn.optim.Adam(gan.generator.parameters(), lr=1e-2)
    bce = dn.losses.BinaryCrossEntropy(from_logits=True)

    def step(trainer: Trainer, batch: Any) -> dict[str, Any]:
        real, noise = batch
        model = trainer.model

        def d_loss(disc: dn.nn.Module) -> Any:
            fake = dn.stop_gradient(model.generator(noise))
            real_logits, fake_logits = disc(real), disc(fake)
            real_loss = bce(real_logits, dn.ops.ones_like(real_logits))
            return dn.ops.add(real_loss, bce(fake_logits, dn.ops.zeros_like(fake_logits)))

        d_value, d_grads = dn.value_and_grad(d_loss)(model.discriminator)
        d_opt.step(d_grads)

        def g_loss(gen: dn.nn.Module) -> Any:
            logits = model.discriminator(gen(noise))
            return bce(logits, dn.ops.ones_like(logits))

        g_value, g_grads = dn.value_and_grad(g_loss)(model.generator)
        g_opt.step(g_grads)
        return {"d_loss": d_value, "g_loss": g_value}

    rng = np.random.default_rng(0)
    real = (rng.standard_normal((64, 2)) * 0.3 + 2.0).astype("float32")
    noise = rng.standard_normal((64, 2)).astype("float32")
    g_before = gan.generator.state_dict()
    batches: list[int] = []
    hook = dn.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: batches.append(batch))
    trainer = Trainer(gan, step_fn=step)
    history = trainer.fit((real, noise), epochs=2, batch_size=16, callbacks=[hook], verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"}
    assert len(history.history["d_loss"]) == 2 and batches == [0, 1, 2, 3] * 2
    assert d_opt.iterations == g_opt.iterations == 8
    assert not np.allclose(g_before["0.kernel"], gan.generator.state_dict()["0.kernel"])
    assert trainer.predict(noise[:5]).shape == (5, 2)


def test_step_fn_must_return_a_dict(backend: str) -> None:
    trainer = Trainer(mlp(), step_fn=lambda trainer, batch: 1.0)
    with pytest.raises(dn.ArgumentError, match="must return a dict"):
        trainer.fit(X, epochs=1, verbose=0)


def test_default_step_needs_an_optimizer_and_a_loss(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match="needs an optimizer"):
        Trainer(mlp(), loss="mse").fit(X, X[:, :1], epochs=1, verbose=0)
    model = mlp()
    with pytest.raises(dn.ArgumentError, match="need a loss"):
        Trainer(model, dn.optim.SGD(model.parameters())).fit(X, X[:, :1], epochs=1, verbose=0)
