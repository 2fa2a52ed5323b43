"""Adaptive pools (PyTorch ``AdaptiveAvgPool1d/2d/3d``, ``AdaptiveMaxPool1d/2d/3d``; Keras ``AdaptiveAveragePooling*``).

Inputs ``(N, W, C)`` (1-D), ``(N, H, W, C)`` (2-D) or ``(N, D, H, W, C)`` (3-D), channels-last; the output
``(N, *output_size, C)`` has a fixed size whatever the input's. Output cell ``i``
of an axis of length ``L`` pools input cells ``[floor(i * L / out), ceil((i + 1) * L / out))``:
PyTorch's bins, which Keras 3 follows. No weights. A 3-D pool is the 2-D op over
(depth, height) then the 1-D op over width: bins are boxes, so the mean (every
row of a box has as many cells) and the maximum of a box separate exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_int_tuple
from dualnet.backend.dispatch import B
from dualnet.nn.conv import check_spatial_inputs
from dualnet.nn.module import Module

__all__ = [
    "AdaptiveAvgPool1D",
    "AdaptiveAvgPool2D",
    "AdaptiveAvgPool3D",
    "AdaptiveMaxPool1D",
    "AdaptiveMaxPool2D",
    "AdaptiveMaxPool3D",
]


class _AdaptivePool(Module):
    """Subclasses set ``rank`` and ``_op`` (the backend op's name)."""

    rank = 2
    _op = "adaptive_average_pool"

    def __init__(self, output_size: int | Sequence[int]) -> None:
        super().__init__()
        self.output_size = check_int_tuple(
            type(self).__name__, "output_size", output_size, self.rank, example=f"output_size={(4,) * self.rank}"
        )

    def forward(self, x: Any) -> Any:
        op = getattr(B, self._op)
        if self.rank < 3:
            return op(x, self.output_size)
        _, d, h, w, c = B.shape(x)
        out_d, out_h, out_w = self.output_size
        y = op(B.reshape(x, (-1, d, h, w * c)), (out_d, out_h))  # (N, oD, oH, W * C)
        y = op(B.reshape(y, (-1, w, c)), (out_w,))  # (N * oD * oH, oW, C)
        return B.reshape(y, (-1, out_d, out_h, out_w, c))

    def _work(self, x: Any = None, *rest: Any) -> tuple[int, int]:
        # The output, or TensorFlow's (L, out) averaging/gather matrix per axis; each cell reads one bin.
        n, *spatial, channels = (int(s if s is not None else 1) for s in B.shape(x))
        cells = n * channels * math.prod(self.output_size)
        matrices = sum(size * out for size, out in zip(spatial, self.output_size))
        per_cell = math.prod(-(-size // out) + 1 for size, out in zip(spatial, self.output_size))
        return max(cells, matrices), cells * per_cell

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        check_spatial_inputs(self, x, self.rank, window=(1,) * self.rank)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1D(_AdaptivePool):
    """Means over ``output_size`` adaptive bins of the steps: ``(N, W, C)`` -> ``(N, output_size, C)``.

    Raises:
        ArgumentError: at construction, ``output_size`` is not a positive int (or a 1-tuple of one).
        ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
        DTypeError: for integer inputs.
    """

    rank = 1
    _op = "adaptive_average_pool"


class AdaptiveAvgPool2D(_AdaptivePool):
    """Means over adaptive bins of height and width: ``(N, H, W, C)`` -> ``(N, *output_size, C)``.

    ``output_size``: an int (both axes) or ``(out_h, out_w)``.

    Raises:
        ArgumentError: at construction, ``output_size`` is not a positive int or a pair of them.
        ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
        DTypeError: for integer inputs.
    """

    rank = 2
    _op = "adaptive_average_pool"


class AdaptiveMaxPool1D(_AdaptivePool):
    """Maxima over ``output_size`` adaptive bins of the steps: ``(N, W, C)`` -> ``(N, output_size, C)``.

    Raises:
        ArgumentError: at construction, ``output_size`` is not a positive int (or a 1-tuple of one).
        ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
        DTypeError: for integer inputs.
    """

    rank = 1
    _op = "adaptive_max_pool"


class AdaptiveMaxPool2D(_AdaptivePool):
    """Maxima over adaptive bins of height and width: ``(N, H, W, C)`` -> ``(N, *output_size, C)``.

    ``output_size``: an int (both axes) or ``(out_h, out_w)``.

    Raises:
        ArgumentError: at construction, ``output_size`` is not a positive int or a pair of them.
        ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
        DTypeError: for integer inputs.
    """

    rank = 2
    _op = "adaptive_max_pool"


class AdaptiveAvgPool3D(_AdaptivePool):
    """Means over adaptive bins of depth, height and width: ``(N, D, H, W, C)`` -> ``(N, *output_size, C)``.

    ``output_size``: an int (every axis) or ``(out_d, out_h, out_w)``.

    Raises:
        ArgumentError: at construction, ``output_size`` is not a positive int or a triple of them.
        ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
        DTypeError: for integer inputs.
    """

    rank = 3
    _op = "adaptive_average_pool"


class AdaptiveMaxPool3D(_AdaptivePool):
    """Maxima over adaptive bins of depth, height and width: ``(N, D, H, W, C)`` -> ``(N, *output_size, C)``.

    ``output_size``: an int (every axis) or ``(out_d, out_h, out_w)``.

    Raises:
        ArgumentError: at construction, ``output_size`` is not a positive int or a triple of them.
        ShapeError: for an input of the wrong rank or an empty axis, naming the layer path and the expected shape.
        DTypeError: for integer inputs.
    """

    rank = 3
    _op = "adaptive_max_pool"
