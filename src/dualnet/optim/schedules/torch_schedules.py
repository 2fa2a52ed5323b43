"""The schedulers of ``torch.optim.lr_scheduler`` as schedules, with torch's names, arguments and values.

torch's scheduler wraps an optimizer and changes its rate when ``scheduler.step()`` is called; a
dualnet schedule is the optimizer's ``lr`` itself, a function of the step count. So the optimizer's
initial rate (torch's ``base_lr``) is the first argument, ``lr``, and the rest are torch's::

    scheduler = torch.optim.lr_scheduler.StepLR(torch.optim.SGD(params, lr=0.1), step_size=30)
    opt = dn.optim.SGD(params, lr=dn.optim.schedules.StepLR(0.1, step_size=30))

``schedule(k)`` is the rate torch's optimizer holds after ``k`` calls of ``scheduler.step()``: once
per optimizer step by default; wrap the schedule in :class:`PerEpoch` for torch's once-per-epoch loop.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from typing import Any

from dualnet.arguments import argument_error, check_callable, check_float, check_int, is_integer
from dualnet.errors import UnsupportedError
from dualnet.optim.schedules._base import Schedule, as_step, check, cos, floor, is_number, minimum, power, where

__all__ = [
    "ConstantLR",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "PolynomialLR",
    "StepDecay",
    "StepLR",
]


def _lr(owner: str, lr: Any) -> float:
    return check(owner, "lr", lr, 0.0, "lr=0.1 (the optimizer's initial rate, torch's base_lr)")


class StepDecay(Schedule):
    """``initial * gamma ** floor(step / step_size)`` (torch's ``StepLR``).

    Raises:
        ArgumentError: ``initial`` or ``gamma`` is not a number >= 0, or ``step_size`` is not a positive int.
    """

    def __init__(self, initial: float, step_size: int, gamma: float = 0.1) -> None:
        self.initial = check("StepDecay", "initial", initial, 0.0, "initial=0.1")
        self.step_size = check_int("StepDecay", "step_size", step_size, low=1, example="step_size=30")
        self.gamma = check("StepDecay", "gamma", gamma, 0.0, "gamma=0.1")

    def __call__(self, step: Any) -> Any:
        return self.initial * power(self.gamma, floor(as_step(step) / self.step_size))


class StepLR(Schedule):
    """torch's ``StepLR``: ``lr * gamma ** floor(step / step_size)``.

    Raises:
        ArgumentError: ``lr`` or ``gamma`` is not a number >= 0, or ``step_size`` is not a positive int.
    """

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1) -> None:
        self.lr = _lr("StepLR", lr)
        self.step_size = check_int("StepLR", "step_size", step_size, low=1, example="step_size=30")
        self.gamma = check("StepLR", "gamma", gamma, 0.0, "gamma=0.1")

    def __call__(self, step: Any) -> Any:
        return self.lr * power(self.gamma, floor(as_step(step) / self.step_size))


class MultiStepLR(Schedule):
    """torch's ``MultiStepLR``: ``lr * gamma ** (number of milestones <= step)``.

    A milestone given twice counts twice, as in torch.

    Raises:
        ArgumentError: ``lr`` or ``gamma`` is not a number >= 0, or ``milestones`` is not a list of ints >= 0.
    """

    def __init__(self, lr: float, milestones: Sequence[int], gamma: float = 0.1) -> None:
        self.lr = _lr("MultiStepLR", lr)
        if isinstance(milestones, str) or not all(is_integer(m) and m >= 0 for m in milestones):
            raise argument_error(
                "MultiStepLR", "milestones", milestones, "a list of ints >= 0", "pass e.g. milestones=[30, 80]"
            )
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = check("MultiStepLR", "gamma", gamma, 0.0, "gamma=0.1")

    def __call__(self, step: Any) -> Any:
        t = as_step(step)
        if is_number(t):
            return self.lr * self.gamma ** bisect.bisect_right(self.milestones, t)
        passed = 0.0
        for milestone in self.milestones:
            passed = passed + where(t >= milestone, 1.0, 0.0)
        return self.lr * power(self.gamma, passed)


class ExponentialLR(Schedule):
    """torch's ``ExponentialLR``: ``lr * gamma ** step``.

    Raises:
        ArgumentError: ``lr`` or ``gamma`` is not a number >= 0.
    """

    def __init__(self, lr: float, gamma: float) -> None:
        self.lr = _lr("ExponentialLR", lr)
        self.gamma = check("ExponentialLR", "gamma", gamma, 0.0, "gamma=0.9")

    def __call__(self, step: Any) -> Any:
        return self.lr * power(self.gamma, as_step(step))


class ConstantLR(Schedule):
    """torch's ``ConstantLR``: ``lr * factor`` for the first ``total_iters`` steps, then ``lr``.

    Raises:
        ArgumentError: ``lr`` < 0, ``factor`` outside [0, 1], or ``total_iters`` not an int >= 0.
    """

    def __init__(self, lr: float, factor: float = 1.0 / 3, total_iters: int = 5) -> None:
        self.lr = _lr("ConstantLR", lr)
        self.factor = check_float("ConstantLR", "factor", factor, low=0.0, high=1.0, example="factor=0.5")
        self.total_iters = check_int("ConstantLR", "total_iters", total_iters, low=0, example="total_iters=5")

    def __call__(self, step: Any) -> Any:
        return self.lr * where(as_step(step) < self.total_iters, self.factor, 1.0)


class LinearLR(Schedule):
    """torch's ``LinearLR``: the factor goes linearly from ``start_factor`` to ``end_factor`` over ``total_iters``.

    ``lr * (start + (end - start) * min(step, total_iters) / total_iters)``; a linear warmup with
    ``start_factor < end_factor`` (see also :class:`LinearWarmup`).

    Raises:
        ArgumentError: ``lr`` < 0, ``start_factor`` outside (0, 1], ``end_factor`` outside [0, 1], or
            ``total_iters`` not a positive int.
    """

    def __init__(self, lr: float, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5) -> None:
        name = "LinearLR"
        self.lr = _lr(name, lr)
        self.start_factor = check_float(
            name, "start_factor", start_factor, low=0.0, high=1.0, low_open=True, example="start_factor=0.1"
        )
        self.end_factor = check_float(name, "end_factor", end_factor, low=0.0, high=1.0, example="end_factor=1.0")
        self.total_iters = check_int(name, "total_iters", total_iters, low=1, example="total_iters=5")

    def __call__(self, step: Any) -> Any:
        done = minimum(as_step(step), float(self.total_iters)) / self.total_iters
        return self.lr * (self.start_factor + (self.end_factor - self.start_factor) * done)


class CosineAnnealingLR(Schedule):
    """torch's ``CosineAnnealingLR``: ``eta_min + (lr - eta_min) * (1 + cos(pi * step / T_max)) / 2``.

    As in torch the cosine goes on past ``T_max`` (the rate rises back to ``lr`` at ``2 * T_max``);
    Keras's :class:`CosineDecay` holds its final value instead.

    Raises:
        ArgumentError: ``lr`` or ``eta_min`` is not a number >= 0, or ``T_max`` is not a positive int.
    """

    def __init__(self, lr: float, T_max: int, eta_min: float = 0.0) -> None:
        self.lr = _lr("CosineAnnealingLR", lr)
        self.T_max = check_int("CosineAnnealingLR", "T_max", T_max, low=1, example="T_max=100")
        self.eta_min = check("CosineAnnealingLR", "eta_min", eta_min, 0.0, "eta_min=0.0")

    def __call__(self, step: Any) -> Any:
        return self.eta_min + (self.lr - self.eta_min) * 0.5 * (1.0 + cos(math.pi * as_step(step) / self.T_max))


class PolynomialLR(Schedule):
    """torch's ``PolynomialLR``: ``lr * (1 - min(step, total_iters) / total_iters) ** power``.

    Raises:
        ArgumentError: ``lr`` or ``power`` is not a number >= 0, or ``total_iters`` is not a positive int.
    """

    def __init__(self, lr: float, total_iters: int = 5, power: float = 1.0) -> None:
        self.lr = _lr("PolynomialLR", lr)
        self.total_iters = check_int("PolynomialLR", "total_iters", total_iters, low=1, example="total_iters=100")
        self.power = check("PolynomialLR", "power", power, 0.0, "power=1.0")

    def __call__(self, step: Any) -> Any:
        done = minimum(as_step(step), float(self.total_iters)) / self.total_iters
        return self.lr * power(1.0 - done, self.power)


class LambdaLR(Schedule):
    """torch's ``LambdaLR``: ``lr * lr_lambda(step)``.

    ``lr_lambda`` gets a Python int in eager steps and a float64 scalar tensor inside a compiled
    step: write it with arithmetic (``lambda k: 0.95 ** k``) or ``dn.ops``, which take both.

    Raises:
        ArgumentError: ``lr`` < 0 or ``lr_lambda`` is not callable.
    """

    def __init__(self, lr: float, lr_lambda: Callable[[Any], Any]) -> None:
        self.lr = _lr("LambdaLR", lr)
        self.lr_lambda = check_callable("LambdaLR", "lr_lambda", lr_lambda, example="lr_lambda=lambda k: 0.95 ** k")

    def __call__(self, step: Any) -> Any:
        return self.lr * self.lr_lambda(step)


class MultiplicativeLR(Schedule):
    """torch's ``MultiplicativeLR``: ``lr * lr_lambda(1) * lr_lambda(2) * ... * lr_lambda(step)``.

    The products are kept as they are computed, so each step costs one call. The product has no
    closed form, so it needs eager steps (Python ints): a compiled step raises; use
    :class:`LambdaLR` with the product's closed form there (``lambda k: 0.95 ** k``).

    Raises:
        ArgumentError: ``lr`` < 0 or ``lr_lambda`` is not callable.
        UnsupportedError: evaluated at a tensor step (inside a compiled step).
    """

    def __init__(self, lr: float, lr_lambda: Callable[[int], float]) -> None:
        self.lr = _lr("MultiplicativeLR", lr)
        self.lr_lambda = check_callable(
            "MultiplicativeLR", "lr_lambda", lr_lambda, example="lr_lambda=lambda epoch: 0.95"
        )
        self._products = [1.0]

    def __call__(self, step: Any) -> Any:
        if not is_number(step):
            raise UnsupportedError(
                "MultiplicativeLR: a compiled step evaluates the schedule at a tensor step, and a product of "
                "lr_lambda(1..step) has no closed form; use LambdaLR(lr, lambda k: <the product>) instead, "
                "or step per epoch with dn.callbacks.LearningRateScheduler(MultiplicativeLR(...))"
            )
        while len(self._products) <= step:
            self._products.append(self._products[-1] * float(self.lr_lambda(len(self._products))))
        return self.lr * self._products[int(step)]
