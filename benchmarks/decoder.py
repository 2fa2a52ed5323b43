"""Workload f's model on dualnet: a GPT-style decoder (token and position embeddings, pre-norm causal blocks).

``Decoder(vocab, seq, layers, d_model, heads, ffn)``: int token ids ``(N, T)``
with ``T <= seq`` -> logits ``(N, T, vocab)``. Each block is a pre-norm
``TransformerEncoderLayer`` with ``causal=True`` (position i attends to 0..i),
gelu and no dropout, as in GPT-2; a final LayerNorm and a Dense head (not tied
to the token embedding). Weight names: ``tok.embeddings``, ``pos.embeddings``,
``blocks.<i>.<TransformerEncoderLayer names>``, ``norm.gamma`` / ``norm.beta``,
``head.kernel`` / ``head.bias``.
"""

from __future__ import annotations

from typing import Any

import dualnet as dn


class Decoder(dn.nn.Module):
    """A GPT-style causal language model: ``(N, T)`` token ids -> ``(N, T, vocab)`` logits."""

    def __init__(self, vocab: int, seq: int, layers: int, d_model: int, heads: int, ffn: int) -> None:
        super().__init__()
        nn = dn.nn
        self.tok = nn.Embedding(vocab, d_model)
        self.pos = nn.Embedding(seq, d_model)
        self.blocks = [
            nn.TransformerEncoderLayer(d_model, heads, ffn, dropout=0.0, activation="gelu", norm_first=True)
            for _ in range(layers)
        ]
        self.norm = nn.LayerNorm()
        self.head = nn.Dense(vocab)

    def forward(self, ids: Any) -> Any:
        positions = dn.ops.arange(dn.ops.shape(ids)[1])
        h = dn.ops.add(self.tok(ids), self.pos(positions))
        for block in self.blocks:
            h = block(h, causal=True)
        return self.head(self.norm(h))
