"""The start states of a recurrent layer's call: given, kept from the last call (``stateful``), or zeros.

Shared by ``LSTM``/``GRU``/``SimpleRNN`` and ``RNN``. A stateful layer keeps
the final states of each call, without their gradient history (truncated
backpropagation through time, as Keras), and starts the next call from them;
``reset_states()`` goes back to zeros. Kept states are not weights: they are
not in ``state_dict`` and not saved, as in Keras, where they are reset on load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError

__all__: list[str] = []


def start_states(layer: Any, x: Any, given: Sequence[Any | None], sizes: Sequence[int]) -> list[Any]:
    """One (N, size) tensor per state of ``layer`` for the sequences ``x`` (N, T, F)."""
    n = int(B.shape(x)[0])
    kept = layer.__dict__.get("_kept") if layer.stateful else None
    if kept is not None and all(g is None for g in given):
        batch = int(B.shape(kept[0])[0])
        if batch != n:
            raise ShapeError(
                f"{layer._where()} is stateful and kept states for a batch of {batch} sequences, got {n}; feed "
                "batches of one size, or call reset_states() before a batch of another size"
            )
        return list(kept)
    dtype = B.dtype(x)
    return [B.zeros((n, size), dtype) if g is None else B.convert_to_tensor(g) for g, size in zip(given, sizes)]


def keep_states(layer: Any, states: Sequence[Any]) -> None:
    """Remember ``states`` (without gradients) as the start of the next call, if ``layer`` is stateful."""
    if layer.stateful:
        layer.__dict__["_kept"] = [B.stop_gradient(s) for s in states]


def reset_states(layer: Any) -> None:
    layer.__dict__["_kept"] = None


def reverse_time(x: Any, mask: Any) -> tuple[Any, Any]:
    """``x`` (N, T, F) and ``mask`` (N, T) or None with the time axis reversed (``go_backwards``)."""
    return B.flip(x, 1), (None if mask is None else B.flip(B.convert_to_tensor(mask), 1))
