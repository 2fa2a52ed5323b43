"""``TransformerEncoder`` and ``TransformerDecoder``: ``num_layers`` copies of a layer, then an optional norm.

PyTorch's ``nn.TransformerEncoder`` / ``nn.TransformerDecoder`` (batch-first):
the copies are ``layers.0`` ... ``layers.{num_layers - 1}``, PyTorch's names.
Each copy is rebuilt from the given layer's config (as :func:`dn.nn.clone`
does), so it has weights of its own, drawn at its own path from the seeded
stream: the copies start different, where PyTorch's deep copies all start
equal to the given layer. The given layer itself is not part of the stack,
and weights it already has are not copied.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import argument_error, check_bool, check_int
from dualnet.nn.cloning import _clone
from dualnet.nn.module import Module
from dualnet.nn.module_list import ModuleList

__all__ = ["TransformerDecoder", "TransformerEncoder"]

# Far beyond any trained Transformer (the largest have a few hundred layers), and it bounds the copies a
# crafted config given to dn.load can make: each copy is built in Python, about a millisecond apiece.
MAX_LAYERS = 1024


def _copies(owner: str, arg: str, layer: Any, num_layers: Any, norm: Any) -> tuple[ModuleList, int]:
    if not isinstance(layer, Module):
        raise argument_error(owner, arg, layer, "a dn.nn.Module", f"pass e.g. dn.nn.{owner}Layer(512, 8)")
    if norm is not None and not isinstance(norm, Module):
        raise argument_error(owner, "norm", norm, "a dn.nn.Module or None", "pass e.g. dn.nn.LayerNorm(epsilon=1e-5)")
    count = check_int(owner, "num_layers", num_layers, low=1, high=MAX_LAYERS, example="num_layers=6")
    return ModuleList([_clone(layer, {}) for _ in range(count)]), count


def _given(**kwargs: Any) -> dict[str, Any]:
    """The keywords that were set: a stack of layers without masks need not take mask arguments."""
    return {k: v for k, v in kwargs.items() if v is not None and v is not False}


class TransformerEncoder(Module):
    """A stack of ``num_layers`` encoder layers (PyTorch ``nn.TransformerEncoder``, batch-first).

    ``forward(src, mask=None, src_key_padding_mask=None, is_causal=False)``:
    ``src`` (N, T, d_model) -> (N, T, d_model). Each layer is called as
    ``layer(x, key_padding_mask=..., causal=..., src_mask=...)``
    (:class:`TransformerEncoderLayer`'s arguments), with only the arguments that
    are set; then ``norm`` if given. Masks are those of the encoder layer
    (``mask`` is its ``src_mask``).

    Raises:
        ArgumentError: ``encoder_layer`` or ``norm`` is not a Module, or ``num_layers`` is not an int in
            [1, 1024].
        ShapeError: for inputs or masks the layers cannot take (the message names the layer path).
    """

    def __init__(self, encoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers, self.num_layers = _copies("TransformerEncoder", "encoder_layer", encoder_layer, num_layers, norm)
        self.norm = norm

    def forward(self, src: Any, mask: Any = None, src_key_padding_mask: Any = None, is_causal: bool = False) -> Any:
        is_causal = check_bool("TransformerEncoder.forward", "is_causal", is_causal)
        options = _given(key_padding_mask=src_key_padding_mask, causal=is_causal, src_mask=mask)
        x = src
        for layer in self.layers:
            x = layer(x, **options)
        return x if self.norm is None else self.norm(x)

    def extra_repr(self) -> str:
        return f"num_layers={self.num_layers}"


class TransformerDecoder(Module):
    """A stack of ``num_layers`` decoder layers (PyTorch ``nn.TransformerDecoder``, batch-first).

    ``forward(tgt, memory, tgt_mask=None, memory_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None,
    tgt_is_causal=False, memory_is_causal=False)``: ``tgt`` (N, T, d_model),
    ``memory`` (N, S, d_model) -> (N, T, d_model). Each layer gets ``memory``
    and the masks set (:class:`TransformerDecoderLayer`'s arguments); then
    ``norm`` if given.

    Raises:
        ArgumentError: ``decoder_layer`` or ``norm`` is not a Module, or ``num_layers`` is not an int in
            [1, 1024].
        ShapeError: for inputs or masks the layers cannot take (the message names the layer path).
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        self.layers, self.num_layers = _copies("TransformerDecoder", "decoder_layer", decoder_layer, num_layers, norm)
        self.norm = norm

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
        where = "TransformerDecoder.forward"
        options = _given(
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=check_bool(where, "tgt_is_causal", tgt_is_causal),
            memory_is_causal=check_bool(where, "memory_is_causal", memory_is_causal),
        )
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, **options)
        return x if self.norm is None else self.norm(x)

    def extra_repr(self) -> str:
        return f"num_layers={self.num_layers}"
