"""The schedules of ``keras.optimizers.schedules``, with Keras's names, arguments and formulas.

Keras computes a schedule in the dtype of ``initial_learning_rate`` (float32 for a Python float);
these compute in float64, which is Keras's value for a float64 rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import argument_error, check_bool, is_number as is_real
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from dualnet.optim.schedules._base import (
    Schedule,
    as_step,
    ceil,
    check,
    check_steps,
    clamp,
    cos,
    floor,
    is_number,
    log,
    minimum,
    power,
    where,
)

__all__ = [
    "Constant",
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "PiecewiseConstant",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
]


class Constant(Schedule):
    """``value`` at every step.

    Raises:
        ArgumentError: ``value`` is not a number >= 0.
    """

    def __init__(self, value: float) -> None:
        self.value = check("Constant", "value", value, 0.0, "Constant(1e-3)")

    def __call__(self, step: Any) -> Any:
        return self.value


class ExponentialDecay(Schedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; ``staircase`` floors the exponent (Keras).

    With ``decay_steps=1`` it is torch's ``ExponentialLR(gamma=decay_rate)``.

    Raises:
        ArgumentError: ``initial_learning_rate`` or ``decay_rate`` is not a number >= 0, or ``decay_steps`` is not > 0.
    """

    def __init__(
        self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False
    ) -> None:
        name = "ExponentialDecay"
        self.initial_learning_rate = check(name, "initial_learning_rate", initial_learning_rate, 0.0, "0.1")
        self.decay_steps = check_steps(name, "decay_steps", decay_steps, "decay_steps=1000")
        self.decay_rate = check(name, "decay_rate", decay_rate, 0.0, "decay_rate=0.96")
        self.staircase = check_bool(name, "staircase", staircase)

    def __call__(self, step: Any) -> Any:
        exponent = as_step(step) / self.decay_steps
        if self.staircase:
            exponent = floor(exponent)
        return self.initial_learning_rate * power(self.decay_rate, exponent)


