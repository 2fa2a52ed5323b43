"""``dn.InputSpec``, ``dn.Input`` and the build that changes nothing (``Module.build(shapes)``).

A build runs one inference-mode forward without gradients on zeros of the
given shapes (an unknown batch size as 1, other unknown sizes as 32): lazily
sized weights are created, while buffers (BatchNorm's moving statistics) and
random generators (dropout) are not touched, so the initial ``state_dict()``
is what construction made, bit-identical on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from dualnet.arguments import argument_error, is_integer
from dualnet.backend.dispatch import B
from dualnet.dtypes import standardize
from dualnet.nn.symbolic import SymbolicTensor

if TYPE_CHECKING:
    from dualnet.nn.module import Module

__all__ = ["Input", "InputSpec"]

UNKNOWN_BATCH, UNKNOWN_SIZE = 1, 32


@dataclass(frozen=True)
class InputSpec:
    """The shape (``None`` where unknown, batch axis first) and dtype of one model input.

    ``dn.InputSpec((None, 28, 28, 1))`` describes NHWC images of any batch size.

    Raises:
        ArgumentError: for a shape that is not a tuple of non-negative ints or None.
        DTypeError: for an unknown dtype name.
    """

    shape: tuple[int | None, ...]
    dtype: str = "float32"
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", _shape("InputSpec", self.shape))
        object.__setattr__(self, "dtype", standardize(self.dtype))


def Input(shape: Any, dtype: str = "float32", name: str | None = None, batch_size: int | None = None) -> Any:
    """A symbolic input of a functional model (Keras's ``keras.Input``): ``shape`` without the batch axis.

    ``dn.Input((784,))`` stands for tensors of shape ``(N, 784)``; ``None``
    marks a size known only at run time (``dn.Input((None, 8))``). Call layers
    on it and pass it to ``dn.Model(inputs, outputs)``.

    Raises:
        ArgumentError: for a shape that is not a tuple of non-negative ints or None, or a bad name.
    """
    inner = _shape("dn.Input", (shape,) if is_integer(shape) else shape)
    if name is not None and (not isinstance(name, str) or not name or "." in name):
        raise argument_error("dn.Input", "name", name, "a non-empty string without dots", "pass e.g. name='image'")
    if batch_size is not None and (not is_integer(batch_size) or batch_size < 1):
        raise argument_error("dn.Input", "batch_size", batch_size, "a positive int or None", "pass batch_size=None")
    return SymbolicTensor((batch_size, *inner), standardize(dtype), None, 0, name)


def _shape(where: str, shape: Any) -> tuple[int | None, ...]:
    if not isinstance(shape, tuple | list) or not all(s is None or (is_integer(s) and s >= 0) for s in shape):
        raise argument_error(
            where, "shape", shape, "a tuple of non-negative ints or None", "pass e.g. (None, 784) or (28, 28, 1)"
        )
    return tuple(None if s is None else int(s) for s in shape)


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple | list) and all(s is None or is_integer(s) for s in value)


def example(spec: Any, where: str) -> Any:
    """A zeros tensor for one input spec: a shape, InputSpec, symbolic tensor, array or native tensor."""
    if isinstance(spec, dict):
        return {key: example(value, f"{where}[{key!r}]") for key, value in spec.items()}
    if isinstance(spec, InputSpec | SymbolicTensor):
        shape, dtype = spec.shape, spec.dtype
    elif isinstance(spec, np.ndarray):
        shape, dtype = spec.shape, str(spec.dtype)
    elif B.is_tensor(spec):
        shape, dtype = tuple(B.shape(spec)), B.dtype(spec)
    elif _is_shape(spec):
        shape, dtype = _shape(where, spec), "float32"
    else:
        raise argument_error(
            where,
            "input_shape",
            spec,
            "a shape with the batch axis (None where unknown), a dn.InputSpec, a dn.Input or an example array",
            "pass e.g. model.build((None, 784))",
        )
    sizes = [(UNKNOWN_BATCH if axis == 0 else UNKNOWN_SIZE) if s is None else int(s) for axis, s in enumerate(shape)]
    dtype = standardize(dtype)
    return B.zeros(tuple(sizes), dtype)


def build_from_specs(module: Module, specs: tuple[Any, ...]) -> None:
    """``module.build(*specs)``: one inference-mode, gradient-free forward on zeros (see the module docstring)."""
    where = f"{type(module).__name__}.build"
    if not specs:
        raise argument_error(where, "input_shape", None, "one spec per input", "pass e.g. model.build((None, 784))")
    if len(specs) == 1 and isinstance(specs[0], tuple | list) and specs[0] and not _is_shape(specs[0]):
        specs = tuple(specs[0])  # build(((None, 8), (None, 3))): several inputs in one tuple
    examples = [example(spec, where) for spec in specs]
    with module._in_mode(False), B.no_grad():
        module(*examples)
