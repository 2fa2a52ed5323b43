"""``GET /metrics``: Prometheus text exposition of requests, latency and batching, from ``prometheus_client``.

Each app has its own registry (two apps in one process do not mix counts).
Request counts and latencies are labelled by endpoint, the route's template
(``/v1/models/{name}:predict``), never the raw path, so that the label set
stays bounded whatever clients send. With ``--workers N`` every worker
process counts its own requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

__all__: list[str] = []

ENDPOINT_KEY = "dualnet.serve.endpoint"  # set in the ASGI scope by each endpoint, read after the response
UNMATCHED = "unmatched"  # the label of requests no endpoint took (404s of the router, 405s)
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)

ASGIApp = Callable[..., Any]


class Metrics:
    """The server's metrics in a registry of their own; ``text()`` renders them."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, queued: Callable[[], int]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "dualnet_serve_requests",
            "HTTP requests answered, by endpoint and status code.",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "dualnet_serve_request_duration_seconds",
            "Time from a request's arrival to the end of its response, by endpoint.",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_rows = Histogram(
            "dualnet_serve_batch_size",
            "Rows in each forward pass of the model (the requests of a batch, concatenated).",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.batch_requests = Histogram(
            "dualnet_serve_batch_requests",
            "Requests answered by each forward pass of the model.",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.forward_seconds = Histogram(
            "dualnet_serve_forward_seconds",
            "Time of each forward pass of the model, inputs in to outputs as NumPy.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "dualnet_serve_requests_in_flight", "Requests received and not yet answered.", registry=self.registry
        )
        queue_depth = Gauge(
            "dualnet_serve_queue_depth", "Inference requests waiting for the model thread.", registry=self.registry
        )
        queue_depth.set_function(lambda: float(queued()))

    def batch(self, rows: int, requests: int, seconds: float) -> None:
        """Record one forward pass of ``rows`` rows for ``requests`` requests that took ``seconds``."""
        self.batch_rows.observe(rows)
        self.batch_requests.observe(requests)
        self.forward_seconds.observe(seconds)

    def text(self) -> bytes:
        """The metrics in Prometheus's text exposition format."""
        return bytes(generate_latest(self.registry))


class MetricsMiddleware:
    """ASGI middleware: counts every HTTP request by endpoint and status and times it, in ``metrics``."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: ASGIApp, send: ASGIApp) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client sees when the app fails before it starts a response

        async def send_and_note(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            self.metrics.in_flight.dec()
            endpoint = str(scope.get(ENDPOINT_KEY, UNMATCHED))
            self.metrics.requests.labels(endpoint, str(status)).inc()
            self.metrics.latency.labels(endpoint).observe(time.perf_counter() - start)
