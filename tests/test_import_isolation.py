"""With one backend active, `import dualnet` and a training run never import the other framework."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.helpers import HANG_LIMIT_S

TRAIN = """
import sys
import numpy as np
import dualnet as dn
dn.seed(0)
model = dn.nn.Dense(1, in_features=4)
opt = dn.optim.SGD(model.parameters(), lr=0.1)
loss_fn = dn.losses.MeanSquaredError()
x = np.ones((8, 4), "float32"); y = np.zeros((8, 1), "float32")
step = dn.value_and_grad(lambda m, x, y: loss_fn(m(x), y))
for _ in range(3):
    loss, grads = step(model, x, y)
    opt.step(grads)
print(sorted(name for name in ("torch", "tensorflow", "keras") if name in sys.modules))
"""


@pytest.mark.parametrize(("active", "absent"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_training_never_imports_the_other_framework(active: str, absent: str) -> None:
    env = {**os.environ, "DUALNET_BACKEND": active, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", TRAIN], capture_output=True, text=True, env=env, timeout=HANG_LIMIT_S
    )
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.strip().splitlines()[-1]
    assert absent not in loaded, f"{absent} was imported: {loaded}"
    assert active in loaded


def test_import_dualnet_imports_no_framework() -> None:
    code = "import sys, dualnet; print([m for m in ('torch', 'tensorflow') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_LIMIT_S)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_eager_torch_training_never_loads_the_compiler() -> None:
    # torch._dynamo takes ~1.2 s to import: an eager run (an LSTM included) must not pay for it.
    code = (
        "import sys, numpy as np, dualnet as dn\n"
        "layer = dn.nn.LSTM(4, in_features=3)\n"
        "layer(np.ones((2, 5, 3), 'float32'))\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    env = {**os.environ, "DUALNET_BACKEND": "torch"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=HANG_LIMIT_S)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
