"""`dualnet demo` and `dualnet info`: the side-by-side run and its verdict."""

from __future__ import annotations

import pytest

from dualnet import cli, demo
from dualnet.backend import registry


@pytest.mark.skipif(not all(registry.is_installed(n) for n in ("torch", "tensorflow")), reason="needs both")
def test_demo_runs_both_backends_and_they_agree(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "tensorflow" in out
    checksum_row = next(line for line in out.splitlines() if line.startswith("initial weights"))
    first, second = checksum_row.split()[-2:]
    assert first == second
    assert "backends agree" in out


def test_compare_flags_disagreement() -> None:
    same = {"init": "abc", "losses": [1.0, 0.5]}
    assert demo.compare([same, {**same, "losses": [1.0, 0.50001]}])[0]
    assert not demo.compare([same, {**same, "losses": [1.0, 0.6]}])[0]
    assert not demo.compare([same, {**same, "init": "abd"}])[0]


def test_info_lists_backends_and_devices(backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"active backend: {backend}" in out and "devices: cpu" in out
