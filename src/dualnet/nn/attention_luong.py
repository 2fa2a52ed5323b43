"""``Attention`` (Luong, dot-product) and ``AdditiveAttention`` (Bahdanau): Keras 3's layers, Keras's weights.

Both take one list ``[query, value]`` or ``[query, value, key]`` (Keras's
call): ``query`` (N, T, dim), ``value`` (N, S, dim_v), ``key`` (N, S, dim)
(defaults to ``value``), and return (N, T, dim_v). The scores (N, T, S) are a
dot product (``Attention``), or a sum of ``tanh(query + key)`` over the
features (``AdditiveAttention``, and ``Attention(score_mode="concat")``).

Masking follows Keras exactly: a masked score has 1e9 (65504 in float16)
*subtracted*, not replaced, and a ``query_mask`` zeroes the output rows of
masked queries. The returned attention weights are the ones applied to the
values, so in training mode they are the weights after dropout, as in Keras.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_choice, check_probability
from dualnet.backend.dispatch import B
from dualnet.dtypes import is_float
from dualnet.errors import DTypeError, ShapeError
from dualnet.nn.attention_masks import causal_keep
from dualnet.nn.module import Module

__all__ = ["AdditiveAttention", "Attention"]


class _ListAttention(Module):
    """What the two layers share: the list call, the masks, softmax and dropout over the keys."""

    dropout: float
    scale: Any  # the weights, created at build where the layer has them
    concat_score_weight: Any

    def _scores(self, query: Any, key: Any) -> Any:
        raise NotImplementedError

    def forward(
        self,
        inputs: Sequence[Any],
        mask: Sequence[Any] | None = None,
        training: bool | None = None,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        where = f"{type(self).__name__}.forward"
        training = check_bool(where, "training", training, or_none=True)
        training = self.training if training is None else training
        return_attention_scores = check_bool(where, "return_attention_scores", return_attention_scores)
        use_causal_mask = check_bool(where, "use_causal_mask", use_causal_mask)
        query, value, key = self._split(inputs)
        query_mask, value_mask = self._masks(query, value, mask)
        scores = self._scores(query, key)
        keep = None if value_mask is None else B.expand_dims(value_mask, -2)  # (N, 1, S)
        if use_causal_mask:
            causal = causal_keep(self._where(), B.shape(query)[-2], B.shape(key)[-2])
            keep = causal if keep is None else B.logical_and(keep, causal)
        if keep is not None:
            big = 65504.0 if B.dtype(scores) == "float16" else 1.0e9
            scores = B.where(keep, scores, B.subtract(scores, big))
        weights = B.softmax(scores, -1)
        if training and self.dropout > 0.0:
            weights = B.dropout(weights, self.dropout, True)
        out = B.matmul(weights, value)
        if query_mask is not None:
            out = B.where(B.expand_dims(query_mask, -1), out, B.zeros_like(out))
        return (out, weights) if return_attention_scores else out

    def _split(self, inputs: Any) -> tuple[Any, Any, Any]:
        if not isinstance(inputs, list | tuple) or not 2 <= len(inputs) <= 3:
            got = f"a list of {len(inputs)}" if isinstance(inputs, list | tuple) else type(inputs).__name__
            raise ShapeError(
                f"{self._where()} expects a list [query, value] or [query, value, key], got {got}; "
                "pass e.g. layer([query, value])"
            )
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        return query, value, key

    def _masks(self, query: Any, value: Any, mask: Any) -> tuple[Any, Any]:
        if mask is None:
            return None, None
        if not isinstance(mask, list | tuple) or not 2 <= len(mask) <= 3:
            raise ShapeError(
                f"{self._where()} expects mask as a list [query_mask, value_mask], got {type(mask).__name__}; "
                "pass e.g. mask=[None, value_mask] with value_mask of shape (N, S)"
            )
        masks: list[Any] = []
        for name, m, x in (("query_mask", mask[0], query), ("value_mask", mask[1], value)):
            if m is None:
                masks.append(None)
                continue
            m = B.convert_to_tensor(m)
            want, got = tuple(B.shape(x))[:-1], tuple(B.shape(m))
            if len(got) != len(want) or any(g is not None and w is not None and g != w for g, w in zip(got, want)):
                raise ShapeError(
                    f"{self._where()} expects {name} of shape {want} (one flag per position, True: keep), got "
                    f"{got}; pass a bool mask of the {name.split('_')[0]}'s shape without its feature axis"
                )
            if is_float(B.dtype(m)):
                raise DTypeError(f"{self._where()} expects a bool {name}, got {B.dtype(m)}; pass e.g. ids != pad_id")
            masks.append(B.cast(m, "bool"))
        return masks[0], masks[1]

    def check_inputs(self, inputs: Any = None, *rest: Any) -> None:
        query, value, key = self._split(inputs)
        shapes = {n: tuple(B.shape(x)) for n, x in (("query", query), ("value", value), ("key", key))}
        for name, x in (("query", query), ("value", value), ("key", key)):
            if len(shapes[name]) != 3:
                raise ShapeError(
                    f"{self._where()} expects {name} of rank 3 (N, length, features), got shape {shapes[name]}; "
                    "pass batch-first sequences"
                )
            if not is_float(B.dtype(x)):
                raise DTypeError(
                    f"{self._where()} expects floating-point {name}, got {B.dtype(x)}; "
                    "embed integer ids first (dn.nn.Embedding) or cast, e.g. dn.ops.cast(x, 'float32')"
                )
        q, v, k = shapes["query"], shapes["value"], shapes["key"]
        if not _same(q[0], v[0], k[0]) or not _same(v[1], k[1]) or not _same(q[2], k[2]):
            raise ShapeError(
                f"{self._where()} expects query (N, T, dim), value (N, S, dim_v) and key (N, S, dim), got shapes "
                f"{q}, {v} and {k}; give the query and key one feature size, and the key one row per value"
            )

    def _work(self, inputs: Any = None, *rest: Any) -> tuple[int, int]:
        query, value, key = self._split(inputs)
        (n, t, d), s = (int(x or 1) for x in B.shape(query)), int(B.shape(key)[1] or 1)
        dv = int(B.shape(value)[-1] or 1)
        return n * t * s * d, n * t * s * (d + dv)


class Attention(_ListAttention):
    """Dot-product attention (Keras ``Attention``, Luong-style): ``softmax(query key^T) value``.

    ``forward([query, value, key], mask=None, training=None,
    return_attention_scores=False, use_causal_mask=False)`` with ``query``
    (N, T, dim), ``value`` (N, S, dim_v), ``key`` (N, S, dim) (defaults to
    ``value``); ``mask`` is ``[query_mask (N, T), value_mask (N, S)]`` (True:
    keep; either may be None). Returns (N, T, dim_v), with
    ``return_attention_scores`` also the weights (N, T, S).

    ``score_mode="dot"``: scores ``query key^T``, times the scalar weight
    ``scale`` (initialized to 1) with ``use_scale``. ``score_mode="concat"``:
    scores ``concat_score_weight * sum(tanh(scale * (query + key)), features)``
    (both scalar weights, initialized to 1). ``dropout`` applies to the
    weights in training mode.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for inputs or masks whose shapes do not fit together, or inputs that are not a list of 2 or 3.
        DTypeError: for integer inputs or float masks.
    """

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0) -> None:
        super().__init__()
        owner = type(self).__name__
        self.use_scale = check_bool(owner, "use_scale", use_scale)
        self.score_mode = check_choice(owner, "score_mode", score_mode, ("dot", "concat"))
        self.dropout = check_probability(owner, "dropout", dropout, high_open=True, example="dropout=0.1")
        self.built = False

    def build(self, inputs: Any = None, *rest: Any) -> None:
        if self.use_scale:
            self.add_weight("scale", (), "ones")
        if self.score_mode == "concat":
            self.add_weight("concat_score_weight", (), "ones")

    def _scores(self, query: Any, key: Any) -> Any:
        if self.score_mode == "dot":
            scores = B.matmul(query, B.swapaxes(key, -2, -1))
            return B.multiply(scores, self.scale) if self.use_scale else scores
        pairs = B.add(B.expand_dims(query, -2), B.expand_dims(key, -3))  # (N, T, S, dim)
        if self.use_scale:
            pairs = B.multiply(self.scale, pairs)
        return B.multiply(self.concat_score_weight, B.sum(B.tanh(pairs), -1))

    def extra_repr(self) -> str:
        return f"use_scale={self.use_scale}, score_mode={self.score_mode!r}, dropout={self.dropout}"


class AdditiveAttention(_ListAttention):
    """Additive attention (Keras ``AdditiveAttention``, Bahdanau-style): scores ``sum(scale * tanh(q + k))``.

    The call is :class:`Attention`'s: ``forward([query, value, key], mask=None,
    training=None, return_attention_scores=False, use_causal_mask=False)``,
    ``query`` (N, T, dim), ``value`` (N, S, dim_v), ``key`` (N, S, dim);
    returns (N, T, dim_v) (and the weights (N, T, S)). With ``use_scale`` the
    weight ``scale`` (dim,) (Glorot-uniform, as in Keras) weighs the features;
    without it they are summed. ``dropout`` applies to the weights in training.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for inputs or masks whose shapes do not fit together, or inputs that are not a list of 2 or 3.
        DTypeError: for integer inputs or float masks.
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0) -> None:
        super().__init__()
        owner = type(self).__name__
        self.use_scale = check_bool(owner, "use_scale", use_scale)
        self.dropout = check_probability(owner, "dropout", dropout, high_open=True, example="dropout=0.1")
        self.built = False

    def build(self, inputs: Any = None, *rest: Any) -> None:
        if self.use_scale:
            self.add_weight("scale", (int(B.shape(inputs[0])[-1]),), "glorot_uniform")

    def _scores(self, query: Any, key: Any) -> Any:
        pairs = B.tanh(B.add(B.expand_dims(query, -2), B.expand_dims(key, -3)))  # (N, T, S, dim)
        return B.sum(B.multiply(self.scale, pairs) if self.use_scale else pairs, -1)

    def extra_repr(self) -> str:
        return f"use_scale={self.use_scale}, dropout={self.dropout}"


def _same(*sizes: Any) -> bool:
    return len({s for s in sizes if s is not None}) <= 1
