"""Adaptive pools, channels-last: ``adaptive_average_pool`` and ``adaptive_max_pool`` (Keras's names).

The output has a fixed size whatever the input's; PyTorch's bins
(``torch.nn.functional.adaptive_avg_pool2d``), which Keras 3 follows: output
cell ``i`` of a spatial axis of length ``L`` pools the input cells
``[floor(i * L / out), ceil((i + 1) * L / out))``, so bins may overlap and
differ in size by one. On TensorFlow the spatial sizes must be static.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_int_tuple, is_integer
from dualnet.backend.dispatch import B
from dualnet.errors import DTypeError, ShapeError

__all__ = ["adaptive_average_pool", "adaptive_max_pool"]

Tensor = Any
IntOrTuple = int | Sequence[int]


def _checked(op: str, x: Any, output_size: Any) -> tuple[Tensor, IntOrTuple]:
    x = B.convert_to_tensor(x)
    shape = tuple(B.shape(x))
    if len(shape) not in (3, 4):
        raise ShapeError(
            f"{op}: expects x of shape (N, W, C) or (N, H, W, C) (channels-last), got {shape}; "
            "add or remove the batch/channel axis"
        )
    if not B.dtype(x).startswith(("float", "bfloat")):
        raise DTypeError(f"{op}: expects a floating-point x, got {B.dtype(x)}; cast it first, e.g. to 'float32'")
    n = len(shape) - 2
    sizes = check_int_tuple(op, "output_size", output_size, n, example=f"output_size={(4,) * n}")
    return x, sizes[0] if is_integer(output_size) else sizes


def adaptive_average_pool(x: Any, output_size: IntOrTuple) -> Tensor:
    """Means over adaptive bins of x (N, *spatial, C) with 1 or 2 spatial axes: (N, *output_size, C).

    ``output_size`` is an int (every spatial axis) or one int per spatial axis.

    Raises:
        ShapeError: ``x`` is not (N, W, C) or (N, H, W, C).
        ArgumentError: ``output_size`` is not a positive int or a tuple of one per spatial axis.
        DTypeError: ``x`` is not floating-point.
    """
    x, sizes = _checked("adaptive_average_pool", x, output_size)
    return B.adaptive_average_pool(x, sizes)


def adaptive_max_pool(x: Any, output_size: IntOrTuple) -> Tensor:
    """Maxima over adaptive bins of x (N, *spatial, C) with 1 or 2 spatial axes: (N, *output_size, C).

    ``output_size`` is an int (every spatial axis) or one int per spatial axis.

    Raises:
        ShapeError: ``x`` is not (N, W, C) or (N, H, W, C).
        ArgumentError: ``output_size`` is not a positive int or a tuple of one per spatial axis.
        DTypeError: ``x`` is not floating-point.
    """
    x, sizes = _checked("adaptive_max_pool", x, output_size)
    return B.adaptive_max_pool(x, sizes)
