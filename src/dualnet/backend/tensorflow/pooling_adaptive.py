"""Adaptive pools on TensorFlow, one spatial axis at a time, from bins computed on the host.

TensorFlow has no adaptive pool. Both pools are separable over the axes: the
mean is a contraction with a (out, L) averaging matrix, the max a gather of
each bin's cells (padded by repeating a bin's last cell, which cannot change
its max) and a max over them. Both compile under XLA; the spatial sizes must
be known when the function is traced.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor
from dualnet.errors import ShapeError

IntOrTuple = int | Sequence[int]


def _bins(length: int, out: int) -> list[tuple[int, int]]:
    # PyTorch's bin edges: floor(i * L / out) and ceil((i + 1) * L / out).
    return [((i * length) // out, -(-((i + 1) * length) // out)) for i in range(out)]


def _sizes(op: str, x: tf.Tensor, output_size: IntOrTuple) -> list[tuple[int, int]]:
    spatial = x.shape[1:-1]
    if any(size is None for size in spatial):
        raise ShapeError(
            f"{op}: the spatial sizes of x must be known when the function is traced, got {tuple(x.shape)}; "
            "give the input a static shape"
        )
    out = (int(output_size),) * len(spatial) if isinstance(output_size, int) else tuple(output_size)
    return list(zip(spatial, out))


def adaptive_average_pool(x: ArrayLike, output_size: IntOrTuple) -> tf.Tensor:
    x = convert_to_tensor(x)
    for axis, (length, out) in enumerate(_sizes("adaptive_average_pool", x, output_size), start=1):
        weights = np.zeros((out, length))
        for i, (start, end) in enumerate(_bins(length, out)):
            weights[i, start:end] = 1.0 / (end - start)
        moved = tf.experimental.numpy.moveaxis(x, axis, -1)
        pooled = tf.tensordot(moved, tf.constant(weights.T, x.dtype), [[moved.shape.rank - 1], [0]])
        x = tf.experimental.numpy.moveaxis(pooled, -1, axis)
    return x


def adaptive_max_pool(x: ArrayLike, output_size: IntOrTuple) -> tf.Tensor:
    x = convert_to_tensor(x)
    for axis, (length, out) in enumerate(_sizes("adaptive_max_pool", x, output_size), start=1):
        bins = _bins(length, out)
        widest = max(end - start for start, end in bins)
        cells = np.array([[min(start + j, end - 1) for j in range(widest)] for start, end in bins], np.int32)
        x = tf.reduce_max(tf.gather(x, cells, axis=axis), axis + 1)
    return x
