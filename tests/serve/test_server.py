"""A real ``dualnet serve`` process on 127.0.0.1, driven by an ordinary HTTP client in TF Serving's JSON and
the KServe v2 format; then SIGTERM while a request is in flight: the request completes and the process exits 0.

The server batches up to 4 rows and waits up to 1.5 s for a batch to fill: the requests of 4 rows run at once,
and the request of 1 row is held in the batcher long enough to be in flight when SIGTERM arrives.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import httpx
import numpy as np
import pytest

import dualnet as dn
from dualnet.demo import digits_cnn
from tests.serve.conftest import expected, metric

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN_S = 600.0  # a bound against a hang on a slow, shared machine, not a speed requirement
EXIT_WITHIN_S = 600.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"dualnet serve exited with {process.returncode}:\n{log.read().decode()}")
        try:
            if httpx.get(f"{url}/v2/health/ready", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling a starting process: the bound above is what matters
    raise AssertionError(f"dualnet serve was not ready within {READY_WITHIN_S} s")


@contextlib.contextmanager
def running_server(backend: str, tmp_path: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``dualnet serve`` on the digits CNN saved in ``tmp_path``, ready; killed at the end if still running."""
    path = tmp_path / "digits.safetensors"
    port = _free_port()
    command = [sys.executable, "-m", "dualnet.cli", "serve", str(path), "--port", str(port), "--backend", backend]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    with open(tmp_path / "server.log", "w+b") as log:
        process = subprocess.Popen([*command, *options], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_ready(process, url, log)
            yield url, process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)


@pytest.fixture
def server(backend: str, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], dn.nn.Module]]:
    model = digits_cnn()
    dn.save(model, tmp_path / "digits.safetensors")
    with running_server(backend, tmp_path, "--max-batch-size", "4", "--batch-timeout-ms", "1500") as (url, process):
        yield url, process, model


def test_a_real_server_answers_both_protocols_and_drains_on_sigterm(
    server: tuple[str, subprocess.Popen[bytes], dn.nn.Module],
) -> None:
    url, process, model = server
    x = np.random.default_rng(1).standard_normal((4, 8, 8, 1)).astype("float32")
    want = expected(model, x)
    with httpx.Client(base_url=url, timeout=300.0) as client:
        tf_serving = client.post("/v1/models/digits:predict", json={"instances": x.tolist()})
        assert tf_serving.status_code == 200, tf_serving.text
        np.testing.assert_allclose(tf_serving.json()["predictions"], want, rtol=1e-5, atol=1e-5)

        infer = {"id": "r1", "inputs": [{"name": "input", "shape": [4, 8, 8, 1], "datatype": "FP32"}]}
        infer["inputs"][0]["data"] = x.ravel().tolist()
        v2 = client.post("/v2/models/digits/infer", json=infer).json()
        assert v2["id"] == "r1" and v2["outputs"][0]["shape"] == [4, 10]
        np.testing.assert_allclose(np.reshape(v2["outputs"][0]["data"], (4, 10)), want, rtol=1e-5, atol=1e-5)

        with ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(client.post, "/v1/models/digits:predict", json={"instances": x[:1].tolist()})
            deadline = time.monotonic() + READY_WITHIN_S
            while metric(client.get("/metrics").text, "dualnet_serve_requests_in_flight") < 2:  # it, and /metrics
                assert time.monotonic() < deadline and not in_flight.done(), "the request never arrived"
            process.send_signal(signal.SIGTERM)
            answered = in_flight.result(timeout=EXIT_WITHIN_S)
    assert answered.status_code == 200
    np.testing.assert_allclose(answered.json()["predictions"], want[:1], rtol=1e-5, atol=1e-5)
    assert process.wait(EXIT_WITHIN_S) == 0
