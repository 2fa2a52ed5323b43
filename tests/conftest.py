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
# A GPU run sets DUALNET_REQUIRE_CUDA=1: without a GPU the cuda tests then fail the run rather than skip.
REQUIRE_CUDA = os.environ.get("DUALNET_REQUIRE_CUDA", "") == "1"
# DUALNET_CUDA_STAND_IN=cpu runs the cuda tests on the CPU instead (tests/cuda/conftest.py): a dry run of
# their code on a machine without a GPU, not a proof of anything about CUDA.
CUDA_STAND_IN = os.environ.get("DUALNET_CUDA_STAND_IN", "")
if CUDA_STAND_IN not in ("", "cpu"):
    raise pytest.UsageError(f"DUALNET_CUDA_STAND_IN={CUDA_STAND_IN!r}: the only stand-in device is 'cpu'")


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
    # The marker, not item.keywords: keywords also hold every folder name on the path (a checkout named "cuda").
    marked = [item for item in items if item.get_closest_marker("cuda") is not None]
    if not marked or CUDA_STAND_IN or "cuda:0" in _torch_devices():
        return
    if REQUIRE_CUDA:
        raise pytest.UsageError(
            "DUALNET_REQUIRE_CUDA=1 but torch sees no CUDA GPU (torch.cuda.is_available() is False, or torch is "
            "not installed): the cuda tests would all be skipped"
        )
    skip = pytest.mark.skip(reason="no CUDA GPU on this machine (torch.cuda.is_available() is False)")
    for item in marked:
        item.add_marker(skip)


def _torch_devices() -> list[str]:
    if not registry.is_installed("torch"):
        return []
    import torch

    return ["cuda:0"] if torch.cuda.is_available() else []
