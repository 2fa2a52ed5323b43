"""``GET /metrics``: Prometheus text with request counts by endpoint and status, latency and batch histograms."""

from __future__ import annotations

import pytest

from dualnet.serve import create_app
from tests.serve.conftest import X, dense_model, metric, serving

pytestmark = pytest.mark.anyio


async def test_metrics_count_requests_by_endpoint_and_status(backend: str) -> None:
    async with serving(create_app(dense_model(), "m")) as client:
        await client.post("/v1/models/m:predict", json={"instances": X.tolist()})
        await client.post("/v1/models/m:predict", json={"instances": []})
        await client.post("/v2/models/other/infer", json={})
        await client.get("/v2/health/live")
        await client.get("/no/such/path")
        response = await client.get("/metrics")
    text = response.text
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    predict = 'endpoint="/v1/models/{name}:predict"'
    assert metric(text, f'dualnet_serve_requests_total{{{predict},status="200"}}') == 1
    assert metric(text, f'dualnet_serve_requests_total{{{predict},status="400"}}') == 1
    assert metric(text, 'dualnet_serve_requests_total{endpoint="/v2/models/{name}/infer",status="404"}') == 1
    assert metric(text, 'dualnet_serve_requests_total{endpoint="/v2/health/live",status="200"}') == 1
    assert metric(text, 'dualnet_serve_requests_total{endpoint="unmatched",status="404"}') == 1
    assert "# TYPE dualnet_serve_request_duration_seconds histogram" in text
    assert metric(text, f"dualnet_serve_request_duration_seconds_count{{{predict}}}") == 2
    assert metric(text, 'dualnet_serve_batch_size_bucket{le="4.0"}') == 1  # one forward pass, of 4 rows
    assert metric(text, "dualnet_serve_batch_size_sum") == 4
    assert metric(text, "dualnet_serve_batch_requests_sum") == 1
    assert metric(text, "dualnet_serve_forward_seconds_count") == 1
    assert metric(text, "dualnet_serve_requests_in_flight") == 1  # this request itself
    assert metric(text, "dualnet_serve_queue_depth") == 0
