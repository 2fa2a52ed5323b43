"""Schedules made of schedules: torch's ``SequentialLR`` and ``ChainedScheduler``, a linear warmup, per-epoch steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import argument_error, check_int, is_integer
from dualnet.errors import ArgumentError
from dualnet.optim.schedules._base import Schedule, as_step, check, floor, is_number, where

__all__ = ["ChainedScheduler", "LinearWarmup", "PerEpoch", "SequentialLR"]

_Rate = Schedule | float


def _schedules(owner: str, schedulers: Any, example: str) -> list[Any]:
    if isinstance(schedulers, str) or not isinstance(schedulers, Sequence) or not schedulers:
        raise argument_error(owner, "schedulers", schedulers, "a non-empty list of schedules", f"pass e.g. {example}")
    for item in schedulers:
        if not callable(item):
            raise argument_error(owner, "schedulers", item, "a schedule (callable step -> lr)", f"pass e.g. {example}")
    return list(schedulers)


def _as_float(value: Any) -> float:
    return float(value) if is_number(value) else float(value.numpy() if hasattr(value, "numpy") else value)


class SequentialLR(Schedule):
    """torch's ``SequentialLR``: ``schedulers[i]`` from ``milestones[i-1]`` on, restarted at its step 0 there.

    ``schedule(k) = schedulers[i](k - milestones[i-1])`` where ``i`` counts the milestones ``<= k``.

    Raises:
        ArgumentError: ``schedulers`` is not a non-empty list of schedules, or ``milestones`` is not an
            increasing list of ints > 0 one shorter than it.
    """

    def __init__(self, schedulers: Sequence[_Rate], milestones: Sequence[int]) -> None:
        example = "SequentialLR([LinearLR(0.1, total_iters=5), ExponentialLR(0.1, 0.9)], milestones=[5])"
        self.schedulers = _schedules("SequentialLR", schedulers, example)
        if isinstance(milestones, str) or not all(is_integer(m) and m > 0 for m in milestones):
            raise argument_error("SequentialLR", "milestones", milestones, "a list of ints > 0", f"pass e.g. {example}")
        self.milestones = [int(m) for m in milestones]
        if len(self.milestones) != len(self.schedulers) - 1 or self.milestones != sorted(set(self.milestones)):
            raise ArgumentError(
                f"SequentialLR(milestones={list(milestones)}): needs one increasing milestone less than the "
                f"{len(self.schedulers)} schedulers; pass e.g. {example}"
            )

    def __call__(self, step: Any) -> Any:
        t = as_step(step)
        if is_number(t):
            index = sum(1 for m in self.milestones if m <= t)
            begin = self.milestones[index - 1] if index else 0
            return self.schedulers[index](step - begin)
        result = self.schedulers[0](t)
        for milestone, schedule in zip(self.milestones, self.schedulers[1:]):
            result = where(t >= milestone, schedule(t - milestone), result)
        return result


class ChainedScheduler(Schedule):
    """torch's ``ChainedScheduler``: every scheduler's factor applied together, ``lr * prod(s(k) / lr)``.

    The schedulers are torch-named ones of the same optimizer, so one ``lr`` (torch's ``base_lr``).
    This is torch's value for the multiplicative schedulers (``StepLR``, ``MultiStepLR``,
    ``ExponentialLR``, ``ConstantLR``, ``LinearLR``, ``PolynomialLR``, ``LambdaLR``,
    ``MultiplicativeLR``) and for ``CosineAnnealingLR`` with ``eta_min=0``; torch chains the others
    through their recursive forms, which this does not reproduce.

    Raises:
        ArgumentError: ``schedulers`` is not a non-empty list of schedules with an ``lr``, or their ``lr`` differ.
    """

    def __init__(self, schedulers: Sequence[Schedule]) -> None:
        example = "ChainedScheduler([ConstantLR(0.1, factor=0.5, total_iters=4), ExponentialLR(0.1, gamma=0.9)])"
        self.schedulers = _schedules("ChainedScheduler", schedulers, example)
        rates = [getattr(s, "lr", None) for s in self.schedulers]
        if any(not is_number(r) for r in rates) or len(set(rates)) != 1:
            raise ArgumentError(
                f"ChainedScheduler: the schedulers' initial rates (lr) are {rates}; chain torch-named schedules of "
                f"one optimizer, which share one lr; pass e.g. {example}"
            )
        self.lr = float(rates[0])  # type: ignore[arg-type]

    def __call__(self, step: Any) -> Any:
        if self.lr == 0:
            return 0.0
        result: Any = self.lr
        for schedule in self.schedulers:
            result = result * (schedule(step) / self.lr)
        return result


class LinearWarmup(Schedule):
    """A linear warmup from ``start_lr`` to ``schedule(0)`` over ``warmup_steps``, then ``schedule(k - warmup_steps)``.

    ``schedule`` may be a number (a constant rate after the warmup). The same as torch's
    ``SequentialLR([LinearLR(start_factor=start_lr / peak, total_iters=warmup_steps), schedule],
    milestones=[warmup_steps])``; Keras's ``CosineDecay(warmup_target=...)`` has the warmup built in.

    Raises:
        ArgumentError: ``schedule`` is neither a number >= 0 nor callable, ``warmup_steps`` is not a positive
            int, or ``start_lr`` < 0.
    """

    def __init__(self, schedule: _Rate, warmup_steps: int, start_lr: float = 0.0) -> None:
        if not callable(schedule):
            schedule = check("LinearWarmup", "schedule", schedule, 0.0, "schedule=CosineDecay(1e-3, 1000) or 1e-3")
        self.schedule = schedule
        self.warmup_steps = check_int("LinearWarmup", "warmup_steps", warmup_steps, low=1, example="warmup_steps=100")
        self.start_lr = check("LinearWarmup", "start_lr", start_lr, 0.0, "start_lr=0.0")
        self._peak = _as_float(schedule(0)) if callable(schedule) else float(schedule)

    def _after(self, step: Any) -> Any:
        return self.schedule(step) if callable(self.schedule) else self.schedule

    def __call__(self, step: Any) -> Any:
        t = as_step(step)
        warm = self.start_lr + (self._peak - self.start_lr) * (t / self.warmup_steps)
        if is_number(t):
            return warm if t < self.warmup_steps else self._after(step - self.warmup_steps)
        return where(t < self.warmup_steps, warm, self._after(t - self.warmup_steps))


class PerEpoch(Schedule):
    """``schedule`` counted in epochs: ``schedule(floor(step / steps_per_epoch))``, for torch's per-epoch loop.

    torch code calls ``scheduler.step()`` once per epoch; the optimizer here counts steps, so
    ``lr=PerEpoch(StepLR(0.1, step_size=30), steps_per_epoch=len(loader))`` gives the same rates.
    The step count is in the optimizer's state, so a checkpoint resumes the schedule where it was.
    (``dn.callbacks.LearningRateScheduler(schedule)`` is the other way: it sets the rate at each
    epoch's start.)

    Raises:
        ArgumentError: ``schedule`` is not callable or ``steps_per_epoch`` is not a positive int.
    """

    def __init__(self, schedule: Schedule, steps_per_epoch: int) -> None:
        if not callable(schedule):
            raise argument_error(
                "PerEpoch", "schedule", schedule, "a schedule (callable epoch -> lr)", "pass e.g. StepLR(0.1, 30)"
            )
        self.schedule = schedule
        self.steps_per_epoch = check_int(
            "PerEpoch", "steps_per_epoch", steps_per_epoch, low=1, example="steps_per_epoch=len(loader)"
        )

    def __call__(self, step: Any) -> Any:
        if is_number(step):
            return self.schedule(int(step) // self.steps_per_epoch)
        return self.schedule(floor(as_step(step) / self.steps_per_epoch))
