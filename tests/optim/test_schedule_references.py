"""Every schedule against ``torch.optim.lr_scheduler`` and/or ``keras.optimizers.schedules``: 1,000 steps, 1e-6.

torch's rate is read from a torch optimizer's ``param_groups`` after each ``scheduler.step()``; Keras's
schedule is called on the 1,000 steps at once (float64 arguments, so that Keras computes in float64).
Each schedule is also evaluated on the 1,000 steps as one float64 tensor on each backend (the path a
compiled step takes), which must give the eager (Python float) values.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from dualnet.errors import UnsupportedError
from dualnet.optim import schedules as S

STEPS = 1000
f = np.float64  # Keras computes a schedule in the dtype of its rate: float64 rates give float64 values


def _inverse(k: Any) -> Any:
    return 1.0 / (1.0 + 0.01 * k)


def _alternating(k: int) -> float:
    return 0.999 if k % 2 else 0.998


# name -> (dualnet schedule, torch scheduler of an SGD optimizer built with lr=0.1)
TORCH: dict[str, tuple[Any, Callable[[Any, Any], Any]]] = {
    "StepLR": (S.StepLR(0.1, 70, 0.7), lambda o, ls: ls.StepLR(o, 70, 0.7)),
    "StepDecay": (S.StepDecay(0.1, 70, 0.7), lambda o, ls: ls.StepLR(o, 70, 0.7)),
    "MultiStepLR": (
        S.MultiStepLR(0.1, [700, 100, 300, 300], 0.5),
        lambda o, ls: ls.MultiStepLR(o, [100, 300, 300, 700], 0.5),
    ),
    "ExponentialLR": (S.ExponentialLR(0.1, 0.995), lambda o, ls: ls.ExponentialLR(o, 0.995)),
    "ExponentialDecay": (S.ExponentialDecay(0.1, 1, 0.995), lambda o, ls: ls.ExponentialLR(o, 0.995)),
    "ConstantLR": (S.ConstantLR(0.1, 0.25, 40), lambda o, ls: ls.ConstantLR(o, 0.25, 40)),
    "LinearLR": (S.LinearLR(0.1, 0.1, 0.9, 300), lambda o, ls: ls.LinearLR(o, 0.1, 0.9, 300)),
    "CosineAnnealingLR": (S.CosineAnnealingLR(0.1, 300, 1e-3), lambda o, ls: ls.CosineAnnealingLR(o, 300, 1e-3)),
    "PolynomialLR": (S.PolynomialLR(0.1, 700, 2.0), lambda o, ls: ls.PolynomialLR(o, 700, 2.0)),
    "LambdaLR": (S.LambdaLR(0.1, _inverse), lambda o, ls: ls.LambdaLR(o, _inverse)),
    "MultiplicativeLR": (S.MultiplicativeLR(0.1, _alternating), lambda o, ls: ls.MultiplicativeLR(o, _alternating)),
    "CyclicLR": (S.CyclicLR(0.01, 0.1, 70, 30), lambda o, ls: ls.CyclicLR(o, 0.01, 0.1, 70, 30)),
    "CyclicLR_triangular2": (
        S.CyclicLR(0.01, 0.1, 50, mode="triangular2"),
        lambda o, ls: ls.CyclicLR(o, 0.01, 0.1, 50, mode="triangular2"),
    ),
    "CyclicLR_exp_range": (
        S.CyclicLR(0.01, 0.1, 50, mode="exp_range", gamma=0.998),
        lambda o, ls: ls.CyclicLR(o, 0.01, 0.1, 50, mode="exp_range", gamma=0.998),
    ),
    "CyclicLR_scale_fn": (
        S.CyclicLR(0.01, 0.1, 40, 60, scale_fn=_inverse, scale_mode="iterations"),
        lambda o, ls: ls.CyclicLR(o, 0.01, 0.1, 40, 60, scale_fn=_inverse, scale_mode="iterations"),
    ),
    "OneCycleLR": (S.OneCycleLR(0.1, STEPS), lambda o, ls: ls.OneCycleLR(o, 0.1, STEPS, cycle_momentum=False)),
    "OneCycle": (
        S.OneCycle(0.2, STEPS, pct_start=0.5, div_factor=5, final_div_factor=20),
        lambda o, ls: ls.OneCycleLR(
            o, 0.2, STEPS, pct_start=0.5, div_factor=5, final_div_factor=20, cycle_momentum=False
        ),
    ),
    "OneCycleLR_three_phase_linear": (
        S.OneCycleLR(0.1, epochs=10, steps_per_epoch=100, pct_start=0.25, anneal_strategy="linear", three_phase=True),
        lambda o, ls: ls.OneCycleLR(
            o,
            0.1,
            epochs=10,
            steps_per_epoch=100,
            pct_start=0.25,
            anneal_strategy="linear",
            three_phase=True,
            cycle_momentum=False,
        ),
    ),
    "CosineAnnealingWarmRestarts": (
        S.CosineAnnealingWarmRestarts(0.1, 70, eta_min=1e-3),
        lambda o, ls: ls.CosineAnnealingWarmRestarts(o, 70, eta_min=1e-3),
    ),
    "CosineAnnealingWarmRestarts_T_mult2": (
        S.CosineAnnealingWarmRestarts(0.1, 10, 2, 1e-3),
        lambda o, ls: ls.CosineAnnealingWarmRestarts(o, 10, 2, 1e-3),
    ),
    "CosineAnnealingWarmRestarts_T_mult3": (
        S.CosineAnnealingWarmRestarts(0.1, 7, 3, 1e-3),
        lambda o, ls: ls.CosineAnnealingWarmRestarts(o, 7, 3, 1e-3),
    ),
    "SequentialLR": (
        S.SequentialLR(
            [S.LinearLR(0.1, 0.1, 1.0, 50), S.ExponentialLR(0.1, 0.997), S.CosineAnnealingLR(0.1, 200, 1e-3)],
            [50, 400],
        ),
        lambda o, ls: ls.SequentialLR(
            o, [ls.LinearLR(o, 0.1, 1.0, 50), ls.ExponentialLR(o, 0.997), ls.CosineAnnealingLR(o, 200, 1e-3)], [50, 400]
        ),
    ),
    "ChainedScheduler": (
        S.ChainedScheduler([S.ConstantLR(0.1, 0.5, 40), S.ExponentialLR(0.1, 0.998), S.StepLR(0.1, 300, 0.5)]),
        lambda o, ls: ls.ChainedScheduler(
            [ls.ConstantLR(o, 0.5, 40), ls.ExponentialLR(o, 0.998), ls.StepLR(o, 300, 0.5)]
        ),
    ),
    "LinearWarmup": (
        S.LinearWarmup(S.CosineAnnealingLR(0.1, 500, 1e-3), warmup_steps=100, start_lr=0.01),
        lambda o, ls: ls.SequentialLR(o, [ls.LinearLR(o, 0.1, 1.0, 100), ls.CosineAnnealingLR(o, 500, 1e-3)], [100]),
    ),
    "PerEpoch": (S.PerEpoch(S.StepLR(0.1, 3, 0.5), steps_per_epoch=40), None),  # torch: step() once per 40 updates
    "PiecewiseConstant": (  # MultiStepLR's milestone m is boundary m - 1
        S.PiecewiseConstant([99, 299], [0.1, 0.05, 0.025]),
        lambda o, ls: ls.MultiStepLR(o, [100, 300], 0.5),
    ),
}

# name -> (dualnet schedule, Keras schedule)
KERAS: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "ExponentialDecay": (S.ExponentialDecay(0.1, 70, 0.6), lambda K: K.ExponentialDecay(f(0.1), 70, f(0.6))),
    "ExponentialDecay_staircase": (
        S.ExponentialDecay(0.1, 70, 0.6, staircase=True),
        lambda K: K.ExponentialDecay(f(0.1), 70, f(0.6), staircase=True),
    ),
    "InverseTimeDecay": (S.InverseTimeDecay(0.1, 50, 0.5), lambda K: K.InverseTimeDecay(f(0.1), 50, f(0.5))),
    "InverseTimeDecay_staircase": (
        S.InverseTimeDecay(0.1, 50, 0.5, staircase=True),
        lambda K: K.InverseTimeDecay(f(0.1), 50, f(0.5), staircase=True),
    ),
    "PolynomialDecay": (
        S.PolynomialDecay(0.1, 700, 1e-3, 2.0),
        lambda K: K.PolynomialDecay(f(0.1), 700, f(1e-3), f(2.0)),
    ),
    "PolynomialDecay_cycle": (
        S.PolynomialDecay(0.1, 300, 1e-3, 0.5, cycle=True),
        lambda K: K.PolynomialDecay(f(0.1), 300, f(1e-3), f(0.5), cycle=True),
    ),
    "CosineDecay": (S.CosineDecay(0.1, 700, 0.01), lambda K: K.CosineDecay(f(0.1), 700, f(0.01))),
    "CosineDecay_warmup": (
        S.CosineDecay(0.01, 700, 0.01, warmup_steps=100, warmup_target=0.1),
        lambda K: K.CosineDecay(f(0.01), 700, f(0.01), warmup_target=f(0.1), warmup_steps=100),
    ),
    "CosineDecayRestarts": (
        S.CosineDecayRestarts(0.1, 10, 2.0, 0.9, 0.01),
        lambda K: K.CosineDecayRestarts(f(0.1), 10, f(2.0), f(0.9), f(0.01)),
    ),
    "CosineDecayRestarts_t_mul1": (
        S.CosineDecayRestarts(0.1, 70, 1.0, 0.8, 0.01),
        lambda K: K.CosineDecayRestarts(f(0.1), 70, f(1.0), f(0.8), f(0.01)),
    ),
    "CosineDecayRestarts_t_mul1.5": (
        S.CosineDecayRestarts(0.1, 20, 1.5, alpha=0.01),
        lambda K: K.CosineDecayRestarts(f(0.1), 20, f(1.5), f(1.0), f(0.01)),
    ),
    "PiecewiseConstantDecay": (
        S.PiecewiseConstantDecay([100, 400, 401], [0.1, 0.05, 0.02, 0.01]),
        lambda K: K.PiecewiseConstantDecay([100, 400, 401], [f(0.1), f(0.05), f(0.02), f(0.01)]),
    ),
    "Constant": (S.Constant(0.1), lambda K: lambda steps: np.full(len(steps), 0.1)),
}


@cache
def torch_rates(name: str) -> np.ndarray:
    """The rate a torch SGD optimizer (momentum 0.9, lr=0.1) holds before each of 1,000 steps."""
    torch = pytest.importorskip("torch")
    ls = torch.optim.lr_scheduler
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    make = TORCH[name][1]
    per = 1 if make is not None else 40  # PerEpoch: torch's per-epoch loop of 40 updates an epoch
    scheduler = make(opt, ls) if make is not None else ls.StepLR(opt, 3, 0.5)
    rates = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about the stepping order of a bare loop
        for k in range(STEPS):
            rates.append(opt.param_groups[0]["lr"])
            opt.step()
            if (k + 1) % per == 0:
                scheduler.step()
    return np.array(rates)


@cache
def keras_rates(name: str) -> np.ndarray:
    keras = pytest.importorskip("keras")
    tf = pytest.importorskip("tensorflow")
    schedule = KERAS[name][1](keras.optimizers.schedules)
    steps = np.arange(STEPS, dtype=np.float64)
    if name == "CosineDecay_warmup":  # its ops.cond takes one step at a time: map it, compiled
        return np.asarray(tf.function(lambda s: tf.map_fn(schedule, s))(tf.constant(steps)))
    return np.asarray(schedule(steps), np.float64)


def _assert_close(got: Any, want: np.ndarray, what: str) -> None:
    # relative 1e-6; zeros (a polynomial's end) compared absolutely
    np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=1e-6, atol=1e-15, err_msg=what)


@pytest.mark.parametrize("name", sorted(TORCH))
def test_schedule_matches_torch_lr_scheduler(name: str) -> None:
    schedule = TORCH[name][0]
    got = [schedule(k) for k in range(STEPS)]
    assert all(isinstance(v, float) for v in got)
    _assert_close(got, torch_rates(name), f"{name} vs torch.optim.lr_scheduler")


@pytest.mark.parametrize("name", sorted(KERAS))
def test_schedule_matches_keras_schedule(name: str) -> None:
    schedule = KERAS[name][0]
    _assert_close([schedule(k) for k in range(STEPS)], keras_rates(name), f"{name} vs keras.optimizers.schedules")


TENSOR_CASES = sorted({*TORCH, *KERAS} - {"MultiplicativeLR"})


def _schedule(name: str) -> Any:
    return TORCH[name][0] if name in TORCH else KERAS[name][0]


@pytest.mark.parametrize("name", TENSOR_CASES)
def test_schedule_of_tensor_steps_matches_the_eager_values(backend: str, name: str) -> None:
    """A compiled step evaluates the schedule on a float64 tensor: the 1,000 steps at once, on the ops."""
    schedule = _schedule(name)
    value = schedule(B.convert_to_tensor(np.arange(STEPS, dtype=np.float64)))
    got = np.broadcast_to(dn.ops.to_numpy(value) if B.is_tensor(value) else value, (STEPS,))
    np.testing.assert_allclose(got, [schedule(k) for k in range(STEPS)], rtol=1e-12, atol=1e-18, err_msg=name)


def test_keras_restarts_equal_torch_warm_restarts_with_m_mul_1() -> None:
    keras_form = S.CosineDecayRestarts(0.1, 10, t_mul=2.0, alpha=0.01)
    torch_form = S.CosineAnnealingWarmRestarts(0.1, 10, T_mult=2, eta_min=1e-3)
    np.testing.assert_allclose([keras_form(k) for k in range(STEPS)], [torch_form(k) for k in range(STEPS)], rtol=1e-9)


def test_multiplicative_lr_refuses_a_tensor_step(backend: str) -> None:
    with pytest.raises(UnsupportedError, match=r"MultiplicativeLR: a compiled step .* use LambdaLR"):
        S.MultiplicativeLR(0.1, _alternating)(B.convert_to_tensor(np.float64(3)))
