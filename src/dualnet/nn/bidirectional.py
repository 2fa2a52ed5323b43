"""``Bidirectional``: a recurrent layer run forwards and, as a copy, backwards over time, the results merged.

Keras 3's semantics: the backward copy is built from the layer's config
(fresh weights of the same shapes), it reads the sequence reversed in time
(the mask reversed with it), and with ``return_sequences`` its outputs are
reversed back so that step ``t`` of both directions lines up. The reversal
is done here, not by the wrapped layer, so any layer of the LSTM / GRU
contract (``forward(x, mask=None, initial_state=None)``, the attributes
``return_sequences`` and ``return_state``) can be wrapped.
"""

from __future__ import annotations

from typing import Any

from dualnet.arguments import argument_error
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, ShapeError
from dualnet.nn.cloning import clone
from dualnet.nn.module import Module

__all__ = ["Bidirectional"]

MERGE_MODES = ("concat", "sum", "mul", "ave")


class Bidirectional(Module):
    """Run ``layer`` forwards and a copy of it backwards over ``(N, T, F)``, merging both (Keras ``Bidirectional``).

    ``merge_mode``: ``"concat"`` (last axis, forward first: ``(..., 2 * units)``),
    ``"sum"``, ``"mul"``, ``"ave"`` (``(..., units)``), or ``None`` for the two
    outputs as a tuple ``(forward, backward)``. The output is the layer's
    (``(N, units)``, or ``(N, T, units)`` with ``return_sequences``, where the
    backward outputs are put back in input time order). With ``return_state``
    the result is ``(merged, *forward_states, *backward_states)`` (with
    ``merge_mode=None``: ``(forward, backward, *forward_states, *backward_states)``),
    e.g. ``(y, h_f, c_f, h_b, c_b)`` for an LSTM.

    ``layer`` is the forward direction itself; ``backward_layer`` defaults to a
    new layer built from ``layer``'s config (``dn.nn.clone``: fresh weights).
    A backward layer with ``go_backwards=True`` reverses its input itself (as in
    Keras); otherwise the input and mask are reversed here. A layer without a
    ``return_sequences`` attribute is taken to give one output per step
    (``Dense``, ``Conv1D``): its backward outputs are reversed back too.

    ``forward(x, mask=None, initial_state=None)``: ``mask`` (N, T) bool, True for
    steps to run, given to both directions (reversed for the backward one), so
    right-padded sequences run backwards from their last real step, as
    ``torch.nn.LSTM(bidirectional=True)`` on packed sequences does.
    ``initial_state``: the forward states then the backward ones
    (``[h_f, c_f, h_b, c_b]`` for an LSTM), split in half as Keras does.
    Weights: ``forward_layer.*`` and ``backward_layer.*``.

    Raises:
        ArgumentError: ``layer`` or ``backward_layer`` is not a Module, ``merge_mode`` is none of the choices, the
            two directions differ in ``return_sequences`` / ``return_state``, ``layer`` has
            ``go_backwards=True``, or ``initial_state`` has an odd number of tensors.
        ShapeError: for an input without a time axis (rank below 3); the wrapped layers check the rest.
    """

    def __init__(self, layer: Module, merge_mode: str | None = "concat", backward_layer: Module | None = None) -> None:
        super().__init__()
        if not isinstance(layer, Module):
            raise argument_error("Bidirectional", "layer", layer, "a dn.nn.Module", "pass e.g. dn.nn.LSTM(64)")
        if backward_layer is not None and not isinstance(backward_layer, Module):
            raise argument_error(
                "Bidirectional", "backward_layer", backward_layer, "a dn.nn.Module or None", "pass e.g. dn.nn.LSTM(64)"
            )
        if merge_mode is not None and merge_mode not in MERGE_MODES:
            raise argument_error(
                "Bidirectional",
                "merge_mode",
                merge_mode,
                "one of 'concat', 'sum', 'mul', 'ave' or None",
                "pass merge_mode='concat' (or None for both outputs)",
            )
        if getattr(layer, "go_backwards", False):
            raise ArgumentError(
                "Bidirectional(layer=...): the forward layer has go_backwards=True; pass it with go_backwards=False "
                "(the backward direction is made by Bidirectional)"
            )
        backward = clone(layer) if backward_layer is None else backward_layer
        for flag in ("return_sequences", "return_state"):
            if getattr(layer, flag, None) != getattr(backward, flag, None):
                raise ArgumentError(
                    f"Bidirectional: the forward and backward layers differ in {flag} "
                    f"({getattr(layer, flag, None)} and {getattr(backward, flag, None)}); construct both with the "
                    f"same {flag}"
                )
        self.forward_layer = layer
        self.backward_layer = backward
        self.merge_mode = merge_mode
        self.return_sequences = bool(getattr(layer, "return_sequences", True))
        self.return_state = bool(getattr(layer, "return_state", False))

    def check_inputs(self, x: Any = None, *rest: Any, **kwargs: Any) -> None:
        shape = tuple(B.shape(x))
        if len(shape) < 3:
            raise ShapeError(
                f"{self._where()} expects sequences (N, T, F) with a time axis, got shape {shape}; "
                + (
                    "add a time axis with dn.ops.expand_dims(x, 1)"
                    if len(shape) == 2
                    else "pass a batch of sequences (N, T, F)"
                )
            )

    def _halves(self, initial_state: Any) -> tuple[Any, Any]:
        if initial_state is None:
            return None, None
        states = list(initial_state) if isinstance(initial_state, list | tuple) else [initial_state]
        if len(states) % 2:
            raise ArgumentError(
                f"{self._where()} expects initial_state as the forward states then the backward states (an even "
                f"number of tensors), got {len(states)}; pass e.g. [h_f, c_f, h_b, c_b] for an LSTM"
            )
        half = len(states) // 2
        return states[:half], states[half:]

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        forward_state, backward_state = self._halves(initial_state)
        y = _call(self.forward_layer, x, mask, forward_state)
        reverse = not getattr(self.backward_layer, "go_backwards", False)  # such a layer reverses its input itself
        y_rev = _call(
            self.backward_layer,
            B.flip(x, 1) if reverse else x,
            B.flip(mask, 1) if reverse and mask is not None else mask,
            backward_state,
        )
        states: tuple[Any, ...] = ()
        if self.return_state:
            states = (*y[1:], *y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = B.flip(y_rev, 1)
        merged = self._merge(y, y_rev)
        if not self.return_state:
            return merged
        return (*merged, *states) if self.merge_mode is None else (merged, *states)

    def _merge(self, y: Any, y_rev: Any) -> Any:
        mode = self.merge_mode
        if mode == "concat":
            return B.concatenate([y, y_rev], axis=-1)
        if mode == "sum":
            return B.add(y, y_rev)
        if mode == "mul":
            return B.multiply(y, y_rev)
        if mode == "ave":
            return B.multiply(B.add(y, y_rev), 0.5)
        return (y, y_rev)

    def extra_repr(self) -> str:
        return f"merge_mode={self.merge_mode!r}"


def _call(layer: Module, x: Any, mask: Any, state: Any) -> Any:
    # Only the arguments given, so a layer without mask / initial_state (a Dense) can be wrapped too.
    kwargs: dict[str, Any] = {}
    if mask is not None:
        kwargs["mask"] = mask
    if state is not None:
        kwargs["initial_state"] = state
    return layer(x, **kwargs)
