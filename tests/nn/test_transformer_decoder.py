"""TransformerDecoderLayer: same numbers and gradients as torch.nn.TransformerDecoderLayer, parity, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.transformer_decoder import TransformerDecoderLayer
from tests.nn import transformer_references as refs

N, T, S, D, HEADS, FF = 2, 4, 5, 8, 2, 16
TGT_PAD = np.array([[False, False, False, True], [False, False, True, True]])
MEM_PAD = np.array([[False, False, False, False, True], [False, True, True, True, True]])
CAUSAL = np.triu(np.ones((T, T), bool), 1)  # True: not attended, PyTorch's convention
RNG = np.random.default_rng(5)
MEM_MASK = RNG.random((T, S)) < 0.3  # an arbitrary bool pattern (column 0 stays open, so no row is all masked)
MEM_MASK[:, 0] = False
FLOAT_TGT = np.where(CAUSAL, -np.inf, RNG.standard_normal((T, T))).astype("float32")  # additive, PyTorch's float form


def _x(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


TGT, MEMORY = _x((N, T, D)), _x((N, S, D), 1)


def _layer(**kwargs: Any) -> TransformerDecoderLayer:
    return TransformerDecoderLayer(D, HEADS, dim_feedforward=FF, **{"dropout": 0.0, **kwargs})


def _torch_layer(**kwargs: Any) -> Any:
    import torch

    return torch.nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, batch_first=True, **kwargs)


CASES = [
    pytest.param({}, {}, {}, id="post-norm"),
    pytest.param(
        {"norm_first": True},
        {"tgt_mask": CAUSAL, "tgt_key_padding_mask": TGT_PAD, "memory_key_padding_mask": MEM_PAD},
        {"tgt_mask": CAUSAL, "tgt_key_padding_mask": TGT_PAD, "memory_key_padding_mask": MEM_PAD},
        id="pre-norm-padding-and-causal-mask",
    ),
    pytest.param(
        {"activation": "gelu"},
        {"tgt_is_causal": True, "memory_mask": MEM_MASK, "memory_key_padding_mask": MEM_PAD},
        {"tgt_mask": CAUSAL, "tgt_is_causal": True, "memory_mask": MEM_MASK, "memory_key_padding_mask": MEM_PAD},
        id="gelu-is-causal-memory-mask",
    ),
    pytest.param(
        {"norm_first": True, "bias": False},
        {"tgt_mask": FLOAT_TGT, "tgt_key_padding_mask": TGT_PAD},
        {"tgt_mask": FLOAT_TGT, "tgt_key_padding_mask": np.where(TGT_PAD, -np.inf, 0).astype("float32")},
        id="pre-norm-no-bias-float-mask",
    ),
]


@pytest.mark.parametrize(("kwargs", "call", "torch_call"), CASES)
def test_matches_torch_decoder_layer_outputs_and_gradients(
    backend: str, kwargs: dict[str, Any], call: dict[str, Any], torch_call: dict[str, Any]
) -> None:
    pytest.importorskip("torch")
    layer = _layer(**kwargs).eval()
    layer(TGT, MEMORY)  # builds the attention and norm weights
    refs.perturbed(layer)
    cot = _x((N, T, D), 2)
    got = refs.ours(layer, [TGT, MEMORY], cot, **call)
    want = refs.torch(_torch_layer(**kwargs), layer.state_dict(), [TGT, MEMORY], cot, **torch_call)
    refs.assert_same(got, want)


def test_a_masked_first_call_builds_the_same_weights(backend: str) -> None:
    # The masked path computes on the attention's weights; a first call through it must create them as usual.
    dn.seed(3)
    plain = _layer()
    plain(TGT, MEMORY)
    dn.seed(3)
    masked = _layer()
    masked(TGT, MEMORY, tgt_mask=CAUSAL, memory_mask=MEM_MASK)
    want, got = plain.state_dict(), masked.state_dict()
    assert sorted(got) == sorted(want) and len(got) == 26
    for name in want:
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)


def test_a_3d_mask_is_per_batch_and_head(backend: str) -> None:
    # (N * nhead, T, T) with every slice equal to the 2-D mask gives the 2-D mask's result.
    layer = _layer()
    tiled = np.broadcast_to(CAUSAL, (N * HEADS, T, T)).copy()
    want = dn.ops.to_numpy(layer(TGT, MEMORY, tgt_mask=CAUSAL))
    np.testing.assert_allclose(dn.ops.to_numpy(layer(TGT, MEMORY, tgt_mask=tiled)), want, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(dn.ops.to_numpy(layer(TGT, MEMORY, tgt_is_causal=True)), want, rtol=1e-6, atol=1e-6)


def test_dropout_is_active_in_training_only(backend: str) -> None:
    layer = TransformerDecoderLayer(D, HEADS, dim_feedforward=FF, dropout=0.5)
    layer.eval()
    a = dn.ops.to_numpy(layer(TGT, MEMORY))
    np.testing.assert_array_equal(a, dn.ops.to_numpy(layer(TGT, MEMORY)))
    layer.train()
    assert not np.allclose(dn.ops.to_numpy(layer(TGT, MEMORY)), a)


# ---------------------------------------------------------------- parity across backends


@pytest.mark.parametrize(("training", "norm_first"), [(False, False), (True, True)])
def test_parity(training: bool, norm_first: bool) -> None:
    dn.testing.module_parity(
        lambda: _layer(norm_first=norm_first, activation="gelu"),
        [TGT, MEMORY],
        training=training,
        call_kwargs={"tgt_mask": CAUSAL, "tgt_key_padding_mask": TGT_PAD, "memory_mask": MEM_MASK},
        rtol=1e-5,
        atol=1e-5,
    )


def test_parity_in_eval_mode_with_dropout() -> None:
    dn.testing.module_parity(
        lambda: TransformerDecoderLayer(D, HEADS, dim_feedforward=FF),
        [TGT, MEMORY],
        call_kwargs={"memory_key_padding_mask": MEM_PAD, "tgt_is_causal": True},
        atol=1e-5,
    )


# ---------------------------------------------------------------- errors


class _Net(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = _layer()

    def forward(self, tgt: Any, memory: Any, **masks: Any) -> Any:
        return self.block(tgt, memory, **masks)


@pytest.mark.parametrize(
    ("tgt", "memory", "match"),
    [
        ((N, T, 6), (N, S, D), r"'block' \(TransformerDecoderLayer\) expects tgt with last dimension d_model=8"),
        ((N, T, D), (N, S, 6), r"'block' \(TransformerDecoderLayer\) expects memory with last dimension d_model=8"),
        ((N, D), (N, S, D), r"expects tgt of rank 3 \(N, length, d_model\), got shape \(2, 8\)"),
        ((N, T, D), (N, D), r"expects memory of rank 3 \(N, length, d_model\), got shape \(2, 8\); pass batch-first"),
    ],
)
def test_d_model_mismatch_names_the_layer_and_the_fix(
    backend: str, tgt: tuple[int, ...], memory: tuple[int, ...], match: str
) -> None:
    with pytest.raises(dn.ShapeError, match=match):
        _Net()(_x(tgt), _x(memory))


@pytest.mark.parametrize(
    ("masks", "match"),
    [
        ({"tgt_mask": np.zeros((T, T + 1), bool)}, r"'block' \(TransformerDecoderLayer\) expects tgt_mask of shape"),
        ({"memory_mask": np.zeros((T, T), bool)}, r"expects memory_mask of shape \(T, S\) = \(4, 5\) or"),
        ({"memory_mask": np.zeros((3, T, S), bool)}, r"\(N \* num_heads, T, S\) = \(4, 4, 5\), got \(3, 4, 5\)"),
        (
            {"tgt_key_padding_mask": np.zeros((N, T + 1), bool)},
            r"'block.self_attn' \(MultiHeadAttention\) expects key_padding_mask of shape \(N, S\) = \(2, 4\)",
        ),
        (
            {"memory_key_padding_mask": np.zeros((N, T), bool), "memory_mask": MEM_MASK},
            r"'block.multihead_attn' \(MultiHeadAttention\) expects key_padding_mask of shape \(N, S\) = \(2, 5\)",
        ),
    ],
)
def test_bad_mask_shapes_name_the_layer(backend: str, masks: dict[str, Any], match: str) -> None:
    net = _Net()
    net(TGT, MEMORY)
    with pytest.raises(dn.ShapeError, match=match):
        net(TGT, MEMORY, **masks)


def test_an_integer_mask_is_refused(backend: str) -> None:
    with pytest.raises(dn.DTypeError, match=r"expects a bool or floating-point tgt_mask, got int64"):
        _layer()(TGT, MEMORY, tgt_mask=CAUSAL.astype("int64"))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"d_model": 10, "nhead": 3}, r"d_model=10, nhead=3\): d_model must be divisible by nhead"),
        ({"d_model": 8, "nhead": 2, "dropout": 1.0}, r"dropout=1.0\): dropout must be a number in \[0, 1\)"),
        ({"d_model": 8, "nhead": 2, "activation": "nope"}, r"activation='nope'\): unknown activation"),
        ({"d_model": 8, "nhead": 0}, r"nhead=0\): nhead must be a positive int"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        TransformerDecoderLayer(**kwargs)
