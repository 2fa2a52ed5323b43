"""Native TensorFlow: ``tf.Variable`` weights, the model as plain tf ops, one ``tf.function`` train step.

No Keras: layers are ``tf.matmul`` / ``tf.nn.conv2d`` (NHWC, TensorFlow's
natural CPU layout) / ``tf.nn.max_pool2d`` / ``tf.gather``; the LSTM is
unrolled over its steps inside the graph (``bilstm``: once per direction) (input projection for all steps in
one matmul, split into steps by ``tf.unstack``); attention is written with ``tf.einsum``. Gradients by
``tf.GradientTape``; the optimizer update (SGD momentum, Adam, AdamW, PyTorch's
formulas) is written in tf ops inside the same ``tf.function``. Weights are
dualnet's ``state_dict()`` as is (both use the Keras layouts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.workloads import Workload


def _forward(model: str, v: dict[str, Any], x: Any) -> Any:
    import tensorflow as tf

    def dense(h: Any, p: str) -> Any:
        return tf.matmul(h, v[f"{p}.kernel"]) + v[f"{p}.bias"]

    if model == "a":
        return dense(tf.nn.relu(dense(tf.nn.relu(dense(x, "0")), "1")), "2")
    if model == "c":
        return dense(tf.nn.relu(dense(x, "0")), "1")
    if model == "b":
        h = x
        for p in ("0", "2"):
            h = tf.nn.relu(tf.nn.conv2d(h, v[f"{p}.kernel"], 1, "VALID") + v[f"{p}.bias"])
            h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.reshape(h, (-1, 1600))
        return dense(tf.nn.relu(dense(h, "5")), "6")
    if model == "d":
        return dense(_lstm(v, "1", tf.gather(v["0.embeddings"], x)), "2")  # embeddings (N, T, E)
    if model == "bilstm":  # the backward direction reads the sequence reversed; its last state is its output
        return dense(tf.concat([_lstm(v, "0.forward_layer", x), _lstm(v, "0.backward_layer", x[:, ::-1])], -1), "1")
    if model == "e":
        a = "0.self_attn."
        q, k, w = (
            tf.einsum("ntd,dhk->nhtk", x, v[f"{a}{n}_kernel"]) + v[f"{a}{n}_bias"][:, None, :]
            for n in ("query", "key", "value")
        )
        scores = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / float(np.sqrt(q.shape[-1])), axis=-1)
        attn = tf.einsum("nhtk,hkd->ntd", tf.matmul(scores, w), v[f"{a}output_kernel"]) + v[f"{a}output_bias"]

        def norm(h: Any, p: str) -> Any:
            mean, var = tf.nn.moments(h, axes=[-1], keepdims=True)
            return (h - mean) * tf.math.rsqrt(var + 1e-5) * v[f"{p}.gamma"] + v[f"{p}.beta"]

        h = norm(x + attn, "0.norm1")
        h = norm(h + dense(tf.nn.relu(dense(h, "0.linear1")), "0.linear2"), "0.norm2")
        return dense(tf.reduce_mean(h, axis=1), "2")
    if model == "r":
        return _resnet(v, x)
    raise KeyError(model)


def _resnet(v: dict[str, Any], x: Any) -> Any:
    """Workload r's ResNet in training mode: fused batch norm (NHWC), moving statistics assigned (momentum 0.9)."""
    import tensorflow as tf

    from benchmarks.resnet import BLOCKS

    def conv_bn(h: Any, conv: str, bn: str, stride: int, padding: str) -> Any:
        h = tf.nn.conv2d(h, v[f"{conv}.kernel"], stride, padding)
        y, mean, var = tf.compat.v1.nn.fused_batch_norm(h, v[f"{bn}.gamma"], v[f"{bn}.beta"], epsilon=1e-5)
        v[f"{bn}.moving_mean"].assign(0.9 * v[f"{bn}.moving_mean"] + 0.1 * mean)
        v[f"{bn}.moving_variance"].assign(0.9 * v[f"{bn}.moving_variance"] + 0.1 * var)
        return y

    h = tf.nn.relu(conv_bn(x, "stem", "stem_bn", 1, "SAME"))
    for i, (_, stride) in enumerate(BLOCKS):
        p = f"blocks.{i}."
        out = conv_bn(tf.nn.relu(conv_bn(h, f"{p}conv1", f"{p}bn1", stride, "SAME")), f"{p}conv2", f"{p}bn2", 1, "SAME")
        shortcut = conv_bn(h, f"{p}proj", f"{p}proj_bn", stride, "VALID") if f"{p}proj.kernel" in v else h
        h = tf.nn.relu(out + shortcut)
    return tf.matmul(tf.reduce_mean(h, axis=(1, 2)), v["head.kernel"]) + v["head.bias"]


