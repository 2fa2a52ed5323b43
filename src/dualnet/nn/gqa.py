"""``GroupQueryAttention`` (Keras 3's ``GroupQueryAttention``, also ``GroupedQueryAttention``): fewer key/value heads.

Weights, Keras's ``EinsumDense`` shapes: ``query_kernel`` (D_q, H_q, head_dim),
``key_kernel`` (D_k, H_kv, head_dim), ``value_kernel`` (D_v, H_kv, head_dim),
``output_kernel`` (H_q, head_dim, D_q), biases ``query_bias`` (H_q, head_dim),
``key_bias`` and ``value_bias`` (H_kv, head_dim), ``output_bias`` (D_q,).
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import argument_error, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.nn.attention import MultiHeadAttention

__all__ = ["GroupQueryAttention", "GroupedQueryAttention"]


class GroupQueryAttention(MultiHeadAttention):
    """Grouped-query attention (Keras 3's ``keras.layers.GroupQueryAttention``, class ``GroupedQueryAttention``).

    ``num_query_heads`` query heads share ``num_key_value_heads`` key/value
    heads: query head ``h`` reads key/value head ``h // (num_query_heads //
    num_key_value_heads)``, as Keras and PyTorch's ``enable_gqa`` do. The call
    is :class:`~dualnet.nn.MultiHeadAttention`'s, on 3-D inputs:
    ``forward(query, value=None, key=None, *, attention_mask=None,
    use_causal_mask=False, return_attention_scores=False, training=None)``
    (``key_padding_mask`` and ``causal`` work too), ``query`` (N, T, D_q),
    ``value`` (N, S, D_v), ``key`` (N, S, D_k); returns (N, T, D_q) and, with
    ``return_attention_scores``, the weights (N, num_query_heads, T, S).
    Without weights to return or dropout to apply it runs
    :func:`dualnet.ops.dot_product_attention` on the grouped heads (torch's
    ``scaled_dot_product_attention(enable_gqa=True)``), without repeating them.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it), or
            ``num_query_heads`` not a multiple of ``num_key_value_heads``.
        ShapeError: for query, key, value or mask shapes that do not fit together.
        DTypeError: for integer inputs or float masks.
    """

    def __init__(
        self,
        head_dim: int,
        num_query_heads: int,
        num_key_value_heads: int,
        dropout: float = 0.0,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        dtype: str = "float32",
    ) -> None:
        owner = type(self).__name__
        head_dim = check_int(owner, "head_dim", head_dim, low=1, example="head_dim=64")
        num_query_heads = check_int(owner, "num_query_heads", num_query_heads, low=1, example="num_query_heads=8")
        kv = check_int(owner, "num_key_value_heads", num_key_value_heads, low=1, example="num_key_value_heads=2")
        if num_query_heads % kv != 0:
            raise argument_error(
                owner,
                "num_key_value_heads",
                kv,
                f"a divisor of num_query_heads={num_query_heads}",
                f"pass e.g. num_key_value_heads={1 if num_query_heads == 1 else num_query_heads // 2 or 1}",
            )
        super().__init__(
            num_query_heads,
            head_dim,
            dropout=dropout,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            dtype=dtype,
        )
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = kv

    def _create(self, query: Any, key: Any, value: Any) -> None:
        d_q, d_k, d_v = (int(B.shape(t)[-1]) for t in (query, key, value))
        hq, hkv, hd = self.num_query_heads, self.num_key_value_heads, self.head_dim
        shapes = {
            "query": ((d_q, hq, hd), (hq, hd)),
            "key": ((d_k, hkv, hd), (hkv, hd)),
            "value": ((d_v, hkv, hd), (hkv, hd)),
            "output": ((hq, hd, d_q), (d_q,)),
        }
        for name, (kernel_shape, bias_shape) in shapes.items():
            self.add_weight(f"{name}_kernel", kernel_shape, self.kernel_initializer, self.dtype)
            if self.use_bias:
                self.add_weight(f"{name}_bias", bias_shape, self.bias_initializer, self.dtype)
        self.__dict__["features"] = (d_q, d_k, d_v)

    def check_inputs(self, query: Any = None, value: Any = None, key: Any = None, *rest: Any) -> None:
        for name, x in (("query", query), ("value", value), ("key", key)):
            if x is not None and len(B.shape(x)) != 3:
                raise ShapeError(
                    f"{self._where()} expects {name} of rank 3 (N, length, features), got shape "
                    f"{tuple(B.shape(x))}; pass batch-first sequences"
                )
        super().check_inputs(query, value, key, *rest)

    def extra_repr(self) -> str:
        extras = f", dropout={self.dropout}" if self.dropout else ""
        return (
            f"head_dim={self.head_dim}, num_query_heads={self.num_query_heads}, "
            f"num_key_value_heads={self.num_key_value_heads}{extras}"
        )


GroupedQueryAttention = GroupQueryAttention
"""The same class as :class:`GroupQueryAttention`, under the name of Keras's class.

``query`` (N, T, D_q), ``value`` (N, S, D_v), ``key`` (N, S, D_k) -> (N, T, D_q).

Raises:
    ArgumentError: at construction, for an argument outside its valid values.
    ShapeError: for query, key, value or mask shapes that do not fit together.
    DTypeError: for integer inputs or float masks.
"""
