"""MultiHeadAttention: values against NumPy and torch.nn.MultiheadAttention, masks, parity, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.attention import MultiHeadAttention
from tests.helpers import assert_matches_numpy

N, T, S, D, HEADS, KEY_DIM = 2, 4, 3, 6, 2, 3
PAD = np.array([[False, False, True], [False, True, True]])  # True: padding key
QKV = ("query", "key", "value")
MASKS = [{"key_padding_mask": PAD}, {"causal": True}, {"key_padding_mask": PAD, "causal": True}]


def _x(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def numpy_mha(w: dict[str, np.ndarray], query, value, key, pad=None, causal=False):  # type: ignore[no-untyped-def]
    """Keras's MultiHeadAttention: per-head projections, scaled query, masked softmax, output projection."""
    q = np.einsum("ntd,dhk->nthk", query, w["query_kernel"]) + w["query_bias"]
    k = np.einsum("nsd,dhk->nshk", key, w["key_kernel"]) + w["key_bias"]
    v = np.einsum("nsd,dhv->nshv", value, w["value_kernel"]) + w["value_bias"]
    scores = np.einsum("nthk,nshk->nhts", q / np.sqrt(q.shape[-1]), k)
    keep = np.ones(scores.shape, bool)
    if pad is not None:
        keep &= ~pad[:, None, None, :]
    if causal:
        keep &= np.tril(np.ones(scores.shape[-2:], bool))
    scores = np.where(keep, scores, -1e9)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    context = np.einsum("nhts,nshv->nthv", weights, v)
    return np.einsum("nthv,hvo->nto", context, w["output_kernel"]) + w["output_bias"], weights


def _uniform_biases() -> MultiHeadAttention:
    return MultiHeadAttention(HEADS, KEY_DIM, bias_initializer="uniform")


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(("masked", "causal"), [(False, False), (True, False), (False, True), (True, True)])
def test_self_attention_matches_numpy(backend: str, masked: bool, causal: bool) -> None:
    layer = _uniform_biases()
    x = _x((N, S, D))
    pad = PAD if masked else None
    out, weights = layer(x, key_padding_mask=pad, causal=causal, return_attention_scores=True)
    want_out, want_weights = numpy_mha(layer.state_dict(), x, x, x, pad, causal)
    assert_matches_numpy(out, want_out.astype("float32"), rtol=1e-5, atol=1e-6)
    assert_matches_numpy(weights, want_weights.astype("float32"), rtol=1e-5, atol=1e-6)
    if masked:
        assert np.all(dn.ops.to_numpy(weights)[~np.broadcast_to(~PAD[:, None, None, :], (N, HEADS, S, S))] == 0.0)


def test_cross_attention_with_own_key_value_and_output_sizes(backend: str) -> None:
    layer = MultiHeadAttention(HEADS, KEY_DIM, value_dim=5, output_shape=7, bias_initializer="uniform")
    query, value, key = _x((N, T, D)), _x((N, S, 4), 1), _x((N, S, 2), 2)
    out = layer(query, value, key, key_padding_mask=PAD)
    w = layer.state_dict()
    assert {k: v.shape for k, v in w.items()} == {
        "query_kernel": (D, HEADS, KEY_DIM),
        "query_bias": (HEADS, KEY_DIM),
        "key_kernel": (2, HEADS, KEY_DIM),
        "key_bias": (HEADS, KEY_DIM),
        "value_kernel": (4, HEADS, 5),
        "value_bias": (HEADS, 5),
        "output_kernel": (HEADS, 5, 7),
        "output_bias": (7,),
    }
    assert_matches_numpy(out, numpy_mha(w, query, value, key, PAD)[0].astype("float32"), rtol=1e-5, atol=1e-6)


def test_fully_masked_row_is_finite(backend: str) -> None:
    pad = np.ones((N, S), bool)
    out = MultiHeadAttention(HEADS, KEY_DIM)(_x((N, S, D)), key_padding_mask=pad)
    assert np.isfinite(dn.ops.to_numpy(out)).all()


def test_dropout_on_attention_weights_only_in_training(backend: str) -> None:
    layer = MultiHeadAttention(HEADS, KEY_DIM, dropout=0.5)
    x = _x((N, S, D))
    layer.eval()
    a, b = (dn.ops.to_numpy(layer(x)) for _ in range(2))
    np.testing.assert_array_equal(a, b)
    layer.train()
    assert not np.allclose(dn.ops.to_numpy(layer(x)), a)


