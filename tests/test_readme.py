"""The README's Python examples run as written on each backend."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import HANG_LIMIT_S

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(BLOCKS)))
@pytest.mark.parametrize("backend_name", ["torch", "tensorflow"])
def test_readme_example_runs(backend_name: str, index: int, tmp_path: Path) -> None:
    env = {**os.environ, "DUALNET_BACKEND": backend_name, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", BLOCKS[index]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=HANG_LIMIT_S,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 2
