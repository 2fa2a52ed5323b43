"""Bad hyper-parameters of the optimizers added after the first six are ArgumentErrors naming the argument and range."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from dualnet import optim
from dualnet.backend.dispatch import B
from dualnet.errors import ArgumentError, StateError

BAD: list[tuple[Callable[[list[Any]], Any], str]] = [
    (lambda p: optim.NAdam(p, lr=-1e-3), r"NAdam\(lr=-0.001\): lr must be a number >= 0 or a schedule"),
    (lambda p: optim.NAdam(p, betas=(0.9, 1.0)), r"NAdam\(betas=\(0.9, 1.0\)\): betas must be 2 numbers in \[0, 1\)"),
    (lambda p: optim.NAdam(p, momentum_decay=-1), r"NAdam\(momentum_decay=-1\): momentum_decay must be a number >= 0"),
    (
        lambda p: optim.Nadam(p, decoupled_weight_decay=1),
        r"Nadam\(decoupled_weight_decay=1\): .* must be True or False",
    ),
    (lambda p: optim.RAdam(p, betas=(-0.1, 0.9)), r"RAdam\(betas=\(-0.1, 0.9\)\): betas must be 2 numbers in \[0, 1\)"),
    (lambda p: optim.RAdam(p, eps=0.0), r"RAdam\(eps=0.0\): eps must be a number > 0"),
    (lambda p: optim.Adamax(p, weight_decay=-1.0), r"Adamax\(weight_decay=-1.0\): weight_decay must be a number >= 0"),
    (lambda p: optim.Adadelta(p, rho=1.5), r"Adadelta\(rho=1.5\): rho must be a number in \[0, 1\]"),
    (lambda p: optim.Adafactor(p, beta2_decay=0.5), r"Adafactor\(beta2_decay=0.5\): beta2_decay must be a number <= 0"),
    (lambda p: optim.Adafactor(p, eps=(None, -1.0)), r"Adafactor\(eps=\(None, -1.0\)\): eps must be a pair"),
    (lambda p: optim.Adafactor(p, d=0.5), r"Adafactor\(d=0.5\): d must be a number >= 1"),
    (lambda p: optim.ASGD(p, t0=-1), r"ASGD\(t0=-1\): t0 must be a number >= 0"),
    (lambda p: optim.ASGD(p, alpha=float("nan")), r"ASGD\(alpha=nan\): alpha must be a number >= 0"),
    (
        lambda p: optim.Rprop(p, etas=(1.5, 1.2)),
        r"Rprop\(etas=\(1.5, 1.2\)\): etas must be .*0 < etaminus < 1 < etaplus",
    ),
    (lambda p: optim.Rprop(p, step_sizes=(1.0, 0.1)), r"Rprop\(step_sizes=\(1.0, 0.1\)\): .* min <= max"),
    (lambda p: optim.Lamb(p, betas=(0.9, 2.0)), r"Lamb\(betas=\(0.9, 2.0\)\): betas must be 2 numbers in \[0, 1\)"),
    (lambda p: optim.Ftrl(p, lr=0.0), r"Ftrl\(lr=0.0\): lr must be a number > 0"),
    (lambda p: optim.Ftrl(p, lr_power=0.5), r"Ftrl\(lr_power=0.5\): lr_power must be a number <= 0"),
    (lambda p: optim.Ftrl(p, beta=-1.0), r"Ftrl\(beta=-1.0\): beta must be a number >= 0"),
    (lambda p: optim.Muon(p[:1], momentum=1.0), r"Muon\(momentum=1.0\): momentum must be a number in \[0, 1\)"),
    (lambda p: optim.Muon(p[:1], ns_steps=100), r"Muon\(ns_steps=100\): ns_steps must be an int in \[1, 99\]"),
    (lambda p: optim.Muon(p[:1], adjust_lr_fn="rms"), r"Muon\(adjust_lr_fn='rms'\): .* one of 'original', "),
    (lambda p: optim.Muon(p[:1], ns_dtype="float8"), r"Muon\(ns_dtype='float8'\): ns_dtype must be one of 'bfloat16'"),
    (lambda p: optim.Muon(p), r"Muon: parameter 1 has shape \(3,\), but Muon updates only 2-D parameters"),
    (lambda p: optim.LBFGS(p, history_size=0), r"LBFGS\(history_size=0\): history_size must be a positive int"),
    (lambda p: optim.LBFGS(p, line_search_fn="wolfe"), r"LBFGS\(line_search_fn='wolfe'\): .* 'strong_wolfe'"),
    (lambda p: optim.LBFGS(p, clipnorm=1.0), r"LBFGS\(clipnorm=1.0\): clipnorm must be None: L-BFGS does not clip"),
    (lambda p: optim.LBFGS([{"params": p[:1]}, {"params": p[1:]}]), r"LBFGS: got several parameter groups"),
    (lambda p: optim.SGD(p, maximize="yes"), r"SGD\(maximize='yes'\): maximize must be True or False"),
    (lambda p: optim.Adam(p, use_ema=1), r"Adam\(use_ema=1\): use_ema must be True or False"),
    (lambda p: optim.Adam(p, use_ema=True, ema_momentum=1.5), r"Adam\(ema_momentum=1.5\): .* in \[0, 1\]"),
    (
        lambda p: optim.Lion(p, use_ema=True, ema_overwrite_frequency=0),
        r"Lion\(ema_overwrite_frequency=0\): .* a positive int or None",
    ),
    (
        lambda p: optim.RAdam(p, ema_overwrite_frequency=5),
        r"RAdam\(ema_overwrite_frequency=5\): .* unless use_ema=True",
    ),
    (lambda p: optim.Adamax(p, clipnrom=1.0), r"Adamax: unknown argument\(s\) \['clipnrom'\]; did you mean 'clipnorm'"),
    (lambda p: optim.NAdam(p, momentum=0.9), r"NAdam: unknown argument\(s\) \['momentum'\]; .*momentum_decay"),
]


@pytest.mark.parametrize(
    ("make", "match"), BAD, ids=[m.split("\\(")[0].split(":")[0] + str(i) for i, (_, m) in enumerate(BAD)]
)
def test_bad_hyper_parameters_are_argument_errors(backend: str, make: Any, match: str) -> None:
    params = [B.variable(np.ones((2, 3), "float32"), True, "w"), B.variable(np.ones(3, "float32"), True, "b")]
    with pytest.raises(ArgumentError, match=match):
        make(params)


def test_swapping_averages_needs_use_ema(backend: str) -> None:
    opt = optim.SGD([B.variable(np.ones(3, "float32"), True, "w")], lr=0.1)
    with pytest.raises(StateError, match=r"SGD\.swap_averaged_weights\(\): this optimizer keeps no moving averages"):
        opt.swap_averaged_weights()
    opt.finalize_variable_values()  # nothing to finalize: no error, no change
