"""``dn.seed``: one integer that fixes initial weights and random ops.

Initial weights are drawn in NumPy from ``(seed, stream, path)`` (see
:mod:`dualnet.nn.initializers`), so they are bit-identical on every backend.
``stream`` counts the models materialised since the last ``dn.seed`` call, so
two models built in a row differ while the same script gives the same weights
on each backend. The framework's own generator (dropout, ``dn.ops.random``) is
seeded too; its streams are the framework's and differ across backends.

Threads: ``dn.seed`` called in the main thread seeds the process, that is every
thread that has not called ``dn.seed`` itself (they share one stream counter);
called in any other thread it seeds that thread only, so threads that each
seed themselves build and shuffle exactly as they would alone, in any
interleaving. The framework's generator is one per process in both frameworks:
``dn.seed`` in a thread reseeds it for all, and threads drawing from it at once
(dropout, ``dn.ops.random`` without ``seed=``) interleave their draws.
"""

from __future__ import annotations

import secrets
import threading

from dualnet.arguments import check_int
from dualnet.backend import dispatch, selection

__all__ = ["seed"]

_process: dict[str, int | bool] = {"seed": secrets.randbits(31), "stream": 0, "explicit": False}
_lock = threading.Lock()  # the process state's stream counter is shared by every thread that did not seed
_own = threading.local()  # .state: the state of a thread (not the main one) that called dn.seed


def _state() -> dict[str, int | bool]:
    own: dict[str, int | bool] | None = getattr(_own, "state", None)
    return _process if own is None else own


def seed(value: int) -> None:
    """Seed dualnet's initializers and the active framework's random generator.

    Raises:
        ArgumentError: ``value`` is not a non-negative int.
    """

    value = check_int("dn.seed", "value", value, low=0, example="dn.seed(0)")
    if threading.current_thread() is threading.main_thread():
        with _lock:
            _process.update(seed=value, stream=0, explicit=True)
    else:
        _own.state = {"seed": value, "stream": 0, "explicit": True}
    reseed_active_backend()


def next_stream() -> tuple[int, int]:
    """Return ``(seed, stream)`` for a new model and advance the stream counter."""
    with _lock:
        state = _state()
        key = (int(state["seed"]), int(state["stream"]))
        state["stream"] = key[1] + 1
    return key


def current_seed() -> int:
    """The seed in force in this thread (random per process until ``dn.seed`` is called)."""
    return int(_state()["seed"])


def restore_seed(value: int) -> None:
    """Put ``value`` back in force without seeding the framework or restarting the streams (a resumed run)."""
    with _lock:
        _state()["seed"] = value


def reseed_active_backend() -> None:
    """Seed the active framework's generator from the current seed (no-op before activation)."""
    if dispatch.active_name() is not None:
        dispatch.B.seed(current_seed())


def _reseed_new_backend(name: str) -> None:
    reseed_active_backend()


# A newly activated framework starts from dn.seed's value, as the previous one did.
selection.on_activate(_reseed_new_backend)
