"""Run a dualnet layer, a Keras 3 layer and a torch.nn module on one input and cotangent: outputs and gradients.

Each returns ``(y, dy/dx, {weight: dL/dweight})`` for ``L = sum(y * cot)``, as float32 NumPy arrays, so a
test compares the three on the same weights.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import dualnet as dn


def cotangent(shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(99).standard_normal(shape).astype("float32")


def ours(layer: dn.nn.Module, x: np.ndarray, cot: np.ndarray, **kwargs: Any) -> tuple[Any, Any, dict[str, Any]]:
    """Build ``layer`` on ``x`` (active backend), then its output and gradients."""
    layer(x, **kwargs)
    names = [n for n, _ in layer.named_parameters()]

    def loss(module: dn.nn.Module, t: Any) -> Any:
        return dn.ops.sum(dn.ops.multiply(module(t, **kwargs), cot))

    tensor = dn.ops.convert_to_tensor(x)
    _, (dparams, dx) = dn.value_and_grad(loss, wrt=(0, 1))(layer, tensor)
    grads = {n: dn.ops.to_numpy(g) for n, g in zip(names, dparams)}
    return dn.ops.to_numpy(layer(x, **kwargs)), dn.ops.to_numpy(dx), grads


def keras(layer: Any, x: np.ndarray, cot: np.ndarray, weights: dict[str, np.ndarray], **kwargs: Any) -> Any:
    """Keras 3 (on TensorFlow): ``weights`` by Keras variable name (``gamma``, ``scale``, ``alpha``...)."""
    import tensorflow as tf

    layer.build(x.shape)
    for variable in layer.weights:
        variable.assign(weights[variable.path.split("/")[-1]])
    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = layer(t, **kwargs)
        loss = tf.reduce_sum(y * cot)
    dx, *dw = tape.gradient(loss, [t, *[v.value for v in layer.trainable_weights]])
    names = [v.path.split("/")[-1] for v in layer.trainable_weights]
    return y.numpy(), dx.numpy(), {n: g.numpy() for n, g in zip(names, dw)}


def torch(
    module: Any,
    x: np.ndarray,
    cot: np.ndarray,
    to_torch: Callable[[np.ndarray], np.ndarray] = lambda a: a,
    from_torch: Callable[[np.ndarray], np.ndarray] = lambda a: a,
) -> Any:
    """torch.nn: ``to_torch`` / ``from_torch`` move between our channels-last layout and torch's."""
    import torch as th

    # Contiguous copies: torch 2.13's InstanceNorm3d backward gives wrong weight gradients for a
    # channels_last_3d-strided upstream gradient, which a transposed NumPy array would make.
    t = th.tensor(np.ascontiguousarray(to_torch(x)), requires_grad=True)
    y = module(t)
    (y * th.tensor(np.ascontiguousarray(to_torch(cot)))).sum().backward()
    grads = {n: p.grad.numpy() for n, p in module.named_parameters()}
    return from_torch(y.detach().numpy()), from_torch(t.grad.numpy()), grads
