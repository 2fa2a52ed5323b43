"""On the torch backend, the optimizers added after the first six give ``torch.optim``'s parameters after 200 steps.

Same algorithm and hyper-parameters, same initial weights, same gradients, on the quadratic and the MLP;
within 1e-6 of the largest parameter. Also: the defaults are torch's.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import dualnet as dn
from tests.optim.problems import PROBLEMS, assert_close
from tests.optim.runs import cases, run, run_torch_optim

torch = pytest.importorskip("torch")


@pytest.mark.parametrize(("config", "problem"), cases(keras=False))
def test_matches_torch_optim(config: str, problem: str) -> None:
    want = list(run_torch_optim(config, problem, 200))
    dn.set_backend("torch")
    start = PROBLEMS[problem]().params[0].detach().numpy()
    assert not np.allclose(want[0], start), "the problem did not train"
    assert_close(list(run(config, problem, "torch", 200)), want, 1e-6, f"{config} on {problem}")


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("NAdam", "NAdam"),
        ("RAdam", "RAdam"),
        ("Adamax", "Adamax"),
        ("Adadelta", "Adadelta"),
        ("Adafactor", "Adafactor"),
        ("ASGD", "ASGD"),
        ("Rprop", "Rprop"),
        ("Muon", "Muon"),
        ("LBFGS", "LBFGS"),
        ("Adam", "Adam"),
        ("SGD", "SGD"),
    ],
)
def test_defaults_match_torch_optim(ours: str, theirs: str) -> None:
    mine = inspect.signature(getattr(dn.optim, ours)).parameters
    reference = inspect.signature(getattr(torch.optim, theirs)).parameters
    shared = [arg for arg in mine if arg in reference and arg not in ("params", "foreach")]
    for arg in shared:
        assert mine[arg].default == reference[arg].default, f"{ours}({arg}=...)"
    assert "lr" in shared and ("maximize" in shared) == ("maximize" in reference)


def test_nadam_is_nadam_with_keras_defaults() -> None:
    signature = inspect.signature(dn.optim.Nadam).parameters
    assert signature["lr"].default == 1e-3 and signature["eps"].default == 1e-7
    assert issubclass(dn.optim.Nadam, dn.optim.NAdam)
