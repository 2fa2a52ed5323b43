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
    """Export ``model`` (any backend) as ``fmt`` from a TensorFlow subprocess; ``shape``/``dtype`` of the input.

    Raises:
        ExportError: a class of the model is defined in ``__main__`` (the subprocess cannot import it), or the
            subprocess failed (its error is in the message).
    """
    in_main = sorted({type(m).__qualname__ for m in model.modules() if type(m).__module__ == "__main__"})
    if in_main:
        raise ExportError(
            f"dn.export.{fmt}: the model's class(es) {', '.join(map(repr, in_main))} are defined in __main__ "
            "(your script or notebook), which the TensorFlow export subprocess cannot import, so it could not "
            "rebuild the model; define them in an importable module (e.g. models.py next to your script, "
            "decorated with @dn.register_module) and import them from there, or run the export with "
            "DUALNET_BACKEND=tensorflow, which needs no subprocess"
        )
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
        for module in custom_modules({type(m) for m in model.modules()}):
            if module != "__main__":  # the child's __main__ is the CLI: never the classes of this one
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
