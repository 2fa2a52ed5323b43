"""dualnet: one API for neural networks on PyTorch or TensorFlow, with the same numbers on both.

Pick the engine with ``DUALNET_BACKEND=torch|tensorflow`` or :func:`set_backend`.
This module only re-exports; see ``docs/architecture.md`` for the layers.
"""

from dualnet import data, losses, metrics, nn, ops, optim, testing
from dualnet.autograd import function, grad, no_grad, stop_gradient, value_and_grad
from dualnet.config import (
    available_backends,
    backend,
    current_device,
    device,
    devices,
    set_backend,
)
from dualnet.errors import (
    ArgumentError,
    BackendError,
    DeviceError,
    DTypeError,
    DualnetError,
    NumericsError,
    ShapeError,
    StateDictError,
    StateError,
    UnsupportedError,
    WeightsFileError,
)
from dualnet.seeding import seed

__version__ = "0.1.0"

__all__ = [
    "ArgumentError",
    "BackendError",
    "DTypeError",
    "DeviceError",
    "DualnetError",
    "NumericsError",
    "ShapeError",
    "StateDictError",
    "StateError",
    "UnsupportedError",
    "WeightsFileError",
    "available_backends",
    "function",
    "grad",
    "losses",
    "metrics",
    "nn",
    "no_grad",
    "optim",
    "stop_gradient",
    "testing",
    "value_and_grad",
    "backend",
    "current_device",
    "data",
    "device",
    "devices",
    "ops",
    "seed",
    "set_backend",
]
