"""Dynamic batching through the app (concurrent requests, a full queue, a failing request among good ones) and
the batcher's own rules on a NumPy forward (limits, carried jobs, shapes that cannot be concatenated, draining)."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from dualnet.serve import create_app
from dualnet.serve.batcher import Batcher
from dualnet.serve.errors import Overloaded
from tests.serve.conftest import X, dense_model, expected, gate, metric, picky, serving

pytestmark = pytest.mark.anyio

PREDICT = "/v1/models/m:predict"
CONCURRENT = 8


async def test_concurrent_requests_are_batched_and_each_gets_its_own_rows(backend: str) -> None:
    model = dense_model()
    rows = [np.full((1, 5), i / 10, "float32") for i in range(CONCURRENT)]
    # The batch closes when it holds every request, so the long timeout is never waited out.
    app = create_app(model, "m", max_batch_size=CONCURRENT, batch_timeout_ms=10_000)
    async with serving(app) as client:
        responses = await asyncio.gather(*[client.post(PREDICT, json={"instances": r.tolist()}) for r in rows])
        text = (await client.get("/metrics")).text
    for row, response in zip(rows, responses):
        assert response.status_code == 200
        np.testing.assert_allclose(response.json()["predictions"], expected(model, row), rtol=1e-5, atol=1e-5)
    passes = metric(text, "dualnet_serve_batch_size_count")
    assert metric(text, "dualnet_serve_batch_size_sum") == CONCURRENT
    assert passes < CONCURRENT, f"{CONCURRENT} requests took {passes} forward passes: no batch larger than 1"
    assert metric(text, 'dualnet_serve_requests_total{endpoint="/v1/models/{name}:predict",status="200"}') == 8


async def test_without_batching_each_request_runs_alone(backend: str) -> None:
    async with serving(create_app(dense_model(), "m")) as client:
        await asyncio.gather(*[client.post(PREDICT, json={"instances": X[:2].tolist()}) for _ in range(4)])
        text = (await client.get("/metrics")).text
    assert metric(text, "dualnet_serve_batch_size_count") == 4
    assert metric(text, 'dualnet_serve_batch_size_bucket{le="2.0"}') == 4


async def test_a_full_queue_answers_503_and_the_queued_requests_still_complete(backend: str) -> None:
    model = gate()
    app = create_app(model, "m", max_queue_size=1)
    body = {"instances": X[:1].tolist()}
    async with serving(app) as client:
        model.gates["armed"].set()
        running = asyncio.create_task(client.post(PREDICT, json=body))
        assert await asyncio.to_thread(model.gates["entered"].wait, 30), "the first request never reached the model"
        queued = asyncio.create_task(client.post(PREDICT, json=body))
        for _ in range(10_000):  # yields only: the in-process request reaches the queue without any I/O
            await asyncio.sleep(0)
            if metric((await client.get("/metrics")).text, "dualnet_serve_queue_depth") == 1:
                break
        else:
            raise AssertionError("the second request never reached the queue")
        refused = await client.post(PREDICT, json=body)
        model.gates["release"].set()
        done = await asyncio.gather(running, queued)
    assert refused.status_code == 503 and "queue is full (1 requests waiting)" in refused.json()["error"]
    assert [r.status_code for r in done] == [200, 200]


async def test_a_refused_request_fails_alone_in_its_batch(backend: str) -> None:
    model = picky()
    good = np.ones((1, 5), "float32")
    bodies = [good, np.full((1, 5), 1000.0, "float32"), good]
    async with serving(create_app(model, "m", max_batch_size=3, batch_timeout_ms=10_000)) as client:
        batch = await asyncio.gather(*[client.post(PREDICT, json={"instances": b.tolist()}) for b in bodies])
    assert [r.status_code for r in batch] == [200, 400, 200]
    assert "the model refused the input: ArgumentError: Picky: inputs must be at most 100" in batch[1].json()["error"]
    np.testing.assert_allclose(batch[0].json()["predictions"], expected(model, good), rtol=1e-5, atol=1e-5)


async def test_a_model_failure_is_a_500_and_the_server_goes_on(backend: str) -> None:
    async with serving(create_app(picky(), "m")) as client:
        broken = await client.post(PREDICT, json={"instances": [[-1000.0] * 5]})
        after = await client.post(PREDICT, json={"instances": [[1.0] * 5]})
    assert broken.status_code == 500 and "RuntimeError: a framework failure" in broken.json()["error"]
    assert after.status_code == 200


# --- the batcher alone, on a NumPy forward --------------------------------------------------------


def doubled(calls: list[int]):
    def forward(inputs: list[np.ndarray]) -> list[np.ndarray]:
        calls.append(len(inputs[0]))
        return [inputs[0] * 2]

    return forward


async def test_the_batcher_respects_the_row_limit_and_carries_the_overflow() -> None:
    calls: list[int] = []
    batcher = Batcher(doubled(calls), max_batch_size=4, timeout_s=10.0)
    sizes = [3, 2, 2, 6]  # 3 | 2+2 | 6 alone (larger than the limit)
    arrays = [np.full((n, 2), float(i)) for i, n in enumerate(sizes)]
    results = await asyncio.gather(*[batcher.submit([a], len(a)) for a in arrays])
    await asyncio.to_thread(batcher.close)
    assert calls == [3, 4, 6]
    for array, (result,) in zip(arrays, results):
        np.testing.assert_array_equal(result, array * 2)


async def test_jobs_whose_rows_differ_in_shape_run_in_separate_batches() -> None:
    calls: list[int] = []
    batcher = Batcher(doubled(calls), max_batch_size=8, timeout_s=30.0)
    wide, narrow = np.ones((1, 3)), np.ones((1, 2))
    jobs = [asyncio.create_task(batcher.submit([x], 1)) for x in (wide, narrow, wide)]
    await asyncio.sleep(0)  # each task queues its job before it waits
    await asyncio.to_thread(batcher.close)  # the end mark closes the last batch instead of the timeout
    first, second, third = await asyncio.gather(*jobs)
    assert calls == [1, 1, 1] and first[0].shape == third[0].shape == (1, 3) and second[0].shape == (1, 2)


async def test_close_runs_what_is_queued_then_refuses() -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow(inputs: list[np.ndarray]) -> list[np.ndarray]:
        release.wait(30)
        calls.append(len(inputs[0]))
        return inputs

    batcher = Batcher(slow, max_queue_size=4)
    pending = [asyncio.create_task(batcher.submit([np.ones((1, 1))], 1)) for _ in range(3)]
    for _ in range(10_000):
        await asyncio.sleep(0)
        if batcher.queued() == 2:  # one job in the model, two waiting
            break
    closing = asyncio.create_task(asyncio.to_thread(batcher.close))
    release.set()
    await closing
    assert len(await asyncio.gather(*pending)) == 3 and calls == [1, 1, 1]
    with pytest.raises(Overloaded, match="shutting down"):
        await batcher.submit([np.ones((1, 1))], 1)
