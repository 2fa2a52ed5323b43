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
    kept = getattr(layer, "_kept", None) if layer.stateful else None
    if kept is not None and all(g is None for g in given):
        n, batch = B.shape(x)[0], int(B.shape(kept[0])[0])
        if n is not None and batch != n:
            raise ShapeError(
                f"{layer._where()} is stateful and kept states for a batch of {batch} sequences, got {n}; feed "
                "batches of one size, or call reset_states() before a batch of another size"
            )
        return list(kept)
    # Zeros shaped from x itself, not from an int batch size: torch.export and tf.function keep the batch dynamic.
    column = B.zeros_like(x[:, 0, :1])  # (N, 1)
    return [B.tile(column, (1, size)) if g is None else B.convert_to_tensor(g) for g, size in zip(given, sizes)]


def keep_states(layer: Any, states: Sequence[Any]) -> None:
    """Remember ``states`` (without gradients) as the start of the next call, if ``layer`` is stateful."""
    if layer.stateful:
        _keep(layer, [B.stop_gradient(s) for s in states])


def reset_states(layer: Any) -> None:
    _keep(layer, None)


def _keep(layer: Any, states: list[Any] | None) -> None:
    layer.keep_states(states)  # the layer writes its own plain attribute (Module's tracking would take a list)


def reverse_time(x: Any, mask: Any) -> tuple[Any, Any]:
    """``x`` (N, T, F) and ``mask`` (N, T) or None with the time axis reversed (``go_backwards``)."""
    return B.flip(x, 1), (None if mask is None else B.flip(B.convert_to_tensor(mask), 1))
