"""Learning-rate schedules: callables ``step -> lr``, usable as ``lr=`` of any optimizer.

The optimizer evaluates its schedule at the number of steps already taken:
the first update uses ``schedule(0)`` (as ``torch.optim.lr_scheduler`` and
Keras do). ``step`` is a Python int in eager steps (the result is a float,
computed in double precision) or a float64 scalar tensor inside a compiled
step (the same formulas on the ops), so one schedule serves both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import argument_error, check_bool, check_float, check_int, is_integer, is_number
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError

__all__ = ["Constant", "CosineDecay", "ExponentialDecay", "OneCycle", "PiecewiseConstant", "Schedule", "StepDecay"]

# Helpers that take Python numbers or tensors alike.


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float)


def _floor(x: Any) -> Any:
    return float(math.floor(x)) if _is_number(x) else B.floor(x)


def _cos(x: Any) -> Any:
    return math.cos(x) if _is_number(x) else B.cos(x)


def _pow(base: float, exponent: Any) -> Any:
    return base**exponent if _is_number(exponent) else B.power(base, exponent)


def _clamp(x: Any, low: float, high: float) -> Any:
    return min(max(x, low), high) if _is_number(x) else B.clip(x, low, high)


def _where(condition: Any, x1: Any, x2: Any) -> Any:
    if isinstance(condition, bool):
        return x1 if condition else x2
    return B.where(condition, x1, x2)


def _step(step: Any) -> Any:
    return float(step) if _is_number(step) else B.cast(step, "float64")


def _check(owner: str, name: str, value: Any, low: float, example: str, strict: bool = False) -> float:
    """``value`` as a float if it is a finite number >= ``low`` (> ``low`` if ``strict``), else ArgumentError."""
    return check_float(owner, name, value, low=low, low_open=strict, example=example)


def _check_steps(owner: str, name: str, value: Any, example: str, strict: bool = True) -> int | float:
    """A step count (int or float) > 0 (>= 0 unless ``strict``), as a Python int or float."""
    number = _check(owner, name, value, 0.0, example, strict)
    return int(value) if is_integer(value) else number


class Schedule:
    """Base class: ``schedule(step)`` returns the learning rate after ``step`` optimizer steps."""

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """``value`` at every step.

    Raises:
        ArgumentError: ``value`` is not a number >= 0.
    """

    def __init__(self, value: float) -> None:
        self.value = _check("Constant", "value", value, 0.0, "Constant(1e-3)")

    def __call__(self, step: Any) -> Any:
        return self.value


class StepDecay(Schedule):
    """``initial * gamma ** floor(step / step_size)`` (torch's ``StepLR``).

    Raises:
        ArgumentError: ``initial`` or ``gamma`` is not a number >= 0, or ``step_size`` is not a positive int.
    """

    def __init__(self, initial: float, step_size: int, gamma: float = 0.1) -> None:
        self.initial = _check("StepDecay", "initial", initial, 0.0, "initial=0.1")
        self.step_size = check_int("StepDecay", "step_size", step_size, low=1, example="step_size=30")
        self.gamma = _check("StepDecay", "gamma", gamma, 0.0, "gamma=0.1")

    def __call__(self, step: Any) -> Any:
        return self.initial * _pow(self.gamma, _floor(_step(step) / self.step_size))


class ExponentialDecay(Schedule):
    """``initial * decay_rate ** (step / decay_steps)``; with ``staircase`` the exponent is floored (Keras).

    Raises:
        ArgumentError: ``initial`` or ``decay_rate`` is not a number >= 0, or ``decay_steps`` is not > 0.
    """

    def __init__(self, initial: float, decay_steps: int, decay_rate: float, staircase: bool = False) -> None:
        self.initial = _check("ExponentialDecay", "initial", initial, 0.0, "initial=0.1")
        self.decay_steps = _check_steps("ExponentialDecay", "decay_steps", decay_steps, "decay_steps=1000")
        self.decay_rate = _check("ExponentialDecay", "decay_rate", decay_rate, 0.0, "decay_rate=0.96")
        self.staircase = check_bool("ExponentialDecay", "staircase", staircase)

    def __call__(self, step: Any) -> Any:
        exponent = _step(step) / self.decay_steps
        if self.staircase:
            exponent = _floor(exponent)
        return self.initial * _pow(self.decay_rate, exponent)


class CosineDecay(Schedule):
    """Cosine decay from ``initial`` to ``alpha * initial`` over ``decay_steps``, after an optional linear warmup.

    As Keras's ``CosineDecay``: with ``warmup_target`` the rate rises linearly from ``initial`` to
    ``warmup_target`` over ``warmup_steps``, then decays from ``warmup_target`` over the next
    ``decay_steps``; it stays at the final value afterwards. With ``warmup_steps > 0`` and no
    ``warmup_target`` the rate rises from 0 to ``initial`` (Keras would skip the warmup).
    Without warmup it is torch's ``CosineAnnealingLR(T_max=decay_steps, eta_min=alpha * initial)``.

    Raises:
        ArgumentError: a rate or ``alpha`` is not a number >= 0, ``decay_steps`` is not > 0, or ``warmup_steps`` < 0.
    """

    def __init__(
        self,
        initial: float,
        decay_steps: int,
        alpha: float = 0.0,
        warmup_steps: int = 0,
        warmup_target: float | None = None,
    ) -> None:
        self.initial = _check("CosineDecay", "initial", initial, 0.0, "initial=1e-3")
        self.decay_steps = _check_steps("CosineDecay", "decay_steps", decay_steps, "decay_steps=1000")
        self.alpha = _check("CosineDecay", "alpha", alpha, 0.0, "alpha=0.0")
        self.warmup_steps = _check_steps("CosineDecay", "warmup_steps", warmup_steps, "warmup_steps=100", strict=False)
        if warmup_target is not None:
            warmup_target = _check("CosineDecay", "warmup_target", warmup_target, 0.0, "warmup_target=1e-3")
        self.warmup_target = warmup_target

    def __call__(self, step: Any) -> Any:
        t = _clamp(_step(step), 0.0, self.warmup_steps + self.decay_steps)
        start, peak = (self.initial, self.warmup_target) if self.warmup_target is not None else (0.0, self.initial)
        cosine = 0.5 * (1.0 + _cos(math.pi * (t - self.warmup_steps) / self.decay_steps))
        decayed = peak * ((1.0 - self.alpha) * cosine + self.alpha)
        if self.warmup_steps == 0:
            return decayed
        warm = start + (peak - start) * (t / self.warmup_steps)
        return _where(t < self.warmup_steps, warm, decayed)


class OneCycle(Schedule):
    """torch's ``OneCycleLR`` (two phases, cosine annealing) for the learning rate.

    From ``max_lr / div_factor`` up to ``max_lr`` over the first ``pct_start * total_steps`` steps,
    then down to ``max_lr / div_factor / final_div_factor`` at step ``total_steps - 1``, where it
    stays (torch raises past ``total_steps``). Momentum is not cycled.

    Raises:
        ArgumentError: ``max_lr`` < 0, ``total_steps`` is not a positive int, ``pct_start`` or a divisor is not > 0,
            or the warmup spans no step or reaches the last step.
    """

    def __init__(
        self,
        max_lr: float,
        total_steps: int,
        pct_start: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
    ) -> None:
        self.max_lr = _check("OneCycle", "max_lr", max_lr, 0.0, "max_lr=0.1")
        self.total_steps = total_steps = check_int("OneCycle", "total_steps", total_steps, low=1, example="1000")
        pct = _check("OneCycle", "pct_start", pct_start, 0.0, "pct_start=0.3", strict=True)
        self.pct_start = pct
        self.div_factor = _check("OneCycle", "div_factor", div_factor, 0.0, "div_factor=25", strict=True)
        self.final_div_factor = _check("OneCycle", "final_div_factor", final_div_factor, 0.0, "1e4", strict=True)
        self._warm_end = float(pct * total_steps) - 1  # torch's phase boundary
        if not 0 < self._warm_end < total_steps - 1:
            raise ArgumentError(
                f"OneCycle(total_steps={total_steps}, pct_start={pct_start}): the warmup must span at least "
                "one step and end before the last step; raise total_steps or change pct_start"
            )

    @staticmethod
    def _anneal(start: float, end: float, pct: Any) -> Any:
        return end + (start - end) / 2.0 * (_cos(math.pi * pct) + 1)

    def __call__(self, step: Any) -> Any:
        t = _clamp(_step(step), 0.0, float(self.total_steps - 1))
        initial = self.max_lr / self.div_factor
        final = initial / self.final_div_factor
        up = self._anneal(initial, self.max_lr, t / self._warm_end)
        down_pct = (t - self._warm_end) / (self.total_steps - 1 - self._warm_end)
        down = self._anneal(self.max_lr, final, down_pct)
        return _where(t <= self._warm_end, up, down)


class PiecewiseConstant(Schedule):
    """Constant pieces (Keras's ``PiecewiseConstantDecay``).

    ``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``,
    ``values[-1]`` after the last boundary. (torch's ``MultiStepLR`` changes at the milestone itself: its
    milestone ``m`` is boundary ``m - 1`` here.)

    Raises:
        ArgumentError: a value is not a number >= 0, ``values`` is not one longer than ``boundaries``, or the
            boundaries do not increase.
    """

    def __init__(self, boundaries: Sequence[int], values: Sequence[float]) -> None:
        if isinstance(boundaries, str) or not all(is_number(b) for b in boundaries):
            raise argument_error(
                "PiecewiseConstant", "boundaries", boundaries, "a list of step numbers", "pass e.g. boundaries=[100]"
            )
        self.boundaries = [float(b) for b in boundaries]
        self.values = [_check("PiecewiseConstant", "values", v, 0.0, "values=[0.1, 0.01]") for v in values]
        if len(self.values) != len(self.boundaries) + 1:
            raise ArgumentError(
                f"PiecewiseConstant(boundaries={list(boundaries)}, values={list(values)}): needs one more value "
                "than boundaries; pass e.g. boundaries=[100], values=[0.1, 0.01]"
            )
        if any(b >= a for b, a in zip(self.boundaries, self.boundaries[1:])) or any(b != b for b in self.boundaries):
            raise ArgumentError(
                f"PiecewiseConstant(boundaries={list(boundaries)}): boundaries must increase; sort them"
            )

    def __call__(self, step: Any) -> Any:
        t = _step(step)
        if _is_number(t):
            for boundary, value in zip(self.boundaries, self.values):
                if t <= boundary:
                    return value
            return self.values[-1]
        result = B.convert_to_tensor(self.values[-1], "float64")
        for boundary, value in zip(reversed(self.boundaries), reversed(self.values[:-1])):
            result = B.where(t <= boundary, B.convert_to_tensor(value, "float64"), result)
        return result
