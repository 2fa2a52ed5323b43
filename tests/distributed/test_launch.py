"""``dualnet launch`` with plain Python scripts (no framework): environment, output prefixes, a failing worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.distributed import helpers
from tests.helpers import HANG_LIMIT_S


def _launch(script: Path, *flags: str, timeout: float = HANG_LIMIT_S) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "dualnet.cli", "launch", *flags, str(script), "--flag", "x"]
    return subprocess.run(command, env=helpers.environment("torch"), capture_output=True, text=True, timeout=timeout)


def test_every_worker_gets_its_rank_and_the_script_its_arguments(tmp_path: Path) -> None:
    script = tmp_path / "show.py"
    script.write_text(
        "import os, sys\n"
        "print(os.environ['RANK'], os.environ['LOCAL_RANK'], os.environ['WORLD_SIZE'], os.environ['MASTER_PORT'], "
        "sys.argv[1:])\n"
    )
    done = _launch(script, "--nproc-per-node", "3", "--master-port", "29600")
    assert done.returncode == 0, done.stderr
    lines = sorted(done.stdout.splitlines())
    assert lines == [f"[rank {r}] {r} {r} 3 29600 ['--flag', 'x']" for r in range(3)]


def test_a_failing_worker_stops_the_others_and_is_named(tmp_path: Path) -> None:
    script = tmp_path / "fail.py"
    # Rank 0 would outlive the test's limit: the launch returns only because the launcher stops it.
    script.write_text("import os, sys, time\nif os.environ['RANK'] == '1':\n    sys.exit(7)\ntime.sleep(86400)\n")
    done = _launch(script, "--nproc-per-node", "2", "--no-prefix")
    assert done.returncode == 7
    assert "dualnet launch: worker rank 1" in done.stderr
    assert "exited with code 7; stopping rank(s) 0" in done.stderr


def test_bad_flags_are_refused(tmp_path: Path) -> None:
    done = _launch(tmp_path / "none.py", "--nproc-per-node", "0")
    assert done.returncode == 2
    assert "--nproc-per-node 0" in done.stderr
