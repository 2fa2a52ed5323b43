"""TensorFlow formats from another backend: ``dn.save`` the model, export it in a TensorFlow subprocess.

The weights file is backend-neutral, so the subprocess rebuilds the same model
with ``dn.load`` under ``DUALNET_BACKEND=tensorflow`` and runs ``dualnet export``,
first importing the modules that define this process's registered custom
classes (a class defined in ``__main__`` cannot be found there: move it to a module).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from dualnet.errors import DualnetError
from dualnet.io.model import save
from dualnet.io.registry import custom_modules

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__: list[str] = []


class ExportError(DualnetError, RuntimeError):
    """The export subprocess failed; the message carries its error."""


def export_in_tensorflow(
    fmt: str, model: Module, shape: tuple[int, ...], dtype: str, path: str | os.PathLike[str]
) -> Path:
    """Export ``model`` (any backend) as ``fmt`` from a TensorFlow subprocess; ``shape``/``dtype`` of the input."""
    with tempfile.TemporaryDirectory(prefix="dualnet-export-") as folder:
        saved = Path(folder) / "model.safetensors"
        save(model, saved)
        command = [
            sys.executable,
            "-m",
            "dualnet.cli",
            "export",
            fmt,
            str(saved),
            os.fspath(path),
            "--input-shape",
            ",".join(str(s) for s in shape),
            "--dtype",
            dtype,
            "--backend",
            "tensorflow",
        ]
        for module in custom_modules():
            command += ["--import", module]
        # The child sees this process's import path, so it can import the modules of registered classes.
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            "DUALNET_BACKEND": "tensorflow",
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        dualnet_lines = [line for line in lines if line.startswith("dualnet export: error:")]
        detail = (dualnet_lines or lines or ["no output"])[-1]
        raise ExportError(
            f"dn.export.{fmt}: the TensorFlow export subprocess failed: {detail}; "
            f"try the same on the tensorflow backend (DUALNET_BACKEND=tensorflow) to see the full error"
        )
    return Path(path)
