"""``ctc_decode``: Keras 3's CTC decoding, greedy or beam search, with Keras's outputs."""

from __future__ import annotations

from typing import Any

from dualnet.arguments import check_bool, check_choice, check_int
from dualnet.backend.dispatch import B
from dualnet.errors import ShapeError

__all__ = ["ctc_decode"]

Tensor = Any


def ctc_decode(
    inputs: Any,
    sequence_lengths: Any,
    strategy: str = "greedy",
    beam_width: int = 100,
    top_paths: int = 1,
    merge_repeated: bool = True,
    mask_index: int = 0,
) -> tuple[Tensor, Tensor]:
    """Decode (N, T, C) per-step class scores into label sequences: ``(paths, scores)``.

    ``paths`` is int32 (top_paths, N, T): each sequence's labels first, then
    -1. ``sequence_lengths`` (N,) says how many steps of each row count.
    ``mask_index`` is the blank class.

    - ``"greedy"``: the best class per step; repeats merged when
      ``merge_repeated``, blanks dropped; ``top_paths`` is 1 and ``scores`` (N, 1)
      is minus the sum over the counted steps of each step's best input value
      (Keras's; pass log-probabilities for a negative log-likelihood).
    - ``"beam_search"``: the ``top_paths`` most probable label sequences under
      ``softmax(inputs)`` found with ``beam_width`` beams; ``scores`` (N, top_paths)
      are their log-probabilities. ``merge_repeated`` does not apply.

    On TensorFlow these are ``tf.nn.ctc_greedy_decoder`` and
    ``ctc_beam_search_decoder`` (no XLA kernel: not under ``jit=True``); torch,
    which has no CTC decoder, runs the greedy decoder in tensor ops and a
    prefix beam search on the host (NumPy). Both find the same paths; when the
    beam is too narrow to hold every likely prefix, the scores are lower bounds
    of the exact log-probabilities and TensorFlow's can be the higher ones.

    Raises:
        ShapeError: ``inputs`` is not (N, T, C) or ``sequence_lengths`` not (N,).
        ArgumentError: ``strategy``, ``beam_width``, ``top_paths`` (at most ``beam_width``), ``merge_repeated``
            or ``mask_index`` (a class of ``inputs``) is invalid.
    """
    op = "ctc_decode"
    strategy = check_choice(op, "strategy", strategy, ("greedy", "beam_search"))
    beam_width = check_int(op, "beam_width", beam_width, low=1, example="beam_width=100")
    high = 1 if strategy == "greedy" else beam_width
    top_paths = check_int(op, "top_paths", top_paths, low=1, high=high, example="top_paths=1")
    merge_repeated = check_bool(op, "merge_repeated", merge_repeated)
    inputs, sequence_lengths = B.convert_to_tensor(inputs), B.convert_to_tensor(sequence_lengths)
    shape, lengths = tuple(B.shape(inputs)), tuple(B.shape(sequence_lengths))
    if len(shape) != 3 or len(lengths) != 1 or (None not in (shape[0], lengths[0]) and shape[0] != lengths[0]):
        raise ShapeError(
            f"ctc_decode: expects inputs (N, T, C) and sequence_lengths (N,), got {shape} and {lengths}; "
            "pass one length per sequence"
        )
    classes = shape[2]
    mask_index = check_int(
        op, "mask_index", mask_index, low=0, high=None if classes is None else classes - 1, example="mask_index=0"
    )
    return B.ctc_decode(inputs, sequence_lengths, strategy, beam_width, top_paths, merge_repeated, mask_index)
