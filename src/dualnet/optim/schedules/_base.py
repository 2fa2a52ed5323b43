"""What every schedule shares: the base class, argument checks, and arithmetic on numbers or tensors.

A schedule is evaluated at a Python int in eager steps (the result is a float, in double precision)
and at a float64 scalar tensor inside a compiled step; the helpers here take either, so each formula
is written once.
"""

from __future__ import annotations

import math
from typing import Any

from dualnet.arguments import check_float, is_integer
from dualnet.backend.dispatch import B

__all__ = ["Schedule"]


def is_number(x: Any) -> bool:
    return isinstance(x, int | float)


def floor(x: Any) -> Any:
    return float(math.floor(x)) if is_number(x) else B.floor(x)


def ceil(x: Any) -> Any:
    return float(math.ceil(x)) if is_number(x) else B.ceil(x)


def cos(x: Any) -> Any:
    return math.cos(x) if is_number(x) else B.cos(x)


def log(x: Any) -> Any:
    return math.log(x) if is_number(x) else B.log(x)


def power(base: Any, exponent: Any) -> Any:
    if is_number(base) and is_number(exponent):
        return float(base) ** exponent
    return B.power(base, exponent)


def clamp(x: Any, low: float, high: float) -> Any:
    return min(max(x, low), high) if is_number(x) else B.clip(x, low, high)


def minimum(x: Any, high: float) -> Any:
    return min(x, high) if is_number(x) else B.minimum(x, high)


def where(condition: Any, x1: Any, x2: Any) -> Any:
    if isinstance(condition, bool):
        return x1 if condition else x2
    # Python numbers as float64 tensors: a backend would make them float32
    x1, x2 = (B.convert_to_tensor(float(x), "float64") if is_number(x) else x for x in (x1, x2))
    return B.where(condition, x1, x2)


def as_step(step: Any) -> Any:
    return float(step) if is_number(step) else B.cast(step, "float64")


def check(owner: str, name: str, value: Any, low: float, example: str, strict: bool = False) -> float:
    """``value`` as a float if it is a finite number >= ``low`` (> ``low`` if ``strict``), else ArgumentError."""
    return check_float(owner, name, value, low=low, low_open=strict, example=example)


def check_steps(owner: str, name: str, value: Any, example: str, strict: bool = True) -> int | float:
    """A step count (int or float) > 0 (>= 0 unless ``strict``), as a Python int or float."""
    number = check(owner, name, value, 0.0, example, strict)
    return int(value) if is_integer(value) else number


class Schedule:
    """Base class: ``schedule(step)`` returns the learning rate after ``step`` optimizer steps."""

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({args})"
