"""Embedding's torch options, EmbeddingBag vs torch.nn, ReversibleEmbedding vs Keras 3: the same weights and ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn


def _close(a: Any, b: Any) -> None:
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


_IDS = np.array([[1, 0, 3, 3], [4, 2, 0, 1]])


def _ours(layer: dn.nn.Module, ids: np.ndarray, cot: np.ndarray, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
    layer(ids, **kwargs)
    _, grads = dn.value_and_grad(lambda m: dn.ops.sum(dn.ops.multiply(m(ids, **kwargs), cot)))(layer)
    return dn.ops.to_numpy(layer(ids, **kwargs)), dn.ops.to_numpy(grads[0])


def _torch(module: Any, table: np.ndarray, ids: np.ndarray, cot: np.ndarray, **kwargs: Any) -> Any:
    import torch

    with torch.no_grad():
        module.weight.copy_(torch.tensor(table))
    y = module(torch.tensor(ids), **{k: torch.tensor(v) for k, v in kwargs.items()})
    (y * torch.tensor(cot)).sum().backward()
    return y.detach().numpy(), module.weight.grad.numpy()


@pytest.mark.parametrize(
    "kwargs",
    [{"padding_idx": 0}, {"padding_idx": -1}, {"max_norm": 0.05}, {"max_norm": 0.06, "padding_idx": 3}],
    ids=str,
)
def test_embedding_torch_options_match_torch(backend: str, kwargs: dict[str, Any]) -> None:
    import torch

    layer = dn.nn.Embedding(5, 3, **kwargs)
    cot = np.random.default_rng(1).standard_normal((*_IDS.shape, 3)).astype("float32")
    table = layer.state_dict()["embeddings"]
    if "padding_idx" in kwargs:
        np.testing.assert_array_equal(table[kwargs["padding_idx"]], 0.0)
    table = table + np.float32(0.01)  # a padding row that is not zero must still be returned, and get no gradient
    layer.load_state_dict({"embeddings": table})
    ours = _ours(layer, _IDS, cot)
    theirs = _torch(torch.nn.Embedding(5, 3, **kwargs), table, _IDS, cot)
    if "max_norm" in kwargs:
        assert (np.linalg.norm(table, axis=-1) > kwargs["max_norm"]).any()
    _close(ours[0], theirs[0])
    _close(ours[1], theirs[1])


@pytest.mark.parametrize(
    ("mode", "kwargs", "weighted"),
    [
        ("mean", {}, False),
        ("sum", {}, True),
        ("max", {}, False),
        ("mean", {"padding_idx": 0}, False),
        ("sum", {"padding_idx": 0}, True),
        ("max", {"padding_idx": 0}, False),
        ("mean", {"max_norm": 0.05}, False),
    ],
    ids=str,
)
def test_embedding_bag_matches_torch(backend: str, mode: str, kwargs: dict[str, Any], weighted: bool) -> None:
    import torch

    ids = np.array([[1, 0, 3, 3], [4, 2, 0, 1], [0, 0, 0, 0]])
    rng = np.random.default_rng(2)
    cot = rng.standard_normal((3, 3)).astype("float32")
    extra = {"per_sample_weights": rng.uniform(0.5, 2, ids.shape).astype("float32")} if weighted else {}
    layer = dn.nn.EmbeddingBag(5, 3, mode=mode, **kwargs)
    table = layer.state_dict()["embeddings"]
    ours = _ours(layer, ids, cot, **extra)
    theirs = _torch(torch.nn.EmbeddingBag(5, 3, mode=mode, **kwargs), table, ids, cot, **extra)
    _close(ours[0], theirs[0])
    _close(ours[1], theirs[1])


def test_embedding_bag_parity_and_save(backend: str, tmp_path: Path) -> None:
    layer = dn.nn.EmbeddingBag(6, 2, mode="max", padding_idx=5)
    y = dn.ops.to_numpy(layer(_IDS))
    dn.save(layer, tmp_path / "bag.safetensors")
    _close(dn.ops.to_numpy(dn.load(tmp_path / "bag.safetensors")(_IDS)), y)


def test_parity_across_backends() -> None:
    dn.testing.module_parity(lambda: dn.nn.EmbeddingBag(5, 3, mode="mean", padding_idx=0), [_IDS], training=True)
    dn.testing.module_parity(lambda: dn.nn.Embedding(5, 3, max_norm=0.05, padding_idx=1), [_IDS], training=True)


@pytest.mark.parametrize(("tie", "cap"), [(True, None), (False, None), (True, 0.02)], ids=str)
def test_reversible_embedding_matches_keras(backend: str, tie: bool, cap: float | None) -> None:
    import keras
    import tensorflow as tf

    layer = dn.nn.ReversibleEmbedding(7, 4, tie_weights=tie, logit_soft_cap=cap)
    x = np.random.default_rng(3).standard_normal((2, 3, 4)).astype("float32")
    ids = np.array([[0, 6, 2]])
    cot = np.random.default_rng(4).standard_normal((2, 3, 7)).astype("float32")
    layer(ids)
    _, grads = dn.value_and_grad(lambda m: dn.ops.sum(dn.ops.multiply(m(x, reverse=True), cot)))(layer)
    state = layer.state_dict()
    theirs = keras.layers.ReversibleEmbedding(7, 4, tie_weights=tie, logit_soft_cap=cap)
    theirs.build()
    for variable in theirs.weights:
        variable.assign(state[variable.path.split("/")[-1]])
    _close(dn.ops.to_numpy(layer(ids)), np.asarray(theirs(ids)))
    with tf.GradientTape() as tape:
        logits = theirs(tf.constant(x), reverse=True)
        loss = tf.reduce_sum(logits * cot)
    keras_grads = tape.gradient(loss, [v.value for v in theirs.trainable_weights])
    _close(dn.ops.to_numpy(layer(x, reverse=True)), logits.numpy())
    names = [n for n, _ in layer.named_parameters()]
    for variable, grad in zip(theirs.trainable_weights, keras_grads):
        mine = dn.ops.to_numpy(grads[names.index(variable.path.split("/")[-1])])
        _close(mine, np.zeros_like(mine) if grad is None else grad.numpy())  # untied: the table is not used


@pytest.mark.parametrize(
    ("make", "call", "error", "match"),
    [
        (lambda: dn.nn.Embedding(4, 2, padding_idx=4), None, dn.ArgumentError, r"padding_idx"),
        (lambda: dn.nn.Embedding(4, 2, max_norm=0.0), None, dn.ArgumentError, r"max_norm"),
        (lambda: dn.nn.EmbeddingBag(4, 2, mode="min"), None, dn.ArgumentError, r"mode"),
        (lambda: dn.nn.EmbeddingBag(4, 2), np.array([1, 2]), dn.ShapeError, r"expects ids \(N, L\)"),
        (
            lambda: dn.nn.ReversibleEmbedding(4, 2),
            np.ones((3, 5), "float32"),
            dn.ShapeError,
            r"reverse=True expects vectors \(\.\.\., 2\)",
        ),
    ],
)
def test_bad_arguments_and_inputs(backend: str, make: Any, call: Any, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        layer = make()
        layer(call, reverse=True) if isinstance(layer, dn.nn.ReversibleEmbedding) else layer(call)


def test_per_sample_weights_need_sum(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"per_sample_weights needs mode='sum'"):
        dn.nn.EmbeddingBag(5, 2)(_IDS, np.ones(_IDS.shape, "float32"))
