"""The ASGI app: TF Serving's REST API and the Open Inference Protocol (KServe v2) on one model, plus metrics.

Endpoints (``{name}`` is the served model's name, version ``1``):

- ``POST /v1/models/{name}[/versions/1]:predict``, ``GET /v1/models/{name}``
  (status), ``GET /v1/models/{name}/metadata``;
- ``GET /v2``, ``GET /v2/health/live``, ``GET /v2/health/ready``,
  ``GET /v2/models/{name}[/versions/1]`` (metadata), ``.../ready``,
  ``POST .../infer``;
- ``GET /metrics`` (Prometheus).

Requests are parsed on the event loop (bodies over ``OFFLOAD_BYTES`` in a
worker thread); inference runs in the batcher's model thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import numpy as np

import dualnet as dn

try:
    import prometheus_client  # noqa: F401  (the metrics module needs it; fail here with the fix)
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
except ImportError as missing:
    raise dn.UnsupportedError(
        f"dualnet.serve needs the serve extra ({missing.name} is not installed); pip install 'dualnet[serve]'"
    ) from missing

from dualnet.arguments import check_float, check_int
from dualnet.serve import kserve, tfserving
from dualnet.serve.batcher import Batcher
from dualnet.serve.errors import Overloaded, RequestError
from dualnet.serve.metrics import ENDPOINT_KEY, Metrics, MetricsMiddleware
from dualnet.serve.signature import Signature, flatten_outputs, signature_of

__all__ = ["create_app"]

logger = logging.getLogger("dualnet.serve")

DEFAULT_MAX_BODY_BYTES = 64 * 2**20
DEFAULT_MAX_QUEUE_SIZE = 128
OFFLOAD_BYTES = 2**20  # bodies above this are parsed off the event loop, so that other requests are not held up

Endpoint = Callable[[Request], Awaitable[Response]]


def create_app(
    model: dn.nn.Module,
    name: str = "model",
    *,
    max_batch_size: int = 1,
    batch_timeout_ms: float = 0.0,
    max_queue_size: int = DEFAULT_MAX_QUEUE_SIZE,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Starlette:
    """An ASGI app that serves ``model`` as ``name`` over TF Serving's REST API and the KServe v2 protocol.

    ``model`` must have been called once (``dn.load`` does it), so that its
    input shapes are known: requests carry batches ``(N, ...)`` of those
    shapes. It is put in eval mode and run under ``dn.no_grad()`` in one model
    thread. Concurrent requests are batched: up to ``max_batch_size`` rows,
    waiting at most ``batch_timeout_ms`` after the oldest request arrived
    (``max_batch_size=1``: one request at a time). At most ``max_queue_size``
    requests wait (then 503); bodies above ``max_body_bytes`` get a 413. Run
    it with any ASGI server, e.g. ``uvicorn.run(app)``; ``dualnet serve`` does.

    Raises:
        ArgumentError: a limit is not a positive number, ``name`` is empty or holds ``/`` or ``:``, or the model
            was never called (its input shapes are unknown) or takes a non-tensor or scalar input.
        UnsupportedError: the model's outputs are not a tensor, a tuple/list or a dict of tensors with the batch
            first, or have a dtype JSON cannot carry.
    """
    _check_arguments(model, name, max_batch_size, batch_timeout_ms, max_queue_size, max_body_bytes)
    model.eval()

    def run(arrays: list[np.ndarray]) -> Any:
        with dn.no_grad():
            return model(*[dn.ops.convert_to_tensor(array) for array in arrays])

    signature = signature_of(model, run)
    names = signature.output_names()

    def forward(arrays: list[np.ndarray]) -> list[np.ndarray]:
        outputs = dict(flatten_outputs(run(arrays))[1])
        return [outputs[name] for name in names]

    service = _Service(
        name, signature, forward, max_batch_size, batch_timeout_ms / 1000, max_queue_size, max_body_bytes
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service.batcher.start()
        try:
            yield
        finally:  # uvicorn has let the in-flight requests finish; the batcher runs what is still queued
            await asyncio.to_thread(service.batcher.close)

    app = Starlette(
        routes=service.routes(),
        middleware=[Middleware(MetricsMiddleware, metrics=service.metrics)],
        exception_handlers={404: _no_route, 405: _no_route},
        lifespan=lifespan,
    )
    return app


class _Service:
    """The endpoints of one served model, with its batcher and metrics."""

    def __init__(
        self,
        name: str,
        signature: Signature,
        forward: Callable[[list[np.ndarray]], list[np.ndarray]],
        max_batch_size: int,
        timeout_s: float,
        max_queue_size: int,
        max_body_bytes: int,
    ) -> None:
        self.name = name
        self.signature = signature
        self.platform = f"dualnet_{dn.backend()}"
        self.max_body_bytes = max_body_bytes
        self.metrics = Metrics(queued=lambda: self.batcher.queued())
        self.batcher = Batcher(forward, max_batch_size, timeout_s, max_queue_size, on_batch=self.metrics.batch)

    def routes(self) -> list[Route]:
        served = [
            ("/v1/models/{target:path}", "GET", self.v1_get, None),
            ("/v1/models/{target:path}", "POST", self.v1_post, None),
            ("/v2", "GET", self.v2_server, "/v2"),
            ("/v2/health/live", "GET", self.v2_live, "/v2/health/live"),
            ("/v2/health/ready", "GET", self.v2_ready, "/v2/health/ready"),
            ("/metrics", "GET", self.metrics_text, "/metrics"),
        ]
        for suffix in ("", "/versions/{version}"):
            model = "/v2/models/{name}" + suffix
            served += [
                (model, "GET", self.v2_metadata, "/v2/models/{name}"),
                (model + "/ready", "GET", self.v2_model_ready, "/v2/models/{name}/ready"),
                (model + "/infer", "POST", self.v2_infer, "/v2/models/{name}/infer"),
            ]
        return [Route(path, _answering(label, handler), methods=[method]) for path, method, handler, label in served]

    # --- TF Serving ---------------------------------------------------------------------------------

    async def v1_get(self, request: Request) -> Response:
        target = tfserving.parse_target(request.path_params["target"])
        request.scope[ENDPOINT_KEY] = "/v1/models/{name}/metadata" if target.metadata else "/v1/models/{name}"
        if target.verb is not None:
            raise RequestError(f"GET /v1/models/{request.path_params['target']}: use POST for :{target.verb}", 405)
        tfserving.check_servable(target, self.name)
        if target.metadata:
            return _json(tfserving.metadata_response(self.name, self.signature))
        return _json(tfserving.status_response())

    async def v1_post(self, request: Request) -> Response:
        target = tfserving.parse_target(request.path_params["target"])
        request.scope[ENDPOINT_KEY] = "/v1/models/{name}:predict"
        if target.verb is None or target.metadata:
            raise RequestError(
                f"POST /v1/models/{request.path_params['target']}: no such endpoint; POST to "
                f"/v1/models/{self.name}:predict",
                404,
            )
        tfserving.check_servable(target, self.name)
        if target.verb not in tfserving.VERBS:
            raise RequestError(
                f":{target.verb}: this server answers :predict only (the model has no classify or regress "
                "signature); POST to :predict"
            )
        body = await self._body(request)
        parsed = await _parse(body, lambda document: tfserving.parse_predict(document, self.signature))
        outputs = await self._infer(parsed.inputs, parsed.rows)
        return _json(tfserving.predict_response(outputs, self.signature, parsed.columnar))

    # --- Open Inference Protocol (KServe v2) --------------------------------------------------------

    async def v2_server(self, request: Request) -> Response:
        return _json({"name": "dualnet", "version": dn.__version__, "extensions": []})

    async def v2_live(self, request: Request) -> Response:
        return _json({"live": True})

    async def v2_ready(self, request: Request) -> Response:
        ready = not self.batcher.closed
        return _json({"ready": ready}, 200 if ready else 503)

    async def v2_metadata(self, request: Request) -> Response:
        self._check_v2_model(request)
        return _json(kserve.model_metadata(self.name, self.platform, self.signature))

    async def v2_model_ready(self, request: Request) -> Response:
        self._check_v2_model(request)
        ready = not self.batcher.closed
        return _json({"name": self.name, "ready": ready}, 200 if ready else 503)

    async def v2_infer(self, request: Request) -> Response:
        self._check_v2_model(request)
        body = await self._body(request)
        parsed = await _parse(body, lambda document: kserve.parse_infer(document, self.signature))
        outputs = await self._infer(parsed.inputs, parsed.rows)
        return _json(kserve.infer_response(outputs, self.signature, parsed, self.name))

    def _check_v2_model(self, request: Request) -> None:
        kserve.check_model(request.path_params["name"], request.path_params.get("version"), self.name)

    # --- shared -------------------------------------------------------------------------------------

    async def metrics_text(self, request: Request) -> Response:
        return Response(self.metrics.text(), media_type=self.metrics.content_type)

    async def _body(self, request: Request) -> bytes:
        limit = self.max_body_bytes
        too_large = RequestError(
            f"request body: larger than the server's limit of {limit} bytes; send fewer rows per request, or "
            "start the server with a larger --max-body-bytes",
            413,
        )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    async def _infer(self, inputs: list[np.ndarray], rows: int) -> list[np.ndarray]:
        try:
            return await self.batcher.submit(inputs, rows)
        except (RequestError, Overloaded):
            raise
        except dn.DualnetError as exc:  # the model refused these values (an index out of range, ...)
            raise RequestError(f"the model refused the input: {type(exc).__name__}: {exc}") from exc


async def _parse(body: bytes, parse: Callable[[Any], Any]) -> Any:
    def load() -> Any:
        try:
            document = json.loads(body)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            raise RequestError(f"request body: not valid JSON ({exc}); send a JSON object") from None
        return parse(document)

    if len(body) > OFFLOAD_BYTES:
        return await asyncio.to_thread(load)
    return load()


def _answering(label: str | None, handler: Endpoint) -> Endpoint:
    """``handler`` with its metrics label set and its errors answered as ``{"error": message}`` JSON."""

    async def endpoint(request: Request) -> Response:
        if label is not None:
            request.scope[ENDPOINT_KEY] = label
        try:
            return await handler(request)
        except (RequestError, Overloaded) as exc:
            return _json({"error": str(exc)}, exc.status)
        except Exception as exc:
            logger.exception("dualnet serve: %s %s failed", request.method, request.url.path)
            return _json({"error": f"the model failed on this request: {type(exc).__name__}: {exc}"}, 500)

    return endpoint


async def _no_route(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    return _json(
        {"error": f"no such endpoint: {request.method} {request.url.path}; see /v1/models/NAME and /v2/models/NAME"},
        status,
    )


def _json(body: Any, status: int = 200) -> Response:
    # NaN and Infinity are written as the bare tokens, as TF Serving writes them (Starlette's JSONResponse refuses).
    return Response(json.dumps(body, separators=(",", ":")), status_code=status, media_type="application/json")


def _check_arguments(
    model: Any, name: Any, max_batch_size: Any, batch_timeout_ms: Any, max_queue_size: Any, max_body_bytes: Any
) -> None:
    where = "dualnet.serve.create_app"
    if not isinstance(model, dn.nn.Module):
        raise dn.ArgumentError(
            f"{where}(model={type(model).__name__}): model must be a dn.nn.Module; pass dn.load(path)"
        )
    if not isinstance(name, str) or not name or "/" in name or ":" in name:
        raise dn.ArgumentError(f"{where}(name={name!r}): the name must be a non-empty string without '/' or ':'")
    where = "dualnet.serve.create_app"
    for arg, value in (("max_batch_size", max_batch_size), ("max_queue_size", max_queue_size)):
        check_int(where, arg, value, low=1, example=f"{arg}=32")
    check_int(where, "max_body_bytes", max_body_bytes, low=1, example="max_body_bytes=64 * 2**20 (bytes)")
    check_float(where, "batch_timeout_ms", batch_timeout_ms, low=0.0, example="batch_timeout_ms=5")