class InverseTimeDecay(Schedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``; ``staircase`` floors ``step / decay_steps``.

    Raises:
        ArgumentError: ``initial_learning_rate`` or ``decay_rate`` is not a number >= 0, or ``decay_steps`` is not > 0.
    """

    def __init__(
        self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False
    ) -> None:
        name = "InverseTimeDecay"
        self.initial_learning_rate = check(name, "initial_learning_rate", initial_learning_rate, 0.0, "0.1")
        self.decay_steps = check_steps(name, "decay_steps", decay_steps, "decay_steps=1000")
        self.decay_rate = check(name, "decay_rate", decay_rate, 0.0, "decay_rate=0.5")
        self.staircase = check_bool(name, "staircase", staircase)

    def __call__(self, step: Any) -> Any:
        p = as_step(step) / self.decay_steps
        if self.staircase:
            p = floor(p)
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)


class PolynomialDecay(Schedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``, held at ``end_learning_rate`` afterwards.

    With ``cycle=True`` the decay restarts: ``decay_steps`` is multiplied by ``ceil(step / decay_steps)``
    (Keras). torch's ``PolynomialLR(total_iters, power)`` is ``end_learning_rate=0``.

    Raises:
        ArgumentError: a rate or ``power`` is not a number >= 0, or ``decay_steps`` is not > 0.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
    ) -> None:
        name = "PolynomialDecay"
        self.initial_learning_rate = check(name, "initial_learning_rate", initial_learning_rate, 0.0, "0.1")
        self.decay_steps = check_steps(name, "decay_steps", decay_steps, "decay_steps=1000")
        self.end_learning_rate = check(name, "end_learning_rate", end_learning_rate, 0.0, "end_learning_rate=1e-4")
        self.power = check(name, "power", power, 0.0, "power=1.0")
        self.cycle = check_bool(name, "cycle", cycle)

    def __call__(self, step: Any) -> Any:
        t = as_step(step)
        if self.cycle:
            steps = self.decay_steps * where(t == 0, 1.0, ceil(t / self.decay_steps))
        else:
            steps, t = self.decay_steps, minimum(t, float(self.decay_steps))
        fraction = power(1.0 - t / steps, self.power)
        return (self.initial_learning_rate - self.end_learning_rate) * fraction + self.end_learning_rate


class CosineDecay(Schedule):
    """Cosine decay from ``initial_learning_rate`` to ``alpha * initial_learning_rate`` over ``decay_steps``.

    As Keras's ``CosineDecay``: with ``warmup_target`` the rate first rises linearly from
    ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``, then decays from
    ``warmup_target`` over the next ``decay_steps``; it stays at the final value afterwards. With
    ``warmup_steps > 0`` and no ``warmup_target`` the rate rises from 0 to ``initial_learning_rate``
    (Keras would skip the warmup). Without warmup it is torch's
    ``CosineAnnealingLR(T_max=decay_steps, eta_min=alpha * initial)`` up to ``decay_steps``
    (torch's then rises again; see :class:`CosineAnnealingLR`).

    Raises:
        ArgumentError: a rate or ``alpha`` is not a number >= 0, ``decay_steps`` is not > 0, or ``warmup_steps`` < 0.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        warmup_steps: int = 0,
        warmup_target: float | None = None,
    ) -> None:
        name = "CosineDecay"
        self.initial_learning_rate = check(name, "initial_learning_rate", initial_learning_rate, 0.0, "1e-3")
        self.decay_steps = check_steps(name, "decay_steps", decay_steps, "decay_steps=1000")
        self.alpha = check(name, "alpha", alpha, 0.0, "alpha=0.0")
        self.warmup_steps = check_steps(name, "warmup_steps", warmup_steps, "warmup_steps=100", strict=False)
        if warmup_target is not None:
            warmup_target = check(name, "warmup_target", warmup_target, 0.0, "warmup_target=1e-3")
        self.warmup_target = warmup_target

    def __call__(self, step: Any) -> Any:
        t = clamp(as_step(step), 0.0, self.warmup_steps + self.decay_steps)
        initial = self.initial_learning_rate
        start, peak = (initial, self.warmup_target) if self.warmup_target is not None else (0.0, initial)
        cosine = 0.5 * (1.0 + cos(math.pi * (t - self.warmup_steps) / self.decay_steps))
        decayed = peak * ((1.0 - self.alpha) * cosine + self.alpha)
        if self.warmup_steps == 0:
            return decayed
        warm = start + (peak - start) * (t / self.warmup_steps)
        return where(t < self.warmup_steps, warm, decayed)


class CosineDecayRestarts(Schedule):
    """Cosine decay with warm restarts (SGDR), as Keras's ``CosineDecayRestarts``.

    The first period lasts ``first_decay_steps``; each next one ``t_mul`` times longer and starting
    ``m_mul`` times lower. Within a period the rate goes from ``m_mul ** i * initial`` down to
    ``alpha * initial``. torch's ``CosineAnnealingWarmRestarts`` is the ``m_mul=1`` case with an
    absolute floor (see :class:`CosineAnnealingWarmRestarts`).

    Raises:
        ArgumentError: a rate, ``m_mul`` or ``alpha`` is not a number >= 0, ``first_decay_steps`` not > 0,
            or ``t_mul`` not > 0.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
    ) -> None:
        name = "CosineDecayRestarts"
        self.initial_learning_rate = check(name, "initial_learning_rate", initial_learning_rate, 0.0, "1e-3")
        self.first_decay_steps = check_steps(name, "first_decay_steps", first_decay_steps, "first_decay_steps=1000")
        self.t_mul = check(name, "t_mul", t_mul, 0.0, "t_mul=2.0", strict=True)
        self.m_mul = check(name, "m_mul", m_mul, 0.0, "m_mul=1.0")
        self.alpha = check(name, "alpha", alpha, 0.0, "alpha=0.0")

    def __call__(self, step: Any) -> Any:
        fraction = as_step(step) / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = floor(fraction)
            fraction = fraction - restart
        else:
            t_mul = self.t_mul
            restart = floor(log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            # the logarithm can land a hair below an integer at a restart: move to the period holding the step
            start = (1.0 - power(t_mul, restart + 1.0)) / (1.0 - t_mul)
            restart = where(start <= fraction, restart + 1.0, restart)
            passed = (1.0 - power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - passed) / power(t_mul, restart)
        cosine = 0.5 * power(self.m_mul, restart) * (1.0 + cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)


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
        name = type(self).__name__
        if isinstance(boundaries, str) or not all(is_real(b) for b in boundaries):
            raise argument_error(name, "boundaries", boundaries, "a list of step numbers", "pass e.g. boundaries=[100]")
        self.boundaries = [float(b) for b in boundaries]
        self.values = [check(name, "values", v, 0.0, "values=[0.1, 0.01]") for v in values]
        if len(self.values) != len(self.boundaries) + 1:
            raise ArgumentError(
                f"{name}(boundaries={list(boundaries)}, values={list(values)}): needs one more value "
                "than boundaries; pass e.g. boundaries=[100], values=[0.1, 0.01]"
            )
        if any(b >= a for b, a in zip(self.boundaries, self.boundaries[1:])) or any(b != b for b in self.boundaries):
            raise ArgumentError(f"{name}(boundaries={list(boundaries)}): boundaries must increase; sort them")

    def __call__(self, step: Any) -> Any:
        t = as_step(step)
        if is_number(t):
            for boundary, value in zip(self.boundaries, self.values):
                if t <= boundary:
                    return value
            return self.values[-1]
        result = B.convert_to_tensor(self.values[-1], "float64")
        for boundary, value in zip(reversed(self.boundaries), reversed(self.values[:-1])):
            result = B.where(t <= boundary, B.convert_to_tensor(value, "float64"), result)
        return result


class PiecewiseConstantDecay(PiecewiseConstant):
    """Keras's name for :class:`PiecewiseConstant` (the same arguments, the same values).

    Raises:
        ArgumentError: as :class:`PiecewiseConstant`.
    """
