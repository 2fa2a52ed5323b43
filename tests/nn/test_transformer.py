"""TransformerEncoderLayer: same numbers as torch.nn.TransformerEncoderLayer, parity across backends, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn.transformer import TransformerEncoderLayer

N, T, D, HEADS, FF = 2, 4, 8, 2, 16
PAD = np.array([[False, False, False, True], [False, True, True, True]])
QKV = ("query", "key", "value")


def _x(shape: tuple[int, ...] = (N, T, D)) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


def _layer(**kwargs: Any) -> TransformerEncoderLayer:
    return TransformerEncoderLayer(D, HEADS, dim_feedforward=FF, **{"dropout": 0.0, **kwargs})


def _torch_reference(w: dict[str, np.ndarray], **kwargs: Any) -> Any:
    """torch.nn.TransformerEncoderLayer holding the same weights (torch keeps Linear weights as (out, in))."""
    import torch

    ref = torch.nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, batch_first=True, **kwargs)
    t = torch.tensor
    with torch.no_grad():
        qkv = [w[f"self_attn.{p}_kernel"].reshape(D, D).T for p in QKV]
        ref.self_attn.in_proj_weight.copy_(t(np.concatenate(qkv)))
        ref.self_attn.in_proj_bias.copy_(t(np.concatenate([w[f"self_attn.{p}_bias"].ravel() for p in QKV])))
        ref.self_attn.out_proj.weight.copy_(t(w["self_attn.output_kernel"].reshape(D, D).T))
        ref.self_attn.out_proj.bias.copy_(t(w["self_attn.output_bias"]))
        for name in ("linear1", "linear2"):
            getattr(ref, name).weight.copy_(t(w[f"{name}.kernel"].T))
            getattr(ref, name).bias.copy_(t(w[f"{name}.bias"]))
        for name in ("norm1", "norm2"):
            getattr(ref, name).weight.copy_(t(w[f"{name}.gamma"]))
            getattr(ref, name).bias.copy_(t(w[f"{name}.beta"]))
    return ref.eval()


def _perturbed(layer: TransformerEncoderLayer) -> dict[str, np.ndarray]:
    """Give biases and norm weights non-trivial values so the comparison sees them."""
    rng = np.random.default_rng(1)
    state = {k: v + 0.1 * rng.standard_normal(v.shape).astype(v.dtype) for k, v in layer.state_dict().items()}
    layer.load_state_dict(state)
    return state


@pytest.mark.parametrize(
    ("kwargs", "call"),
    [
        ({}, {}),
        ({"norm_first": True}, {"key_padding_mask": PAD}),
        ({"activation": "gelu"}, {"causal": True}),
        ({"norm_first": True, "activation": "gelu"}, {"key_padding_mask": PAD, "causal": True}),
    ],
)
def test_matches_torch_transformer_encoder_layer(
    torch_backend: str, kwargs: dict[str, Any], call: dict[str, Any]
) -> None:
    torch = pytest.importorskip("torch")
    layer = _layer(**kwargs).eval()
    x = _x()
    layer(x)  # builds the attention and norm weights
    ref = _torch_reference(_perturbed(layer), **kwargs)
    ours = dn.ops.to_numpy(layer(x, **call))
    options: dict[str, Any] = {}
    if "key_padding_mask" in call:
        options["src_key_padding_mask"] = torch.tensor(call["key_padding_mask"])
    if call.get("causal"):
        options["src_mask"] = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)  # True: not attended
        options["is_causal"] = True
    with torch.no_grad():
        want = ref(torch.tensor(x), **options).numpy()
    np.testing.assert_allclose(ours, want, rtol=1e-5, atol=1e-5)


def test_parameter_names_and_shapes(backend: str) -> None:
    layer = _layer()
    layer(_x())
    shapes = {k: v.shape for k, v in layer.state_dict().items()}
    assert shapes["linear1.kernel"] == (D, FF) and shapes["linear2.kernel"] == (FF, D)
    assert shapes["self_attn.query_kernel"] == (D, HEADS, D // HEADS)
    assert shapes["norm1.gamma"] == (D,) and shapes["norm2.beta"] == (D,)
    assert dn.ops.shape(layer(_x())) == (N, T, D)


def test_dropout_is_active_in_training_only(backend: str) -> None:
    layer = TransformerEncoderLayer(D, HEADS, dim_feedforward=FF, dropout=0.5)
    x = _x()
    layer.eval()
    a = dn.ops.to_numpy(layer(x))
    np.testing.assert_array_equal(a, dn.ops.to_numpy(layer(x)))
    layer.train()
    assert not np.allclose(dn.ops.to_numpy(layer(x)), a)


# ---------------------------------------------------------------- parity across backends


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_parity(training: bool, norm_first: bool) -> None:
    dn.testing.module_parity(
        lambda: _layer(norm_first=norm_first, activation="gelu"),
        [_x()],
        training=training,
        call_kwargs={"key_padding_mask": PAD, "causal": True},
        rtol=1e-5,
        atol=1e-5,
    )


def test_parity_in_eval_mode_with_dropout() -> None:
    dn.testing.module_parity(lambda: TransformerEncoderLayer(D, HEADS, dim_feedforward=FF), [_x()], atol=1e-5)


# ---------------------------------------------------------------- errors


def test_wrong_rank_names_the_layer(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"TransformerEncoderLayer expects inputs of rank 3 \(N, T, d_model\)"):
        _layer()(_x((N, D)))


def test_wrong_feature_size(backend: str) -> None:
    with pytest.raises(dn.ShapeError, match=r"expects inputs with last dimension d_model=8, got shape \(2, 4, 6\)"):
        _layer()(_x((N, T, 6)))


def test_bad_padding_mask_names_the_attention_layer(backend: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.block = _layer()

        def forward(self, x: Any, pad: Any) -> Any:
            return self.block(x, key_padding_mask=pad)

    with pytest.raises(dn.ShapeError, match=r"layer 'block.self_attn' \(MultiHeadAttention\) expects key_padding_mask"):
        Net()(_x(), np.zeros((N, T + 1), bool))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"d_model": 10, "num_heads": 3}, r"d_model=10, num_heads=3\): d_model must be divisible by num_heads"),
        ({"d_model": 8, "num_heads": 2, "dropout": -0.1}, r"dropout=-0.1\): dropout must be a number in \[0, 1\)"),
        ({"d_model": 8, "num_heads": 2, "activation": "nope"}, r"activation='nope'\): unknown activation"),
        ({"d_model": 0, "num_heads": 2}, r"d_model=0\): d_model must be a positive int"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        TransformerEncoderLayer(**kwargs)
