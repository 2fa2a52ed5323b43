"""MultiHeadAttention's Keras 3 call (attention_mask, use_causal_mask, value_dim, output_shape, attention_axes,
return_attention_scores, training) against keras.layers.MultiHeadAttention and torch.nn.MultiheadAttention on the
same weights: outputs and gradients within 1e-5; parity across backends; bad masks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn import MultiHeadAttention
from tests.nn import attention_references as refs

N, T, S = 2, 4, 3
_KERAS_NAMES = {"query": "query", "key": "key", "value": "value", "output": "attention_output"}


def _names(use_bias: bool = True) -> dict[str, str]:
    kinds = ("kernel", "bias") if use_bias else ("kernel",)
    return {f"{ours}_{kind}": f"{theirs}/{kind}" for ours, theirs in _KERAS_NAMES.items() for kind in kinds}


def _keras_weights(layer: MultiHeadAttention) -> Any:
    state = layer.state_dict()
    by_path = {theirs: state[ours] for ours, theirs in _names(layer.use_bias).items()}
    return lambda path: by_path[path]


def _mask(shape: tuple[int, ...], seed: int = 5) -> np.ndarray:
    mask = np.random.default_rng(seed).random(shape) > 0.4
    mask[..., 0] = True  # every query keeps a key: Keras adds its large negative, we replace; equal unless none is left
    return mask


def _call(**kwargs: Any) -> Any:
    def call(layer: Any, xs: list[Any]) -> Any:
        query, value, *key = xs
        return layer(query, value, key[0] if key else None, **kwargs)

    return call


CASES = {
    "attention_mask": (
        {"num_heads": 2, "key_dim": 3, "value_dim": 5, "output_shape": 7},
        [(N, T, 6), (N, S, 4), (N, S, 2)],
        {"attention_mask": _mask((N, T, S))},
    ),
    "causal_and_broadcast_mask": (
        {"num_heads": 2, "key_dim": 2},
        [(N, T, 6), (N, T, 6)],
        {"attention_mask": _mask((N, 1, T)), "use_causal_mask": True},
    ),
    "causal_cross": (
        {"num_heads": 1, "key_dim": 4, "use_bias": False},
        [(N, T, 3), (N, S, 5)],
        {"use_causal_mask": True},
    ),
    "attention_axes_2d": (
        {"num_heads": 2, "key_dim": 2, "attention_axes": (1, 2), "output_shape": (2, 3)},
        [(N, 2, 3, 4), (N, 3, 2, 5)],
        {"attention_mask": _mask((N, 2, 3, 3, 2))},
    ),
    "attention_axes_last": ({"num_heads": 2, "key_dim": 3, "attention_axes": -2}, [(N, 2, T, 4), (N, 2, S, 4)], {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_matches_keras_multi_head_attention(backend: str, case: str) -> None:
    import keras

    args, shapes, kwargs = CASES[case]
    xs = refs.inputs(*shapes)
    layer = MultiHeadAttention(**args, bias_initializer="uniform")
    mine = refs.ours(layer, xs, _call(**kwargs))
    theirs = refs.keras(keras.layers.MultiHeadAttention(**args), xs, _call(**kwargs), _keras_weights(layer))
    refs.compare(mine, theirs, _names(layer.use_bias))


def test_attention_scores_match_keras(backend: str) -> None:
    import keras

    xs = refs.inputs((N, T, 6), (N, S, 4))
    mask = _mask((N, T, S))
    layer = MultiHeadAttention(2, 3, bias_initializer="uniform")
    out, scores = layer(*xs, attention_mask=mask, return_attention_scores=True)
    theirs = keras.layers.MultiHeadAttention(2, 3)
    theirs(*xs)
    weights = _keras_weights(layer)
    for variable in theirs.weights:
        variable.assign(weights(variable.path.split("/", 1)[1]))
    want_out, want_scores = theirs(*xs, attention_mask=mask, return_attention_scores=True)
    refs.close(dn.ops.to_numpy(out), want_out.numpy())
    refs.close(dn.ops.to_numpy(scores), want_scores.numpy())
    assert np.all(dn.ops.to_numpy(scores)[np.broadcast_to(~mask[:, None], (N, 2, T, S))] == 0.0)


def test_matches_torch_multihead_attention_with_attention_mask(torch_backend: str) -> None:
    import torch

    d = 6
    xs = refs.inputs((N, T, d), (N, S, d))
    mask = _mask((N, T, S))
    layer = MultiHeadAttention(2, 3, bias_initializer="uniform")
    mine = refs.ours(layer, xs, _call(attention_mask=mask))
    w = layer.state_dict()
    ref = torch.nn.MultiheadAttention(d, 2, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(
            torch.tensor(np.concatenate([w[f"{p}_kernel"].reshape(d, d).T for p in ("query", "key", "value")]))
        )
        ref.in_proj_bias.copy_(
            torch.tensor(np.concatenate([w[f"{p}_bias"].ravel() for p in ("query", "key", "value")]))
        )
        ref.out_proj.weight.copy_(torch.tensor(w["output_kernel"].reshape(d, d).T))
        ref.out_proj.bias.copy_(torch.tensor(w["output_bias"]))
    q, v = (torch.tensor(x, requires_grad=True) for x in xs)
    # torch's bool attn_mask is True where attention is *not* allowed, one (T, S) per batch and head.
    blocked = torch.tensor(~mask).repeat_interleave(2, dim=0)
    y, _ = ref(q, v, v, attn_mask=blocked)
    (y * torch.tensor(refs.cotangent(tuple(y.shape)))).sum().backward()
    refs.close(mine[0], y.detach().numpy())
    refs.close(mine[1][0], q.grad.numpy())
    refs.close(mine[1][1], v.grad.numpy())
    d_in = ref.in_proj_weight.grad.numpy()
    for i, p in enumerate(("query", "key", "value")):
        refs.close(mine[2][f"{p}_kernel"], d_in[i * d : (i + 1) * d].T.reshape(d, 2, 3))
    refs.close(mine[2]["output_kernel"], ref.out_proj.weight.grad.numpy().T.reshape(2, 3, d))


# ---------------------------------------------------------------- the fused path and the explicit one agree


def test_fused_and_explicit_paths_agree(backend: str) -> None:
    xs = refs.inputs((N, T, 6), (N, S, 4))
    mask = _mask((N, T, S))
    layer = MultiHeadAttention(2, 3, bias_initializer="uniform")
    fused = dn.ops.to_numpy(layer(*xs, attention_mask=mask, use_causal_mask=True))
    explicit, _ = layer(*xs, attention_mask=mask, use_causal_mask=True, return_attention_scores=True)
    refs.close(fused, dn.ops.to_numpy(explicit))


def test_training_argument_overrides_the_mode(backend: str) -> None:
    layer = MultiHeadAttention(2, 3, dropout=0.5)
    x = refs.inputs((N, T, 6))[0]
    layer.train()
    a, b = (dn.ops.to_numpy(layer(x, training=False)) for _ in range(2))
    np.testing.assert_array_equal(a, b)
    layer.eval()
    np.testing.assert_array_equal(dn.ops.to_numpy(layer(x)), a)
    assert not np.allclose(dn.ops.to_numpy(layer(x, training=True)), a)


# ---------------------------------------------------------------- parity, save and load


class _Masked(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = MultiHeadAttention(2, 2, value_dim=3, output_shape=(2, 2), bias_initializer="uniform")

    def forward(self, query: Any, value: Any) -> Any:
        return self.attn(query, value, attention_mask=_mask((N, T, S)), use_causal_mask=True)


class _Axes(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = MultiHeadAttention(2, 2, attention_axes=(1, 2), bias_initializer="uniform")

    def forward(self, query: Any) -> Any:
        return self.attn(query, return_attention_scores=True)


def test_masked_parity() -> None:
    dn.testing.module_parity(_Masked, refs.inputs((N, T, 5), (N, S, 4)))


def test_attention_axes_parity_in_training() -> None:
    dn.testing.module_parity(_Axes, refs.inputs((N, 2, 3, 4)), training=True)


def test_saved_on_one_backend_loads_on_the_other(tmp_path: Any) -> None:
    xs = refs.inputs((N, T, 5), (N, S, 4))
    previous = dn.backend()
    try:
        dn.set_backend("torch")
        dn.seed(3)
        model = _Masked()
        want = dn.ops.to_numpy(model(*xs))
        model.save_weights(tmp_path / "mha.safetensors")
        dn.set_backend("tensorflow")
        other = _Masked()
        other(*xs)
        other.load_weights(tmp_path / "mha.safetensors")
        refs.close(dn.ops.to_numpy(other(*xs)), want)
    finally:
        dn.set_backend(previous)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("mask_shape", "kwargs"),
    [((N, S, T), {}), ((N, T, S + 1), {}), ((3, T, S), {}), ((N, 1, 1, T, S), {})],
    ids=["swapped", "too_long", "wrong_batch", "too_many_axes"],
)
def test_incompatible_attention_mask_is_a_shape_error(backend: str, mask_shape: tuple[int, ...], kwargs: Any) -> None:
    class Net(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attn = MultiHeadAttention(2, 3)

        def forward(self, q: Any, v: Any) -> Any:
            return self.attn(q, v, attention_mask=np.ones(mask_shape, bool), **kwargs)

    with pytest.raises(
        dn.ShapeError,
        match=rf"layer 'attn' \(MultiHeadAttention\) got an attention_mask of shape {re_shape(mask_shape)}, which "
        rf"does not broadcast to \({N}, {T}, {S}\) \(batch, query positions, key positions\).*pass a bool mask of "
        rf"shape \({N}, {T}, {S}\)",
    ):
        Net()(*refs.inputs((N, T, 6), (N, S, 6)))


def re_shape(shape: tuple[int, ...]) -> str:
    return r"\(" + ", ".join(map(str, shape)) + r"\)"


def test_float_attention_mask_is_a_dtype_error(backend: str) -> None:
    with pytest.raises(dn.DTypeError, match="expects a bool attention_mask, got float32"):
        MultiHeadAttention(2, 3)(refs.inputs((N, T, 6))[0], attention_mask=np.ones((N, T, T), "float32"))


def test_bad_attention_axes(backend: str) -> None:
    with pytest.raises(dn.ArgumentError, match=r"attention_axes=\(0,\).*distinct axes between the batch axis"):
        MultiHeadAttention(2, 3, attention_axes=0)(refs.inputs((N, T, 6))[0])
    with pytest.raises(dn.ArgumentError, match=r"causal mask needs one attention axis"):
        MultiHeadAttention(2, 3, attention_axes=(1, 2))(refs.inputs((N, 2, T, 6))[0], use_causal_mask=True)
    with pytest.raises(dn.ArgumentError, match=r"attention_axes='x'\)"):
        MultiHeadAttention(2, 3, attention_axes="x")  # type: ignore[arg-type]
