"""What the CUDA tests share: the device under test, the stand-in switch, exact float32, small models and data.

``DEVICE`` is ``"cuda:0"``; with ``DUALNET_CUDA_STAND_IN=cpu`` it is ``"cpu"``
and the tests run on the CPU as a dry run of their own code (tests/conftest.py
then leaves them unskipped). A test whose claim is about CUDA itself (memory
counters, float16, TF32, a second device) is marked :data:`needs_gpu` and is
skipped in that dry run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

import dualnet as dn

STAND_IN = os.environ.get("DUALNET_CUDA_STAND_IN", "")
DEVICE = STAND_IN or "cuda:0"

needs_gpu = pytest.mark.skipif(
    bool(STAND_IN), reason="a fact of CUDA itself: skipped in the DUALNET_CUDA_STAND_IN=cpu dry run"
)

_rng = np.random.default_rng(11)
X = _rng.standard_normal((96, 6)).astype("float32")
LABELS = (X[:, 0] + 0.5 * X[:, 1] > 0).astype("int64") + (X[:, 2] > 0.8).astype("int64")  # 3 classes
IMAGES = _rng.standard_normal((64, 8, 8, 1)).astype("float32")
IMAGE_LABELS = (IMAGES[:, :4, :4, 0].mean(axis=(1, 2)) > 0).astype("int64")  # 2 classes


@contextmanager
def exact_float32() -> Iterator[None]:
    """TF32 off for CUDA matmuls and cuDNN convolutions inside the scope, so float32 means float32 as on CPU.

    Ampere and later GPUs round float32 matmul and convolution inputs to TF32
    (10-bit mantissa) where torch allows it (for cuDNN convolutions it does by
    default): a loss would then differ from the CPU's by about 1e-3, not 1e-6.
    torch 2.9 and later take the setting as ``fp32_precision = "ieee"``; their
    compiler refuses a mix of that and the older ``allow_tf32 = False`` flags,
    so the older flags are used only where the new ones do not exist. The
    settings are restored afterwards; the library itself leaves them to the user.
    """
    import torch

    if hasattr(torch.backends.cuda.matmul, "fp32_precision"):
        knobs = [(torch.backends.cuda.matmul, "fp32_precision"), (torch.backends.cudnn.conv, "fp32_precision")]
        off: object = "ieee"
    else:  # torch < 2.9
        knobs = [(torch.backends.cuda.matmul, "allow_tf32"), (torch.backends.cudnn, "allow_tf32")]
        off = False
    saved = [getattr(owner, name) for owner, name in knobs]
    for owner, name in knobs:
        setattr(owner, name, off)
    try:
        yield
    finally:
        for (owner, name), value in zip(knobs, saved):
            setattr(owner, name, value)


def mlp() -> dn.nn.Module:
    """6 -> 16 (relu) -> 3 logits, sizes given (built at once, so an optimizer can take its parameters)."""
    return dn.nn.Sequential([dn.nn.Dense(16, activation="relu", in_features=6), dn.nn.Dense(3, in_features=16)])


def cnn() -> dn.nn.Module:
    """(N, 8, 8, 1) -> conv 3x3x8 (relu) -> max-pool 2 -> flatten -> 2 logits; built on a zero batch."""
    model = dn.nn.Sequential(
        [
            dn.nn.Conv2D(8, 3, padding="same", activation="relu"),
            dn.nn.MaxPool2D(2),
            dn.nn.Flatten(),
            dn.nn.Dense(2),
        ]
    )
    model(np.zeros((1, 8, 8, 1), "float32"))
    return model


MODELS = {"mlp": (mlp, X, LABELS), "cnn": (cnn, IMAGES, IMAGE_LABELS)}


def trainer_on(
    device: str, kind: str = "mlp", seed: int = 0, cls: type[dn.Trainer] = dn.Trainer, **kwargs: Any
) -> dn.Trainer:
    """A cross-entropy ``cls`` (Adam, lr 1e-2) of model ``kind`` built from ``dn.seed(seed)`` on ``device``."""
    dn.seed(seed)
    with dn.device(device):
        model = MODELS[kind][0]()
        optimizer = dn.optim.Adam(model.parameters(), lr=1e-2)
        return cls(model, optimizer, "cross_entropy", device=device, **kwargs)


def fit_losses(device: str, kind: str, jit: bool = False, epochs: int = 3, **kwargs: Any) -> list[float]:
    """The per-epoch losses of fitting model ``kind`` on ``device`` (batch 16, NumPy-seeded shuffle)."""
    _, x, y = MODELS[kind]
    trainer = trainer_on(device, kind, jit=jit, **kwargs)
    history = trainer.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    return [float(v) for v in history.history["loss"]]


def devices_of(tensors: Any) -> set[str]:
    """The set of devices the given tensors live on."""
    return {dn.ops.device_of(t) for t in tensors}
