"""ctc_decode on both backends against keras.ops.ctc_decode (TensorFlow's decoders) and a brute-force reference.

The beam-search reference enumerates every alignment of a tiny case, sums
their probabilities per collapsed label sequence and ranks the sequences:
the exact answer a wide enough beam must find.
"""

from __future__ import annotations

import itertools
from typing import Any

import keras
import numpy as np
import pytest

import dualnet as dn
from tests.ops.nn_reference import log_softmax

RNG = np.random.default_rng(11)
LOGITS = (RNG.normal(size=(3, 6, 4)) * 2).astype(np.float32)
LENGTHS = np.array([6, 4, 1])


def _collapse(path: tuple[int, ...], blank: int) -> tuple[int, ...]:
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return tuple(c for c in merged if c != blank)


def _exact(logits: np.ndarray, steps: int, blank: int) -> list[tuple[tuple[int, ...], float]]:
    logp = log_softmax(logits[:steps].astype(np.float64))
    totals: dict[tuple[int, ...], float] = {}
    for path in itertools.product(range(logits.shape[-1]), repeat=steps):
        labels = _collapse(path, blank)
        totals[labels] = np.logaddexp(totals.get(labels, -np.inf), logp[np.arange(steps), path].sum())
    return sorted(totals.items(), key=lambda item: -item[1])


def _dense(labels: tuple[int, ...], width: int) -> list[int]:
    return list(labels) + [-1] * (width - len(labels))


@pytest.mark.parametrize(("merge_repeated", "mask_index"), [(True, 0), (False, 0), (True, 3)])
def test_greedy_matches_keras(backend: str, merge_repeated: bool, mask_index: int) -> None:
    paths, scores = dn.ops.ctc_decode(LOGITS, LENGTHS, merge_repeated=merge_repeated, mask_index=mask_index)
    keras_paths, keras_scores = keras.ops.ctc_decode(
        LOGITS, LENGTHS, merge_repeated=merge_repeated, mask_index=mask_index
    )
    assert dn.ops.dtype(paths) == "int32" and dn.ops.shape(paths) == (1, 3, 6)
    np.testing.assert_array_equal(dn.ops.to_numpy(paths), keras_paths)
    np.testing.assert_allclose(dn.ops.to_numpy(scores), keras_scores, rtol=1e-6)
    best = LOGITS.argmax(-1)
    for i, steps in enumerate(LENGTHS):  # the definition: best class per step, merged, blanks dropped
        row = tuple(best[i, :steps])
        labels = _collapse(row, mask_index) if merge_repeated else tuple(c for c in row if c != mask_index)
        np.testing.assert_array_equal(dn.ops.to_numpy(paths)[0, i], _dense(labels, 6))


@pytest.mark.parametrize("mask_index", [0, 2])
def test_beam_search_matches_keras_and_the_exact_ranking(backend: str, mask_index: int) -> None:
    paths, scores = dn.ops.ctc_decode(
        LOGITS, LENGTHS, strategy="beam_search", beam_width=64, top_paths=3, mask_index=mask_index
    )
    keras_paths, keras_scores = keras.ops.ctc_decode(
        LOGITS, LENGTHS, strategy="beam_search", beam_width=64, top_paths=3, mask_index=mask_index
    )
    assert dn.ops.shape(paths) == (3, 3, 6) and dn.ops.shape(scores) == (3, 3)
    np.testing.assert_array_equal(dn.ops.to_numpy(paths), keras_paths)
    np.testing.assert_allclose(dn.ops.to_numpy(scores), keras_scores, rtol=1e-5, atol=1e-5)
    for i in range(2):  # rows of 6 and 4 steps; a 64-beam search is exact at this size
        for rank, (labels, logp) in enumerate(_exact(LOGITS[i], LENGTHS[i], mask_index)[:3]):
            np.testing.assert_array_equal(dn.ops.to_numpy(paths)[rank, i], _dense(labels, 6))
            np.testing.assert_allclose(dn.ops.to_numpy(scores)[i, rank], logp, rtol=1e-5)


@pytest.mark.parametrize("beam_width", [1, 2])
def test_narrow_beams_keep_what_tensorflow_keeps(backend: str, beam_width: int) -> None:
    """With far fewer beams than prefixes the pruning decides the paths: they are TensorFlow's.

    The scores of such narrow searches are lower bounds of the exact ones (below
    ``_exact``'s), and TensorFlow's decoder keeps more of the pruned alignments'
    probability than the prefix recursion does, so only the paths are compared.
    """
    logits = (np.random.default_rng(12).normal(size=(3, 12, 5)) * 2).astype(np.float32)
    lengths = np.array([12, 9, 3])
    paths, scores = dn.ops.ctc_decode(logits, lengths, strategy="beam_search", beam_width=beam_width)
    keras_paths, _ = keras.ops.ctc_decode(logits, lengths, strategy="beam_search", beam_width=beam_width)
    np.testing.assert_array_equal(dn.ops.to_numpy(paths), keras_paths)
    assert np.all(dn.ops.to_numpy(scores) <= 0)


def test_in_a_graph(backend: str) -> None:
    fn = dn.function(lambda x, n: dn.ops.ctc_decode(x, n)[0])
    eager, _ = dn.ops.ctc_decode(LOGITS, LENGTHS)
    np.testing.assert_array_equal(dn.ops.to_numpy(fn(LOGITS, LENGTHS)), dn.ops.to_numpy(eager))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"strategy": "beam"}, dn.ArgumentError, r"ctc_decode\(strategy='beam'\): strategy must be one of"),
        ({"top_paths": 2}, dn.ArgumentError, r"ctc_decode\(top_paths=2\): top_paths must be an int in \[1, 1\]"),
        (
            {"strategy": "beam_search", "beam_width": 2, "top_paths": 3},
            dn.ArgumentError,
            r"ctc_decode\(top_paths=3\): top_paths must be an int in \[1, 2\]",
        ),
        ({"mask_index": 4}, dn.ArgumentError, r"ctc_decode\(mask_index=4\): mask_index must be an int in \[0, 3\]"),
        ({"inputs": LOGITS[0]}, dn.ShapeError, r"ctc_decode: expects inputs \(N, T, C\) and sequence_lengths \(N,\)"),
        ({"sequence_lengths": LENGTHS[:2]}, dn.ShapeError, r"got \(3, 6, 4\) and \(2,\)"),
    ],
)
def test_bad_arguments(backend: str, kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    args = {"inputs": LOGITS, "sequence_lengths": LENGTHS, **kwargs}
    with pytest.raises(error, match=match):
        dn.ops.ctc_decode(**args)
