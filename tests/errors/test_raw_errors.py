"""Misuses that used to end in a raw framework error or a misleading message (issue 24, item 5)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import dualnet as dn
from tests.errors.catalogue import Case, X, cases, check, mlp
from tests.helpers import HANG_LIMIT_S

EMPTY = np.zeros((2, 0, 3), "float32")

TABLE = cases(
    Case(
        "load_state_dict of a list",
        lambda: mlp().load_state_dict(list(mlp().state_dict().values())),  # type: ignore[arg-type]
        dn.ArgumentError,
        ("Sequential.load_state_dict(state=[", "a dict of arrays", "pass model.state_dict()"),
    ),
    Case(
        "LSTM on zero steps",
        lambda: dn.nn.LSTM(4)(EMPTY),
        dn.ShapeError,
        ("LSTM", "length 0", "(2, 0, 3)", "at least one time step"),
    ),
    Case(
        "GRU on zero steps",
        lambda: dn.nn.GRU(4)(EMPTY),
        dn.ShapeError,
        ("GRU", "length 0", "at least one time step"),
    ),
)


@pytest.mark.parametrize("case", TABLE)
def test_raw_error_misuse(backend: str, case: Case) -> None:
    check(case)


@pytest.mark.parametrize("cls", [dn.nn.LSTM, dn.nn.GRU])
def test_zero_steps_after_a_first_call_is_refused_too(backend: str, cls: type[dn.nn.Module]) -> None:
    layer = cls(4, return_sequences=True)
    assert dn.ops.shape(layer(np.ones((2, 3, 3), "float32"))) == (2, 3, 4)
    with pytest.raises(dn.ShapeError, match="length 0"):
        layer(EMPTY)  # TensorFlow's loop would return zeros here, torch's kernel raise


def test_torch_nn_refuses_zero_steps_as_we_do() -> None:
    import torch

    with pytest.raises(RuntimeError, match="larger than 0"):
        torch.nn.LSTM(3, 4, batch_first=True)(torch.zeros(2, 0, 3))


def test_resume_from_a_weights_only_file_names_the_checkpoint_callback(backend: str, tmp_path: Path) -> None:
    model = mlp((2,))
    model.save_weights(tmp_path / "w.safetensors")
    trainer = dn.Trainer(model, dn.optim.SGD(model.parameters(), lr=0.1), "mse")
    with pytest.raises(dn.DualnetError, match=r"ModelCheckpoint\(\.\.\., save_weights_only=False\)"):
        trainer.fit(X, np.zeros((4, 2), "float32"), epochs=1, verbose=0, resume_from=tmp_path / "w.safetensors")


def _run(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), **env}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=HANG_LIMIT_S,
        check=False,
    )


def test_wrap_as_the_first_call_activates_the_backend_of_the_environment() -> None:
    result = _run(
        """
        import torch, dualnet as dn
        wrapped = dn.nn.wrap(torch.nn.Linear(2, 3))
        print(dn.backend(), type(wrapped).__name__, len(wrapped.parameters()))
        """,
        DUALNET_BACKEND="torch",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["torch", "Wrapped", "2"]


def test_exporting_a_main_class_from_torch_says_to_move_it_to_a_module(tmp_path: Path) -> None:
    result = _run(
        f"""
        import numpy as np, dualnet as dn

        @dn.register_module
        class Net(dn.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = dn.nn.Dense(2)

            def forward(self, x):
                return self.fc(x)

        x = np.ones((1, 3), "float32")
        model = Net(); model(x)
        try:
            dn.export.saved_model(model, x, {str(tmp_path / "sm")!r})
        except dn.DualnetError as exc:
            print(type(exc).__name__, exc)
        """,
        DUALNET_BACKEND="torch",
    )
    assert result.returncode == 0, result.stderr
    for part in ("ExportError", "'Net'", "defined in __main__", "cannot import", "importable module"):
        assert part in result.stdout, result.stdout
