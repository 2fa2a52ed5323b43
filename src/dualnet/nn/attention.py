"""``MultiHeadAttention``: scaled dot-product attention over several heads, Keras's weights.

Weights have Keras's ``EinsumDense`` shapes, one kernel and bias per
projection, so Keras's MultiHeadAttention weights load as they are:
``query_kernel`` (D_q, H, key_dim), ``key_kernel`` (D_k, H, key_dim),
``value_kernel`` (D_v, H, value_dim), ``output_kernel`` (H, value_dim, *out),
biases ``query_bias`` (H, key_dim), ``key_bias``, ``value_bias`` (H, value_dim)
and ``output_bias`` (*out,), with ``out`` = ``output_shape`` (default D_q).
Reshaping a kernel to 2-D gives the Dense layout, e.g.
``query_kernel.reshape(D_q, H * key_dim)``; PyTorch's ``in_proj_weight`` is
the three of them transposed and stacked.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from typing import Any

from dualnet import ops
from dualnet.arguments import argument_error, check_axis, check_bool, check_int, check_int_tuple, check_probability
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn import initializers
from dualnet.nn.attention_masks import causal_keep, expand_attention_mask, merge_keep, padding_keep
from dualnet.nn.module import Module

__all__ = ["MultiHeadAttention"]

_PROJECTIONS = ("query", "key", "value", "output")


def large_negative(dtype: str) -> float:
    """The score given to masked positions: far below any real score, yet finite in ``dtype``.

    Finite so a fully masked row gives a uniform average rather than NaN; the
    same value on every backend so results match (Keras uses these values too).
    """
    return -3e4 if dtype == "float16" else -1e9


def _letters(start: int, count: int) -> str:
    return string.ascii_lowercase[start : start + count]


def projection_equation(free: int, bound: int, out: int) -> str:
    """Keras's ``_build_proj_equation``: e.g. ``"abc,cde->abde"`` for (1 free + batch, 1 bound, 2 out)."""
    a, b, c = _letters(0, free), _letters(free, bound), _letters(free + bound, out)
    return f"{a}{b},{b}{c}->{a}{c}"


def attention_equations(rank: int, axes: tuple[int, ...]) -> tuple[str, str]:
    """Keras's ``_build_attention_equation`` for projected tensors of ``rank`` (heads at ``rank - 2``).

    Returns (scores, combine): ``einsum(scores, query, key)`` gives
    (<batch axes>, H, <query attention axes>, <key attention axes>) and
    ``einsum(combine, weights, value)`` the context, the query's projected shape.
    """
    target = _letters(0, rank)
    batch = [i for i in range(rank - 1) if i not in axes]  # the heads axis included
    source = list(target)
    for n, axis in enumerate(axes):
        source[axis] = string.ascii_lowercase[rank + n]
    product = "".join([target[i] for i in batch] + [target[i] for i in axes] + [source[i] for i in axes])
    src = "".join(source)
    return f"{target},{src}->{product}", f"{product},{src}->{target}"


