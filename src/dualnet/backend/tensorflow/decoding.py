"""ctc_decode on TensorFlow: its CTC greedy and beam-search decoders, outputs made dense as Keras does.

The decoders have no XLA kernel: under ``jit=True`` the op fails to compile.
"""

from __future__ import annotations

import tensorflow as tf

from dualnet.backend.api.types import ArrayLike
from dualnet.backend.tensorflow.core import convert_to_tensor


def ctc_decode(
    inputs: ArrayLike,
    sequence_lengths: ArrayLike,
    strategy: str = "greedy",
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
    mask_index: int = 0,
) -> tuple[tf.Tensor, tf.Tensor]:
    x = convert_to_tensor(inputs)
    if not x.dtype.is_floating or x.dtype in (tf.float16, tf.bfloat16):
        x = tf.cast(x, tf.float32)
    shape = tf.shape(x, out_type=tf.int64)
    lengths = tf.cast(convert_to_tensor(sequence_lengths), tf.int32)
    steps = tf.transpose(x, (1, 0, 2))
    if strategy == "greedy":
        decoded, scores = tf.nn.ctc_greedy_decoder(steps, lengths, merge_repeated, blank_index=mask_index)
    else:
        # The beam decoder wants the blank last: move it there, and the ids above it back down afterwards.
        moved = tf.concat(
            [steps[..., :mask_index], steps[..., mask_index + 1 :], steps[..., mask_index : mask_index + 1]], -1
        )
        decoded, scores = tf.nn.ctc_beam_search_decoder(moved, lengths, beam_width, top_paths)
    dense = [
        tf.sparse.to_dense(tf.SparseTensor(path.indices, path.values, shape[:2]), default_value=-1) for path in decoded
    ]
    paths = tf.cast(tf.stack(dense), tf.int32)
    if strategy != "greedy":
        paths = tf.where(paths >= mask_index, paths + 1, paths)
    return paths, tf.cast(scores, x.dtype)
