"""Run an attention layer of ours and Keras 3's on several inputs and one cotangent: outputs and gradients.

``call(layer, tensors)`` applies a layer to its inputs (a list of tensors), so the same helper serves
``MultiHeadAttention(q, v, k)`` and ``Attention([q, v, k])``. Each returns ``(y, [dL/dinput], {weight:
dL/dweight})`` for ``L = sum(y * cot)``, as NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import dualnet as dn

Call = Callable[[Any, list[Any]], Any]


def inputs(*shapes: tuple[int, ...]) -> list[np.ndarray]:
    return [np.random.default_rng(i).standard_normal(s).astype("float32") for i, s in enumerate(shapes)]


def ours(layer: dn.nn.Module, xs: Sequence[np.ndarray], call: Call) -> tuple[Any, list[Any], dict[str, Any]]:
    """Build ``layer`` (active backend), then its output and gradients for the cotangent of ``cotangent``."""
    y = call(layer, [dn.ops.convert_to_tensor(x) for x in xs])
    cot = cotangent(tuple(dn.ops.shape(y)))
    names = [n for n, _ in layer.named_parameters()]

    def loss(module: dn.nn.Module, *tensors: Any) -> Any:
        return dn.ops.sum(dn.ops.multiply(call(module, list(tensors)), cot))

    tensors = [dn.ops.convert_to_tensor(x) for x in xs]
    _, (dparams, *dxs) = dn.value_and_grad(loss, wrt=tuple(range(len(xs) + 1)))(layer, *tensors)
    grads = {n: dn.ops.to_numpy(g) for n, g in zip(names, dparams)}
    return dn.ops.to_numpy(call(layer, tensors)), [dn.ops.to_numpy(d) for d in dxs], grads


def keras(
    layer: Any, xs: Sequence[np.ndarray], call: Call, weights: Callable[[str], np.ndarray]
) -> tuple[Any, list[Any], dict[str, Any]]:
    """Keras 3 on TensorFlow; ``weights(path)`` gives the array for a Keras variable path (``query/kernel``)."""
    import tensorflow as tf

    tensors = [tf.constant(x) for x in xs]
    call(layer, tensors)  # builds
    paths = [v.path.split("/", 1)[1] for v in layer.weights]
    for variable, path in zip(layer.weights, paths):
        variable.assign(weights(path))
    with tf.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        y = call(layer, tensors)
        loss = tf.reduce_sum(y * cotangent(tuple(y.shape)))
    grads = tape.gradient(loss, [*tensors, *[v.value for v in layer.trainable_weights]])
    dxs, dws = grads[: len(xs)], grads[len(xs) :]
    names = [v.path.split("/", 1)[1] for v in layer.trainable_weights]
    return y.numpy(), [d.numpy() for d in dxs], {n: g.numpy() for n, g in zip(names, dws)}


def cotangent(shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(99).standard_normal(shape).astype("float32")


def close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def compare(mine: Any, theirs: Any, names: dict[str, str]) -> None:
    """Outputs, input gradients and weight gradients (``names``: our weight -> theirs) agree within 1e-5."""
    close(mine[0], theirs[0])
    assert len(mine[1]) == len(theirs[1])
    for a, b in zip(mine[1], theirs[1]):
        close(a, b)
    assert set(names.values()) == set(theirs[2]), f"unmapped Keras weights: {set(theirs[2]) - set(names.values())}"
    for ours_name, other in names.items():
        close(mine[2][ours_name], theirs[2][other])
