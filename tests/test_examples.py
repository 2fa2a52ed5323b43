"""Every script in ``examples/`` runs unchanged on both backends (short mode) and ends with its figures line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dualnet.backend import registry
from tests.helpers import HANG_LIMIT_S

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NAMES = [
    "regression_net",
    "digits_cnn",
    "text_classifier",
    "custom_loop",
    "torch_to_tensorflow",
    "char_transformer",
    "native_modules",
    "functional_api",
    "gan",
]
# The last line of every example: "result example=NAME backend=BACKEND key=value ...".
RESULT = re.compile(r"^result example=(?P<name>\w+) backend=(?P<backend>torch|tensorflow)(?P<figures>( \w+=\S+)+)$")
# Figures each example must reach in its short run.
CHECKS = {
    "regression_net": lambda f: (
        float(f["value_and_grad_loss"]) < float(f["initial_loss"]) / 10
        and abs(float(f["value_and_grad_loss"]) - float(f["trainer_loss"])) < 1e-4
    ),
    "digits_cnn": lambda f: float(f["test_accuracy"]) >= 0.95,
    "text_classifier": lambda f: float(f["gru_test_accuracy"]) >= 0.9 and float(f["transformer_test_accuracy"]) >= 0.9,
    "custom_loop": lambda f: float(f["test_accuracy"]) >= 0.9,
    "torch_to_tensorflow": lambda f: f["match"] == "yes" and f["deployed_on"] == "tensorflow",
    "char_transformer": lambda f: float(f["final_loss"]) < float(f["first_loss"]) / 2,
    "native_modules": lambda f: f["native_updated"] == "yes" and float(f["native_max_difference"]) <= 1e-5,
    "functional_api": lambda f: (
        float(f["test_accuracy"]) >= 0.9 and f["features"] == "360x64" and float(f["reload_max_difference"]) <= 1e-6
    ),
    "gan": lambda f: float(f["radius_error_after"]) < float(f["radius_error_before"]) / 3,
}


def test_every_example_is_listed() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.py")) == sorted(NAMES) == sorted(CHECKS)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_example_runs_and_reports(name: str, backend: str, tmp_path: Path) -> None:
    if name == "torch_to_tensorflow" and not registry.is_installed("tensorflow"):
        pytest.skip("deploys on tensorflow")
    if "sklearn" in (EXAMPLES / f"{name}.py").read_text():
        pytest.importorskip("sklearn", reason="the 8x8 digits ship with scikit-learn")
    env = {**os.environ, "DUALNET_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=HANG_LIMIT_S,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    match = RESULT.match(last)
    assert match, f"final line not in the result format: {last!r}"
    assert match["name"] == name and match["backend"] == backend
    figures = dict(item.split("=", 1) for item in match["figures"].split())
    assert CHECKS[name](figures), last