def _lstm(v: dict[str, Any], p: str, x: Any) -> Any:
    """The final ``h`` of the LSTM with weights under ``p`` over ``x`` (N, T, F), unrolled in the graph."""
    import tensorflow as tf

    z_all = tf.einsum("nte,eg->ntg", x, v[f"{p}.kernel"]) + v[f"{p}.bias"]
    units = v[f"{p}.recurrent_kernel"].shape[0]
    h = tf.zeros((tf.shape(x)[0], units))
    c = tf.zeros_like(h)
    for z_t in tf.unstack(z_all, axis=1):  # slicing z_all[:, t] instead triples the step (slice gradients)
        z = z_t + tf.matmul(h, v[f"{p}.recurrent_kernel"])
        i, f, g, o = tf.split(z, 4, axis=-1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
        h = tf.sigmoid(o) * tf.tanh(c)
    return h


def _updater(workload: Workload, variables: list[Any]) -> Callable[[list[Any]], None]:
    """The optimizer update in tf ops, PyTorch's formulas (called inside the train step's tf.function)."""
    import tensorflow as tf

    h = workload.hparams
    slots = [[tf.Variable(tf.zeros_like(var)) for var in variables] for _ in range(2)]
    count = tf.Variable(0.0)

    def sgd(grads: list[Any]) -> None:
        for var, grad, buf in zip(variables, grads, slots[0]):
            if h["momentum"]:
                buf.assign(h["momentum"] * buf + grad)
                grad = buf
            var.assign_sub(h["lr"] * grad)

    def adam(grads: list[Any]) -> None:
        count.assign_add(1.0)
        c1, c2 = 1.0 - 0.9**count, 1.0 - 0.999**count
        for var, grad, m, s in zip(variables, grads, *slots):
            if workload.optimizer == "adamw":
                var.assign_sub(h["lr"] * h["weight_decay"] * var)
            m.assign(0.9 * m + 0.1 * grad)
            s.assign(0.999 * s + 0.001 * tf.square(grad))
            var.assign_sub(h["lr"] / c1 * m / (tf.sqrt(s / c2) + h["eps"]))

    return sgd if workload.optimizer == "sgd" else adam


def prepare(
    workload: Workload,
    weights: dict[str, np.ndarray],
    data: list[tuple[np.ndarray, np.ndarray]],
    jit: bool,
    device: str = "cpu",
) -> tuple[Callable[[int], Any], Callable[[Any], float]]:
    """A ``tf.function`` train step / forward on pre-made tensors (see :mod:`benchmarks.variants`).

    CPU only (``device`` is always ``"cpu"``: the child reports TensorFlow on another device as unavailable).
    Workload f (the bf16 decoder) is not written in plain tf ops: NotImplementedError, reported as unavailable.
    """
    if workload.model == "f":
        raise NotImplementedError("workload f (the GPT-style decoder) has no native TensorFlow version")
    import tensorflow as tf

    names = sorted(weights)
    v = {name: tf.Variable(weights[name], name=name.replace(".", "_")) for name in names}
    # BatchNorm's moving statistics are assigned by the forward, not trained.
    variables = [v[name] for name in names if ".moving_" not in name]
    tensors = [(tf.constant(x), tf.constant(y)) for x, y in data]
    model = workload.model
    if workload.kind == "infer":
        forward = tf.function(lambda x: _forward(model, v, x), jit_compile=jit or None)
        return (lambda i: forward(tensors[i % len(tensors)][0])), lambda out: float(tf.reduce_sum(out))
    update = _updater(workload, variables)

    @tf.function(jit_compile=jit or None)
    def train_step(x: Any, y: Any) -> Any:
        with tf.GradientTape() as tape:
            out = _forward(model, v, x)
            if workload.loss == "mse":
                loss = tf.reduce_mean(tf.square(out - y))
            else:
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=out))
        grads = [tf.convert_to_tensor(g) for g in tape.gradient(loss, variables)]  # embedding: dense, as dualnet
        update(grads)
        return loss

    return (lambda i: train_step(*tensors[i % len(tensors)])), lambda loss: float(loss)
