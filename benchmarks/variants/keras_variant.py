"""Keras 3 on torch or tensorflow (``KERAS_BACKEND`` set by the child before keras is imported).

The model is built from Keras layers (the Transformer block with the
functional API: ``MultiHeadAttention``, ``LayerNormalization(epsilon=1e-5)``,
``Dense``), compiled with the Keras optimizer and loss, and timed with
``model.train_on_batch`` on pre-made backend tensors: the compiled train
function ``fit`` runs per batch (Keras's own default ``jit_compile="auto"``,
so XLA on tensorflow where Keras picks it), without ``fit``'s data adapter and
callbacks. Inference uses ``predict_on_batch``. Weights are dualnet's
``state_dict()`` as is (the same Keras layouts), set layer by layer. The device
comes from ``KERAS_TORCH_DEVICE``, which the child sets before importing keras; a
bf16 workload runs under Keras's ``mixed_bfloat16`` dtype policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.workloads import (
    BILSTM_UNITS,
    D_MODEL,
    EMBED,
    FFN,
    GPT_D,
    GPT_FFN,
    GPT_HEADS,
    GPT_LAYERS,
    GPT_SEQ,
    GPT_VOCAB,
    HEADS,
    LSTM_UNITS,
    VOCAB,
    Workload,
)


def build(workload: Workload, w: dict[str, np.ndarray]) -> Any:
    """The Keras model of ``workload.model`` holding the weights ``w`` (dualnet names, Keras layouts)."""
    import keras
    from keras import layers

    model = workload.model
    if model == "f":
        return _decoder(w)
    if model == "r":
        return _resnet(w)
    inputs = keras.Input(workload.input_shape, dtype=workload.input_dtype)
    if model in ("a", "b", "c", "d", "bilstm"):
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
            "bilstm": lambda: [layers.Bidirectional(layers.LSTM(BILSTM_UNITS)), layers.Dense(10)],
        }[model]()
        net = keras.Sequential([inputs, *stack])
        for index, layer in enumerate(stack):
            names = sorted(k for k in w if k.split(".")[0] == str(index))
            if isinstance(layer, layers.Bidirectional):  # both directions name their weights alike: by order
                layer.set_weights([w[k] for k in w if k.split(".")[0] == str(index)])
            elif names:
                layer.set_weights([w[f"{index}.{v.path.split('/')[-1]}"] for v in layer.weights])
        return net
    attention = layers.MultiHeadAttention(HEADS, D_MODEL // HEADS)
    norm1, norm2 = layers.LayerNormalization(epsilon=1e-5), layers.LayerNormalization(epsilon=1e-5)
    linear1, linear2, head = layers.Dense(FFN, "relu"), layers.Dense(D_MODEL), layers.Dense(10)
    h = norm1(inputs + attention(inputs, inputs))
    h = norm2(h + linear2(linear1(h)))
    net = keras.Model(inputs, head(layers.GlobalAveragePooling1D()(h)))
    a = "0.self_attn."
    attention.set_weights(_attention_weights(w, a))
    for layer, p in ((linear1, "0.linear1"), (linear2, "0.linear2"), (head, "2")):
        layer.set_weights([w[f"{p}.kernel"], w[f"{p}.bias"]])
    for layer, p in ((norm1, "0.norm1"), (norm2, "0.norm2")):
        layer.set_weights([w[f"{p}.gamma"], w[f"{p}.beta"]])
    return net


def _attention_weights(w: dict[str, np.ndarray], a: str) -> list[np.ndarray]:
    return [w[f"{a}{n}_{p}"] for n in ("query", "key", "value", "output") for p in ("kernel", "bias")]


def _decoder(w: dict[str, np.ndarray]) -> Any:
    """Workload f's GPT-style decoder as a subclassed Keras model (pre-norm causal blocks), holding ``w``."""
    import keras
    from keras import layers

    class Decoder(keras.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.tok = layers.Embedding(GPT_VOCAB, GPT_D)
            self.pos = layers.Embedding(GPT_SEQ, GPT_D)
            self.blocks = [
                (
                    layers.LayerNormalization(epsilon=1e-5),
                    layers.MultiHeadAttention(GPT_HEADS, GPT_D // GPT_HEADS),
                    layers.LayerNormalization(epsilon=1e-5),
                    layers.Dense(GPT_FFN, "gelu"),
                    layers.Dense(GPT_D),
                )
                for _ in range(GPT_LAYERS)
            ]
            self.norm = layers.LayerNormalization(epsilon=1e-5)
            self.head = layers.Dense(GPT_VOCAB)

        def call(self, ids: Any) -> Any:
            h = self.tok(ids) + self.pos(keras.ops.arange(keras.ops.shape(ids)[1]))
            for norm1, attention, norm2, linear1, linear2 in self.blocks:
                a = norm1(h)
                h = h + attention(a, a, use_causal_mask=True)
                h = h + linear2(linear1(norm2(h)))
            return self.head(self.norm(h))

    net = Decoder()
    net(np.zeros((1, GPT_SEQ), "int64"))
    net.tok.set_weights([w["tok.embeddings"]])
    net.pos.set_weights([w["pos.embeddings"]])
    for i, (norm1, attention, norm2, linear1, linear2) in enumerate(net.blocks):
        p = f"blocks.{i}."
        attention.set_weights(_attention_weights(w, f"{p}self_attn."))
        for layer, name in ((linear1, "linear1"), (linear2, "linear2")):
            layer.set_weights([w[f"{p}{name}.kernel"], w[f"{p}{name}.bias"]])
        for layer, name in ((norm1, "norm1"), (norm2, "norm2")):
            layer.set_weights([w[f"{p}{name}.gamma"], w[f"{p}{name}.beta"]])
    net.norm.set_weights([w["norm.gamma"], w["norm.beta"]])
    net.head.set_weights([w["head.kernel"], w["head.bias"]])
    return net


def _resnet(w: dict[str, np.ndarray]) -> Any:
    """Workload r's ResNet (benchmarks/resnet.py) with the functional API, holding ``w``."""
    import keras
    from keras import layers

    from benchmarks.resnet import BLOCKS

    def conv_bn(h: Any, conv: str, bn: str, stride: int, padding: str) -> Any:
        kernel = w[f"{conv}.kernel"]
        c = layers.Conv2D(kernel.shape[-1], kernel.shape[0], strides=stride, padding=padding, use_bias=False)
        norm = layers.BatchNormalization(momentum=0.9, epsilon=1e-5)
        out = norm(c(h))
        c.set_weights([kernel])
        norm.set_weights([w[f"{bn}.{n}"] for n in ("gamma", "beta", "moving_mean", "moving_variance")])
        return out

    inputs = keras.Input((32, 32, 3))
    h = layers.ReLU()(conv_bn(inputs, "stem", "stem_bn", 1, "same"))
    for i, (_, stride) in enumerate(BLOCKS):
        p = f"blocks.{i}."
        out = layers.ReLU()(conv_bn(h, f"{p}conv1", f"{p}bn1", stride, "same"))
        out = conv_bn(out, f"{p}conv2", f"{p}bn2", 1, "same")
        shortcut = conv_bn(h, f"{p}proj", f"{p}proj_bn", stride, "valid") if f"{p}proj.kernel" in w else h
        h = layers.ReLU()(layers.Add()([out, shortcut]))
    head = layers.Dense(10)
    logits = head(layers.GlobalAveragePooling2D()(h))
    head.set_weights([w["head.kernel"], w["head.bias"]])
    return keras.Model(inputs, logits)


def optimizer(workload: Workload) -> Any:
    import keras

    h = workload.hparams
    if workload.optimizer == "sgd":
        return keras.optimizers.SGD(h["lr"], momentum=h["momentum"])
    if workload.optimizer == "adam":
        return keras.optimizers.Adam(h["lr"], epsilon=h["eps"])
    return keras.optimizers.AdamW(h["lr"], weight_decay=h["weight_decay"], epsilon=h["eps"])


def prepare(
    workload: Workload,
    weights: dict[str, np.ndarray],
    data: list[tuple[np.ndarray, np.ndarray]],
    jit: bool,
    device: str = "cpu",
) -> tuple[Callable[[int], Any], Callable[[Any], float]]:
    """Keras ``train_on_batch`` / ``predict_on_batch`` on pre-made backend tensors (see :mod:`benchmarks.variants`).

    ``device`` is already Keras's default (``KERAS_TORCH_DEVICE``, set by the child).
    """
    import keras

    if workload.precision == "bf16-mixed":
        keras.config.set_dtype_policy("mixed_bfloat16")
    net = build(workload, weights)
    tensors = [(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(y)) for x, y in data]
    if workload.kind == "infer":
        return (lambda i: net.predict_on_batch(tensors[i % len(tensors)][0])), lambda out: float(np.sum(out))
    loss = "mse" if workload.loss == "mse" else keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    net.compile(optimizer=optimizer(workload), loss=loss)
    return (lambda i: net.train_on_batch(*tensors[i % len(tensors)])), float
