"""``dn.seed``: one integer that fixes initial weights and random ops.

Initial weights are drawn in NumPy from ``(seed, stream, path)`` (see
:mod:`dualnet.nn.initializers`), so they are bit-identical on every backend.
``stream`` counts the models materialised since the last ``dn.seed`` call, so
two models built in a row differ while the same script gives the same weights
on each backend. The framework's own generator (dropout, ``dn.ops.random``) is
seeded too; its streams are the framework's and differ across backends.
"""

from __future__ import annotations

import secrets

from dualnet.arguments import check_int
from dualnet.backend import dispatch, selection

__all__ = ["seed"]

_state = {"seed": secrets.randbits(31), "stream": 0, "explicit": False}


def seed(value: int) -> None:
    """Seed dualnet's initializers and the active framework's random generator.

    Raises:
        ArgumentError: ``value`` is not a non-negative int.
    """

    value = check_int("dn.seed", "value", value, low=0, example="dn.seed(0)")
    _state.update(seed=value, stream=0, explicit=True)
    reseed_active_backend()


def next_stream() -> tuple[int, int]:
    """Return ``(seed, stream)`` for a new model and advance the stream counter."""
    key = (_state["seed"], _state["stream"])
    _state["stream"] += 1
    return key


def current_seed() -> int:
    """The seed in force (random per process until ``dn.seed`` is called)."""
    return _state["seed"]


def restore_seed(value: int) -> None:
    """Put ``value`` back in force without seeding the framework or restarting the streams (a resumed run)."""
    _state["seed"] = value


def reseed_active_backend() -> None:
    """Seed the active framework's generator from the current seed (no-op before activation)."""
    if dispatch.active_name() is not None:
        dispatch.B.seed(_state["seed"])


def _reseed_new_backend(name: str) -> None:
    reseed_active_backend()


# A newly activated framework starts from dn.seed's value, as the previous one did.
selection.on_activate(_reseed_new_backend)
