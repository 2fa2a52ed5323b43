"""The subclass form of a benchmark model: the comparison point of the functional form (issue 16)."""

from __future__ import annotations

from typing import Any

import dualnet as dn


class Chain(dn.nn.Module):
    """Layers as attributes ``l0``, ``l1``, ... and a ``forward`` that calls them in turn, as a user's subclass does."""

    def __init__(self, layers: list[Any]) -> None:
        super().__init__()
        self.depth = len(layers)
        for i, layer in enumerate(layers):
            setattr(self, f"l{i}", layer)

    def forward(self, x: Any) -> Any:
        for i in range(self.depth):
            x = getattr(self, f"l{i}")(x)
        return x
