"""Value checks that hold inside a compiled step: a device-side flag per check, read once per step on the host.

Some of dualnet's input checks need the values of tensors (class ids within
``[0, classes)``, Embedding ids below ``input_dim``). Eagerly they read two
scalars and raise at once. While a step is traced (a TensorFlow
``tf.function``, with or without XLA) there are no values to read, and XLA
drops ``tf.debugging`` asserts, so such a check calls :func:`record` instead:
it adds ``bad`` (a scalar bool tensor), the scalars its message needs and a
function that builds the same dualnet error the eager check raises.

:class:`CheckedStep` wraps the Trainer's step before it is compiled. Each trace
runs with a fresh collector active for this thread and returns, besides the
step's own output, a report: the trace's index, the flags of every recorded
check as one bool vector of shape ``(checks,)``, and their scalars. After each
step :meth:`CheckedStep.check` reads the flag vector to the host (one small
copy per step, none when the trace recorded no check) and raises the error of
the first true flag, naming the step; the scalars cross only then.

The error is raised after the compiled step ran: that batch's update (the
optimizer step, moving statistics, metric state) has been applied. A run that
meets it stops; resume from a checkpoint taken before that step to continue
from clean weights.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from dualnet.backend.dispatch import B
from dualnet.errors import DualnetError

__all__: list[str] = []  # internal: used by the Trainer and by value checks in layers and losses

_active = threading.local()


@dataclass
class _Check:
    bad: Any  # scalar bool tensor: true when the check failed
    values: tuple[Any, ...]  # scalar tensors the error's message needs
    error: Callable[..., DualnetError | None]  # error(*host values): the error the eager check raises


def active() -> bool:
    """True while a compiled step that collects checks is being traced on this thread."""
    # The backend first: torch.compile traces the callers, and a constant False keeps the thread-local out of its graph.
    return B.traces_checks() and getattr(_active, "checks", None) is not None


def record(bad: Any, error: Callable[..., DualnetError | None], *values: Any) -> bool:
    """Record a check of a step being traced; False (nothing recorded) when no compiled step collects checks.

    ``bad``: a scalar bool tensor, true when the check fails. ``values``: scalar
    tensors, given on the host (NumPy scalars) to ``error``, which returns the
    dualnet error the eager check would raise. The caller skips the check when
    this returns False, as before (the values cannot be read while tracing).
    """
    checks: list[_Check] | None = getattr(_active, "checks", None) if B.traces_checks() else None
    if checks is None:
        return False
    checks.append(_Check(B.reshape(B.cast(bad, "bool"), ()), values, error))
    return True


def record_ids_below(ids: Any, limit: int, error: Callable[[Any, Any], DualnetError | None]) -> bool:
    """Record that the integer ``ids`` (any shape) lie in ``[0, limit)``; ``error(low, high)`` builds the eager error.

    Only their minimum and maximum enter the report. False (nothing computed) when no compiled step collects checks.
    """
    if not active():
        return False
    low, high = B.min(ids), B.max(ids)  # of no ids: the dtype's max and min, in range
    return record(B.logical_or(B.less(low, 0), B.greater_equal(high, limit)), error, low, high)


@contextmanager
def _collecting() -> Iterator[list[_Check]]:
    """Make a fresh list of checks active for this thread while a step is traced (nested traces keep their own)."""
    previous = getattr(_active, "checks", None)
    checks: list[_Check] = []
    _active.checks = checks
    try:
        yield checks
    finally:
        _active.checks = previous


class CheckedStep:
    """``fn`` whose traces collect the checks recorded in them; it returns ``(fn's output, report)``.

    Compile :meth:`traced` (not ``fn``) and pass each call's report to
    :meth:`check`. ``where``: how the error names the step (e.g. ``"the compiled train step"``).
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self._traces: list[list[_Check]] = []

    def traced(self, *args: Any) -> tuple[Any, tuple[Any, Any, tuple[Any, ...]]]:
        """Run ``fn(*args)`` collecting its checks; return its output and the report of those checks."""
        with _collecting() as checks:
            out = self.fn(*args)
        index = len(self._traces)  # each trace names itself: a step may be traced more than once
        self._traces.append(checks)
        no_checks = B.convert_to_tensor(np.zeros(0, np.bool_))
        flags = B.stack([check.bad for check in checks]) if checks else no_checks
        values = tuple(tuple(check.values) for check in checks)
        return out, (B.convert_to_tensor(np.int32(index)), flags, values)

    def check(self, report: tuple[Any, Any, tuple[Any, ...]], where: str) -> None:
        """Raise the error of the first failed check in ``report``; one host read of the flags, none without checks.

        Raises:
            DualnetError: the error the failed check's eager form raises (ArgumentError for class
                ids or Embedding ids out of range), its message extended by ``where``.
        """
        index, flags, values = report
        if tuple(B.shape(flags)) == (0,):
            return
        failed = np.flatnonzero(B.to_numpy(flags))
        if not failed.size:
            return
        first = int(failed[0])
        check = self._traces[int(B.to_numpy(index))][first]
        error = check.error(*(B.to_numpy(v) for v in values[first]))
        if error is None:  # the flag and the error's own test disagree: a check's defect, not the data's
            raise AssertionError(f"dualnet: a step check flagged {where} but built no error")
        raise type(error)(f"{error} (found in {where})") from None
