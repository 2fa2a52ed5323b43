"""Weight averaging inside an optimizer (``use_ema=True``), with Keras's semantics.

After every step, each parameter's average (the state buffer ``ema``, so it is
in the optimizer's ``state_dict`` and in checkpoints) becomes
``ema_momentum * average + (1 - ema_momentum) * param``; the first step copies
the parameter. With ``ema_overwrite_frequency=k`` the parameters are
overwritten with their averages after every k-th step. Every parameter the
optimizer holds is averaged, also one without a gradient in that step, as
Keras averages all its trainable variables.

For evaluation the averages can be swapped into the parameters and back
(``Optimizer.averaged_weights()``); ``Optimizer.finalize_variable_values()``
copies them in for good, which ``Trainer.fit`` does when training ends, as
Keras's ``fit`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dualnet.arguments import argument_error, check_bool, check_int, check_probability
from dualnet.backend.dispatch import B
from dualnet.errors import StateError

__all__: list[str] = []

BUFFER = "ema"  # the name of the average among a parameter's state buffers


class Averaging:
    """The moving-average settings of one optimizer, and the operations on its ``ema`` buffers."""

    def __init__(self, momentum: float, overwrite_frequency: int | None) -> None:
        self.momentum = momentum
        self.overwrite_frequency = overwrite_frequency
        self.swapped = False
        self._factors: dict[str, tuple[float, float]] = {}

    @classmethod
    def from_options(cls, owner: str, options: Mapping[str, Any]) -> Averaging | None:
        """The averaging that ``use_ema`` / ``ema_momentum`` / ``ema_overwrite_frequency`` ask for, or None.

        Raises:
            ArgumentError: an option outside its valid values (names it), or EMA settings without ``use_ema``.
        """
        use = check_bool(owner, "use_ema", options.get("use_ema", False))
        momentum = check_probability(
            owner, "ema_momentum", options.get("ema_momentum", 0.99), example="ema_momentum=0.99"
        )
        frequency = check_int(
            owner,
            "ema_overwrite_frequency",
            options.get("ema_overwrite_frequency"),
            low=1,
            or_none=True,
            example="ema_overwrite_frequency=100 (steps), or None (never overwrite)",
        )
        if not use:
            if frequency is not None:
                raise argument_error(
                    owner, "ema_overwrite_frequency", frequency, "None unless use_ema=True", "pass use_ema=True too"
                )
            return None
        return cls(momentum, frequency)

    def _keep_take(self, dtype: str) -> tuple[float, float]:
        # Keras casts the momentum to the variable's dtype and takes 1 - momentum in that dtype.
        if dtype not in self._factors:
            keep = np.asarray(self.momentum, "float32" if dtype in ("bfloat16", "float16") else dtype)
            self._factors[dtype] = (float(keep), float(np.asarray(1, keep.dtype) - keep))
        return self._factors[dtype]

    def update(self, params: Sequence[Any], states: Sequence[dict[str, Any]], step: Any) -> None:
        """Fold the parameters after step ``step`` (1 for the first) into their averages; overwrite if due."""
        eager = not B.is_tensor(step)
        for param, state in zip(params, states):
            average = state[BUFFER]
            keep, take = self._keep_take(B.dtype(param))
            if eager:
                if step == 1:
                    B.assign(average, param)
                else:
                    B.assign(average, average * keep + param * take)
            else:  # compiled: the first step is a tensor condition
                first = step == 1
                B.assign(average, B.where(first, param, average * keep + param * take))
        if self.overwrite_frequency is not None:
            if eager:
                if step % self.overwrite_frequency == 0:
                    self.overwrite(params, states)
            else:
                due = B.equal(B.mod(step, float(self.overwrite_frequency)), 0.0)
                for param, state in zip(params, states):
                    B.assign(param, B.where(due, state[BUFFER], param))

    def overwrite(self, params: Sequence[Any], states: Sequence[dict[str, Any]]) -> None:
        """Copy each average into its parameter."""
        for param, state in zip(params, states):
            B.assign(param, state[BUFFER])

    def swap(self, params: Sequence[Any], states: Sequence[dict[str, Any]]) -> None:
        """Exchange each parameter's value with its average."""
        with B.no_grad():
            for param, state in zip(params, states):
                held = B.multiply(param, 1)  # a copy on the parameter's device (x * 1 keeps -0.0 and NaN)
                B.assign(param, state[BUFFER])
                B.assign(state[BUFFER], held)
        self.swapped = not self.swapped

    def check_not_swapped(self, owner: str) -> None:
        """Raise StateError while the averages are swapped in (a step would train the averages)."""
        if self.swapped:
            raise StateError(
                f"{owner}.step: the averaged weights are swapped into the parameters; step after the "
                "`with optimizer.averaged_weights():` block, or call swap_averaged_weights() again to swap back"
            )


def required(averaging: Averaging | None, owner: str, what: str) -> Averaging:
    """``averaging``, or StateError saying that ``what`` needs ``use_ema=True``."""
    if averaging is None:
        raise StateError(
            f"{owner}.{what}: this optimizer keeps no moving averages; build it with use_ema=True "
            f"(e.g. dn.optim.{owner}(model.parameters(), use_ema=True))"
        )
    return averaging
