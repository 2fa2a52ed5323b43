"""Ranks that start from different weights, and a rank that dies mid-run: errors that name the parameter / the rank."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.distributed import helpers
from tests.helpers import HANG_LIMIT_S

pytest.importorskip("sklearn.datasets")


def test_ranks_with_different_weights_stop_naming_the_parameter(backend: str, tmp_path: Path) -> None:
    done = helpers.launch(backend, "mismatch", str(tmp_path))
    assert done.returncode != 0
    assert "DistributedError" in done.stderr
    assert "parameter '0.kernel' (shape (3, 3, 1, 16)) differs between ranks" in done.stderr
    assert "dualnet launch: worker rank" in done.stderr


def test_a_dead_rank_stops_the_others_with_a_message(backend: str, tmp_path: Path) -> None:
    # Started without the launcher (which would kill rank 0 itself): rank 0 must notice on its own.
    port = helpers.free_port(3)
    workers = []
    for rank in (0, 1):
        env = helpers.environment(
            backend,
            RANK=str(rank),
            WORLD_SIZE="2",
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=str(port),
            TF_CONFIG=(
                f'{{"cluster": {{"worker": ["127.0.0.1:{port + 1}", "127.0.0.1:{port + 2}"]}}, '
                f'"task": {{"type": "worker", "index": {rank}}}}}'
            ),
            DUALNET_DISTRIBUTED_TIMEOUT="600",  # bounds a hung collective only: a lost connection ends it first
        )
        command = [sys.executable, str(helpers.WORKER), "die", str(tmp_path)]
        workers.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    assert workers[1].wait(timeout=HANG_LIMIT_S) == 3
    _, err = workers[0].communicate(timeout=HANG_LIMIT_S)
    assert workers[0].returncode != 0
    # Rank 0 may still be receiving the epoch's log all-reduce when rank 1 leaves, or already be in the
    # next step's gradient all-reduce: either stage must be named.
    assert re.search(r"DistributedError: rank 0 of 2: (training|dn\.distributed\.all_reduce\(\)) stopped", err), err
    assert "rank 1 probably crashed or was killed" in err
