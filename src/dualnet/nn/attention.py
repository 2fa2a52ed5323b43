"""``MultiHeadAttention``: scaled dot-product attention over several heads, Keras's weights.

Weights have Keras's ``EinsumDense`` shapes, one kernel and bias per
projection, so Keras's MultiHeadAttention weights load as they are:
``query_kernel`` (D_q, H, key_dim), ``key_kernel`` (D_k, H, key_dim),
``value_kernel`` (D_v, H, value_dim), ``output_kernel`` (H, value_dim, D_out),
biases ``query_bias`` (H, key_dim), ``key_bias``, ``value_bias`` (H, value_dim)
and ``output_bias`` (D_out,). Reshaping a kernel to 2-D gives the Dense
layout, e.g. ``query_kernel.reshape(D_q, H * key_dim)``; PyTorch's
``in_proj_weight`` is the three of them transposed and stacked.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from dualnet.arguments import check_bool, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import DTypeError, ShapeError
from dualnet.nn import initializers
from dualnet.nn.module import Module

__all__ = ["MultiHeadAttention"]

_PROJECTIONS = ("query", "key", "value", "output")


def large_negative(dtype: str) -> float:
    """The score given to masked positions: far below any real score, yet finite in ``dtype``.

    Finite so a fully masked row gives a uniform average rather than NaN; the
    same value on every backend so results match (Keras uses these values too).
    """
    return -3e4 if dtype == "float16" else -1e9


@lru_cache(maxsize=32)
def _causal(t: int, s: int) -> np.ndarray:
    return np.tril(np.ones((t, s), bool))  # query i sees keys 0..i


class MultiHeadAttention(Module):
    """Multi-head attention (Keras ``MultiHeadAttention``), batch-first.

    ``forward(query, value=None, key=None, key_padding_mask=None, causal=False,
    return_attention_scores=False)``: ``query`` (N, T, D_q), ``value``
    (N, S, D_v) (defaults to ``query``: self-attention), ``key`` (N, S, D_k)
    (defaults to ``value``). Returns (N, T, D_out) with ``D_out`` =
    ``output_shape`` or ``D_q``; with ``return_attention_scores`` also the
    attention weights (N, H, T, S) after softmax and before dropout.

    ``key_padding_mask`` (N, S) bool, True at padding keys (PyTorch's
    convention), and ``causal`` (query i attends to keys 0..i) exclude keys:
    their scores become :func:`large_negative` before the softmax. The query
    is scaled by ``1 / sqrt(key_dim)``; ``dropout`` applies to the attention
    weights in training mode. Weights are created at the first call, sized
    from the inputs (see the module docstring for their layout).

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for query, key, value or mask shapes that do not fit together.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    features: tuple[int, int, int] | None

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: int | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        dtype: str = "float32",
    ) -> None:
        super().__init__()
        owner = "MultiHeadAttention"
        self.num_heads = check_int(owner, "num_heads", num_heads, low=1, example="num_heads=8")
        self.key_dim = check_int(owner, "key_dim", key_dim, low=1, example="key_dim=64 (the size of each head)")
        value_dim = check_int(owner, "value_dim", value_dim, low=1, or_none=True, example="value_dim=64")
        self.value_dim = self.key_dim if value_dim is None else value_dim
        if isinstance(output_shape, tuple | list) and len(output_shape) == 1:
            output_shape = output_shape[0]
        output_shape = check_int(
            owner,
            "output_shape",
            output_shape,
            low=1,
            or_none=True,
            example="output_shape=256, or None (the query's size)",
        )
        self.dropout = check_probability(owner, "dropout", dropout, high_open=True, example="dropout=0.1")
        for arg, value in (("kernel_initializer", kernel_initializer), ("bias_initializer", bias_initializer)):
            initializers.get(value, where=f"{owner}({arg}={value!r})")
        self.use_bias = check_bool(owner, "use_bias", use_bias)
        self.output_shape = output_shape
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.dtype = dtype
        # (D_q, D_k, D_v), known at the first call; in __dict__ since Module would track a tuple as a container.
        self.__dict__["features"] = None
        self.built = False

    # Weights are created in forward, not build: build sees positional inputs only, and value/key may be keywords.
    def _create(self, query: Any, key: Any, value: Any) -> None:
        d_q, d_k, d_v = (int(B.shape(t)[-1]) for t in (query, key, value))
        h, kd, vd = self.num_heads, self.key_dim, self.value_dim
        d_out = self.output_shape or d_q
        shapes = {
            "query": ((d_q, h, kd), (h, kd)),
            "key": ((d_k, h, kd), (h, kd)),
            "value": ((d_v, h, vd), (h, vd)),
            "output": ((h, vd, d_out), (d_out,)),
        }
        for name in _PROJECTIONS:
            kernel_shape, bias_shape = shapes[name]
            self.add_weight(f"{name}_kernel", kernel_shape, self.kernel_initializer, self.dtype)
            if self.use_bias:
                self.add_weight(f"{name}_bias", bias_shape, self.bias_initializer, self.dtype)
        self.__dict__["features"] = (d_q, d_k, d_v)

    def _project(self, x: Any, name: str, subscripts: str) -> Any:
        y = B.einsum(subscripts, x, getattr(self, f"{name}_kernel"))
        return B.add(y, getattr(self, f"{name}_bias")) if self.use_bias else y

    def forward(
        self,
        query: Any,
        value: Any = None,
        key: Any = None,
        key_padding_mask: Any = None,
        causal: bool = False,
        return_attention_scores: bool = False,
    ) -> Any:
        where = f"{type(self).__name__}.forward"
        causal = check_bool(where, "causal", causal)
        return_attention_scores = check_bool(where, "return_attention_scores", return_attention_scores)
        value = query if value is None else value
        key = value if key is None else key
        if self.features is None:
            self.check_inputs(query, value, key)
            self._create(query, key, value)
        try:
            out, weights = self._attend(query, value, key, key_padding_mask, causal)
        except Exception:
            # Module.__call__ checks positional inputs only; value and key often come as keywords.
            self.check_inputs(query, value, key)
            raise
        return (out, weights) if return_attention_scores else out

    def _work(self, query: Any = None, value: Any = None, key: Any = None, *rest: Any) -> tuple[int, int]:
        source = value if key is None else key
        n, t, features = (int(s if s is not None else 1) for s in B.shape(query))
        length = int(B.shape(query if source is None else source)[1] or 1)
        scores = n * self.num_heads * t * length
        heads = self.num_heads * (self.key_dim + self.value_dim)
        return scores, scores * heads + n * (t + 2 * length) * features * heads

    def _attend(self, query: Any, value: Any, key: Any, key_padding_mask: Any, causal: bool) -> tuple[Any, Any]:
        q = self._project(query, "query", "ntd,dhk->nthk")
        k = self._project(key, "key", "nsd,dhk->nshk")
        v = self._project(value, "value", "nsd,dhv->nshv")
        # Scaling the query (T x key_dim values) is cheaper than scaling the scores (T x S), as Keras does.
        q = B.multiply(q, 1.0 / math.sqrt(self.key_dim))
        scores = B.einsum("nthk,nshk->nhts", q, k)
        keep = self._keep(query, key, key_padding_mask, causal)
        if keep is not None:
            scores = B.where(keep, scores, large_negative(B.dtype(scores)))
        weights = B.softmax(scores, -1)
        dropped = B.dropout(weights, self.dropout, self.training) if self.dropout > 0.0 else weights
        context = B.einsum("nhts,nshv->nthv", dropped, v)
        return self._project(context, "output", "nthv,hvo->nto"), weights

    def _keep(self, query: Any, key: Any, key_padding_mask: Any, causal: bool) -> Any:
        """Bool tensor broadcasting to the scores (N, H, T, S), True where attention is allowed; or None."""
        keep = None
        if key_padding_mask is not None:
            self._check_mask(query, key, key_padding_mask)
            # (N, S) padding flags -> (N, 1, 1, S) keep flags
            keep = B.expand_dims(B.logical_not(B.cast(key_padding_mask, "bool")), (1, 2))
        if causal:
            t, s = B.shape(query)[1], B.shape(key)[1]
            if t is None or s is None:
                raise ShapeError(
                    f"{self._where()} needs static sequence lengths for causal=True, got {t} and {s}; "
                    "trace with fixed sequence lengths"
                )
            lower = B.convert_to_tensor(_causal(int(t), int(s)))
            keep = lower if keep is None else B.logical_and(keep, lower)
        return keep

    def _check_mask(self, query: Any, key: Any, mask: Any) -> None:
        got, want = tuple(B.shape(mask)), (B.shape(query)[0], B.shape(key)[1])
        if len(got) != 2 or any(g is not None and w is not None and g != w for g, w in zip(got, want)):
            raise ShapeError(
                f"{self._where()} expects key_padding_mask of shape (N, S) = {want}, got {got}; "
                "pass one bool per key position, True at padding"
            )
        dtype = B.dtype(mask)
        if is_float(dtype):
            raise DTypeError(f"{self._where()} expects a bool key_padding_mask, got {dtype}; pass e.g. ids == pad_id")

    def check_inputs(self, query: Any = None, value: Any = None, key: Any = None, *rest: Any) -> None:
        # Sizes are checked only for the inputs given: Module re-checks positional inputs alone, while
        # value and key may have come as keywords.
        given = {"query": True, "value": value is not None, "key": key is not None}
        value = query if value is None else value
        key = value if key is None else key
        shapes = {}
        for name, x in (("query", query), ("value", value), ("key", key)):
            shape = tuple(B.shape(x))
            if len(shape) != 3:
                raise ShapeError(
                    f"{self._where()} expects {name} of rank 3 (N, length, features), got shape {shape}; "
                    "pass batch-first sequences"
                )
            if not is_float(B.dtype(x)):
                raise DTypeError(
                    f"{self._where()} expects floating-point {name}, got {B.dtype(x)}; "
                    "embed integer ids first (dn.nn.Embedding) or cast, e.g. dn.ops.cast(x, 'float32')"
                )
            shapes[name] = shape
        if not _same(shapes["query"][0], shapes["value"][0], shapes["key"][0]):
            raise ShapeError(
                f"{self._where()} expects query, value and key with the same batch size, got shapes "
                f"{shapes['query']}, {shapes['value']}, {shapes['key']}; pass matching batches"
            )
        if not _same(shapes["value"][1], shapes["key"][1]):
            raise ShapeError(
                f"{self._where()} expects key and value of the same length S, got shapes {shapes['key']} and "
                f"{shapes['value']}; pair each key with one value"
            )
        if self.features is not None:
            d_q, d_k, d_v = self.features
            for name, built in (("query", d_q), ("value", d_v), ("key", d_k)):
                if given[name] and not _same(shapes[name][-1], built):
                    raise ShapeError(
                        f"{self._where()} expects {name} with {built} features (last axis), got shape "
                        f"{shapes[name]}; feed every call inputs of the sizes it was built with"
                    )

    def extra_repr(self) -> str:
        extras = f", dropout={self.dropout}" if self.dropout else ""
        return f"num_heads={self.num_heads}, key_dim={self.key_dim}, value_dim={self.value_dim}{extras}"


def _same(*sizes: Any) -> bool:
    known = {s for s in sizes if s is not None}  # None: unknown while tracing
    return len(known) <= 1
