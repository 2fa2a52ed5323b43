"""`dualnet demo` and `dualnet info`: the side-by-side run, its verdict and its plot."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualnet import cli, demo
from dualnet.backend import registry

both = pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")


@both
@pytest.mark.slow
def test_demo_runs_both_backends_agrees_and_plots(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    png = tmp_path / "curves.png"
    assert cli.main(["demo", "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "tensorflow" in out
    checksum_row = next(line for line in out.splitlines() if line.startswith("initial weights"))
    first, second = checksum_row.split()[-2:]
    assert first == second
    accuracy_row = next(line for line in out.splitlines() if line.startswith("test accuracy"))
    assert all(0.0 <= float(v) <= 1.0 for v in accuracy_row.split()[-2:])
    assert "backends agree" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@both
def test_demo_regression_example_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "regression", "--plot", ""]) == 0
    out = capsys.readouterr().out
    assert "loss, epoch 5" in out and "backends agree" in out and "loss curves" not in out


def test_demo_unknown_example_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main(example="nope") == 2
    assert "unknown example 'nope'" in capsys.readouterr().err


def test_compare_flags_disagreement() -> None:
    same = {"init": "abc", "losses": [1.0, 0.5], "accuracy": 0.9}
    assert demo.compare([same, {**same, "losses": [1.0, 0.50001]}])[0]
    assert not demo.compare([same, {**same, "losses": [1.0, 0.6]}])[0]
    assert not demo.compare([same, {**same, "init": "abd"}])[0]
    assert not demo.compare([same, {**same, "accuracy": 0.5}])[0]
    assert not demo.compare([same, {**same, "losses": [1.0]}])[0]
    assert demo.compare([same, {**same, "losses": [1.0, 0.501]}], tolerance=1e-2)[0]


def test_table_has_one_column_per_backend() -> None:
    rows = demo.table(
        [
            {"backend": "torch", "example": "digits", "init": "a", "losses": [1.0], "accuracy": 0.9, "ms_per_step": 2},
            {
                "backend": "tensorflow",
                "example": "digits",
                "init": "a",
                "losses": [1.0],
                "accuracy": 0.9,
                "ms_per_step": 3,
            },
        ]
    )
    assert rows[0].split() == ["torch", "tensorflow"]
    assert [r.split()[0] for r in rows[1:]] == ["initial", "loss,", "test", "ms"]


def test_info_lists_backends_and_devices(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"active backend: {backend}" in out and "devices: cpu" in out
