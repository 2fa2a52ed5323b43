"""Tensors, dtypes, variables, devices and the random state: what every other concern builds on."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from dualnet.backend.api.types import ArrayLike, DeviceName, DTypeName, StaticShape, Tensor, Variable


class CoreAPI(Protocol):
    """Conversion to and from NumPy, dtypes and shapes, variables and buffers, devices, seeding."""

    name: str
    """The backend's name: ``"torch"``, ``"tensorflow"``."""

    def seed(self, value: int) -> None:
        """Seed the framework's global random generator with ``value``."""

    def rng_state(self) -> np.ndarray:
        """The framework's global generator state as uint8 bytes, shape ``(n,)``."""

    def set_rng_state(self, state: np.ndarray) -> None:
        """Restore a state of shape ``(n,)`` that ``rng_state`` returned."""

    def devices(self) -> list[DeviceName]:
        """Neutral names of the usable devices: ``["cpu", "cuda:0", ...]``."""

    def is_tensor(self, x: Any) -> bool:
        """True for this framework's tensors and variables, of any shape."""

    def is_variable(self, x: Any) -> bool:
        """True for this framework's trainable-state objects (``nn.Parameter`` / ``tf.Variable``)."""

    def convert_to_tensor(self, x: ArrayLike, dtype: DTypeName | None = None) -> Tensor:
        """``x`` as a tensor of the same shape on the current device; Python floats give float32, ints int64."""

    def to_numpy(self, x: ArrayLike) -> np.ndarray:
        """A NumPy copy of ``x``, same shape (bfloat16 comes back as float32)."""

    def cast(self, x: ArrayLike, dtype: DTypeName) -> Tensor:
        """``x`` converted to ``dtype``; same shape."""

    def dtype(self, x: ArrayLike) -> DTypeName:
        """The dtype name of ``x`` (any shape)."""

    def shape(self, x: ArrayLike) -> StaticShape:
        """The static shape of ``x``: one entry per axis, None where only known at run time."""

    def ndim(self, x: ArrayLike) -> int:
        """The number of axes of ``x``: ``len(shape(x))``."""

    def size(self, x: ArrayLike) -> int | Tensor:
        """The element count of ``x`` (the product of its shape); a scalar tensor while tracing unknown sizes."""

    def to_device(self, x: ArrayLike, device: DeviceName) -> Tensor:
        """A copy of ``x`` (same shape) on ``device``; DeviceError when absent."""

    def device_of(self, x: ArrayLike) -> DeviceName:
        """The neutral name of the device holding ``x`` (any shape)."""

    def variable(self, value: ArrayLike, trainable: bool, name: str, dtype: DTypeName | None = None) -> Variable:
        """A new variable of ``value``'s shape on the current device (cast to ``dtype`` if given)."""

    def buffer(self, value: np.ndarray, name: str) -> Variable:
        """Non-trainable state of ``value``'s shape, updated in place (running statistics, counters)."""

    def set_trainable(self, variable: Variable, trainable: bool) -> None:
        """Tell the framework whether ``variable`` needs gradients (a hint: dualnet keeps its own mask)."""

    def assign(self, variable: Variable, value: ArrayLike) -> None:
        """Overwrite ``variable`` in place with ``value`` of the same shape."""

    def move_variable(self, variable: Variable, device: DeviceName) -> Variable:
        """``variable`` (same shape) on ``device``; the same object when the framework moves it in place."""

    def is_tracing(self) -> bool:
        """True while a step is being compiled: tensors are symbolic and have no values to read."""
