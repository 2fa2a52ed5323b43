"""GroupQueryAttention against Keras 3's GroupedQueryAttention and torch's scaled_dot_product_attention(enable_gqa)
on the same weights (outputs and gradients within 1e-5), parity across backends, save/load, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn import GroupedQueryAttention, GroupQueryAttention
from tests.nn import attention_references as refs

N, T, S, HQ, HKV, HD = 2, 4, 3, 4, 2, 3
MASK = np.random.default_rng(7).random((N, T, S)) > 0.4
MASK[..., 0] = True  # every query keeps a key (Keras adds its large negative; we replace)
_NAMES = {"query": "query", "key": "key", "value": "value", "output": "attention_output"}


def _names() -> dict[str, str]:
    return {f"{o}_{k}": f"{t}/{k}" for o, t in _NAMES.items() for k in ("kernel", "bias")}


def _call(**kwargs: Any) -> Any:
    def call(layer: Any, xs: list[Any]) -> Any:
        query, value, *key = xs
        return layer(query, value, key[0] if key else None, **kwargs)

    return call


CASES = {
    "plain": ([(N, T, 6), (N, S, 5)], {}),
    "mask_and_key": ([(N, T, 6), (N, S, 5), (N, S, 2)], {"attention_mask": MASK}),
    "causal_self": ([(N, T, 6), (N, T, 6)], {"use_causal_mask": True}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_matches_keras_grouped_query_attention(backend: str, case: str) -> None:
    import keras

    shapes, kwargs = CASES[case]
    xs = refs.inputs(*shapes)
    layer = GroupQueryAttention(HD, HQ, HKV, bias_initializer="uniform")
    mine = refs.ours(layer, xs, _call(**kwargs))
    state = layer.state_dict()
    by_path = {theirs: state[ours] for ours, theirs in _names().items()}
    theirs = refs.keras(keras.layers.GroupQueryAttention(HD, HQ, HKV), xs, _call(**kwargs), by_path.__getitem__)
    refs.compare(mine, theirs, _names())


def test_matches_torch_sdpa_with_enable_gqa(torch_backend: str) -> None:
    import torch
    import torch.nn.functional as F

    xs = refs.inputs((N, T, 6), (N, S, 5))
    layer = GroupQueryAttention(HD, HQ, HKV, bias_initializer="uniform")
    mine = refs.ours(layer, xs, _call(attention_mask=MASK))
    w = {k: torch.tensor(v, requires_grad=True) for k, v in layer.state_dict().items()}
    q_in, v_in = (torch.tensor(x, requires_grad=True) for x in xs)

    def proj(x: Any, name: str) -> Any:
        return torch.einsum("nsd,dhk->nshk", x, w[f"{name}_kernel"]) + w[f"{name}_bias"]

    q, k, v = (t.transpose(1, 2) for t in (proj(q_in, "query"), proj(v_in, "key"), proj(v_in, "value")))
    context = F.scaled_dot_product_attention(q, k, v, attn_mask=torch.tensor(MASK)[:, None], enable_gqa=True)
    y = torch.einsum("nhtk,hko->nto", context, w["output_kernel"]) + w["output_bias"]
    (y * torch.tensor(refs.cotangent(tuple(y.shape)))).sum().backward()
    refs.close(mine[0], y.detach().numpy())
    refs.close(mine[1][0], q_in.grad.numpy())
    refs.close(mine[1][1], v_in.grad.numpy())
    for name, tensor in w.items():
        refs.close(mine[2][name], tensor.grad.numpy())


def test_weights_scores_and_alias(backend: str) -> None:
    assert GroupedQueryAttention is GroupQueryAttention
    layer = GroupedQueryAttention(HD, HQ, HKV)
    xs = refs.inputs((N, T, 6), (N, S, 5))
    out, scores = layer(*xs, attention_mask=MASK, return_attention_scores=True)
    assert {k: v.shape for k, v in layer.state_dict().items()} == {
        "query_kernel": (6, HQ, HD),
        "query_bias": (HQ, HD),
        "key_kernel": (5, HKV, HD),
        "key_bias": (HKV, HD),
        "value_kernel": (5, HKV, HD),
        "value_bias": (HKV, HD),
        "output_kernel": (HQ, HD, 6),
        "output_bias": (6,),
    }
    assert dn.ops.shape(scores) == (N, HQ, T, S)
    refs.close(dn.ops.to_numpy(out), dn.ops.to_numpy(layer(*xs, attention_mask=MASK)))  # fused path agrees


class _Net(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = GroupQueryAttention(HD, HQ, HKV, bias_initializer="uniform")

    def forward(self, query: Any, value: Any) -> Any:
        return self.attn(query, value, attention_mask=MASK, return_attention_scores=True)


def test_parity() -> None:
    dn.testing.module_parity(_Net, refs.inputs((N, T, 6), (N, S, 5)))


def test_saved_on_one_backend_loads_on_the_other(tmp_path: Any) -> None:
    xs = refs.inputs((N, T, 6), (N, S, 5))
    previous = dn.backend()
    try:
        dn.set_backend("torch")
        model = _Net()
        want = dn.ops.to_numpy(model(*xs)[0])
        model.save_weights(tmp_path / "gqa.safetensors")
        dn.set_backend("tensorflow")
        dn.seed(5)
        other = _Net()
        other(*xs)
        other.load_weights(tmp_path / "gqa.safetensors")
        refs.close(dn.ops.to_numpy(other(*xs)[0]), want)
    finally:
        dn.set_backend(previous)


def test_errors(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"GroupQueryAttention\(num_key_value_heads=3\).*a divisor of"):
        GroupQueryAttention(HD, 4, 3)
    with pytest.raises(dn.ShapeError, match=r"GroupQueryAttention got an attention_mask of shape \(2, 3, 4\)"):
        GroupQueryAttention(HD, HQ, HKV)(*refs.inputs((N, T, 6), (N, S, 5)), attention_mask=MASK.transpose(0, 2, 1))
    with pytest.raises(dn.ShapeError, match=r"expects query of rank 3"):
        GroupQueryAttention(HD, HQ, HKV)(refs.inputs((N, 2, T, 6))[0])
