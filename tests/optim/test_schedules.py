"""Learning-rate schedules: closed forms, torch's schedulers, tensor steps, and use as ``lr=`` of an optimizer."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet import optim
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError
from dualnet.optim.schedules import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    OneCycle,
    PiecewiseConstant,
    StepDecay,
)

CLOSED_FORMS: list[tuple[Any, Callable[[int], float]]] = [
    (Constant(0.1), lambda k: 0.1),
    (StepDecay(0.1, step_size=3, gamma=0.5), lambda k: 0.1 * 0.5 ** (k // 3)),
    (ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5), lambda k: 0.1 * 0.5 ** (k / 10)),
    (ExponentialDecay(0.1, 10, 0.5, staircase=True), lambda k: 0.1 * 0.5 ** (k // 10)),
    (
        CosineDecay(1.0, decay_steps=10, alpha=0.1),
        lambda k: 0.9 * 0.5 * (1 + math.cos(math.pi * min(k, 10) / 10)) + 0.1,
    ),
    (
        CosineDecay(1.0, 10, alpha=0.1, warmup_steps=5, warmup_target=2.0),
        lambda k: 1 + k / 5 if k < 5 else 2 * (0.9 * 0.5 * (1 + math.cos(math.pi * (min(k, 15) - 5) / 10)) + 0.1),
    ),
    (
        CosineDecay(1.0, 10, warmup_steps=4),
        lambda k: k / 4 if k < 4 else 0.5 * (1 + math.cos(math.pi * (min(k, 14) - 4) / 10)),
    ),
    (PiecewiseConstant([2, 5], [1.0, 0.5, 0.1]), lambda k: 1.0 if k <= 2 else 0.5 if k <= 5 else 0.1),
    (
        OneCycle(1.0, total_steps=20, pct_start=0.25, div_factor=10, final_div_factor=100),
        lambda k: (
            1.0 + (0.1 - 1.0) / 2 * (math.cos(math.pi * k / 4) + 1)
            if k <= 4
            else 1e-3 + (1.0 - 1e-3) / 2 * (math.cos(math.pi * (min(k, 19) - 4) / 15) + 1)
        ),
    ),
]


@pytest.mark.parametrize(("schedule", "closed_form"), CLOSED_FORMS, ids=[repr(s) for s, _ in CLOSED_FORMS])
def test_schedule_matches_its_closed_form(schedule: Any, closed_form: Callable[[int], float]) -> None:
    got = [schedule(k) for k in range(25)]
    assert all(isinstance(v, float) for v in got)
    np.testing.assert_allclose(got, [closed_form(k) for k in range(25)], rtol=1e-12)


@pytest.mark.parametrize(("schedule", "closed_form"), CLOSED_FORMS, ids=[repr(s) for s, _ in CLOSED_FORMS])
def test_schedule_of_a_tensor_step_matches(backend: str, schedule: Any, closed_form: Any) -> None:
    """Inside a compiled step the step count is a float64 tensor: same values, computed with the ops."""
    for k in range(25):
        value = schedule(B.convert_to_tensor(np.float64(k)))
        got = dn.ops.to_numpy(value) if B.is_tensor(value) else value
        np.testing.assert_allclose(got, schedule(k), rtol=1e-12)


def _torch_lrs(make: Callable[[Any], Any], lr: float, steps: int) -> list[float]:
    torch = pytest.importorskip("torch")
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=lr)
    scheduler = make(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return lrs


def test_schedules_match_torch_lr_schedulers() -> None:
    torch = pytest.importorskip("torch")
    sched = torch.optim.lr_scheduler
    # (schedule, torch scheduler); compared over 40 steps (31 for cosine: torch's restarts after T_max, ours holds)
    cases: list[tuple[Any, Callable[[Any], Any]]] = [
        (StepDecay(0.1, 7, 0.3), lambda o: sched.StepLR(o, step_size=7, gamma=0.3)),
        (ExponentialDecay(0.1, 1, 0.9), lambda o: sched.ExponentialLR(o, gamma=0.9)),
        (CosineDecay(0.1, 30, alpha=0.05), lambda o: sched.CosineAnnealingLR(o, T_max=30, eta_min=0.005)),
        (OneCycle(0.1, 40), lambda o: sched.OneCycleLR(o, max_lr=0.1, total_steps=40, cycle_momentum=False)),
        (
            OneCycle(0.2, 50, pct_start=0.5, div_factor=5, final_div_factor=20),
            lambda o: sched.OneCycleLR(
                o, 0.2, total_steps=50, pct_start=0.5, div_factor=5, final_div_factor=20, cycle_momentum=False
            ),
        ),
        # MultiStepLR drops at the milestone; PiecewiseConstant after the boundary (Keras): boundary = milestone - 1
        (PiecewiseConstant([9, 19], [0.1, 0.05, 0.025]), lambda o: sched.MultiStepLR(o, [10, 20], gamma=0.5)),
    ]
    for schedule, make in cases:
        steps = 31 if isinstance(schedule, CosineDecay) else 40
        want = _torch_lrs(make, schedule(0), steps)
        np.testing.assert_allclose([schedule(k) for k in range(steps)], want, rtol=1e-6, err_msg=repr(schedule))


def test_optimizer_uses_the_schedule_at_each_step(backend: str) -> None:
    schedule = PiecewiseConstant([1, 3], [0.5, 0.25, 0.125])
    param = B.variable(np.zeros(2, "float32"), True, "p")
    opt = optim.SGD([param], lr=schedule)
    grad = B.convert_to_tensor(np.array([1.0, -2.0], "float32"))
    total = 0.0
    for k in range(6):
        assert opt.lr == schedule(k) == opt.group_lr(0)
        opt.step([grad])
        total += schedule(k)
        np.testing.assert_allclose(dn.ops.to_numpy(param), [-total, 2 * total], rtol=1e-6)
    assert opt.iterations == 6


def test_a_plain_callable_is_a_schedule(backend: str) -> None:
    param = B.variable(np.zeros(1, "float32"), True, "p")
    opt = optim.Adam([param], lr=lambda step: 0.1 / (1 + step))
    assert opt.lr == pytest.approx(0.1)
    opt.step([B.convert_to_tensor(np.ones(1, "float32"))])
    assert opt.lr == pytest.approx(0.05)
    opt.lr = 0.01  # a callback replaces the schedule with a number
    assert opt.lr == 0.01 and opt.param_groups[0]["lr"] == 0.01


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Constant(-1.0), r"Constant\(value=-1.0\): value must be a number >= 0"),
        (lambda: StepDecay(0.1, step_size=0), r"StepDecay\(step_size=0\): step_size must be a positive int"),
        (lambda: StepDecay(float("nan"), 2), r"StepDecay\(initial=nan\)"),
        (lambda: ExponentialDecay(0.1, 0, 0.5), r"ExponentialDecay\(decay_steps=0\): decay_steps must be a number > 0"),
        (lambda: CosineDecay(0.1, 10, alpha=-0.5), r"CosineDecay\(alpha=-0.5\)"),
        (lambda: CosineDecay(0.1, 10, warmup_target=-1.0), r"CosineDecay\(warmup_target=-1.0\)"),
        (lambda: OneCycle(0.1, total_steps=0), r"OneCycle\(total_steps=0\): total_steps must be a positive int"),
        (lambda: OneCycle(0.1, total_steps=3), r"OneCycle\(total_steps=3, pct_start=0.3\): the warmup must span"),
        (lambda: OneCycle(0.1, 100, pct_start=0.0), r"OneCycle\(pct_start=0.0\): pct_start must be a number > 0"),
        (lambda: OneCycle(0.1, 100, div_factor=0), r"OneCycle\(div_factor=0\)"),
        (lambda: PiecewiseConstant([10], [0.1]), r"needs one more value than boundaries"),
        (lambda: PiecewiseConstant([10, 5], [0.1, 0.01, 0.001]), r"boundaries must increase"),
        (lambda: PiecewiseConstant([10], [0.1, -0.01]), r"PiecewiseConstant\(values=-0.01\)"),
    ],
)
def test_bad_schedule_arguments_raise(make: Callable[[], Any], match: str) -> None:
    with pytest.raises(ArgumentError, match=match):
        make()
