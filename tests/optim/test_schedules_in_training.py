"""Schedules inside ``Trainer.fit`` (the rate the compiled step uses), across a checkpoint, and bad arguments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from dualnet.callbacks import Callback
from dualnet.errors import ArgumentError
from dualnet.optim import schedules as S
from dualnet.train import Trainer

X = np.ones((8, 1), "float32")
Y = np.zeros((8, 1), "float32")
BATCH = 4  # two steps an epoch


class Rates(Callback):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[float] = []

    def on_batch_begin(self, batch, logs=None):  # type: ignore[no-untyped-def]
        self.seen.append(float(self.trainer.optimizer.lr))


def _trainer(schedule: Any) -> Trainer:
    """w * x with x = 1, y = 0 under MSE: SGD's step is w <- w * (1 - 2 lr), so w tells which rates were used."""
    model = dn.nn.Dense(1, use_bias=False, in_features=1)
    B.assign(model.parameters()[0], np.ones((1, 1), "float32"))
    return Trainer(model, dn.optim.SGD(model.parameters(), lr=schedule), "mse")


def _weight(trainer: Trainer) -> float:
    return float(dn.ops.to_numpy(trainer.model.parameters()[0]).item())


SCHEDULES: dict[str, Callable[[], Any]] = {
    "per_step": lambda: S.CyclicLR(0.01, 0.1, step_size_up=3, mode="triangular2"),
    "per_epoch": lambda: S.PerEpoch(S.StepLR(0.1, step_size=2, gamma=0.5), steps_per_epoch=2),
    "warmup": lambda: S.LinearWarmup(S.CosineAnnealingLR(0.1, T_max=5, eta_min=0.01), warmup_steps=3),
}


@pytest.mark.parametrize("kind", sorted(SCHEDULES))
def test_fit_steps_with_the_schedule(backend: str, kind: str) -> None:
    schedule = SCHEDULES[kind]()
    trainer, rates = _trainer(schedule), Rates()
    trainer.fit(X, Y, epochs=5, batch_size=BATCH, shuffle=False, callbacks=[rates], verbose=0)
    want = [schedule(k) for k in range(10)]
    np.testing.assert_allclose(rates.seen, want, rtol=1e-12)
    np.testing.assert_allclose(_weight(trainer), np.prod([1 - 2 * lr for lr in want]), rtol=1e-5)


def test_a_checkpoint_resumes_the_schedule(backend: str, tmp_path: Path) -> None:
    make = SCHEDULES["per_epoch"]
    straight = _trainer(make())
    straight.fit(X, Y, epochs=6, batch_size=BATCH, shuffle=False, verbose=0)
    first = _trainer(make())
    first.fit(X, Y, epochs=3, batch_size=BATCH, shuffle=False, verbose=0)
    path = dn.save_checkpoint(tmp_path / "mid.ckpt", trainer=first)
    resumed, rates = _trainer(make()), Rates()
    resumed.fit(X, Y, epochs=6, batch_size=BATCH, shuffle=False, verbose=0, resume_from=path, callbacks=[rates])
    assert resumed.optimizer.iterations == 12
    np.testing.assert_allclose(rates.seen, [make()(k) for k in range(6, 12)], rtol=1e-12)
    np.testing.assert_allclose(_weight(resumed), _weight(straight), rtol=1e-6)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: S.StepLR(-0.1, 3), r"StepLR\(lr=-0.1\): lr must be a number >= 0"),
        (lambda: S.MultiStepLR(0.1, [3, -1]), r"MultiStepLR\(milestones=\[3, -1\]\): milestones must be a list"),
        (lambda: S.ConstantLR(0.1, factor=1.5), r"ConstantLR\(factor=1.5\): factor must be a number in \[0, 1\]"),
        (lambda: S.LinearLR(0.1, start_factor=0.0), r"LinearLR\(start_factor=0.0\): start_factor must be .* \(0, 1\]"),
        (lambda: S.CosineAnnealingLR(0.1, T_max=0), r"CosineAnnealingLR\(T_max=0\): T_max must be a positive int"),
        (lambda: S.PolynomialLR(0.1, power=-1.0), r"PolynomialLR\(power=-1.0\): power must be a number >= 0"),
        (lambda: S.LambdaLR(0.1, 0.95), r"LambdaLR\(lr_lambda=0.95\): lr_lambda must be a function"),
        (lambda: S.CyclicLR(0.01, 0.1, mode="sine"), r"CyclicLR\(mode='sine'\): mode must be one of 'triangular'"),
        (lambda: S.CyclicLR(0.01, 0.1, step_size_up=0), r"CyclicLR\(step_size_up=0\): step_size_up must be a pos"),
        (lambda: S.OneCycleLR(0.1), r"OneCycleLR\(epochs=None\): epochs must be a positive int"),
        (lambda: S.OneCycleLR(0.1, 100, pct_start=1.0), r"OneCycleLR\(pct_start=1.0\): pct_start must be in \(0, 1\)"),
        (lambda: S.OneCycleLR(0.1, 100, anneal_strategy="exp"), r"anneal_strategy must be one of 'cos', 'linear'"),
        (lambda: S.CosineAnnealingWarmRestarts(0.1, 10, T_mult=0), r"T_mult=0\): T_mult must be a positive int"),
        (lambda: S.CosineDecayRestarts(0.1, 0), r"CosineDecayRestarts\(first_decay_steps=0\): .* number > 0"),
        (lambda: S.CosineDecayRestarts(0.1, 10, t_mul=0.0), r"CosineDecayRestarts\(t_mul=0.0\): t_mul must be"),
        (lambda: S.PolynomialDecay(0.1, 10, end_learning_rate=-1), r"PolynomialDecay\(end_learning_rate=-1\)"),
        (lambda: S.InverseTimeDecay(0.1, 10, -0.5), r"InverseTimeDecay\(decay_rate=-0.5\): decay_rate must be"),
        (lambda: S.SequentialLR([S.StepLR(0.1, 2)], [5]), r"SequentialLR\(milestones=\[5\]\): needs one increasing"),
        (lambda: S.SequentialLR([], []), r"SequentialLR\(schedulers=\[\]\): schedulers must be a non-empty list"),
        (
            lambda: S.ChainedScheduler([S.StepLR(0.1, 2), S.ExponentialLR(0.2, 0.9)]),
            r"ChainedScheduler: the schedulers' initial rates \(lr\) are \[0.1, 0.2\]",
        ),
        (lambda: S.LinearWarmup(0.1, warmup_steps=0), r"LinearWarmup\(warmup_steps=0\): warmup_steps must be a pos"),
        (lambda: S.PerEpoch(S.StepLR(0.1, 2), 0), r"PerEpoch\(steps_per_epoch=0\): steps_per_epoch must be a pos"),
    ],
)
def test_bad_schedule_arguments_raise(make: Callable[[], Any], match: str) -> None:
    with pytest.raises(ArgumentError, match=match):
        make()
