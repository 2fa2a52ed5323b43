"""Framework-free helpers shared by every backend: argument normalisation and index arithmetic.

Nothing here imports a framework; both ``backend/torch`` and ``backend/tensorflow``
call these so the two read the same and raise the same errors.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from dualnet.arguments import is_integer
from dualnet.errors import ArgumentError, DTypeError, ShapeError


def axis_index(value: Any, axis: Any, op: str, what: str) -> int:
    """``value`` as a Python int (NumPy integers welcome); bools and floats are refused, as NumPy does."""
    if isinstance(value, bool):
        raise ArgumentError(f"{op}: axis must be {what}, got {axis!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ArgumentError(f"{op}: axis must be {what}, got {axis!r}") from None


def canonical_axes(axis: Any, ndim: int, op: str, error: type[Exception] = ArgumentError) -> tuple[int, ...]:
    """``axis`` (an int or a sequence of ints) as non-negative ints, each checked against ``ndim``."""
    try:
        axes = (axis,) if is_integer(axis) else tuple(axis)
    except TypeError:
        raise ArgumentError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}; pass e.g. axis=-1") from None
    out = []
    for a in axes:
        a = axis_index(a, axis, op, "an int or a tuple of ints")
        if not -ndim <= a < ndim:
            raise error(f"{op}: axis {a} is out of range for a tensor of rank {ndim}; use -{ndim} <= axis < {ndim}")
        out.append(a % ndim)
    return tuple(out)


def canonical_axis(axis: int, ndim: int, op: str) -> int:
    """One axis as a non-negative int, checked against ``ndim``."""
    return canonical_axes(axis, ndim, op)[0]


def numeric_array(x: Any) -> np.ndarray:
    """``x`` as a NumPy array of numbers or booleans; DTypeError for strings, objects (None, dicts) and the like."""
    array = np.asarray(x)
    if array.dtype.kind not in "biufc":
        what = type(x).__name__ if array.dtype.kind == "O" and array.ndim == 0 else f"an array of dtype {array.dtype}"
        raise DTypeError(
            f"convert_to_tensor: expected numbers or booleans (an array, a number or a nested list of them), got "
            f"{what}; convert the data to numbers first (e.g. np.asarray(x, dtype='float32'), or integer labels)"
        )
    return array


def scatter_shape_error(x_shape: Any, indices_shape: Any, updates_shape: Any) -> ShapeError:
    """scatter_add's error for updates that do not fit the indexed slices (or indices out of range)."""
    x_shape, indices_shape = tuple(x_shape), tuple(indices_shape)
    expected = indices_shape[:-1] + x_shape[indices_shape[-1] :]
    return ShapeError(
        f"scatter_add: updates of shape {tuple(updates_shape)} do not fit x of shape {x_shape} indexed by indices "
        f"of shape {indices_shape}: expected updates of shape {expected} (indices.shape[:-1] + "
        "x.shape[m:]) and every index row within x's shape"
    )


def tile_reps(reps: Any) -> tuple[int, ...]:
    """``tile``'s repetitions as a shape tuple; ArgumentError for a negative count."""
    counts = as_shape(reps)
    if any(r < 0 for r in counts):
        raise ArgumentError(f"tile: reps {counts} has a negative count; each axis is repeated 0 or more times")
    return counts


def as_shape(shape: Any) -> tuple[int, ...]:
    """An int or a sequence of ints as a shape tuple."""
    if is_integer(shape):
        return (int(shape),)
    return tuple(int(s) if is_integer(s) else s for s in shape)


