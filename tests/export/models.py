"""The example models every export format must round-trip: MLP, small CNN, LSTM classifier, Transformer block.

Each builder returns ``(model, example)``: a tiny model and an input batch of 2.
``LSTMClassifier`` is a custom module registered with ``dn.register_module``,
so it also exercises saving custom classes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import dualnet as dn
from dualnet.io.registry import register_module


def mlp() -> tuple[dn.nn.Module, np.ndarray]:
    model = dn.nn.Sequential([dn.nn.Dense(16, activation="relu"), dn.nn.Dropout(0.2), dn.nn.Dense(3)])
    return model, np.random.default_rng(1).standard_normal((2, 8)).astype("float32")


def cnn() -> tuple[dn.nn.Module, np.ndarray]:
    model = dn.nn.Sequential(
        [
            dn.nn.Conv2D(4, 3, padding="same", activation="relu"),
            dn.nn.MaxPool2D(2),
            dn.nn.Flatten(),
            dn.nn.Dense(5),
        ]
    )
    return model, np.random.default_rng(2).standard_normal((2, 8, 8, 1)).astype("float32")


@register_module
class LSTMClassifier(dn.nn.Module):
    """Token ids ``(N, T)`` int -> class logits ``(N, classes)``: Embedding, LSTM (last state), Dense."""

    def __init__(self, vocab: int, dim: int, classes: int) -> None:
        super().__init__()
        self.embed = dn.nn.Embedding(vocab, dim)
        self.lstm = dn.nn.LSTM(dim)
        self.head = dn.nn.Dense(classes)

    def forward(self, tokens: Any) -> Any:
        return self.head(self.lstm(self.embed(tokens)))


def lstm() -> tuple[dn.nn.Module, np.ndarray]:
    return LSTMClassifier(20, 8, 3), np.random.default_rng(3).integers(0, 20, (2, 5)).astype("int32")


def transformer() -> tuple[dn.nn.Module, np.ndarray]:
    model = dn.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1)
    return model, np.random.default_rng(4).standard_normal((2, 5, 8)).astype("float32")


MODELS: dict[str, Callable[[], tuple[dn.nn.Module, np.ndarray]]] = {
    "mlp": mlp,
    "cnn": cnn,
    "lstm": lstm,
    "transformer": transformer,
}


def bigger_batch(example: np.ndarray) -> np.ndarray:
    """A batch of 3 unlike ``example``'s 2, to check that the exported batch dimension is dynamic."""
    rows = np.concatenate([example, example[:1]])
    return rows if rows.dtype.kind in "iu" else (rows * 0.5 + 0.1).astype(rows.dtype)
