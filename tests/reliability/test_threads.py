"""Threads: dualnet's own state (tapes, check_numerics scopes, seeds) belongs to the thread that made it.

Training in two threads at once crashed TensorFlow (one list of recording
tapes for the process: ``no_grad`` in one thread paused the other's tape), a
``check_numerics`` scope opened in one thread checked every thread, and
``dn.seed`` in one thread changed another's initial weights and data order.
The crash-prone run is a subprocess; the rest run here with events that fix
the interleaving, so they are deterministic and cheap.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.backend import dispatch
from tests.helpers import HANG_LIMIT_S

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60.0  # only a hung thread waits this long


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_two_threads_fit_while_a_third_predicts_as_sequential_runs_do(name: str) -> None:
    env = {**os.environ, "DUALNET_BACKEND": name, "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.concurrent_fit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_LIMIT_S,
    )
    assert done.returncode == 0, f"rc {done.returncode}\n{done.stdout}\n{done.stderr[-4000:]}"
    assert done.stdout.split()[0] == "ok" and int(done.stdout.split()[1]) >= 1, done.stdout


def _in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Start ``target`` in a thread; the list gets its result or the exception it raised."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(target())
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _joined(thread: threading.Thread, outcome: list[Any]) -> Any:
    thread.join(WAIT_S)
    assert not thread.is_alive() and len(outcome) == 1, "the thread hung"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def test_no_grad_in_one_thread_leaves_another_threads_gradient_recording(backend: str) -> None:
    inside, released = threading.Event(), threading.Event()

    def loss(x: Any) -> Any:
        inside.wait(WAIT_S)  # the other thread is inside no_grad() now
        value = dn.ops.sum(x * x)
        released.set()
        return value

    def pause() -> None:
        with dn.no_grad():
            inside.set()
            released.wait(WAIT_S)

    thread, outcome = _in_thread(pause)
    value, grad = dn.value_and_grad(loss)(dn.ops.convert_to_tensor(np.array([1.0, -2.0, 3.0], "float32")))
    _joined(thread, outcome)
    np.testing.assert_array_equal(dn.ops.to_numpy(grad), [2.0, -4.0, 6.0])
    assert float(dn.ops.to_numpy(value)) == 14.0


def test_check_numerics_in_one_thread_does_not_check_another(backend: str) -> None:
    layer = dn.nn.Dense(2, in_features=2)
    nan = dn.ops.convert_to_tensor(np.array([[np.nan, 1.0]], "float32"))
    opened, other_done = threading.Event(), threading.Event()

    def unchecked() -> Any:
        opened.wait(WAIT_S)
        try:
            return dn.ops.to_numpy(layer(nan))  # NaN out, and no error: this thread opened no scope
        finally:
            other_done.set()

    thread, outcome = _in_thread(unchecked)
    with dn.debug.check_numerics():
        opened.set()
        other_done.wait(WAIT_S)
        with pytest.raises(dn.NumericsError, match="produced NaN"):
            layer(nan)
    assert np.isnan(_joined(thread, outcome)).all()


def test_dn_seed_in_a_thread_seeds_only_that_thread(backend: str) -> None:
    def weights(seed: int | None) -> dict[str, np.ndarray]:
        if seed is not None:
            dn.seed(seed)
        return dn.nn.Dense(3, in_features=2).state_dict()

    dn.seed(0)
    alone = weights(5)
    dn.seed(0)
    main_first = weights(None)
    seeded, seeded_out = _in_thread(lambda: weights(5))
    seeded_weights = _joined(seeded, seeded_out)
    main_second = weights(None)  # the main thread's stream went on from where it was
    unseeded, unseeded_out = _in_thread(lambda: weights(None))  # a thread that did not seed shares the main stream
    shared = _joined(unseeded, unseeded_out)
    dn.seed(0)
    expected = [weights(None) for _ in range(3)]
    for name in alone:
        np.testing.assert_array_equal(seeded_weights[name], alone[name])
        np.testing.assert_array_equal(main_first[name], expected[0][name])
        np.testing.assert_array_equal(main_second[name], expected[1][name])
        np.testing.assert_array_equal(shared[name], expected[2][name])
    assert dispatch.active_name() == backend
