"""Validation of optimizer arguments: ArgumentError naming the optimizer (or group) and the argument."""

from __future__ import annotations

import math
from typing import Any

from dualnet.errors import ArgumentError


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def called(owner: str, args: str) -> str:
    """``Adam(lr=-1)``, or ``Adam param group 1 (lr=-1)`` when ``owner`` is more than a name."""
    return f"{owner}({args})" if owner.isidentifier() else f"{owner} ({args})"


def check_learning_rate(owner: str, lr: Any) -> Any:
    """``lr`` as a float, or the schedule itself; ArgumentError if negative, NaN or not a number."""
    if callable(lr) and not _is_number(lr):
        return lr
    if not _is_number(lr) or math.isnan(lr) or lr < 0:
        raise ArgumentError(
            f"{called(owner, f'lr={lr!r}')}: the learning rate must be a number >= 0 or a schedule; "
            "pass e.g. lr=1e-3 or lr=dn.optim.schedules.CosineDecay(1e-3, decay_steps=1000)"
        )
    return float(lr)


def check_range(
    owner: str, name: str, value: Any, low: float, high: float | None, example: str, closed: bool = False
) -> float:
    """``value`` as a float in ``[low, high)`` (``[low, high]`` if ``closed``; no upper bound if ``high`` is None)."""
    number = _is_number(value) and not math.isnan(value)
    above = number and high is not None and (value > high if closed else value >= high)
    if not number or value < low or above:
        bounds = f">= {low:g}" if high is None else f"in [{low:g}, {high:g}{']' if closed else ')'}"
        raise ArgumentError(
            f"{called(owner, f'{name}={value!r}')}: {name} must be a number {bounds}; pass e.g. {example}"
        )
    return float(value)


def check_betas(owner: str, betas: Any, example: str = "betas=(0.9, 0.999)") -> tuple[float, float]:
    """``betas`` as a pair of floats in ``[0, 1)``, else ArgumentError."""
    ok = isinstance(betas, tuple | list) and len(betas) == 2
    if ok and all(_is_number(b) and not math.isnan(b) and 0 <= b < 1 for b in betas):
        return float(betas[0]), float(betas[1])
    raise ArgumentError(
        f"{called(owner, f'betas={betas!r}')}: betas must be two numbers in [0, 1); pass e.g. {example}"
    )


def positive_or_none(owner: str, name: str, value: Any) -> float | None:
    """``value`` as a float > 0, or None; else ArgumentError."""
    if value is None:
        return None
    if not _is_number(value) or math.isnan(value) or value <= 0:
        raise ArgumentError(
            f"{called(owner, f'{name}={value!r}')}: {name} must be a number > 0 or None; pass e.g. {name}=1.0"
        )
    return float(value)
