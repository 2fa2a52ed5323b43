"""dn.load on crafted configs cannot allocate gigabytes or spin: every registered layer, and the issue's files.

The registry-wide cases (generated in :mod:`tests.io.load_bomb_child`, one child
process per backend) give each int argument of each registered class absurd
values on a small saved model; each load must load or raise a dualnet error,
and the child's peak memory may grow by at most :data:`PEAK_MB` over all of
them. Without the budget on buffers and on each layer's first call, single
cases here grow it by 1 to 2 GB (see ``benchmarks/load_bombs.py``).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from benchmarks.load_bombs import CASES
from safetensors.numpy import save as save_tensors

import dualnet as dn
from dualnet.io import registry
from dualnet.nn import budget
from tests.helpers import HANG_LIMIT_S

ROOT = Path(__file__).resolve().parents[2]
PEAK_MB = 200  # the largest array a first call may make is 64 MiB; every bomb here needs GiBs


@functools.cache
def _run_child(backend: str) -> list[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if k not in ("DUALNET_BACKEND", "KERAS_BACKEND")}
    env.update(PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]), OMP_NUM_THREADS="1")
    command = [sys.executable, "-m", "tests.io.load_bomb_child", backend]
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=HANG_LIMIT_S)
    assert out.returncode == 0, out.stderr[-3000:]
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


@pytest.fixture
def registry_cases(backend: str) -> list[dict[str, Any]]:
    return _run_child(backend)  # one child per backend for the whole module


def test_every_registered_layer_is_covered(backend: str, registry_cases: list[dict[str, Any]]) -> None:
    covered = {case["case"].split("(")[0] for case in registry_cases}
    # classes other test modules registered in this process are not the library's, and the child never sees them
    library = {name for name in registry.registered() if registry.lookup(name).__module__.startswith("dualnet.")}
    assert covered == library
    bases = {c["case"]: c["outcome"] for c in registry_cases if c["case"].endswith(("(base)", "(unbuildable)"))}
    unbuildable = [case for case in bases if case.endswith("(unbuildable)")]
    # a native object and a Lambda's function cannot come from JSON; dn.Model is rebuilt from its graph, whose
    # layers each decode through the same budgeted path as the cases here
    assert unbuildable == ["Lambda(unbuildable)", "Model(unbuildable)", "Wrapped(unbuildable)"], unbuildable
    assert all(outcome == "loaded" for case, outcome in bases.items() if case.endswith("(base)")), bases
    for case in unbuildable:
        assert bases[case].startswith("ArgumentError"), bases
    assert len(registry_cases) > 150


def test_absurd_sizes_load_or_fail_cleanly_with_bounded_memory(
    backend: str, registry_cases: list[dict[str, Any]]
) -> None:
    raw = [c for c in registry_cases if not (c["outcome"] == "loaded" or c["outcome"].split(":")[0].endswith("Error"))]
    assert not raw, raw[:5]  # no raw framework error, no MemoryError from the child's cap
    over = [c for c in registry_cases if c["peak_mb"] > PEAK_MB]
    assert not over, over[:1]
    refused = [
        c
        for c in registry_cases
        if c["outcome"].startswith("ArgumentError") and "this layer's first call" in c["outcome"]
    ]
    assert {c["case"].split("(")[0] for c in refused} >= {"Conv1D", "Conv2D", "MaxPool2D", "MultiHeadAttention"}


def _file(path: Path, document: dict[str, Any]) -> Path:
    path.write_bytes(save_tensors({}, metadata={"dualnet.config": json.dumps(document)}))
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_the_issues_crafted_files_are_refused_before_allocating(backend: str, tmp_path: Path, case: str) -> None:
    path = _file(tmp_path / f"{case}.safetensors", CASES[case][1])
    assert path.stat().st_size < 2000
    tracemalloc.start()  # NumPy reports its buffers to tracemalloc; the budget refuses before any exists
    try:
        with pytest.raises(dn.ArgumentError, match=r"the file is damaged|damaged or hostile"):
            dn.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**24, f"{case}: {peak} bytes"


def test_buffers_count_against_the_budget_before_they_exist(backend: str) -> None:
    with budget.allocation_budget(2**20, "saved model 'm'"):
        dn.nn.BatchNorm(num_features=2**19, center=False, scale=False)  # 2 buffers of 2**19: exactly the budget
    refused = pytest.raises(dn.ArgumentError, match=r"\(BatchNorm.moving_variance\).*\(524289,\)")
    with budget.allocation_budget(2**20, "saved model 'm'"), refused:
        dn.nn.BatchNorm(num_features=2**19 + 1, center=False, scale=False)


def test_work_limits_follow_the_file_and_the_input(backend: str) -> None:
    with budget.allocation_budget(0, "saved model 'm'", example_elements=2**20, file_elements=5):
        budget.charge_work(32 * 2**20 + 5, 0, "Conv2D")  # 32x the input (a 1 -> 32 channel conv), plus the file
        with pytest.raises(
            dn.ArgumentError, match=r"needs 33554438 elements in one array, beyond the limit of 33554437"
        ):
            budget.charge_work(32 * 2**20 + 6, 0, "Conv2D")
        with pytest.raises(dn.ArgumentError, match=r"\(Conv2D\): .* operations"):
            budget.charge_work(0, budget.WORK_FLOOR + 5 * budget.WORK_PER_WEIGHT + 1, "Conv2D")
    budget.charge_work(2**40, 2**60, "Conv2D")  # outside dn.load nothing is limited


def test_saved_models_with_windows_strides_and_attention_still_load_exactly(backend: str, tmp_path: Path) -> None:
    dn.seed(3)
    images = np.random.default_rng(0).standard_normal((2, 9, 9, 3)).astype("float32")
    conv = dn.nn.Sequential(
        [
            dn.nn.Conv2D(8, 3, padding="same", dilation_rate=2),
            dn.nn.MaxPool2D(3, strides=2, padding="same"),
            dn.nn.Conv2DTranspose(4, 3, strides=4, padding="same"),
            dn.nn.DepthwiseConv2D(2, depth_multiplier=2),
            dn.nn.BatchNorm(),
            dn.nn.GlobalAvgPool2D(),
            dn.nn.Dense(3),
        ]
    )
    sequences = np.random.default_rng(1).standard_normal((2, 6, 8)).astype("float32")
    text = dn.nn.Sequential([dn.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), dn.nn.LSTM(5)])
    for model, x in ((conv, images), (text, sequences)):
        model.eval()
        expected = dn.ops.to_numpy(model(x))
        dn.save(model, tmp_path / "m.safetensors")
        np.testing.assert_array_equal(dn.ops.to_numpy(dn.load(tmp_path / "m.safetensors")(x)), expected)