def arange_args(start: float, stop: float | None, step: float, dtype: str | None) -> tuple[float, float, float, str]:
    """``arange``'s arguments with NumPy's defaults filled in: one bound counts from 0; int64 for ints, else float32."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        dtype = "int64" if all(isinstance(v, int) for v in (start, stop, step)) else "float32"
    return start, stop, step, dtype


def arange_length(start: float, stop: float, step: float) -> int:
    """Number of elements of ``arange(start, stop, step)``."""
    if all(isinstance(v, int) for v in (start, stop, step)):
        return int(-((start - stop) // step))  # exact ceil for integers of any size
    return math.ceil((stop - start) / step)


def pad_pairs(pad_width: Any, ndim: int) -> list[tuple[int, int]]:
    """NumPy's ``pad_width`` (an int, one pair, or one pair per axis) as one ``(before, after)`` per axis."""
    pairs = np.asarray(pad_width, dtype=np.int64)
    try:
        pairs = np.broadcast_to(pairs, (ndim, 2))
    except ValueError:
        raise ArgumentError(
            f"pad: pad_width {pad_width!r} does not fit a tensor of rank {ndim}; "
            "pass an int, a (before, after) pair, or one pair per axis"
        ) from None
    if (pairs < 0).any():
        raise ArgumentError(f"pad: pad_width {pad_width!r} has negative entries; pad widths must be >= 0")
    return [(int(b), int(a)) for b, a in pairs]


def spatial_tuple(op: str, name: str, value: Any, n: int) -> tuple[Any, ...]:
    """A conv/pool argument (an int or one entry per spatial dimension) as a tuple of ``n`` entries."""
    if is_integer(value) or value is None:
        return (None if value is None else int(value),) * n
    if len(value) != n:
        raise ArgumentError(
            f"{op}: argument {name!r} has {len(value)} entries but the input has {n} spatial dimension(s); "
            f"pass an int or a tuple of {n}"
        )
    return tuple(value)


def transpose_window(k: int, s: int, d: int, padding: str, output_padding: int | None) -> tuple[int, int]:
    """``(start, tail)``: Keras' transposed-conv output is cells ``[start, start + (size - 1) * s + tail)``
    of the full transposed output, whose length is ``(size - 1) * s + (k - 1) * d + 1``."""
    ke = (k - 1) * d + 1
    if padding == "valid":
        return 0, (max(ke, s) if output_padding is None else ke + output_padding)
    tail = s if output_padding is None else ke % 2 + output_padding
    return max(ke - tail, 0) // 2, tail


def operand_shape_error(op: str, tensors: Any, exc: Exception) -> ShapeError:
    """The error for operands whose shapes do not fit ``op``."""
    shapes = " and ".join(str(tuple(t.shape)) for t in tensors)
    return ShapeError(f"{op}: operands of shapes {shapes} do not fit: {exc}")


def check_window_fits(op: str, spatial: Any, window: Any, dilation: Any, padding: str) -> None:
    """ShapeError when a "valid" window (dilated) is larger than the input: no output cell would exist."""
    if padding != "valid":
        return
    effective = tuple((k - 1) * d + 1 for k, d in zip(window, dilation))
    if any(size is not None and size < k for size, k in zip(spatial, effective)):
        raise ShapeError(
            f"{op}: the input's spatial size {tuple(spatial)} is smaller than the window {effective} "
            "with padding='valid'; use padding='same' or a larger input"
        )


def check_conv_bias(shape: Any, out_channels: int) -> None:
    """ShapeError unless a convolution's bias has shape ``(out_channels,)``."""
    if tuple(shape) != (out_channels,):
        raise ShapeError(
            f"conv: bias must have shape ({out_channels},), one value per output channel, got {tuple(shape)}"
        )


def muon_lr_ratio(adjust_lr_fn: str | None, shape: tuple[int, ...]) -> float:
    """Muon's learning-rate factor for a ``(rows, cols)`` matrix (torch.optim.Muon's ``_adjust_lr``).

    ``"original"`` (or None): ``sqrt(max(1, rows / cols))``; ``"match_rms_adamw"``: ``0.2 * sqrt(max(rows, cols))``.
    """
    rows, cols = shape[:2]
    if adjust_lr_fn == "match_rms_adamw":
        return 0.2 * math.sqrt(max(rows, cols))
    return math.sqrt(max(1, rows / cols))
