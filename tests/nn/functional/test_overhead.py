"""A functional model's forward makes the function calls a subclass's makes, plus at most two (issue 16).

Counted with ``sys.setprofile`` (Python and C function calls), so the check
does not depend on the machine's load as a timing would: the graph costs the
same per layer as ``forward`` code, and one ``Graph.run`` call per forward.
"""

from __future__ import annotations

import sys
from collections import Counter
from types import FrameType
from typing import Any

import numpy as np
import pytest

import dualnet as dn

nn = dn.nn


class Chain(nn.Module):
    """The subclass form: layers as attributes, called in turn by a hand-written ``forward``."""

    def __init__(self, layers: list[nn.Module]) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            setattr(self, f"l{i}", layer)
        self.depth = len(layers)

    def forward(self, x: Any) -> Any:
        for i in range(self.depth):
            x = getattr(self, f"l{i}")(x)
        return x


def _layers(depth: int) -> list[nn.Module]:
    return [nn.Dense(8, activation="relu") for _ in range(depth - 1)] + [nn.Dense(1)]


def _calls(model: nn.Module, x: Any) -> int:
    counts: Counter[str] = Counter()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            counts[event] += 1

    sys.setprofile(profile)
    try:
        model(x)
    finally:
        sys.setprofile(None)
    return counts["call"] + counts["c_call"]


@pytest.mark.parametrize("depth", [2, 6])
def test_the_graph_adds_a_constant_not_a_cost_per_layer(backend: str, depth: int) -> None:
    x = dn.ops.convert_to_tensor(np.ones((2, 4), "float32"))
    inputs = dn.Input((4,))
    out = inputs
    for layer in _layers(depth):
        out = layer(out)
    functional, subclass = dn.Model(inputs, out), Chain(_layers(depth))
    functional(x), subclass(x)  # the first calls build and check; the steady state is measured
    # Chain's loop makes one getattr call per layer that a forward written out (self.l0(x)) would not; the graph
    # makes Graph.run and the list of values once per forward, whatever the depth.
    extra = _calls(functional, x) - (_calls(subclass, x) - depth)
    assert 0 <= extra <= 2
