"""dualnet: one API for neural networks on PyTorch or TensorFlow, with the same numbers on both.

Pick the engine with ``DUALNET_BACKEND=torch|tensorflow`` or :func:`set_backend`.
This module only re-exports. The public surface is what this package and its
subpackages re-export (their ``__all__``); deeper imports reach internals that
may change. See ``docs/architecture.md`` for the layers.
"""

from dualnet import (
    callbacks,
    constraints,
    data,
    debug,
    distributed,
    export,
    io,
    losses,
    metrics,
    nn,
    ops,
    optim,
    regularizers,
    testing,
    train,
    utils,
)
from dualnet.autograd import function, grad, no_grad, stop_gradient, value_and_grad
from dualnet.backend.selection import (
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
    DataError,
    DeviceError,
    DistributedError,
    DTypeError,
    DualnetError,
    NumericsError,
    ShapeError,
    StateDictError,
    StateError,
    UnsupportedError,
    WeightsFileError,
)
from dualnet.io.checkpoint import load_checkpoint, save_checkpoint
from dualnet.io.model import load, save
from dualnet.io.registry import register_module
from dualnet.nn import Input, InputSpec, Model
from dualnet.nn.regularization import apply_constraints, regularization_loss
from dualnet.seeding import seed
from dualnet.train import Trainer

__version__ = "0.1.0"

__all__ = [
    "ArgumentError",
    "BackendError",
    "DataError",
    "DeviceError",
    "DistributedError",
    "DTypeError",
    "DualnetError",
    "Input",
    "InputSpec",
    "Model",
    "NumericsError",
    "ShapeError",
    "StateDictError",
    "StateError",
    "Trainer",
    "UnsupportedError",
    "WeightsFileError",
    "apply_constraints",
    "available_backends",
    "backend",
    "callbacks",
    "constraints",
    "current_device",
    "data",
    "debug",
    "device",
    "devices",
    "distributed",
    "export",
    "function",
    "grad",
    "io",
    "load",
    "load_checkpoint",
    "losses",
    "metrics",
    "nn",
    "no_grad",
    "ops",
    "optim",
    "register_module",
    "regularization_loss",
    "regularizers",
    "save",
    "save_checkpoint",
    "seed",
    "set_backend",
    "stop_gradient",
    "testing",
    "train",
    "utils",
    "value_and_grad",
]