def test_matches_torch_multihead_attention(torch_backend: str) -> None:
    torch = pytest.importorskip("torch")
    layer = _uniform_biases()
    x = _x((N, S, D))
    ours = dn.ops.to_numpy(layer(x, key_padding_mask=PAD, causal=True))
    w = layer.state_dict()
    ref = torch.nn.MultiheadAttention(D, HEADS, batch_first=True)
    with torch.no_grad():
        # torch's in_proj_weight is (3 * D, D) in (out, in) layout: our (D, H, key_dim) kernels flattened, transposed.
        ref.in_proj_weight.copy_(torch.tensor(np.concatenate([w[f"{p}_kernel"].reshape(D, D).T for p in QKV])))
        ref.in_proj_bias.copy_(
            torch.tensor(np.concatenate([w[f"{p}_bias"].ravel() for p in ("query", "key", "value")]))
        )
        ref.out_proj.weight.copy_(torch.tensor(w["output_kernel"].reshape(D, D).T))
        ref.out_proj.bias.copy_(torch.tensor(w["output_bias"]))
        xt = torch.tensor(x)
        causal = torch.triu(torch.ones(S, S, dtype=torch.bool), 1)
        want, _ = ref(xt, xt, xt, key_padding_mask=torch.tensor(PAD), attn_mask=causal)
    np.testing.assert_allclose(ours, want.numpy(), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- parity across backends


class _Cross(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = MultiHeadAttention(HEADS, KEY_DIM, value_dim=2, bias_initializer="uniform")

    def forward(self, query: Any, value: Any, key: Any) -> Any:
        return self.attn(query, value, key, key_padding_mask=PAD, return_attention_scores=True)


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize(
    "kwargs", [{"key_padding_mask": PAD}, {"causal": True}, {"key_padding_mask": PAD, "causal": True}]
)
def test_self_attention_parity(training: bool, kwargs: dict[str, Any]) -> None:
    dn.testing.module_parity(_uniform_biases, [_x((N, S, D))], training=training, call_kwargs=kwargs)


def test_cross_attention_parity() -> None:
    dn.testing.module_parity(_Cross, [_x((N, T, D)), _x((N, S, 4), 1), _x((N, S, 5), 2)], training=True)


# ---------------------------------------------------------------- errors


def test_wrong_rank_names_the_layer(backend: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attn = MultiHeadAttention(HEADS, KEY_DIM)

        def forward(self, x: Any) -> Any:
            return self.attn(x)

    with pytest.raises(
        dn.ShapeError,
        match=r"layer 'attn' \(MultiHeadAttention\) expects query of rank 3 \(N, length, features\), "
        r"got shape \(2, 6\); pass batch-first sequences",
    ):
        Net()(_x((N, D)))


def test_key_padding_mask_with_wrong_shape(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"expects key_padding_mask of shape \(N, S\) = \(2, 3\), got \(2, 4\)"):
        MultiHeadAttention(HEADS, KEY_DIM)(_x((N, S, D)), key_padding_mask=np.zeros((N, S + 1), bool))


def test_float_key_padding_mask_is_a_dtype_error(backend: str) -> None:
    with pytest.raises(dn.DTypeError, match="expects a bool key_padding_mask, got float32"):
        MultiHeadAttention(HEADS, KEY_DIM)(_x((N, S, D)), key_padding_mask=np.zeros((N, S), "float32"))


def test_mismatched_key_and_value_lengths(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match="expects key and value of the same length S"):
        MultiHeadAttention(HEADS, KEY_DIM)(_x((N, T, D)), _x((N, S, D)), _x((N, S + 1, D)))


def test_changed_feature_size_after_build(backend: str) -> None:
    layer = MultiHeadAttention(HEADS, KEY_DIM)
    layer(_x((N, S, D)))
    with pytest.raises(dn.ShapeError, match=r"expects query with 6 features \(last axis\), got shape \(2, 3, 5\)"):
        layer(_x((N, S, D - 1)))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"num_heads": 0, "key_dim": 2}, r"num_heads=0\): num_heads must be a positive int"),
        ({"num_heads": 2, "key_dim": 2.5}, r"key_dim=2.5\): key_dim must be a positive int"),
        ({"num_heads": 2, "key_dim": 2, "dropout": 1.0}, r"dropout=1.0\): dropout must be a number in \[0, 1\)"),
        ({"num_heads": 2, "key_dim": 2, "kernel_initializer": "x"}, r"kernel_initializer='x'\): unknown initializer"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        MultiHeadAttention(**kwargs)


def test_value_given_by_keyword_with_wrong_size_after_build(backend: str) -> None:
    layer = MultiHeadAttention(HEADS, KEY_DIM)
    layer(_x((N, T, D)), value=_x((N, S, 4)))
    with pytest.raises(dn.ShapeError, match=r"expects value with 4 features \(last axis\), got shape \(2, 3, 5\)"):
        layer(_x((N, T, D)), value=_x((N, S, 5)))
