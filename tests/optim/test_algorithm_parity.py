"""The optimizers added after the first six give the same parameters on torch and TensorFlow (1e-5 relative).

30 eager steps of each configuration on each backend, from the same initial weights (compiled steps are
compared with eager ones in ``test_compiled_algorithms.py``).
"""

from __future__ import annotations

import pytest

from dualnet.backend import registry
from tests.optim.problems import assert_close
from tests.optim.runs import cases, run

pytestmark = pytest.mark.skipif(
    not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both backends"
)


@pytest.mark.parametrize(("config", "problem"), cases())
def test_same_parameters_on_both_backends(config: str, problem: str) -> None:
    on_torch = list(run(config, problem, "torch", 30))
    on_tensorflow = list(run(config, problem, "tensorflow", 30))
    assert_close(on_tensorflow, on_torch, 1e-5, f"{config} on {problem}")
