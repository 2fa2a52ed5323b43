"""The errors a request can meet, each with the HTTP status it is answered with.

The body of every error response is ``{"error": message}`` in both protocols
(TF Serving's REST API and the Open Inference Protocol use the same shape).
"""

from __future__ import annotations

from dualnet.errors import ArgumentError, DualnetError

__all__: list[str] = []


class RequestError(ArgumentError):
    """A request the server cannot answer as asked: bad JSON, a wrong shape or dtype, an unknown name (400),
    an unknown model (404), a body over the limit (413)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class Overloaded(DualnetError, RuntimeError):
    """The request queue is full: the client should retry later (503)."""

    status = 503
