"""Argument checks shared by the callbacks: ArgumentError naming the callback and the argument."""

from __future__ import annotations

import math
from typing import Any

from dualnet.errors import ArgumentError

MODES = ("auto", "min", "max")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def fail(owner: str, name: str, value: Any, what: str, example: str) -> ArgumentError:
    """``EarlyStopping(patience=-1): patience must be ...; pass e.g. patience=3``."""
    return ArgumentError(f"{owner}({name}={value!r}): {name} {what}; pass e.g. {example}")


def check_int(owner: str, name: str, value: Any, low: int, example: str) -> int:
    """``value`` as an int >= ``low`` (bools are not ints here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise fail(owner, name, value, f"must be an integer >= {low}", example)
    return int(value)


def check_number(
    owner: str, name: str, value: Any, example: str, low: float | None = None, high: float | None = None
) -> float:
    """``value`` as a float in the open interval ``(low, high)``; a None bound is no bound."""
    inside = _is_number(value) and (low is None or value > low) and (high is None or value < high)
    if not inside:
        if low is not None and high is not None:
            bounds = f"in ({low:g}, {high:g})"
        elif low is not None:
            bounds = f"> {low:g}"
        elif high is not None:
            bounds = f"< {high:g}"
        else:
            bounds = "finite"
        raise fail(owner, name, value, f"must be a number {bounds}", example)
    return float(value)


def check_non_negative(owner: str, name: str, value: Any, example: str) -> float:
    """``value`` as a float >= 0."""
    if not _is_number(value) or value < 0 or math.isinf(value):
        raise fail(owner, name, value, "must be a finite number >= 0", example)
    return float(value)


def check_optional_number(owner: str, name: str, value: Any, example: str) -> float | None:
    """``value`` as a float, or None."""
    if value is None:
        return None
    if not _is_number(value):
        raise fail(owner, name, value, "must be a number or None", example)
    return float(value)


def check_mode(owner: str, mode: Any) -> str:
    """``"auto"``, ``"min"`` or ``"max"`` (Keras warns and falls back to auto; dualnet refuses)."""
    if mode not in MODES:
        raise fail(owner, "mode", mode, "must be 'auto', 'min' or 'max'", "mode='min' for a loss, 'max' for accuracy")
    return str(mode)


def check_monitor(owner: str, monitor: Any) -> str:
    """A non-empty log key such as ``"val_loss"``."""
    if not isinstance(monitor, str) or not monitor:
        raise fail(owner, "monitor", monitor, "must be the name of a logged value", "monitor='val_loss'")
    return monitor


def check_verbose(owner: str, verbose: Any) -> int:
    """0 (silent) or 1 (a line when the callback acts); True and False count as 1 and 0."""
    if verbose not in (0, 1):
        raise fail(owner, "verbose", verbose, "must be 0 or 1", "verbose=1")
    return int(verbose)
