"""A minimal trainer that drives callbacks exactly as interface 2 says ``dn.Trainer`` does.

It trains a real model with real optimizer steps (so learning-rate changes and
saved weights have an effect), and lets a test script the epoch logs (e.g. a
``val_loss`` sequence) to put a callback in a known situation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

import dualnet as dn
from dualnet.callbacks import Callback, CallbackList

X = np.random.default_rng(0).standard_normal((12, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


def model_and_optimizer(lr: float = 0.05) -> tuple[dn.nn.Module, Any]:
    """A Dense(1) on 3 features and its SGD optimizer."""
    model = dn.nn.Dense(1, in_features=3)
    return model, dn.optim.SGD(model.parameters(), lr=lr)


class Driver:
    """``trainer.model``, ``.optimizer``, ``.stop_training``, ``.stop_error``, ``.epoch``, ``.global_step``.

    :meth:`fit` runs ``epochs`` epochs of ``steps`` SGD steps on (X, Y); ``script`` gives
    extra epoch logs per epoch (merged over the real ``loss`` and ``lr``), ``batch_losses``
    overrides the per-batch loss (e.g. a NaN at one step).
    """

    def __init__(self, lr: float = 0.05) -> None:
        self.model, self.optimizer = model_and_optimizer(lr)
        self.stop_training = False
        self.stop_error: Exception | None = None
        self.epoch = 0
        self.global_step = 0
        self.history: list[dict[str, float]] = []
        self.lrs: list[float] = []  # the rate each epoch trained with
        self._loss_fn = dn.losses.MeanSquaredError()
        self._grad = dn.value_and_grad(lambda m, x, y: self._loss_fn(m(x), y))

    def fit(
        self,
        callbacks: Sequence[Callback] | Callback,
        epochs: int,
        steps: int = 2,
        script: Sequence[Mapping[str, float]] = (),
        batch_losses: Mapping[int, float] | None = None,
        initial_epoch: int = 0,
    ) -> list[dict[str, float]]:
        """Run the loop; returns the epoch logs (as History would record them); raises ``stop_error``."""
        callback_list = CallbackList(callbacks, self, {"epochs": epochs, "steps": steps, "verbose": 0})
        self.stop_training, self.stop_error, self.history = False, None, []
        callback_list.on_train_begin({})
        logs: dict[str, float] = {}
        for epoch in range(initial_epoch, epochs):
            self.epoch = epoch
            callback_list.on_epoch_begin(epoch, {})
            self.lrs.append(self.optimizer.lr)
            total = 0.0
            for batch in range(steps):
                callback_list.on_batch_begin(batch, {})
                loss, grads = self._grad(self.model, X, Y)
                self.optimizer.step(grads)
                self.global_step += 1
                value = float(dn.ops.to_numpy(loss))
                if batch_losses and self.global_step in batch_losses:
                    value = batch_losses[self.global_step]
                total += value
                callback_list.on_batch_end(batch, {"loss": total / (batch + 1)})
                if self.stop_training:
                    break
            logs = {"loss": total / (batch + 1), "lr": self.lrs[-1]}
            if epoch - initial_epoch < len(script):
                logs.update(script[epoch - initial_epoch])
            callback_list.on_epoch_end(epoch, logs)
            self.history.append(dict(logs))
            if self.stop_training:
                break
        callback_list.on_train_end(logs)
        if self.stop_error is not None:
            raise self.stop_error
        return self.history
