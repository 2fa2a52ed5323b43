"""Keras 3 on torch or tensorflow (``KERAS_BACKEND`` set by the child before keras is imported).

The model is built from Keras layers (the Transformer block with the
functional API: ``MultiHeadAttention``, ``LayerNormalization(epsilon=1e-5)``,
``Dense``), compiled with the Keras optimizer and loss, and timed with
``model.train_on_batch`` on pre-made backend tensors: the compiled train
function ``fit`` runs per batch (Keras's own default ``jit_compile="auto"``,
so XLA on tensorflow where Keras picks it), without ``fit``'s data adapter and
callbacks. Inference uses ``predict_on_batch``. Weights are dualnet's
``state_dict()`` as is (the same Keras layouts), set layer by layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.workloads import D_MODEL, EMBED, FFN, HEADS, LSTM_UNITS, VOCAB, Workload


def build(workload: Workload, w: dict[str, np.ndarray]) -> Any:
    """The Keras model of ``workload.model`` holding the weights ``w`` (dualnet names, Keras layouts)."""
    import keras
    from keras import layers

    model = workload.model
    inputs = keras.Input(workload.input_shape, dtype=workload.input_dtype)
    if model in ("a", "b", "c", "d"):
        stack: list[Any] = {
            "a": lambda: [layers.Dense(512, "relu"), layers.Dense(512, "relu"), layers.Dense(10)],
            "b": lambda: [
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dense(128, "relu"),
                layers.Dense(10),
            ],
            "c": lambda: [layers.Dense(64, "relu"), layers.Dense(1)],
            "d": lambda: [layers.Embedding(VOCAB, EMBED), layers.LSTM(LSTM_UNITS), layers.Dense(2)],
        }[model]()
        net = keras.Sequential([inputs, *stack])
        for index, layer in enumerate(stack):
            names = sorted(k for k in w if k.split(".")[0] == str(index))
            if names:
                layer.set_weights([w[f"{index}.{v.path.split('/')[-1]}"] for v in layer.weights])
        return net
    attention = layers.MultiHeadAttention(HEADS, D_MODEL // HEADS)
    norm1, norm2 = layers.LayerNormalization(epsilon=1e-5), layers.LayerNormalization(epsilon=1e-5)
    linear1, linear2, head = layers.Dense(FFN, "relu"), layers.Dense(D_MODEL), layers.Dense(10)
    h = norm1(inputs + attention(inputs, inputs))
    h = norm2(h + linear2(linear1(h)))
    net = keras.Model(inputs, head(layers.GlobalAveragePooling1D()(h)))
    a = "0.self_attn."
    attention.set_weights([w[f"{a}{n}_{p}"] for n in ("query", "key", "value", "output") for p in ("kernel", "bias")])
    for layer, p in ((linear1, "0.linear1"), (linear2, "0.linear2"), (head, "2")):
        layer.set_weights([w[f"{p}.kernel"], w[f"{p}.bias"]])
    for layer, p in ((norm1, "0.norm1"), (norm2, "0.norm2")):
        layer.set_weights([w[f"{p}.gamma"], w[f"{p}.beta"]])
    return net


def optimizer(workload: Workload) -> Any:
    import keras

    h = workload.hparams
    if workload.optimizer == "sgd":
        return keras.optimizers.SGD(h["lr"], momentum=h["momentum"])
    if workload.optimizer == "adam":
        return keras.optimizers.Adam(h["lr"], epsilon=h["eps"])
    return keras.optimizers.AdamW(h["lr"], weight_decay=h["weight_decay"], epsilon=h["eps"])


def prepare(
    workload: Workload, weights: dict[str, np.ndarray], data: list[tuple[np.ndarray, np.ndarray]], jit: bool
) -> tuple[Callable[[int], Any], Callable[[Any], float]]:
    """Keras ``train_on_batch`` / ``predict_on_batch`` on pre-made backend tensors (see :mod:`benchmarks.variants`)."""
    import keras

    net = build(workload, weights)
    tensors = [(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(y)) for x, y in data]
    if workload.kind == "infer":
        return (lambda i: net.predict_on_batch(tensors[i % len(tensors)][0])), lambda out: float(np.sum(out))
    loss = "mse" if workload.loss == "mse" else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    net.compile(optimizer=optimizer(workload), loss=loss)
    return (lambda i: net.train_on_batch(*tensors[i % len(tensors)])), float
