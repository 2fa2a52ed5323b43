"""``Transformer``: an encoder stack and a decoder stack, each with a final norm (PyTorch ``nn.Transformer``)."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import argument_error, check_bool, check_float, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn import activations
from dualnet.nn.module import Module
from dualnet.nn.normalization import LayerNorm
from dualnet.nn.transformer import TransformerEncoderLayer
from dualnet.nn.transformer_decoder import TransformerDecoderLayer
from dualnet.nn.transformer_masks import square_subsequent_mask
from dualnet.nn.transformer_stacks import MAX_LAYERS, TransformerDecoder, TransformerEncoder

__all__ = ["Transformer"]

_NAME = "Transformer"


class Transformer(Module):
    """The encoder-decoder Transformer of "Attention Is All You Need" (PyTorch ``nn.Transformer``, batch-first).

    ``forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
    src_key_padding_mask=None, tgt_key_padding_mask=None,
    memory_key_padding_mask=None, src_is_causal=False, tgt_is_causal=False,
    memory_is_causal=False)``: ``src`` (N, S, d_model), ``tgt`` (N, T,
    d_model) -> (N, T, d_model): ``memory = encoder(src)``, then
    ``decoder(tgt, memory)``. ``encoder`` is a :class:`TransformerEncoder` of
    ``num_encoder_layers`` :class:`TransformerEncoderLayer` with a final
    LayerNorm, ``decoder`` a :class:`TransformerDecoder` likewise (or
    ``custom_encoder`` / ``custom_decoder``, used as given). Masks are those of
    the layers (PyTorch's: bool True means not attended, float masks are added
    to the scores); :meth:`generate_square_subsequent_mask` gives the causal
    ``tgt_mask``. Inputs are embedded sequences: add embeddings and positions
    before it and a projection to the vocabulary after it, as with PyTorch's.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for ``src`` and ``tgt`` of different batch sizes, or inputs and masks the layers cannot take.
        DTypeError: for inputs that are not floating point, or a mask that is neither bool nor float.
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Any = "relu",
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        norm_first: bool = False,
        bias: bool = True,
        dtype: str = "float32",
    ) -> None:
        super().__init__()
        self.d_model = check_int(_NAME, "d_model", d_model, low=1, example="d_model=512")
        self.nhead = check_int(_NAME, "nhead", nhead, low=1, example="nhead=8")
        encoders = check_int(
            _NAME, "num_encoder_layers", num_encoder_layers, low=1, high=MAX_LAYERS, example="num_encoder_layers=6"
        )
        decoders = check_int(
            _NAME, "num_decoder_layers", num_decoder_layers, low=1, high=MAX_LAYERS, example="num_decoder_layers=6"
        )
        dim_feedforward = check_int(_NAME, "dim_feedforward", dim_feedforward, low=1, example="dim_feedforward=2048")
        if self.d_model % self.nhead:
            raise ArgumentError(
                f"{_NAME}(d_model={self.d_model}, nhead={self.nhead}): d_model must be divisible by nhead "
                f"(each head gets d_model // nhead features); pick nhead dividing {self.d_model}"
            )
        dropout = check_probability(_NAME, "dropout", dropout, high_open=True, example="dropout=0.1")
        activations.get(activation, where=f"{_NAME}(activation={activation!r})")
        layer_norm_eps = check_float(
            _NAME, "layer_norm_eps", layer_norm_eps, low=0.0, low_open=True, example="layer_norm_eps=1e-5"
        )
        check_bool(_NAME, "norm_first", norm_first)
        bias = check_bool(_NAME, "bias", bias)
        for arg, given in (("custom_encoder", custom_encoder), ("custom_decoder", custom_decoder)):
            if given is not None and not isinstance(given, Module):
                raise argument_error(
                    _NAME, arg, given, "a dn.nn.Module or None", "pass e.g. a dn.nn.TransformerEncoder"
                )
        shared = {"dropout": dropout, "activation": activation, "norm_first": norm_first, "dtype": dtype}
        if custom_encoder is None:
            layer = TransformerEncoderLayer(
                self.d_model, self.nhead, dim_feedforward, layer_norm_eps=layer_norm_eps, bias=bias, **shared
            )
            custom_encoder = TransformerEncoder(layer, encoders, _norm(layer_norm_eps, bias, dtype))
        if custom_decoder is None:
            block = TransformerDecoderLayer(
                self.d_model, self.nhead, dim_feedforward, layer_norm_eps=layer_norm_eps, bias=bias, **shared
            )
            custom_decoder = TransformerDecoder(block, decoders, _norm(layer_norm_eps, bias, dtype))
        self.encoder = custom_encoder
        self.decoder = custom_decoder

    @staticmethod
    def generate_square_subsequent_mask(sz: int) -> Any:
        """The causal mask for a sequence of length ``sz``: ``(sz, sz)`` bool, True above the diagonal.

        True marks the pairs not attended (position i attends to 0..i), so it
        serves as ``tgt_mask``. PyTorch's returns the float form (``-inf`` above
        the diagonal, 0 elsewhere), which the layers take too and which gives
        the same result.

        Raises:
            ArgumentError: ``sz`` is not a positive int.
        """
        size = check_int("Transformer.generate_square_subsequent_mask", "sz", sz, low=1, example="sz=10")
        return B.convert_to_tensor(square_subsequent_mask(size))

    def forward(
        self,
        src: Any,
        tgt: Any,
        src_mask: Any = None,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        src_key_padding_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        src_is_causal: bool = False,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Any:
        n_src, n_tgt = B.shape(src)[0], B.shape(tgt)[0]
        if n_src is not None and n_tgt is not None and n_src != n_tgt:
            raise ShapeError(
                f"{self._where()} expects src and tgt with the same batch size, got shapes {tuple(B.shape(src))} "
                f"and {tuple(B.shape(tgt))}; pair each source sequence with one target sequence"
            )
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    def extra_repr(self) -> str:
        return f"d_model={self.d_model}, nhead={self.nhead}"


def _norm(eps: float, bias: bool, dtype: str) -> LayerNorm:
    return LayerNorm(epsilon=eps, center=bias, dtype=dtype)
