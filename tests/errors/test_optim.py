"""Misuse of optimizers, schedules and clipping."""

from __future__ import annotations

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, X, cases, check, mlp, tensor

optim = dn.optim


def _params() -> list[object]:
    return mlp().parameters()


def _step(grads: object) -> None:
    optim.SGD(_params()).step(grads)  # type: ignore[arg-type]


CASES = cases(
    Case("negative lr", lambda: optim.SGD(_params(), lr=-1), dn.ArgumentError, ("SGD(lr=-1)", "lr=1e-3")),
    Case(
        "lr set to a string",
        lambda: setattr(optim.SGD(_params()), "lr", "fast"),
        dn.ArgumentError,
        ("lr='fast'", "a schedule"),
    ),
    Case(
        "nesterov without momentum",
        lambda: optim.SGD(_params(), nesterov=True),
        dn.ArgumentError,
        ("nesterov=True", "momentum=0.9"),
    ),
    Case(
        "Adam betas",
        lambda: optim.Adam(_params(), betas=(1.5, 0.9)),
        dn.ArgumentError,
        ("betas=(1.5, 0.9)", "betas=(0.9, 0.999)"),
    ),
    Case("Adam eps", lambda: optim.Adam(_params(), eps=-1), dn.ArgumentError, ("Adam(eps=-1)", "eps=1e-8")),
    Case(
        "AdamW weight decay",
        lambda: optim.AdamW(_params(), weight_decay=-0.1),
        dn.ArgumentError,
        ("weight_decay=-0.1", "1e-2"),
    ),
    Case(
        "RMSprop alpha", lambda: optim.RMSprop(_params(), alpha=2), dn.ArgumentError, ("RMSprop(alpha=2)", "alpha=0.99")
    ),
    Case(
        "Adagrad lr_decay",
        lambda: optim.Adagrad(_params(), lr_decay=-1),
        dn.ArgumentError,
        ("lr_decay=-1", "lr_decay=0.0"),
    ),
    Case(
        "Lion betas",
        lambda: optim.Lion(_params(), betas=(0.9, -0.1)),
        dn.ArgumentError,
        ("Lion(betas=", "betas=(0.9, 0.99)"),
    ),
    Case(
        "arrays for parameters",
        lambda: optim.SGD([np.zeros(3)]),
        dn.ArgumentError,
        ("got ndarray", "model's parameters"),
    ),
    Case(
        "a model for parameters",
        lambda: optim.SGD(mlp()),
        dn.ArgumentError,
        ("SGD: expected variables", "model's parameters"),
    ),  # type: ignore[arg-type]
    Case(
        "two clipping modes",
        lambda: optim.SGD(_params(), clipnorm=1.0, global_clipnorm=1.0),
        dn.ArgumentError,
        ("only one of clipnorm", "keep one"),
    ),
    Case(
        "negative clipnorm",
        lambda: optim.Adam(_params(), clipnorm=-1),
        dn.ArgumentError,
        ("clipnorm=-1", "clipnorm=1.0"),
    ),
    Case(
        "too few gradients",
        lambda: _step([dn.ops.zeros((3, 4))]),
        dn.ShapeError,
        ("SGD.step", "1 gradients for 4 parameters", "same model"),
    ),
    Case(
        "misshapen gradient",
        lambda: _step([dn.ops.zeros((9, 9))] * 4),
        dn.ShapeError,
        ("gradient 0 has shape (9, 9)", "aligned with the parameters"),
    ),
    Case(
        "gradients not a list",
        lambda: _step(None),
        dn.ArgumentError,
        ("SGD.step(grads)", "got NoneType", "dn.value_and_grad"),
    ),
    Case(
        "state dict of another optimizer",
        lambda: optim.Adam(_params()).load_state_dict({"foo": np.zeros(1)}),
        dn.StateDictError,
        ("Adam.load_state_dict", "unexpected entries ['foo']", "same parameter groups"),
    ),
    Case(
        "schedule decay_steps",
        lambda: optim.schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5),
        dn.ArgumentError,
        ("decay_steps=0", "decay_steps=1000"),
    ),
    Case(
        "cosine decay_steps",
        lambda: optim.schedules.CosineDecay(0.1, decay_steps=-5),
        dn.ArgumentError,
        ("CosineDecay(decay_steps=-5)", "decay_steps=1000"),
    ),
    Case(
        "clip_by_norm max_norm",
        lambda: optim.clip_by_norm([tensor(X)], -1.0),
        dn.ArgumentError,
        ("clip_by_norm(max_norm=-1.0)", "max_norm=1.0"),
    ),
    Case(
        "clip_by_value",
        lambda: optim.clip_by_value([tensor(X)], -1.0),
        dn.ArgumentError,
        ("clip_value=-1.0", "clip_value=1.0"),
    ),
    Case(
        "clip_by_global_norm",
        lambda: optim.clip_by_global_norm([tensor(X)], 0.0),
        dn.ArgumentError,
        ("max_norm=0.0", "max_norm=1.0"),
    ),
)


@pytest.mark.parametrize("case", CASES)
def test_optimizer_misuse(backend: str, case: Case) -> None:
    check(case)
