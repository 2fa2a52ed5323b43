"""Tensors, dtypes, variables and devices on TensorFlow."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import Any

import numpy as np
import tensorflow as tf

from dualnet import dtypes
from dualnet.backend import common
from dualnet.backend.placement import current_device
from dualnet.errors import DeviceError

name = "tensorflow"

_DTYPES = {n: tf.as_dtype(n) for n in dtypes.NAMES}


def native_dtype(name_or_dtype: Any) -> tf.DType:
    """The ``tf.DType`` for a dtype name (or anything :func:`dtypes.standardize` takes)."""
    if isinstance(name_or_dtype, tf.DType):
        return name_or_dtype
    return _DTYPES[dtypes.standardize(name_or_dtype)]


def native_device(neutral: str) -> str:
    """The TensorFlow device string for a neutral name: ``"cuda:1"`` -> ``"/GPU:1"``."""
    if neutral == "cpu":
        return "/CPU:0"
    return "/GPU:" + neutral.split(":")[1]


def placed() -> AbstractContextManager[Any]:
    """A ``tf.device`` scope for the current dualnet device (nothing to do on a CPU-only machine)."""
    if len(devices()) == 1:
        return nullcontext()
    scope: AbstractContextManager[Any] = tf.device(native_device(current_device()))
    return scope


def seed(value: int) -> None:
    tf.random.set_seed(value)
    tf.random.get_global_generator().reset_from_seed(value)  # in place: traced steps keep their reference


def rng_state() -> np.ndarray:
    """The global ``tf.random.Generator``'s state as uint8 bytes, shape ``(n,)``.

    dualnet's dropout draws from this generator, so its stream is saved and
    restored. TensorFlow's stateful random ops (``tf.random.uniform`` with no
    seed, used by ``dn.ops.random`` with ``seed=None``) keep their position
    inside each op's kernel, where no API can read or set it: that stream is not
    part of this state.
    """
    generator = tf.random.get_global_generator()
    return np.frombuffer(np.ascontiguousarray(generator.state.numpy()).tobytes(), np.uint8).copy()


def set_rng_state(state: np.ndarray) -> None:
    """Restore what :func:`rng_state` returned."""
    generator = tf.random.get_global_generator()
    data = np.asarray(state, np.uint8).reshape(-1)
    expected = generator.state.shape.num_elements() * generator.state.dtype.size
    if data.size != expected:
        raise ValueError(f"tensorflow RNG state has {data.size} bytes, expected {expected}")
    generator.state.assign(np.frombuffer(data.tobytes(), generator.state.dtype.as_numpy_dtype))


@cache
def devices() -> list[str]:
    gpus = tf.config.list_physical_devices("GPU")
    return ["cpu"] + [f"cuda:{i}" for i in range(len(gpus))]


def is_tensor(x: Any) -> bool:
    return isinstance(x, tf.Tensor | tf.Variable)


def is_variable(x: Any) -> bool:
    return isinstance(x, tf.Variable)


def convert_to_tensor(x: Any, dtype: str | None = None) -> tf.Tensor:
    """A tensor on the current device; Python floats become float32, ints int64."""
    target = None if dtype is None else native_dtype(dtype)
    if isinstance(x, tf.Tensor | tf.Variable):
        if isinstance(x, tf.Variable):
            x = tf.convert_to_tensor(x)
        return x if target is None or x.dtype == target else tf.cast(x, target)
    if not isinstance(x, np.ndarray | np.generic):
        x = common.numeric_array(x)
        if target is None and x.dtype == np.float64:
            target = tf.float32  # Python data: default float, as in torch.tensor
        elif target is None and x.dtype == np.complex128:
            target = tf.complex64  # and Python complex data the default complex (dualnet.dtypes)
    elif x.dtype.kind not in "biufc":
        x = common.numeric_array(x)  # raises the DTypeError: TensorFlow would make a string tensor
    with placed():
        if target is not None and x.dtype != target.as_numpy_dtype:
            if target == tf.bfloat16 or x.dtype == np.bool_ or target == tf.bool:
                return tf.cast(tf.constant(x), target)
            x = x.astype(target.as_numpy_dtype)
        return tf.constant(x)


def promote(x1: Any, x2: Any) -> tuple[tf.Tensor, tf.Tensor]:
    """Both operands as tensors of their common dtype (see :func:`dualnet.dtypes.result_type`)."""
    t1 = x1 if isinstance(x1, bool | int | float) else convert_to_tensor(x1)
    t2 = x2 if isinstance(x2, bool | int | float) else convert_to_tensor(x2)
    common = dtypes.result_type(
        t1 if isinstance(t1, bool | int | float) else t1.dtype.name,
        t2 if isinstance(t2, bool | int | float) else t2.dtype.name,
    )
    return convert_to_tensor(t1, common), convert_to_tensor(t2, common)


def to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, tf.Tensor | tf.Variable):
        if x.dtype == tf.bfloat16:
            x = tf.cast(x, tf.float32)
        return np.array(x.numpy())  # .numpy() may share the tensor's buffer
    return np.asarray(x)


def cast(x: Any, dtype: str) -> tf.Tensor:
    return tf.cast(convert_to_tensor(x), native_dtype(dtype))


def dtype(x: Any) -> str:
    return str(convert_to_tensor(x).dtype.name)


def shape(x: Any) -> tuple[int | None, ...]:
    return tuple(convert_to_tensor(x).shape.as_list())


def ndim(x: Any) -> int:
    return int(convert_to_tensor(x).shape.rank)


def size(x: Any) -> Any:
    x = convert_to_tensor(x)
    static = x.shape.num_elements()
    return static if static is not None else tf.size(x)  # unknown while tracing: a tensor


def _check_device(device: str) -> str:
    if device not in devices():
        raise DeviceError(f"device {device!r} is not available; available devices: {', '.join(devices())}")
    return native_device(device)


def to_device(x: Any, device: str) -> tf.Tensor:
    with tf.device(_check_device(device)):
        return tf.identity(convert_to_tensor(x))


def device_of(x: Any) -> str:
    spec = tf.DeviceSpec.from_string(convert_to_tensor(x).device or "/CPU:0")
    return "cpu" if (spec.device_type or "CPU") == "CPU" else f"cuda:{spec.device_index or 0}"


def variable(value: Any, trainable: bool, name: str, dtype: str | None = None) -> tf.Variable:
    with placed():
        return tf.Variable(convert_to_tensor(value, dtype), trainable=trainable, name=name)


def set_trainable(variable: tf.Variable, trainable: bool) -> None:
    # tf.Variable.trainable is fixed at creation; dualnet's own mask decides what is trained.
    return None


def buffer(value: np.ndarray, name: str) -> tf.Variable:
    return variable(value, False, name)


def assign(variable: tf.Variable, value: Any) -> None:
    variable.assign(convert_to_tensor(value, variable.dtype.name))


def move_variable(variable: tf.Variable, device: str) -> tf.Variable:
    # A tf.Variable cannot change device: make a new one there.
    with tf.device(_check_device(device)):
        return tf.Variable(variable.read_value(), trainable=variable.trainable, name=variable.name.split(":")[0])


def is_tracing() -> bool:
    """True while a step is being compiled: tensors are symbolic and have no values to read."""
    return not tf.executing_eagerly()
