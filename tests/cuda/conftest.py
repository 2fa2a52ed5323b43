"""Fixtures of the CUDA test set (torch backend: the GPU machines run PyTorch's CUDA build, no TensorFlow GPU)."""

from __future__ import annotations

import pytest

from tests.cuda.helpers import DEVICE


@pytest.fixture
def gpu(torch_backend: str) -> str:
    """The device under test on the torch backend: ``"cuda:0"`` (``"cpu"`` in the stand-in dry run)."""
    return DEVICE
