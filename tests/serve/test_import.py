"""``import dualnet`` never imports the serve stack; ``import dualnet.serve`` does, and no other framework."""

from __future__ import annotations

import os
import subprocess
import sys

STACK = ("starlette", "uvicorn", "prometheus_client", "httpx")
CODE = "import sys, {module}; print(sorted(m for m in {names!r} if m in sys.modules))"


def _imported(module: str, names: tuple[str, ...], backend: str = "torch") -> str:
    env = {**os.environ, "DUALNET_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    code = CODE.format(module=module, names=names)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_import_dualnet_does_not_import_the_serve_stack() -> None:
    assert _imported("dualnet", STACK) == "[]"


def test_import_dualnet_serve_imports_starlette_and_no_framework() -> None:
    assert _imported("dualnet.serve", (*STACK, "torch", "tensorflow")) == "['prometheus_client', 'starlette']"
