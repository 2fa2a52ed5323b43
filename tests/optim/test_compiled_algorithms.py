"""Inside a compiled step the new optimizers' scalars are tensors (step count, learning rate): same numbers as eager.

On TensorFlow the step runs inside ``dn.function``; on torch the traced code path runs eagerly
(``torch.compile`` would take seconds per case; tests/test_autograd.py compiles a training step).
"""

from __future__ import annotations

import pytest

import dualnet as dn
from dualnet.backend.dispatch import B
from dualnet.optim import schedules
from tests.optim.problems import Quadratic, assert_close
from tests.optim.runs import make, sign

# the optimizers whose scalars depend on the step count or learning rate in ways a Python branch cannot follow
TRACED = ["nadamw_maximize", "radam", "adafactor_options", "asgd_options", "ftrl_regularized", "rprop_options"]


@pytest.mark.parametrize("config", TRACED)
def test_compiled_step_matches_eager(backend: str, config: str, monkeypatch: pytest.MonkeyPatch) -> None:
    eager_task, traced_task = Quadratic(), Quadratic()
    rate = schedules.CosineDecay(0.02, decay_steps=12, alpha=0.5)
    eager, traced = make(config, eager_task.params, lr=rate), make(config, traced_task.params, lr=rate)
    if backend == "torch":
        monkeypatch.setitem(B.__dict__, "is_tracing", lambda: True)
        step = traced.step
    else:
        step = dn.function(traced.step)
    for _ in range(12):
        eager.step([sign(config) * g for g in eager_task.grads()])
        step([sign(config) * g for g in traced_task.grads()])
    assert traced.iterations == eager.iterations == 12
    got = [dn.ops.to_numpy(p) for p in traced_task.params]
    assert_close(got, [dn.ops.to_numpy(p) for p in eager_task.params], 1e-6, config)
