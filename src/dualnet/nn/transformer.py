"""``TransformerEncoderLayer``: self-attention and a feed-forward block, PyTorch's semantics.

The same computation as ``torch.nn.TransformerEncoderLayer(batch_first=True)``,
with dualnet's layers and weight layouts: ``self_attn``
(:class:`~dualnet.nn.attention.MultiHeadAttention`, ``key_dim = d_model //
num_heads``), ``linear1`` and ``linear2`` (Dense), ``norm1`` and ``norm2``
(LayerNorm). Dropout follows PyTorch's placement: on the attention weights,
after the feed-forward activation, and on each residual branch.
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

__all__ = ["TransformerEncoderLayer"]

_NAME = "TransformerEncoderLayer"


class TransformerEncoderLayer(Module):
    """One Transformer encoder block (PyTorch ``nn.TransformerEncoderLayer``, batch-first).

    Input ``(N, T, d_model)`` -> output of the same shape.
    ``forward(x, key_padding_mask=None, causal=False, src_mask=None)``:
    ``key_padding_mask`` (N, T) bool, True at padding positions; ``causal``
    lets position i attend to positions 0..i only; ``src_mask`` (T, T) or
    (N * num_heads, T, T), PyTorch's mask: bool (True: not attended) or float
    (added to the scores). ``bias=False`` drops the biases of every projection
    and of the norms, as PyTorch's. Post-norm by default
    (``x = norm1(x + sa(x)); x = norm2(x + ff(x))``), pre-norm with
    ``norm_first`` (``x = x + sa(norm1(x)); x = x + ff(norm2(x))``), where
    ``ff(x) = linear2(dropout(activation(linear1(x))))`` and each branch is
    followed by dropout. ``d_model`` must be divisible by ``num_heads``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for inputs that are not ``(N, T, d_model)`` or a mask that does not fit.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    def __init__(
        self,
        d_model: int,
        num_heads: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Any = "relu",
        norm_first: bool = False,
        layer_norm_eps: float = 1e-5,
        dtype: str = "float32",
        bias: bool = True,
    ) -> None:
        super().__init__()
        d_model = check_int(_NAME, "d_model", d_model, low=1, example="d_model=512")
        num_heads = check_int(_NAME, "num_heads", num_heads, low=1, example="num_heads=8")
        dim_feedforward = check_int(_NAME, "dim_feedforward", dim_feedforward, low=1, example="dim_feedforward=2048")
        if d_model % num_heads:
            raise ArgumentError(
                f"{_NAME}(d_model={d_model}, num_heads={num_heads}): d_model must be divisible by num_heads "
                f"(each head gets d_model // num_heads features); pick num_heads dividing {d_model}"
            )
        dropout = check_probability(_NAME, "dropout", dropout, high_open=True, example="dropout=0.1")
        layer_norm_eps = check_float(
            _NAME, "layer_norm_eps", layer_norm_eps, low=0.0, low_open=True, example="layer_norm_eps=1e-5"
        )
        self.d_model = d_model
        self.num_heads = num_heads
        self.dim_feedforward = dim_feedforward
        self.dropout = dropout
        self.norm_first = check_bool(_NAME, "norm_first", norm_first)
        self.layer_norm_eps = layer_norm_eps
        self.bias = check_bool(_NAME, "bias", bias)
        self.activation = activations.get(activation, where=f"{_NAME}(activation={activation!r})")
        head = d_model // num_heads
        self.self_attn = MultiHeadAttention(num_heads, head, dropout=dropout, use_bias=bias, dtype=dtype)
        # Sized at the first call, like the attention: a layer given to a stack as its template never allocates.
        self.linear1 = Dense(dim_feedforward, use_bias=bias, dtype=dtype)
        self.linear2 = Dense(d_model, use_bias=bias, dtype=dtype)
        self.norm1 = LayerNorm(epsilon=layer_norm_eps, center=bias, dtype=dtype)
        self.norm2 = LayerNorm(epsilon=layer_norm_eps, center=bias, dtype=dtype)

    def _drop(self, x: Any) -> Any:
        return B.dropout(x, self.dropout, self.training) if self.dropout > 0.0 and self.training else x

    def _attention_block(self, x: Any, key_padding_mask: Any, causal: bool, src_mask: Any) -> Any:
        out = attend(
            self,
            self.self_attn,
            x,
            x,
            mask=src_mask,
            mask_name="src_mask",
            key_padding_mask=key_padding_mask,
            causal=causal,
        )
        return self._drop(out)

    def _feedforward_block(self, x: Any) -> Any:
        hidden = self.linear1(x)
        if self.activation is not None:
            hidden = self.activation(hidden)
        return self._drop(self.linear2(self._drop(hidden)))

    def forward(self, x: Any, key_padding_mask: Any = None, causal: bool = False, src_mask: Any = None) -> Any:
        causal = check_bool(f"{_NAME}.forward", "causal", causal)
        if self.norm_first:
            x = B.add(x, self._attention_block(self.norm1(x), key_padding_mask, causal, src_mask))
            return B.add(x, self._feedforward_block(self.norm2(x)))
        x = self.norm1(B.add(x, self._attention_block(x, key_padding_mask, causal, src_mask)))
        return self.norm2(B.add(x, self._feedforward_block(x)))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        if len(shape) != 3:
            raise ShapeError(
                f"{self._where()} expects inputs of rank 3 (N, T, d_model), got shape {shape}; "
                "pass batch-first sequences of feature vectors"
            )
        if not is_float(B.dtype(x)):
            raise DTypeError(
                f"{self._where()} expects floating-point inputs, got {B.dtype(x)}; "
                "embed integer ids first (dn.nn.Embedding)"
            )
        if shape[-1] not in (self.d_model, None):
            raise ShapeError(
                f"{self._where()} expects inputs with last dimension d_model={self.d_model}, got shape {shape}; "
                f"project the features to {self.d_model} first (e.g. dn.nn.Dense({self.d_model}))"
            )

    def extra_repr(self) -> str:
        return (
            f"d_model={self.d_model}, num_heads={self.num_heads}, dim_feedforward={self.dim_feedforward}, "
            f"dropout={self.dropout}, norm_first={self.norm_first}"
        )
