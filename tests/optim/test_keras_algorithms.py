"""Keras's algorithms (Lamb and Ftrl, which torch lacks) give Keras 3's parameters after 200 steps (TensorFlow).

Keras's optimizer runs on its own variables; at each step the problem's gradients are taken at Keras's
values, so both follow the same trajectory. Within 1e-6 of the largest parameter. Also: the defaults are
Keras's.
"""

from __future__ import annotations

import inspect

import pytest

import dualnet as dn
from tests.optim.problems import assert_close
from tests.optim.runs import CONFIGS, KERAS_NAMES, cases, keras_optimizer, run, run_keras

keras = pytest.importorskip("keras")
pytest.importorskip("tensorflow")


@pytest.mark.parametrize(("config", "problem"), cases(keras=True))
def test_matches_keras(config: str, problem: str) -> None:
    want, _ = run_keras(keras_optimizer(config), problem, 200)
    assert_close(list(run(config, problem, "tensorflow", 200)), want, 1e-6, f"{config} on {problem}")


@pytest.mark.parametrize("name", ["Lamb", "Ftrl"])
def test_defaults_match_keras(name: str) -> None:
    ours = inspect.signature(getattr(dn.optim, name)).parameters
    theirs = inspect.signature(getattr(keras.optimizers, name)).parameters
    checked = 0
    for arg, param in ours.items():
        if arg in ("params", "options", "betas", "weight_decay"):
            continue
        assert param.default == theirs[KERAS_NAMES.get(arg, arg)].default, f"{name}({arg}=...)"
        checked += 1
    if "betas" in ours:
        assert ours["betas"].default == (theirs["beta_1"].default, theirs["beta_2"].default)
    assert checked >= 2 and {cls for cls, _, _ in CONFIGS.values()} >= {name}
