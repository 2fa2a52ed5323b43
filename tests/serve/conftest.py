"""Models to serve and an in-process client for the serving app (httpx over ASGI, with the app's lifespan)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pytest

import dualnet as dn

IN_FEATURES = 5
rng = np.random.default_rng(0)
X = rng.standard_normal((4, IN_FEATURES)).astype("float32")


@pytest.fixture
def anyio_backend() -> str:
    """The async tests run on asyncio (uvicorn's loop), once each."""
    return "asyncio"


def dense_model() -> dn.nn.Module:
    """``(N, 5) -> (N, 3)``, built by one call, as ``dn.load`` leaves a model."""
    model = dn.nn.Sequential([dn.nn.Dense(4, activation="relu"), dn.nn.Dense(3)])
    model(X[:1])
    return model


class TwoTowers(dn.nn.Module):
    """Named inputs ``image (N, 2, 2)`` and ``extra (N, 3)``; named outputs ``logits (N, 3)`` and ``score (N,)``."""

    def __init__(self) -> None:
        super().__init__()
        self.image_tower = dn.nn.Dense(3)
        self.extra_tower = dn.nn.Dense(3)

    def forward(self, image: Any, extra: Any) -> dict[str, Any]:
        logits = self.image_tower(dn.ops.reshape(image, (-1, 4))) + self.extra_tower(extra)
        return {"logits": logits, "score": dn.ops.sum(logits, axis=-1)}


def two_towers() -> TwoTowers:
    model = TwoTowers()
    model(np.zeros((1, 2, 2), "float32"), np.zeros((1, 3), "float32"))
    return model


class Pair(dn.nn.Module):
    """One input ``(N, 5)``, a tuple of two outputs ``(N, 3)`` and ``(N, 1)``."""

    def __init__(self) -> None:
        super().__init__()
        self.a = dn.nn.Dense(3)
        self.b = dn.nn.Dense(1)

    def forward(self, x: Any) -> tuple[Any, Any]:
        return self.a(x), self.b(x)


def pair() -> Pair:
    model = Pair()
    model(X[:1])
    return model


class Picky(dn.nn.Module):
    """A Dense model that refuses inputs above 100 with a dualnet error and fails on inputs below -100."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = dn.nn.Dense(3)

    def forward(self, x: Any) -> Any:
        values = dn.ops.to_numpy(x)
        if values.max() > 100:
            raise dn.ArgumentError("Picky: inputs must be at most 100; scale them")
        if values.min() < -100:
            raise RuntimeError("a framework failure")
        return self.fc(x)


def picky() -> Picky:
    model = Picky()
    model(X[:1])
    return model


class Gate(dn.nn.Module):
    """A Dense model whose forward, once ``armed``, signals ``entered`` and waits for ``release``."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = dn.nn.Dense(3)
        self.gates = {"armed": threading.Event(), "entered": threading.Event(), "release": threading.Event()}

    def forward(self, x: Any) -> Any:
        if self.gates["armed"].is_set():
            self.gates["entered"].set()
            assert self.gates["release"].wait(30), "the test never released the model"
        return self.fc(x)


def gate() -> Gate:
    model = Gate()
    model(X[:1])
    return model


def expected(model: dn.nn.Module, *inputs: np.ndarray) -> Any:
    """The model's own outputs in eval mode, as NumPy (a dict or tuple of arrays for several outputs)."""
    model.eval()
    with dn.no_grad():
        out = model(*inputs)
    if isinstance(out, dict):
        return {key: dn.ops.to_numpy(value) for key, value in out.items()}
    if isinstance(out, tuple):
        return tuple(dn.ops.to_numpy(value) for value in out)
    return dn.ops.to_numpy(out)


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to ``app`` in process, inside the app's lifespan (the model thread runs)."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dualnet.test") as client:
            yield client


def metric(text: str, name: str) -> float:
    """The value of the sample ``name`` (with its labels, exactly as written) in Prometheus text."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} in the metrics:\n{text}")
