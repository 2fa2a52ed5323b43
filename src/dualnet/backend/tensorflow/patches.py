"""depth_to_space, space_to_depth, unfold and fold on TensorFlow, channels-last.

The block moves are TensorFlow's own kernels (its channel order is dualnet's).
``unfold`` is ``tf.image.extract_patches`` (already (kh, kw, C) per patch);
``fold`` adds each patch cell into its image cell with one segment sum over
indices computed from the static sizes: the exact adjoint of ``unfold``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor

IntOrPair = int | Sequence[int]


def _pair(value: IntOrPair) -> tuple[int, int]:
    return (int(value), int(value)) if isinstance(value, int) else (int(value[0]), int(value[1]))


def depth_to_space(x: ArrayLike, block_size: int) -> tf.Tensor:
    return tf.nn.depth_to_space(convert_to_tensor(x), block_size)


def space_to_depth(x: ArrayLike, block_size: int) -> tf.Tensor:
    return tf.nn.space_to_depth(convert_to_tensor(x), block_size)


def unfold(
    x: ArrayLike, kernel_size: IntOrPair, dilation: IntOrPair = 1, padding: IntOrPair = 0, stride: IntOrPair = 1
) -> tf.Tensor:
    x = convert_to_tensor(x)
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = map(_pair, (kernel_size, dilation, padding, stride))
    if ph or pw:
        x = tf.pad(x, [[0, 0], [ph, ph], [pw, pw], [0, 0]])
    patches = tf.image.extract_patches(x, [1, kh, kw, 1], [1, sh, sw, 1], [1, dh, dw, 1], "VALID")
    rows, cols = patches.shape[1], patches.shape[2]
    return tf.reshape(patches, [-1, rows * cols, kh * kw * x.shape[-1]])


def fold(
    x: ArrayLike,
    output_size: IntOrPair,
    kernel_size: IntOrPair,
    dilation: IntOrPair = 1,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
) -> tf.Tensor:
    x = convert_to_tensor(x)
    (oh, ow), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = map(_pair, (output_size, kernel_size, dilation, padding, stride))
    height, width = oh + 2 * ph, ow + 2 * pw
    across = (width - (kw - 1) * dw - 1) // sw + 1
    length, channels = x.shape[1], x.shape[2] // (kh * kw)
    # The padded image's flat cell of patch l's cell (i, j), in x's (l, i, j) order.
    block = np.arange(length)
    top, left = (block // across) * sh, (block % across) * sw
    rows = top[:, None, None] + (np.arange(kh) * dh)[None, :, None]
    cols = left[:, None, None] + (np.arange(kw) * dw)[None, None, :]
    cells = (rows * width + cols).reshape(-1)
    flat = tf.transpose(tf.reshape(x, [-1, length * kh * kw, channels]), [1, 0, 2])
    summed = tf.math.unsorted_segment_sum(flat, tf.constant(cells, tf.int32), height * width)
    image = tf.reshape(tf.transpose(summed, [1, 0, 2]), [-1, height, width, channels])
    return image[:, ph : ph + oh, pw : pw + ow, :]
