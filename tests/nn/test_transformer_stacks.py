"""TransformerEncoder, TransformerDecoder and Transformer: torch.nn's numbers and gradients, parity, files, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from tests.nn import transformer_references as refs

N, S, T, D, HEADS, FF = 2, 5, 4, 8, 2, 16
SRC_PAD = np.array([[False, False, False, False, True], [False, False, True, True, True]])
TGT_PAD = np.array([[False, False, False, True], [False, False, True, True]])
CAUSAL = np.triu(np.ones((T, T), bool), 1)
SRC_MASK = np.random.default_rng(7).random((S, S)) < 0.3
SRC_MASK[:, 0] = False  # no query row is masked out everywhere


def _x(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


SRC, TGT = _x((N, S, D)), _x((N, T, D), 1)


def _encoder(norm_first: bool, bias: bool = True) -> dn.nn.TransformerEncoder:
    layer = dn.nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, norm_first=norm_first, bias=bias)
    return dn.nn.TransformerEncoder(layer, 2, norm=dn.nn.LayerNorm(epsilon=1e-5))


def _decoder(norm_first: bool) -> dn.nn.TransformerDecoder:
    layer = dn.nn.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, norm_first=norm_first)
    return dn.nn.TransformerDecoder(layer, 2, norm=dn.nn.LayerNorm(epsilon=1e-5))


def _transformer(norm_first: bool) -> dn.nn.Transformer:
    return dn.nn.Transformer(D, HEADS, 2, 2, FF, dropout=0.0, norm_first=norm_first)


def _torch_encoder(norm_first: bool, bias: bool = True) -> Any:
    import torch

    layer = torch.nn.TransformerEncoderLayer(D, HEADS, FF, 0.0, batch_first=True, norm_first=norm_first, bias=bias)
    return torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(D), enable_nested_tensor=False)


def _torch_decoder(norm_first: bool) -> Any:
    import torch

    layer = torch.nn.TransformerDecoderLayer(D, HEADS, FF, 0.0, batch_first=True, norm_first=norm_first)
    return torch.nn.TransformerDecoder(layer, 2, norm=torch.nn.LayerNorm(D))


def _torch_transformer(norm_first: bool) -> Any:
    import torch

    return torch.nn.Transformer(D, HEADS, 2, 2, FF, 0.0, batch_first=True, norm_first=norm_first)


def _compare(module: Any, reference: Any, inputs: list[np.ndarray], call: dict[str, Any], torch_call: Any) -> None:
    out = module(*inputs)  # builds the lazily sized weights
    refs.perturbed(module)
    cot = _x(tuple(dn.ops.shape(out)), 2)
    got = refs.ours(module, inputs, cot, **call)
    refs.assert_same(got, refs.torch(reference, module.state_dict(), inputs, cot, **torch_call))


# Both norm placements of the stacks are compared through Transformer below; these add bias=False and the masks.
def test_encoder_stack_matches_torch(backend: str) -> None:
    pytest.importorskip("torch")
    call = {"mask": SRC_MASK, "src_key_padding_mask": SRC_PAD}
    _compare(_encoder(True, bias=False), _torch_encoder(True, bias=False), [SRC], call, call)


def test_decoder_stack_matches_torch(backend: str) -> None:
    pytest.importorskip("torch")
    call = {"tgt_mask": CAUSAL, "tgt_key_padding_mask": TGT_PAD, "memory_key_padding_mask": SRC_PAD}
    _compare(_decoder(False), _torch_decoder(False), [TGT, SRC], call, call)


# torch's own Transformer warns that a pre-norm encoder does not take its nested-tensor fast path
@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_matches_torch(backend: str, norm_first: bool) -> None:
    pytest.importorskip("torch")
    call = {
        "src_mask": SRC_MASK,
        "tgt_mask": dn.ops.to_numpy(dn.nn.Transformer.generate_square_subsequent_mask(T)),
        "src_key_padding_mask": SRC_PAD,
        "tgt_key_padding_mask": TGT_PAD,
        "memory_key_padding_mask": SRC_PAD,
    }
    _compare(_transformer(norm_first), _torch_transformer(norm_first), [SRC, TGT], call, call)


def test_the_causal_mask_helper_matches_torch(backend: str) -> None:
    torch = pytest.importorskip("torch")
    mask = dn.ops.to_numpy(dn.nn.Transformer.generate_square_subsequent_mask(T))
    assert mask.dtype == np.bool_
    np.testing.assert_array_equal(mask, torch.isinf(torch.nn.Transformer.generate_square_subsequent_mask(T)).numpy())


def test_copies_have_their_own_weights_and_torch_names(backend: str) -> None:
    stack = _decoder(False)
    stack(TGT, SRC)
    state = stack.state_dict()
    assert {k.split(".")[1] for k in state if k.startswith("layers.")} == {"0", "1"}
    assert "norm.gamma" in state and "layers.1.multihead_attn.query_kernel" in state
    first, second = state["layers.0.linear1.kernel"], state["layers.1.linear1.kernel"]
    assert first.shape == second.shape == (D, FF) and not np.array_equal(first, second)
    ids = {id(v) for _, v in stack.named_parameters()}
    assert len(ids) == len(state)  # no variable shared between copies


# ---------------------------------------------------------------- parity across backends and files


@pytest.mark.parametrize("training", [False, True])
def test_transformer_parity(training: bool) -> None:
    dn.testing.module_parity(
        lambda: _transformer(norm_first=training),
        [SRC, TGT],
        training=training,
        call_kwargs={
            "src_mask": SRC_MASK,
            "tgt_is_causal": True,
            "src_key_padding_mask": SRC_PAD,
            "memory_key_padding_mask": SRC_PAD,
        },
        rtol=1e-5,
        atol=1e-5,
    )


def test_saved_on_one_backend_loads_on_the_other(tmp_path: Path) -> None:
    outputs = {}
    for name in ("torch", "tensorflow"):
        dn.set_backend(name)
        if name == "torch":
            model = _transformer(norm_first=True)
            model(SRC, TGT)
            dn.save(model, tmp_path / "t.safetensors")
        else:
            model = dn.load(tmp_path / "t.safetensors")
        model.eval()
        outputs[name] = dn.ops.to_numpy(model(SRC, TGT, tgt_is_causal=True, src_key_padding_mask=SRC_PAD))
    np.testing.assert_allclose(outputs["tensorflow"], outputs["torch"], rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------- errors


def test_bad_inputs_name_the_layer_path(backend: str) -> None:
    model = _transformer(norm_first=False)
    with pytest.raises(dn.ShapeError, match=r"'encoder.layers.0' \(TransformerEncoderLayer\) expects inputs with last"):
        model(_x((N, S, 6)), TGT)
    with pytest.raises(dn.ShapeError, match=r"'decoder.layers.0' \(TransformerDecoderLayer\) expects tgt with last"):
        model(SRC, _x((N, T, 6)))
    with pytest.raises(dn.ShapeError, match=r"Transformer expects src and tgt with the same batch size"):
        model(SRC, _x((3, T, D)))
    with pytest.raises(dn.ShapeError, match=r"'decoder.layers.0' \(TransformerDecoderLayer\) expects tgt_mask of"):
        model(SRC, TGT, tgt_mask=np.zeros((T + 1, T + 1), bool))
    with pytest.raises(dn.ShapeError, match=r"'encoder.layers.0' \(TransformerEncoderLayer\) expects src_mask of"):
        model(SRC, TGT, src_mask=np.zeros((S, S, S), bool))


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: dn.nn.TransformerEncoder("layer", 2), r"TransformerEncoder\(encoder_layer='layer'\): encoder_layer"),
        (
            lambda: dn.nn.TransformerDecoder(dn.nn.Dense(2), 0),
            r"num_layers=0\): num_layers must be an int in \[1, 1024\]",
        ),
        (lambda: dn.nn.TransformerEncoder(dn.nn.Dense(2), 2, norm=3), r"norm=3\): norm must be a dn.nn.Module"),
        (lambda: dn.nn.Transformer(custom_encoder=1), r"custom_encoder=1\): custom_encoder must be a dn.nn.Module"),
        (lambda: dn.nn.Transformer.generate_square_subsequent_mask(0), r"sz=0\): sz must be a positive int"),
    ],
)
def test_bad_arguments(build: Any, match: str) -> None:
    with pytest.raises(dn.ArgumentError, match=match):
        build()
