"""pad_sequences and to_categorical against keras.utils' functions on the same inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import dualnet as dn
from dualnet.data import pad_sequences, to_categorical

RAGGED = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9], [10, 11]]


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 3, 7])
def test_pad_sequences_equals_keras(padding: str, truncating: str, maxlen: int | None) -> None:
    import keras

    kwargs: dict[str, Any] = {"maxlen": maxlen, "padding": padding, "truncating": truncating, "value": -1}
    ours = pad_sequences(RAGGED, **kwargs)
    theirs = keras.utils.pad_sequences(RAGGED, **kwargs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_pad_sequences_of_vectors_floats_and_strings_equal_keras() -> None:
    import keras

    vectors = [np.ones((2, 3)), np.full((4, 3), 2.0)]
    np.testing.assert_array_equal(
        pad_sequences(vectors, dtype="float32", padding="post"),
        keras.utils.pad_sequences(vectors, dtype="float32", padding="post"),
    )
    words = [["a", "b"], ["c"]]
    np.testing.assert_array_equal(
        pad_sequences(words, dtype=object, value="<pad>"), keras.utils.pad_sequences(words, dtype=object, value="<pad>")
    )
    with pytest.raises(dn.ArgumentError, match="string padding value"):
        pad_sequences(words, value="<pad>")
    with pytest.raises(dn.ShapeError, match="sequence 1"):
        pad_sequences([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(dn.ArgumentError, match="padding"):
        pad_sequences(RAGGED, padding="middle")


@pytest.mark.parametrize(
    ("labels", "num_classes"),
    [([0, 2, 1, 2], None), ([[1], [0], [3]], 5), (np.array([[0, 1], [2, 1]]), None)],
    ids=["flat", "column", "matrix"],
)
def test_to_categorical_equals_keras(labels: Any, num_classes: int | None) -> None:
    import keras

    ours = to_categorical(labels, num_classes)
    theirs = keras.utils.to_categorical(labels, num_classes)
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)
    with pytest.raises(dn.ArgumentError, match="outside"):
        to_categorical([0, 3], num_classes=3)
