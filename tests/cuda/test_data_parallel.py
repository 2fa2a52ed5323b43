"""Data parallel over two GPUs with NCCL: two ranks end with the weights of one process on the same batches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.cuda import dp_worker
from tests.cuda.helpers import STAND_IN, exact_float32
from tests.distributed import helpers
from tests.helpers import HANG_LIMIT_S

pytestmark = pytest.mark.cuda


def _gpu_count() -> int:
    if STAND_IN:
        return 0
    try:
        import torch
    except ImportError:
        return 0
    return int(torch.cuda.device_count())


@pytest.mark.skipif(_gpu_count() < 2, reason="data parallel over NCCL needs two GPUs; this machine has fewer")
def test_two_gpus_train_like_one(gpu: str, tmp_path: Path) -> None:
    with exact_float32():
        expected = dp_worker.train(gpu, None)
    command = [sys.executable, "-m", "dualnet.cli", "launch", "--nproc-per-node", "2"]
    command += ["--master-port", str(helpers.free_port(3)), str(Path(dp_worker.__file__)), str(tmp_path)]
    env = helpers.environment("torch", NVIDIA_TF32_OVERRIDE="0")  # TF32 off in the workers too
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=HANG_LIMIT_S)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for rank in (0, 1):
        with np.load(tmp_path / f"rank{rank}.npz") as got:
            for name, value in expected.items():
                np.testing.assert_allclose(got[name], value, rtol=0, atol=1e-5, err_msg=f"rank {rank}: {name}")
