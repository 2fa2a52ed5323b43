"""``TransformerDecoderLayer``: self-attention, cross-attention and a feed-forward block, PyTorch's semantics.

The same computation as ``torch.nn.TransformerDecoderLayer(batch_first=True)``,
with dualnet's layers and weight layouts: ``self_attn`` and ``multihead_attn``
(:class:`~dualnet.nn.attention.MultiHeadAttention`, ``key_dim = d_model //
nhead``), ``linear1`` and ``linear2`` (Dense), ``norm1``, ``norm2`` and
``norm3`` (LayerNorm): PyTorch's attribute names, so its weights map one to one.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_bool, check_float, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn import activations
from dualnet.nn.attention import MultiHeadAttention
from dualnet.nn.dense import Dense
from dualnet.nn.module import Module
from dualnet.nn.normalization import LayerNorm
from dualnet.nn.transformer_masks import attend

__all__ = ["TransformerDecoderLayer"]

_NAME = "TransformerDecoderLayer"


class TransformerDecoderLayer(Module):
    """One Transformer decoder block (PyTorch ``nn.TransformerDecoderLayer``, batch-first).

    ``forward(tgt, memory, tgt_mask=None, memory_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None,
    tgt_is_causal=False, memory_is_causal=False)``: ``tgt`` (N, T, d_model),
    ``memory`` (N, S, d_model) (the encoder's output) -> (N, T, d_model).
    Masks follow PyTorch: ``tgt_mask`` (T, T) and ``memory_mask`` (T, S), or
    (N * nhead, ...), bool (True: not attended) or float (added to the
    scores); ``tgt_key_padding_mask`` (N, T) and ``memory_key_padding_mask``
    (N, S) bool, True at padding. ``tgt_is_causal`` applies the causal mask
    (position i attends to 0..i) whether or not ``tgt_mask`` is given (in
    PyTorch it is only a hint that ``tgt_mask`` is causal); ``memory_is_causal``
    likewise for the cross-attention. A key masked out everywhere in a row
    gives a uniform average (PyTorch's ``-inf`` gives NaN there).

    Post-norm by default (``x = norm1(x + sa(x)); x = norm2(x + ca(x, memory));
    x = norm3(x + ff(x))``), pre-norm with ``norm_first``
    (``x = x + sa(norm1(x))``, ...), where ``ff(x) =
    linear2(dropout(activation(linear1(x))))``; dropout is on the attention
    weights and each residual branch. ``bias=False`` drops the biases of every
    projection and of the norms, as PyTorch's.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for ``tgt`` or ``memory`` that is not ``(N, length, d_model)``, or a mask that does not fit.
        DTypeError: for inputs that are not floating point, or a mask that is neither bool nor float.
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Any = "relu",
        layer_norm_eps: float = 1e-5,
        norm_first: bool = False,
        bias: bool = True,
        dtype: str = "float32",
    ) -> None:
        super().__init__()
        d_model = check_int(_NAME, "d_model", d_model, low=1, example="d_model=512")
        nhead = check_int(_NAME, "nhead", nhead, low=1, example="nhead=8")
        dim_feedforward = check_int(_NAME, "dim_feedforward", dim_feedforward, low=1, example="dim_feedforward=2048")
        if d_model % nhead:
            raise ArgumentError(
                f"{_NAME}(d_model={d_model}, nhead={nhead}): d_model must be divisible by nhead "
                f"(each head gets d_model // nhead features); pick nhead dividing {d_model}"
            )
        dropout = check_probability(_NAME, "dropout", dropout, high_open=True, example="dropout=0.1")
        layer_norm_eps = check_float(
            _NAME, "layer_norm_eps", layer_norm_eps, low=0.0, low_open=True, example="layer_norm_eps=1e-5"
        )
        self.d_model = d_model
        self.nhead = nhead
        self.dim_feedforward = dim_feedforward
        self.dropout = dropout
        self.norm_first = check_bool(_NAME, "norm_first", norm_first)
        self.bias = check_bool(_NAME, "bias", bias)
        self.layer_norm_eps = layer_norm_eps
        self.activation = activations.get(activation, where=f"{_NAME}(activation={activation!r})")
        head = d_model // nhead
        self.self_attn = MultiHeadAttention(nhead, head, dropout=dropout, use_bias=bias, dtype=dtype)
        self.multihead_attn = MultiHeadAttention(nhead, head, dropout=dropout, use_bias=bias, dtype=dtype)
        # Sized at the first call, like the attention: a layer given to a stack as its template never allocates.
        self.linear1 = Dense(dim_feedforward, use_bias=bias, dtype=dtype)
        self.linear2 = Dense(d_model, use_bias=bias, dtype=dtype)
        self.norm1 = LayerNorm(epsilon=layer_norm_eps, center=bias, dtype=dtype)
        self.norm2 = LayerNorm(epsilon=layer_norm_eps, center=bias, dtype=dtype)
        self.norm3 = LayerNorm(epsilon=layer_norm_eps, center=bias, dtype=dtype)

    def _drop(self, x: Any) -> Any:
        return B.dropout(x, self.dropout, self.training) if self.dropout > 0.0 and self.training else x

    def _feedforward_block(self, x: Any) -> Any:
        hidden = self.linear1(x)
        if self.activation is not None:
            hidden = self.activation(hidden)
        return self._drop(self.linear2(self._drop(hidden)))

    def forward(
        self,
        tgt: Any,
        memory: Any,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Any:
        where = f"{_NAME}.forward"
        tgt_is_causal = check_bool(where, "tgt_is_causal", tgt_is_causal)
        memory_is_causal = check_bool(where, "memory_is_causal", memory_is_causal)
        self._check_memory(memory)

        def self_block(x: Any) -> Any:
            out = attend(
                self,
                self.self_attn,
                x,
                x,
                mask=tgt_mask,
                mask_name="tgt_mask",
                key_padding_mask=tgt_key_padding_mask,
                causal=tgt_is_causal,
            )
            return self._drop(out)

        def cross_block(x: Any) -> Any:
            out = attend(
                self,
                self.multihead_attn,
                x,
                memory,
                mask=memory_mask,
                mask_name="memory_mask",
                key_padding_mask=memory_key_padding_mask,
                causal=memory_is_causal,
            )
            return self._drop(out)

        x = tgt
        if self.norm_first:
            x = B.add(x, self_block(self.norm1(x)))
            x = B.add(x, cross_block(self.norm2(x)))
            return B.add(x, self._feedforward_block(self.norm3(x)))
        x = self.norm1(B.add(x, self_block(x)))
        x = self.norm2(B.add(x, cross_block(x)))
        return self.norm3(B.add(x, self._feedforward_block(x)))

    def _check_memory(self, memory: Any) -> None:
        # Module checks positional inputs only when a call fails; memory is checked on every call (cheap),
        # since a wrong size would otherwise surface as an einsum error inside the cross-attention.
        _check_sequence(self, "memory", memory, self.d_model)

    def check_inputs(self, tgt: Any = None, memory: Any = None, *rest: Any) -> None:
        _check_sequence(self, "tgt", tgt, self.d_model)
        if memory is not None:
            _check_sequence(self, "memory", memory, self.d_model)

    def extra_repr(self) -> str:
        return (
            f"d_model={self.d_model}, nhead={self.nhead}, dim_feedforward={self.dim_feedforward}, "
            f"dropout={self.dropout}, norm_first={self.norm_first}"
        )


def _check_sequence(layer: Module, name: str, x: Any, d_model: int) -> None:
    """ShapeError / DTypeError naming ``layer`` unless ``x`` is a float ``(N, length, d_model)`` sequence."""
    shape = tuple(B.shape(x))
    if len(shape) != 3:
        raise ShapeError(
            f"{layer._where()} expects {name} of rank 3 (N, length, d_model), got shape {shape}; "
            "pass batch-first sequences of feature vectors"
        )
    if not is_float(B.dtype(x)):
        raise DTypeError(
            f"{layer._where()} expects floating-point {name}, got {B.dtype(x)}; "
            "embed integer ids first (dn.nn.Embedding)"
        )
    if shape[-1] not in (d_model, None):
        raise ShapeError(
            f"{layer._where()} expects {name} with last dimension d_model={d_model}, got shape {shape}; "
            f"project the features to {d_model} first (e.g. dn.nn.Dense({d_model}))"
        )
