"""Pooling layers, channels-last: windowed max/average pools and global pools, 1-D, 2-D and 3-D.

Windowed pools take inputs ``(N, W, C)`` (1-D), ``(N, H, W, C)`` (2-D) or ``(N, D, H, W, C)`` (3-D) and
return ``(N, *out_spatial, C)`` with ``(size - pool_size) // strides + 1``
positions per spatial dimension for ``"valid"`` padding and
``ceil(size / strides)`` for ``"same"``. Global pools reduce every spatial
dimension: ``(N, *spatial, C)`` -> ``(N, C)``, or ``(N, 1, ..., 1, C)`` with
``keepdims=True``. None of them has weights.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from dualnet.arguments import check_bool, check_int_tuple
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError
from dualnet.nn.conv import check_spatial_inputs, padding_arg, window_cost
from dualnet.nn.module import Module

__all__ = [
    "MaxPool1D",
    "MaxPool2D",
    "AvgPool1D",
    "AvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "MaxPool3D",
    "AvgPool3D",
    "GlobalMaxPool3D",
    "GlobalAvgPool3D",
]


class _Pool(Module):
    """A windowed pool; subclasses set ``rank`` and ``_op``."""

    rank = 2
    _op = "max_pool"

    def __init__(
        self,
        pool_size: int | Sequence[int] = 2,
        strides: int | Sequence[int] | None = None,
        padding: str = "valid",
    ) -> None:
        super().__init__()
        where = type(self).__name__
        self.pool_size = check_int_tuple(where, "pool_size", pool_size, self.rank)
        # Keras: strides default to the pool size (non-overlapping windows).
        self.strides = self.pool_size if strides is None else check_int_tuple(where, "strides", strides, self.rank)
        self.padding = padding_arg(where, padding)

    def forward(self, x: Any) -> Any:
        return getattr(B, self._op)(x, self.pool_size, self.strides, self.padding)

    def _work(self, x: Any = None, *rest: Any) -> tuple[int, int]:
        channels = int(B.shape(x)[-1] or 1)
        return window_cost(x, self.pool_size, self.strides, self.padding, channels, math.prod(self.pool_size))

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        window = self.pool_size if self.padding == "valid" else None
        check_spatial_inputs(self, x, self.rank, window=window)

    def extra_repr(self) -> str:
        return f"pool_size={self.pool_size}, strides={self.strides}, padding={self.padding!r}"


class MaxPool1D(_Pool):
    """Max over windows of ``pool_size`` (Keras ``MaxPooling1D``): ``(N, W, C)`` -> ``(N, W_out, C)``.

    With ``"same"`` padding the padded cells never win.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 1
    _op = "max_pool"


class MaxPool2D(_Pool):
    """Max over windows of ``pool_size`` (Keras ``MaxPooling2D``): ``(N, H, W, C)`` -> ``(N, H_out, W_out, C)``.

    With ``"same"`` padding the padded cells never win.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 2
    _op = "max_pool"


class AvgPool1D(_Pool):
    """Mean over windows of ``pool_size`` (Keras ``AveragePooling1D``): ``(N, W, C)`` -> ``(N, W_out, C)``.

    With ``"same"`` padding each window is averaged over its real cells only.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 1
    _op = "avg_pool"


class AvgPool2D(_Pool):
    """Mean over windows of ``pool_size`` (Keras ``AveragePooling2D``): ``(N, H, W, C)`` -> ``(N, H_out, W_out, C)``.

    With ``"same"`` padding each window is averaged over its real cells only.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 2
    _op = "avg_pool"


class _GlobalPool(Module):
    """Reduce every spatial axis; subclasses set ``rank`` and ``_op``."""

    rank = 2
    _op = "max"

    def __init__(self, keepdims: bool = False) -> None:
        super().__init__()
        self.keepdims = check_bool(type(self).__name__, "keepdims", keepdims)
        self._axes = tuple(range(1, self.rank + 1))

    def forward(self, x: Any) -> Any:
        return getattr(B, self._op)(x, self._axes, self.keepdims)

    def check_inputs(self, x: Any = None, *rest: Any) -> None:
        # Integer inputs are allowed, as in NumPy: the max keeps the dtype, the mean gives float32.
        shape = check_spatial_inputs(self, x, self.rank, float_only=False)
        if 0 in shape[1:-1]:
            raise ShapeError(
                f"{self._where()} expects non-empty spatial axes, got shape {shape}; "
                "check the layers before it for sizes that shrank to 0"
            )

    def extra_repr(self) -> str:
        return f"keepdims={self.keepdims}"


class GlobalMaxPool1D(_GlobalPool):
    """Max over the steps (Keras ``GlobalMaxPooling1D``): ``(N, W, C)`` -> ``(N, C)``.

    With ``keepdims=True`` the output is ``(N, 1, C)``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    """

    rank = 1
    _op = "max"


class GlobalMaxPool2D(_GlobalPool):
    """Max over height and width (Keras ``GlobalMaxPooling2D``): ``(N, H, W, C)`` -> ``(N, C)``.

    With ``keepdims=True`` the output is ``(N, 1, 1, C)``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    """

    rank = 2
    _op = "max"


class GlobalAvgPool1D(_GlobalPool):
    """Mean over the steps (Keras ``GlobalAveragePooling1D``): ``(N, W, C)`` -> ``(N, C)``.

    With ``keepdims=True`` the output is ``(N, 1, C)``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    """

    rank = 1
    _op = "mean"


class GlobalAvgPool2D(_GlobalPool):
    """Mean over height and width (Keras ``GlobalAveragePooling2D``): ``(N, H, W, C)`` -> ``(N, C)``.

    With ``keepdims=True`` the output is ``(N, 1, 1, C)``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    """

    rank = 2
    _op = "mean"


class MaxPool3D(_Pool):
    """Max over windows of ``pool_size`` (Keras ``MaxPooling3D``): ``(N, D, H, W, C)`` -> ``(N, D_o, H_o, W_o, C)``.

    With ``"same"`` padding the padded cells never win.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 3
    _op = "max_pool"


class AvgPool3D(_Pool):
    """Mean over ``pool_size`` windows (Keras ``AveragePooling3D``): ``(N, D, H, W, C)`` -> ``(N, D_o, H_o, W_o, C)``.

    With ``"same"`` padding each window is averaged over its real cells only (Keras; torch's
    ``AvgPool3d(count_include_pad=False)``).

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
        DTypeError: for an input of a dtype the layer cannot take (integers where floats are needed).
    """

    rank = 3
    _op = "avg_pool"


class GlobalMaxPool3D(_GlobalPool):
    """Max over depth, height and width (Keras ``GlobalMaxPooling3D``): ``(N, D, H, W, C)`` -> ``(N, C)``.

    With ``keepdims=True`` the output is ``(N, 1, 1, 1, C)``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    """

    rank = 3
    _op = "max"


class GlobalAvgPool3D(_GlobalPool):
    """Mean over depth, height and width (Keras ``GlobalAveragePooling3D``): ``(N, D, H, W, C)`` -> ``(N, C)``.

    With ``keepdims=True`` the output is ``(N, 1, 1, 1, C)``.

    Raises:
        ArgumentError: at construction, for an argument outside its valid values (the message names it).
        ShapeError: for an input of the wrong rank or size, naming the layer path and the expected shape.
    """

    rank = 3
    _op = "mean"
