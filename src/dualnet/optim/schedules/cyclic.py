"""Schedules that go up and down: one cycle (torch's ``OneCycleLR``), ``CyclicLR`` and cosine warm restarts."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from dualnet.arguments import check_choice, check_int
from dualnet.errors import ArgumentError
from dualnet.optim.schedules._base import Schedule, as_step, check, clamp, cos, floor, log, power, where

__all__ = ["CosineAnnealingWarmRestarts", "CyclicLR", "OneCycle", "OneCycleLR"]


def _cos_anneal(start: float, end: float, pct: Any) -> Any:
    return end + (start - end) / 2.0 * (cos(math.pi * pct) + 1)


def _linear_anneal(start: float, end: float, pct: Any) -> Any:
    return (end - start) * pct + start


class OneCycleLR(Schedule):
    """torch's ``OneCycleLR`` for the learning rate (momentum is not cycled).

    From ``max_lr / div_factor`` up to ``max_lr`` by step ``pct_start * total_steps - 1``, then down
    to ``max_lr / div_factor / final_div_factor`` at step ``total_steps - 1``, where it stays (torch
    raises past ``total_steps``). ``three_phase`` goes back down to the start before the final
    descent; ``anneal_strategy`` is ``"cos"`` or ``"linear"``. ``total_steps`` or ``epochs`` and
    ``steps_per_epoch`` (their product) give the length.

    Raises:
        ArgumentError: ``max_lr`` < 0, no valid length, ``pct_start`` outside (0, 1), a divisor not > 0,
            an unknown ``anneal_strategy``, or phases that span no step.
    """

    def __init__(
        self,
        max_lr: float,
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ) -> None:
        name = type(self).__name__
        self.max_lr = check(name, "max_lr", max_lr, 0.0, "max_lr=0.1")
        if total_steps is None:
            epochs = check_int(name, "epochs", epochs, low=1, example="epochs=10 (or total_steps=1000)")
            steps_per_epoch = check_int(name, "steps_per_epoch", steps_per_epoch, low=1, example="100")
            total_steps = epochs * steps_per_epoch
        self.total_steps = total = check_int(name, "total_steps", total_steps, low=1, example="total_steps=1000")
        self.pct_start = pct = check(name, "pct_start", pct_start, 0.0, "pct_start=0.3", strict=True)
        if pct >= 1:
            raise ArgumentError(f"{name}(pct_start={pct_start}): pct_start must be in (0, 1); pass e.g. 0.3")
        self.anneal_strategy = check_choice(name, "anneal_strategy", anneal_strategy, ("cos", "linear"))
        self.div_factor = check(name, "div_factor", div_factor, 0.0, "div_factor=25", strict=True)
        self.final_div_factor = check(name, "final_div_factor", final_div_factor, 0.0, "1e4", strict=True)
        self.three_phase = bool(three_phase)
        initial = self.max_lr / self.div_factor
        low = initial / self.final_div_factor
        warm_end = float(pct * total) - 1  # torch's phase boundaries
        if three_phase:
            self._phases = [(warm_end, initial, self.max_lr), (2 * warm_end, self.max_lr, initial)]
        else:
            self._phases = [(warm_end, initial, self.max_lr)]
        self._phases.append((float(total - 1), self._phases[-1][2], low))
        ends = [0.0] + [end for end, _, _ in self._phases]
        if not all(b > a for a, b in itertools.pairwise(ends)):
            raise ArgumentError(
                f"{name}(total_steps={total}, pct_start={pct_start}): the warmup must span at least one step "
                "and every phase must end before the next; raise total_steps or change pct_start"
            )

    def __call__(self, step: Any) -> Any:
        t = clamp(as_step(step), 0.0, float(self.total_steps - 1))
        anneal = _cos_anneal if self.anneal_strategy == "cos" else _linear_anneal
        begin, result = 0.0, None
        for end, start_lr, end_lr in self._phases:
            value = anneal(start_lr, end_lr, (t - begin) / (end - begin))
            result = value if result is None else where(t <= begin, result, value)
            begin = end
        return result


class OneCycle(OneCycleLR):
    """torch's ``OneCycleLR`` with cosine annealing in two phases: the short form of :class:`OneCycleLR`.

    Raises:
        ArgumentError: as :class:`OneCycleLR`.
    """

    def __init__(
        self,
        max_lr: float,
        total_steps: int,
        pct_start: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
    ) -> None:
        super().__init__(
            max_lr, total_steps, pct_start=pct_start, div_factor=div_factor, final_div_factor=final_div_factor
        )


class CyclicLR(Schedule):
    """torch's ``CyclicLR`` for the learning rate (momentum is not cycled): between ``base_lr`` and ``max_lr``.

    Each cycle rises over ``step_size_up`` steps and falls over ``step_size_down`` (default: the same).
    ``mode``: ``"triangular"`` (constant amplitude), ``"triangular2"`` (halved each cycle) or
    ``"exp_range"`` (scaled by ``gamma ** step``). A ``scale_fn`` replaces the mode; it gets the cycle
    number (``scale_mode="cycle"``) or the step (``"iterations"``), a float or a float64 tensor.

    Raises:
        ArgumentError: a rate or ``gamma`` < 0, a step size not a positive int, or an unknown mode.
    """

    def __init__(
        self,
        base_lr: float,
        max_lr: float,
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: str = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[Any], Any] | None = None,
        scale_mode: str = "cycle",
    ) -> None:
        name = "CyclicLR"
        self.base_lr = check(name, "base_lr", base_lr, 0.0, "base_lr=1e-3")
        self.max_lr = check(name, "max_lr", max_lr, 0.0, "max_lr=1e-2")
        self.step_size_up = check_int(name, "step_size_up", step_size_up, low=1, example="step_size_up=2000")
        self.step_size_down = check_int(
            name, "step_size_down", step_size_down, low=1, or_none=True, example="step_size_down=2000"
        )
        self.mode = check_choice(name, "mode", mode, ("triangular", "triangular2", "exp_range"))
        self.gamma = check(name, "gamma", gamma, 0.0, "gamma=0.99")
        self.scale_fn = scale_fn
        self.scale_mode = check_choice(name, "scale_mode", scale_mode, ("cycle", "iterations"))
        if scale_fn is None:  # as torch: the mode decides what its scale function reads
            self.scale_mode = "iterations" if self.mode == "exp_range" else "cycle"
        down = self.step_size_down if self.step_size_down is not None else self.step_size_up
        self._total = float(self.step_size_up + down)
        self._ratio = self.step_size_up / self._total

    def _scale(self, x: Any) -> Any:
        if self.scale_fn is not None:
            return self.scale_fn(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1.0 / power(2.0, x - 1.0)
        return power(self.gamma, x)

    def __call__(self, step: Any) -> Any:
        t = as_step(step)
        cycle = floor(1.0 + t / self._total)
        x = 1.0 + t / self._total - cycle
        factor = where(x <= self._ratio, x / self._ratio, (x - 1.0) / (self._ratio - 1.0))
        height = (self.max_lr - self.base_lr) * factor
        return self.base_lr + height * self._scale(cycle if self.scale_mode == "cycle" else t)


class CosineAnnealingWarmRestarts(Schedule):
    """torch's ``CosineAnnealingWarmRestarts`` (SGDR): cosine from ``lr`` to ``eta_min``, restarting.

    The first period lasts ``T_0`` steps, each next one ``T_mult`` times longer. Keras's
    :class:`CosineDecayRestarts` also scales each restart's peak (``m_mul``) and sets a relative floor.

    Raises:
        ArgumentError: ``lr`` or ``eta_min`` < 0, ``T_0`` not a positive int, or ``T_mult`` not an int >= 1.
    """

    def __init__(self, lr: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0) -> None:
        name = "CosineAnnealingWarmRestarts"
        self.lr = check(name, "lr", lr, 0.0, "lr=0.1")
        self.T_0 = check_int(name, "T_0", T_0, low=1, example="T_0=10")
        self.T_mult = check_int(name, "T_mult", T_mult, low=1, example="T_mult=2")
        self.eta_min = check(name, "eta_min", eta_min, 0.0, "eta_min=0.0")

    def __call__(self, step: Any) -> Any:
        t = as_step(step)
        if self.T_mult == 1:
            period = float(self.T_0)
            into = t - period * floor(t / period)
        else:
            m = float(self.T_mult)
            n = floor(log(t / self.T_0 * (m - 1.0) + 1.0) / math.log(m))
            # the logarithm can land a hair below an integer at a restart: move to the period holding the step
            n = where(self.T_0 * (power(m, n + 1.0) - 1.0) / (m - 1.0) <= t, n + 1.0, n)
            into = t - self.T_0 * (power(m, n) - 1.0) / (m - 1.0)
            period = self.T_0 * power(m, n)
        return self.eta_min + (self.lr - self.eta_min) * 0.5 * (1.0 + cos(math.pi * into / period))