class MultiHeadAttention(Module):
    """Multi-head attention (Keras ``MultiHeadAttention``), batch-first.

    ``forward(query, value=None, key=None, key_padding_mask=None, causal=False,
    return_attention_scores=False, *, attention_mask=None, use_causal_mask=False,
    training=None)``: ``query`` (N, T, D_q), ``value`` (N, S, D_v) (defaults to
    ``query``: self-attention), ``key`` (N, S, D_k) (defaults to ``value``).
    Returns (N, T, *out) with ``out`` = ``output_shape`` (an int or a tuple) or
    ``D_q``; with ``return_attention_scores`` also the attention weights
    (N, H, T, S) after softmax and before dropout.

    With ``attention_axes`` (Keras's semantics) the inputs may have more axes:
    ``query`` (N, <other axes>, <T axes>, D_q), attention running jointly over
    the given axes (negative ones count from the end of the input's shape);
    the axes that are not attention axes act as batch axes, and the weights are
    (N, <other axes>, H, <T axes>, <S axes>). The default is every axis
    between the batch and the features (only the sequence axis for 3-D inputs).

    Masks, all combined with a logical and: ``attention_mask`` (Keras's: True
    = attend) of shape (N, T, S), or (N, <other axes>, <T axes>, <S axes>), or
    one that broadcasts to it (e.g. (N, 1, S) or (T, S)); ``key_padding_mask``
    (N, S) bool, True at padding keys (PyTorch's convention); ``causal`` or its
    Keras spelling ``use_causal_mask`` (query i attends to keys 0..i; one
    attention axis only). Excluded scores become :func:`large_negative` before
    the softmax (a query with no key left averages all values, as in Keras).
    The query is scaled by ``1 / sqrt(key_dim)``; ``dropout`` applies to the
    attention weights in training mode (``training`` overrides the module's
    mode for this call). Weights are created at the first call, sized from the
    inputs (see the module docstring for their layout).

    With one attention axis and no weights to return (nor dropout to apply),
    the layer runs :func:`dualnet.ops.dot_product_attention`, so fused kernels
    (PyTorch's ``scaled_dot_product_attention``) do the work; otherwise
    explicit einsums around a softmax, which give the same numbers.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it);
            at a call, for attention axes that do not fit the input's rank, or a causal mask over several axes.
        ShapeError: for query, key, value or mask shapes that do not fit together.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed, float masks).
    """

    features: tuple[int, int, int] | None
    output_shape: int | tuple[int, ...] | None
    attention_axes: tuple[int, ...] | None

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: int | tuple[int, ...] | None = None,
        attention_axes: int | tuple[int, ...] | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        dtype: str = "float32",
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        self.num_heads = check_int(owner, "num_heads", num_heads, low=1, example="num_heads=8")
        self.key_dim = check_int(owner, "key_dim", key_dim, low=1, example="key_dim=64 (the size of each head)")
        value_dim = check_int(owner, "value_dim", value_dim, low=1, or_none=True, example="value_dim=64")
        self.value_dim = self.key_dim if value_dim is None else value_dim
        if isinstance(output_shape, tuple | list) and len(output_shape) == 1:
            output_shape = output_shape[0]
        shape: int | tuple[int, ...] | None
        if isinstance(output_shape, tuple | list):
            shape = check_int_tuple(owner, "output_shape", output_shape, None, example="output_shape=(4, 64)")
        else:
            shape = check_int(
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
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.dtype = dtype
        # Tuples go in __dict__, since Module would track a tuple as a container.
        self.__dict__["output_shape"] = shape
        self.__dict__["attention_axes"] = _axes_argument(owner, attention_axes)
        # (D_q, D_k, D_v), known at the first call.
        self.__dict__["features"] = None
        self.built = False

    def _out_dims(self, d_q: int) -> tuple[int, ...]:
        shape = self.output_shape or d_q
        return shape if isinstance(shape, tuple) else (shape,)

    def _axes(self, rank: int) -> tuple[int, ...]:
        """The attention axes, positive, in the input's coordinates (which the projections keep)."""
        if self.attention_axes is None:
            return tuple(range(1, rank - 1))
        axes = tuple(sorted(a + rank if a < 0 else a for a in self.attention_axes))
        if any(not 0 < a < rank - 1 for a in axes) or len(set(axes)) != len(axes):
            raise argument_error(
                self._where(),
                "attention_axes",
                self.attention_axes,
                f"distinct axes between the batch axis and the features for inputs of rank {rank}",
                f"pass e.g. attention_axes={rank - 2} (or None: axes 1 to {rank - 2})",
            )
        return axes

    # Weights are created in forward, not build: build sees positional inputs only, and value/key may be keywords.
    def _create(self, query: Any, key: Any, value: Any) -> None:
        d_q, d_k, d_v = (int(B.shape(t)[-1]) for t in (query, key, value))
        h, kd, vd = self.num_heads, self.key_dim, self.value_dim
        out = self._out_dims(d_q)
        shapes = {
            "query": ((d_q, h, kd), (h, kd)),
            "key": ((d_k, h, kd), (h, kd)),
            "value": ((d_v, h, vd), (h, vd)),
            "output": ((h, vd, *out), out),
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
        *,
        attention_mask: Any = None,
        use_causal_mask: bool = False,
        training: bool | None = None,
    ) -> Any:
        where = f"{type(self).__name__}.forward"
        causal = check_bool(where, "causal", causal) or check_bool(where, "use_causal_mask", use_causal_mask)
        return_attention_scores = check_bool(where, "return_attention_scores", return_attention_scores)
        training = check_bool(where, "training", training, or_none=True)
        training = self.training if training is None else training
        value = query if value is None else value
        key = value if key is None else key
        if self.features is None:
            self.check_inputs(query, value, key)
            self._create(query, key, value)
        try:
            out, weights = self._attend(
                query, value, key, key_padding_mask, attention_mask, causal, training, return_attention_scores
            )
        except Exception:
            # Module.__call__ checks positional inputs only; value and key often come as keywords.
            self.check_inputs(query, value, key)
            raise
        return (out, weights) if return_attention_scores else out

    def _work(self, query: Any = None, value: Any = None, key: Any = None, *rest: Any) -> tuple[int, int]:
        source = query if value is None and key is None else (value if key is None else key)
        q = [int(s if s is not None else 1) for s in B.shape(query)]
        k = [int(s if s is not None else 1) for s in B.shape(source)]
        axes = self._axes(len(q)) if len(q) >= 3 else (1,)
        q_positions, k_positions = math.prod(q[:-1]), math.prod(k[a] for a in axes if a < len(k))
        scores = self.num_heads * q_positions * k_positions
        heads = self.num_heads * (self.key_dim + self.value_dim)
        return scores, scores * heads + (q_positions + 2 * math.prod(k[:-1])) * q[-1] * heads

    def _attend(
        self,
        query: Any,
        value: Any,
        key: Any,
        key_padding_mask: Any,
        attention_mask: Any,
        causal: bool,
        training: bool,
        return_scores: bool,
    ) -> tuple[Any, Any]:
        rank = len(B.shape(query))
        axes = self._axes(rank)
        if causal and len(axes) != 1:
            raise ArgumentError(
                f"{self._where()} got causal=True with attention over axes {axes}; a causal mask needs one "
                "attention axis: pass attention_axes with one axis, or an attention_mask"
            )
        q = self._project(query, "query", projection_equation(rank - 1, 1, 2))
        k = self._project(key, "key", projection_equation(rank - 1, 1, 2))
        v = self._project(value, "value", projection_equation(rank - 1, 1, 2))
        scores_shape = self._scores_shape(query, key, axes)
        keep = merge_keep(
            None
            if key_padding_mask is None
            else padding_keep(
                self._where(),
                key_padding_mask,
                B.shape(query)[0],
                tuple(B.shape(key)[a] for a in axes),
                len(scores_shape),
            ),
            None
            if attention_mask is None
            else expand_attention_mask(self._where(), attention_mask, scores_shape, len(axes)),
        )
        dropout = self.dropout > 0.0 and training
        if rank == 3 and not return_scores and not dropout:
            # (N, T, H, key_dim) is dot_product_attention's layout: its fused kernels run.
            context = ops.dot_product_attention(
                q, k, v, mask=keep, scale=1.0 / math.sqrt(self.key_dim), is_causal=causal
            )
            weights = None
        else:
            if causal:
                keep = merge_keep(keep, causal_keep(self._where(), B.shape(query)[axes[0]], B.shape(key)[axes[0]]))
            context, weights = self._explicit(q, k, v, keep, axes, dropout)
        out = projection_equation(rank - 1, 2, len(self._out_dims(0)))
        return self._project(context, "output", out), weights

    def _explicit(self, q: Any, k: Any, v: Any, keep: Any, axes: tuple[int, ...], dropout: bool) -> tuple[Any, Any]:
        scores_eq, combine_eq = attention_equations(len(B.shape(q)), axes)
        # Scaling the query (T x key_dim values) is cheaper than scaling the scores (T x S), as Keras does.
        q = B.multiply(q, 1.0 / math.sqrt(self.key_dim))
        repeats = self.num_heads // int(B.shape(k)[-2])
        if repeats > 1:  # grouped-query attention: query head h reads key/value head h // repeats
            k, v = B.repeat(k, repeats, axis=-2), B.repeat(v, repeats, axis=-2)
        scores = B.einsum(scores_eq, q, k)
        if keep is not None:
            scores = B.where(keep, scores, large_negative(B.dtype(scores)))
        weights = B.softmax(scores, tuple(range(-len(axes), 0)))
        dropped = B.dropout(weights, self.dropout, True) if dropout else weights
        return B.einsum(combine_eq, dropped, v), weights

    def _scores_shape(self, query: Any, key: Any, axes: tuple[int, ...]) -> tuple[Any, ...]:
        q, k = tuple(B.shape(query)), tuple(B.shape(key))
        batch = tuple(q[i] for i in range(len(q) - 1) if i not in axes)
        return (*batch, self.num_heads, *(q[a] for a in axes), *(k[a] for a in axes))

    def check_inputs(self, query: Any = None, value: Any = None, key: Any = None, *rest: Any) -> None:
        # Sizes are checked only for the inputs given: Module re-checks positional inputs alone, while
        # value and key may have come as keywords.
        given = {"query": True, "value": value is not None, "key": key is not None}
        value = query if value is None else value
        key = value if key is None else key
        shapes = {}
        for name, x in (("query", query), ("value", value), ("key", key)):
            shape = tuple(B.shape(x))
            if len(shape) < 3:
                raise ShapeError(
                    f"{self._where()} expects {name} of rank 3 (N, length, features), got shape {shape}; "
                    "pass batch-first sequences (more axes are taken too: see attention_axes)"
                )
            if not is_float(B.dtype(x)):
                raise DTypeError(
                    f"{self._where()} expects floating-point {name}, got {B.dtype(x)}; "
                    "embed integer ids first (dn.nn.Embedding) or cast, e.g. dn.ops.cast(x, 'float32')"
                )
            shapes[name] = shape
        q, v, k = shapes["query"], shapes["value"], shapes["key"]
        if not len(q) == len(v) == len(k):
            raise ShapeError(
                f"{self._where()} expects query, value and key of the same rank, got shapes {q}, {v}, {k}; "
                "give them the same axes, the features last"
            )
        axes = self._axes(len(q))
        batch = [i for i in range(len(q) - 1) if i not in axes]
        if not all(_same(q[i], v[i], k[i]) for i in batch):
            what = "batch size" if batch == [0] else f"sizes on the batch axes {tuple(batch)}"
            raise ShapeError(
                f"{self._where()} expects query, value and key with the same {what}, got shapes "
                f"{q}, {v}, {k}; pass matching batches"
            )
        if not all(_same(v[a], k[a]) for a in axes):
            raise ShapeError(
                f"{self._where()} expects key and value of the same length S, got shapes {k} and "
                f"{v}; pair each key with one value"
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
        if self.attention_axes is not None:
            extras += f", attention_axes={self.attention_axes}"
        return f"num_heads={self.num_heads}, key_dim={self.key_dim}, value_dim={self.value_dim}{extras}"


def _axes_argument(owner: str, value: object) -> tuple[int, ...] | None:
    if value is None:
        return None
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) > 0:
        return tuple(check_axis(owner, "attention_axes", a, example="attention_axes=(1, 2)") for a in value)
    return (check_axis(owner, "attention_axes", value, example="attention_axes=(1, 2)"),)


def _same(*sizes: Any) -> bool:
    known = {s for s in sizes if s is not None}  # None: unknown while tracing
    return len(known) <= 1
