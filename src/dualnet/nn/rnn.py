"""``RNN``, the layer that runs any cell over a sequence, and ``StackedRNNCells``, several cells as one.

A cell is any module with ``state_size`` (an int, or a list of ints, one per
state) called as ``cell(x_t, states) -> (output, new_states)``: the built-in
``SimpleRNNCell`` / ``LSTMCell`` / ``GRUCell`` or a custom ``dn.nn.Module``.
The loop is ``recurrent_steps.run_steps``, the one the layers' per-step path
runs, unrolled over the static sequence length on both backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, DTypeError, ShapeError
from dualnet.nn.module import Module
from dualnet.nn.module_list import ModuleList
from dualnet.nn.recurrent_state import keep_states, reset_states, reverse_time, start_states
from dualnet.nn.recurrent_steps import run_steps

__all__ = ["RNN", "StackedRNNCells"]


def state_sizes(cell: Any, where: str) -> list[int]:
    """``cell.state_size`` as a list of ints, one per state."""
    size = getattr(cell, "state_size", None)
    sizes = list(size) if isinstance(size, list | tuple) else [size]
    if not sizes or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ArgumentError(
            f"{where}: the cell {type(cell).__name__} needs a state_size, a positive int or a list of them (one per "
            f"state), got {size!r}; define state_size on the cell, e.g. state_size = 32"
        )
    return [int(s) for s in sizes]  # type: ignore[arg-type]  # checked above


def _as_list(states: Any) -> list[Any]:
    return list(states) if isinstance(states, list | tuple) else [states]


class StackedRNNCells(Module):
    """Several cells run as one (Keras ``StackedRNNCells``): each step feeds one cell's output to the next.

    ``state_size`` is every cell's state sizes, in order, as one flat list; ``forward(x, states)`` takes
    ``x`` (N, F) and that many (N, size) states, returns ``(last cell's output, new states)``. Weights are
    ``cells.<i>.<name>``.

    Raises:
        ArgumentError: at construction, for an empty list or a cell without ``state_size``; at call, for the
            wrong number of states.
    """

    def __init__(self, cells: Sequence[Module]) -> None:
        super().__init__()
        cells = list(cells) if isinstance(cells, list | tuple) else []
        if not cells or not all(isinstance(c, Module) for c in cells):
            raise ArgumentError(
                "StackedRNNCells(cells) needs a non-empty list of cells (dn.nn.Module with state_size), "
                "e.g. StackedRNNCells([dn.nn.LSTMCell(8), dn.nn.LSTMCell(8)])"
            )
        for cell in cells:
            state_sizes(cell, "StackedRNNCells")
        self.cells = ModuleList(cells)

    @property
    def state_size(self) -> list[int]:
        """Every cell's state sizes, in order."""
        return [s for cell in self.cells for s in state_sizes(cell, self._where())]

    def reset_dropout_mask(self) -> None:
        """Forget the cells' cached dropout masks."""
        for cell in self.cells:
            reset = getattr(cell, "reset_dropout_mask", None)
            if reset is not None:
                reset()

    def forward(self, x: Any, states: Any) -> tuple[Any, list[Any]]:
        states = _as_list(states)
        if len(states) != len(self.state_size):
            raise ArgumentError(
                f"{self._where()} expects {len(self.state_size)} states (state_size {self.state_size}), got "
                f"{len(states)}; pass one (N, size) tensor per entry of state_size"
            )
        new: list[Any] = []
        for cell in self.cells:
            count = len(state_sizes(cell, self._where()))
            x, out_states = cell(x, states[:count])
            states = states[count:]
            new.extend(_as_list(out_states))
        return x, new


class RNN(Module):
    """Run ``cell`` over a sequence (Keras ``RNN``): input ``(N, T, F)`` -> ``(N, U)``, or ``(N, T, U)``.

    ``U`` is the size of the cell's output. With ``return_sequences`` every step's output is returned;
    with ``return_state`` the result is ``(output, *final_states)``, the states flat, in ``state_size``
    order. ``forward(x, mask=None, initial_state=None)``: ``mask`` (N, T) bool, True for steps to run (a
    False step carries the states and outputs zeros, so the last output is the one of the last unmasked
    step); ``initial_state`` one (N, size) tensor per state (zeros by default). ``go_backwards`` runs the
    reversed sequence and returns outputs in that order; ``stateful`` starts each call from the last call's
    final states (without their gradients; ``reset_states()`` zeroes them); ``unroll`` is accepted for
    Keras's signature: dualnet's loop is always unrolled over the static length. Dropout belongs to the
    cell (``LSTMCell(8, dropout=0.2)``): its masks are drawn once per call of this layer.

    Raises:
        ArgumentError: at construction, for a cell that is not a module; at call, for a cell without
            ``state_size`` or the wrong number of initial states.
        ShapeError: for inputs that are not ``(N, T, F)``, ``T = 0``, a mask or an initial state of the wrong
            shape, or (stateful) a batch size other than the kept states', naming the layer path.
        DTypeError: for integer inputs.
    """

    def keep_states(self, states: list[Any] | None) -> None:
        """Set the states the next call of a stateful layer starts from (None: zeros)."""
        self.__dict__["_kept"] = states

    def __init__(
        self,
        cell: Module | Sequence[Module],
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
    ) -> None:
        super().__init__()
        if isinstance(cell, list | tuple):
            cell = StackedRNNCells(cell)  # Keras: a list of cells is stacked
        if not isinstance(cell, Module):
            raise ArgumentError(
                f"RNN(cell={type(cell).__name__}): the cell must be a dn.nn.Module with state_size, e.g. "
                "dn.nn.RNN(dn.nn.LSTMCell(8))"
            )
        self.cell = cell  # its state_size is read at the call: a cell may define it once built
        self.return_sequences = check_bool("RNN", "return_sequences", return_sequences)
        self.return_state = check_bool("RNN", "return_state", return_state)
        self.go_backwards = check_bool("RNN", "go_backwards", go_backwards)
        self.stateful = check_bool("RNN", "stateful", stateful)
        self.unroll = check_bool("RNN", "unroll", unroll)
        self.__dict__["_kept"] = None

    def reset_states(self) -> None:
        """Start the next call from zero states (``stateful=True`` keeps the last call's states)."""
        reset_states(self)

    def _given(self, initial_state: Any, sizes: list[int]) -> list[Any]:
        if initial_state is None:
            return [None] * len(sizes)
        given = _as_list(initial_state)
        if len(given) != len(sizes):
            raise ArgumentError(
                f"{self._where()} expects initial_state as {len(sizes)} tensor(s), one per entry of the cell's "
                f"state_size {sizes}, got {len(given)}; pass a list [s0, s1, ...] of (N, size) tensors"
            )
        return given

    def check_inputs(self, x: Any = None, mask: Any = None, initial_state: Any = None, *rest: Any) -> None:
        shape = tuple(B.shape(x))
        if len(shape) != 3:
            fix = "add a time axis with dn.ops.expand_dims(x, 1)" if len(shape) == 2 else "pass (batch, time, features)"
            raise ShapeError(f"{self._where()} expects inputs of rank 3 (N, T, F), got shape {shape}; {fix}")
        if shape[1] == 0:
            raise ShapeError(
                f"{self._where()} got sequences of length 0 (shape {shape}); pass at least one time step, or pad "
                "to length 1 with a mask that is False there"
            )
        if not str(B.dtype(x)).startswith(("float", "bfloat")):
            raise DTypeError(
                f"{self._where()} expects floating-point inputs, got {B.dtype(x)}; embed integer ids first "
                "(dn.nn.Embedding) or cast, e.g. dn.ops.cast(x, 'float32')"
            )
        if mask is not None and tuple(B.shape(mask)) != shape[:2]:
            raise ShapeError(
                f"{self._where()} expects mask of shape (N, T) = {shape[:2]}, got {tuple(B.shape(mask))}; "
                "pass one bool per sequence step, True for steps to run"
            )
        sizes = state_sizes(self.cell, self._where())
        for i, (state, size) in enumerate(zip(self._given(initial_state, sizes), sizes)):
            if state is not None and tuple(B.shape(state)) != (shape[0], size):
                raise ShapeError(
                    f"{self._where()} expects initial state {i} of shape (N, size) = {(shape[0], size)}, got "
                    f"{tuple(B.shape(state))}; pass one state row per sequence"
                )

    def forward(self, x: Any, mask: Any = None, initial_state: Any = None) -> Any:
        if mask is not None or initial_state is not None or len(B.shape(x)) != 3 or B.shape(x)[1] == 0:
            self.check_inputs(x, mask, initial_state)
        sizes = state_sizes(self.cell, self._where())
        states = start_states(self, x, self._given(initial_state, sizes), sizes)
        if self.go_backwards:
            x, mask = reverse_time(x, mask)
        reset = getattr(self.cell, "reset_dropout_mask", None)
        if reset is not None:
            reset()  # one dropout mask per sequence: drawn at the first step, reused at the others
        try:
            outputs, last, states = run_steps(lambda x_t, s: self._call_cell(x_t, s), x, states, mask)
        finally:
            if reset is not None:
                reset()  # no mask outlives the call (a traced one would leak out of its graph)
        keep_states(self, states)
        out = outputs if self.return_sequences else last
        return (out, *states) if self.return_state else out

    def _call_cell(self, x_t: Any, states: list[Any]) -> tuple[Any, list[Any]]:
        out, new = self.cell(x_t, states)
        return out, _as_list(new)

    def extra_repr(self) -> str:
        names = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll")
        return type(self.cell).__name__ + "".join(f", {flag}=True" for flag in names if getattr(self, flag))
