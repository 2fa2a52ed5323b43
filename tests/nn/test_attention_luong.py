"""Attention (Luong) and AdditiveAttention (Bahdanau) against Keras 3's layers on the same weights, parity, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.nn import AdditiveAttention, Attention
from tests.nn import attention_references as refs

N, T, S, D = 2, 4, 3, 5
Q_MASK = np.array([[True, True, False, True], [True, False, True, True]])
V_MASK = np.array([[True, False, True], [True, True, False]])


def _call(**kwargs: Any) -> Any:
    return lambda layer, xs: layer(list(xs), **kwargs)


def _state(layer: dn.nn.Module) -> Any:
    state = layer.state_dict()
    return lambda path: state[path]


def _shapes(with_key: bool) -> list[tuple[int, ...]]:
    return [(N, T, D), (N, S, 3), (N, S, D)] if with_key else [(N, T, D), (N, S, D)]


CASES = [
    (Attention, {}, True, {}),
    (Attention, {"use_scale": True}, False, {"mask": [Q_MASK, V_MASK]}),
    (Attention, {"score_mode": "concat", "use_scale": True}, True, {"mask": [None, V_MASK], "use_causal_mask": True}),
    (Attention, {"score_mode": "concat"}, False, {"use_causal_mask": True}),
    (AdditiveAttention, {}, True, {"mask": [Q_MASK, V_MASK]}),
    (AdditiveAttention, {"use_scale": False}, False, {"use_causal_mask": True}),
]


@pytest.mark.parametrize(("cls", "args", "with_key", "kwargs"), CASES, ids=lambda v: getattr(v, "__name__", None))
def test_matches_keras(backend: str, cls: type, args: dict[str, Any], with_key: bool, kwargs: dict[str, Any]) -> None:
    import keras

    xs = refs.inputs(*_shapes(with_key))
    layer = cls(**args)
    layer(xs)
    # Non-trivial scalar weights, so a weight that is ignored or misplaced shows.
    state = layer.state_dict()
    layer.load_state_dict(
        {k: (0.7 + 0.1 * np.arange(v.size).reshape(v.shape)).astype(v.dtype) for k, v in state.items()}
    )
    mine = refs.ours(layer, xs, _call(**kwargs))
    theirs = refs.keras(getattr(keras.layers, cls.__name__)(**args), xs, _call(**kwargs), _state(layer))
    refs.compare(mine, theirs, {name: name for name in layer.state_dict()})


def test_attention_scores_and_masked_queries(backend: str) -> None:
    import keras

    xs = refs.inputs(*_shapes(False))
    out, weights = Attention()(xs, mask=[Q_MASK, V_MASK], return_attention_scores=True)
    want_out, want_weights = keras.layers.Attention()(xs, mask=[Q_MASK, V_MASK], return_attention_scores=True)
    refs.close(dn.ops.to_numpy(out), want_out.numpy())
    refs.close(dn.ops.to_numpy(weights), want_weights.numpy())
    assert np.all(dn.ops.to_numpy(out)[~Q_MASK] == 0.0)
    assert np.all(dn.ops.to_numpy(weights)[np.broadcast_to(~V_MASK[:, None], (N, T, S))] == 0.0)


def test_dropout_only_in_training(backend: str) -> None:
    layer = Attention(dropout=0.5)
    xs = refs.inputs(*_shapes(False))
    a = dn.ops.to_numpy(layer(xs, training=False))
    layer.train()
    np.testing.assert_array_equal(dn.ops.to_numpy(layer(xs, training=False)), a)
    assert not np.allclose(dn.ops.to_numpy(layer(xs)), a)


class _Both(dn.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.luong = Attention(use_scale=True, score_mode="concat")
        self.additive = AdditiveAttention()

    def forward(self, query: Any, value: Any) -> Any:
        mask = [dn.ops.convert_to_tensor(Q_MASK), dn.ops.convert_to_tensor(V_MASK)]
        return dn.ops.add(self.luong([query, value], mask=mask), self.additive([query, value], use_causal_mask=True))


def test_parity() -> None:
    dn.testing.module_parity(_Both, refs.inputs(*_shapes(False)))


def test_saved_on_one_backend_loads_on_the_other(tmp_path: Any) -> None:
    xs = refs.inputs(*_shapes(False))
    previous = dn.backend()
    try:
        dn.set_backend("tensorflow")
        dn.seed(1)
        model = _Both()
        want = dn.ops.to_numpy(model(*xs))
        model.save_weights(tmp_path / "w.safetensors")
        dn.set_backend("torch")
        dn.seed(2)
        other = _Both()
        other(*xs)
        other.load_weights(tmp_path / "w.safetensors")
        refs.close(dn.ops.to_numpy(other(*xs)), want)
    finally:
        dn.set_backend(previous)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda layer, xs: layer(xs[0]), dn.ShapeError, r"expects a list \[query, value\] or \[query, value, key\]"),
        (
            lambda layer, xs: layer(xs, mask=[None, V_MASK[:, :2]]),
            dn.ShapeError,
            r"expects value_mask of shape \(2, 3\)",
        ),
        (
            lambda layer, xs: layer(xs, mask=[Q_MASK.astype("float32"), None]),
            dn.DTypeError,
            "expects a bool query_mask",
        ),
        (lambda layer, xs: layer([xs[0], xs[1], xs[0]]), dn.ShapeError, r"expects query \(N, T, dim\), value"),
    ],
    ids=["not_a_list", "value_mask_shape", "float_mask", "key_length"],
)
def test_bad_inputs(backend: str, call: Any, error: type, match: str) -> None:
    class Net(dn.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attn = Attention()

        def forward(self, q: Any, v: Any) -> Any:
            return call(self.attn, [q, v])

    with pytest.raises(error, match=r"layer 'attn' \(Attention\) " + match):
        Net()(*refs.inputs(*_shapes(False)))


def test_bad_score_mode() -> None:
    with pytest.raises(dn.ArgumentError, match=r"Attention\(score_mode='sum'\)"):
        Attention(score_mode="sum")
