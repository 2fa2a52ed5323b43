"""Shared fixtures. ``backend`` parametrizes a test over both frameworks in one run."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from collections.abc import Iterator

import pytest

import dualnet as dn
from dualnet.backend import dispatch, registry

BACKENDS = ("torch", "tensorflow")
# CI sets this so a missing framework fails the run instead of skipping half the suite.
REQUIRED = {name for name in os.environ.get("DUALNET_REQUIRE_BACKENDS", "").split(",") if name}


def _activate(name: str) -> None:
    if not registry.is_installed(name):
        if name in REQUIRED:
            pytest.fail(f"backend {name!r} is required (DUALNET_REQUIRE_BACKENDS) but not installed")
        pytest.skip(f"backend {name!r} is not installed")
    dn.set_backend(name)
    dn.seed(0)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The active backend's name; the test runs once per backend."""
    previous = dispatch.active_name()
    _activate(request.param)
    yield request.param
    if previous is not None and previous != request.param:
        dn.set_backend(previous)


@pytest.fixture
def torch_backend() -> Iterator[str]:
    """For tests about one backend's internals (memory formats, native types): torch only."""
    previous = dispatch.active_name()
    _activate("torch")
    yield "torch"
    if previous is not None and previous != "torch":
        dn.set_backend(previous)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "cuda:0" in _torch_devices():
        return
    skip = pytest.mark.skip(reason="no CUDA GPU on this machine")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


def _torch_devices() -> list[str]:
    if not registry.is_installed("torch"):
        return []
    import torch

    return ["cuda:0"] if torch.cuda.is_available() else []
